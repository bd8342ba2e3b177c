import { describe, expect, it } from 'vitest';
import { type ModelVersion } from '../records/index.js';
import { RegistryError } from './errors.js';
import { decideChange } from './versioning.js';
import { exampleRecord } from '../../test/helpers/example-record.js';

const v1 = exampleRecord<ModelVersion>('registry/models/execution-agent/versions/1.0.0.yaml');
const lr = v1.architecture; // logistic-regression (typescript)
const mlp = { type: 'mlp', framework: 'typescript' };
const at = (version: string, architecture = lr) => ({ version, architecture });

describe('decideChange', () => {
  it('starts a model at 1.0.0', () => {
    expect(decideChange({ existing: [], architecture: lr })).toEqual({
      level: 'major',
      version: '1.0.0',
      why: 'first version',
    });
  });

  it('a retrain with the same architecture is a minor bump of the highest version', () => {
    expect(decideChange({ existing: [v1], production: '1.0.0', architecture: lr })).toEqual({
      level: 'minor',
      version: '1.1.0',
      why: 'retrained; same architecture as 1.0.0: logistic-regression (typescript)',
    });
  });

  it('orders versions by semver, not as text, and ignores input order', () => {
    const existing = [at('1.10.0'), at('1.9.0'), at('1.2.0')];
    expect(decideChange({ existing, production: '1.9.0', architecture: lr }).version).toBe(
      '1.11.0',
    );
    expect(existing.map((v) => v.version)).toEqual(['1.10.0', '1.9.0', '1.2.0']);
  });

  it('bumps past a pre-release that is the highest version', () => {
    const existing = [at('1.0.0'), at('2.0.0-rc.1', mlp)];
    expect(decideChange({ existing, architecture: mlp }).version).toBe('2.1.0');
    expect(decideChange({ existing, architecture: mlp, patch: true }).version).toBe('2.0.1');
  });

  it('a new architecture type is a major bump above the highest major, naming old → new', () => {
    const existing = [at('1.0.0'), at('1.3.0')];
    expect(decideChange({ existing, production: '1.0.0', architecture: mlp })).toEqual({
      level: 'major',
      version: '2.0.0',
      why: 'architecture changed from logistic-regression (typescript) in 1.0.0 to mlp (typescript)',
    });
  });

  it('a new framework alone is a major bump', () => {
    const torch = { type: 'logistic-regression', framework: 'pytorch' };
    const d = decideChange({ existing: [v1], production: '1.0.0', architecture: torch });
    expect(d).toMatchObject({ level: 'major', version: '2.0.0' });
    expect(d.why).toContain('(typescript) in 1.0.0 to logistic-regression (pytorch)');
  });

  it('compares with the production version, not the newest one', () => {
    // 2.0.0 (mlp) was registered but never promoted: an mlp run still changes what serves
    const existing = [at('1.0.0'), at('2.0.0', mlp)];
    expect(decideChange({ existing, production: '1.0.0', architecture: mlp })).toMatchObject({
      level: 'major',
      version: '3.0.0',
    });
    expect(decideChange({ existing, production: '2.0.0', architecture: mlp })).toMatchObject({
      level: 'minor',
      version: '2.1.0',
    });
  });

  it('without production (or with an unknown one) compares with the highest version', () => {
    const existing = [at('1.0.0'), at('2.0.0', mlp)];
    expect(decideChange({ existing, architecture: mlp }).level).toBe('minor');
    expect(decideChange({ existing, production: '9.9.9', architecture: mlp }).level).toBe('minor');
    expect(decideChange({ existing, architecture: lr })).toMatchObject({
      level: 'major',
      version: '3.0.0',
    });
  });

  it('a patch bumps the highest version’s patch number', () => {
    const existing = [at('1.0.0'), at('1.1.0'), at('1.0.1')];
    expect(decideChange({ existing, production: '1.0.0', architecture: lr, patch: true })).toEqual({
      level: 'patch',
      version: '1.1.1',
      why: 'patch of 1.1.0',
    });
  });

  it('refuses a patch that changes the architecture', () => {
    const attempt = () =>
      decideChange({ existing: [v1], production: '1.0.0', architecture: mlp, patch: true });
    expect(attempt).toThrow(RegistryError);
    expect(attempt).toThrow(/a patch cannot change the architecture/);
    try {
      attempt();
    } catch (e) {
      expect((e as RegistryError).code).toBe('PATCH_CHANGES_ARCHITECTURE');
      expect((e as RegistryError).data).toMatchObject({ base: '1.0.0', to: mlp });
    }
  });

  it('a patch of a first version is simply 1.0.0', () => {
    expect(decideChange({ existing: [], architecture: mlp, patch: true }).version).toBe('1.0.0');
  });
});
