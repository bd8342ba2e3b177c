import type { ModelVersion } from '../records/index.js';
import { RegistryError } from './errors.js';
import { compareSemVer, parseSemVer } from './semver.js';

export type ChangeLevel = ModelVersion['change']['level'];
export type Architecture = ModelVersion['architecture'];

export interface ChangeInput {
  /** Every registered version of the model (only `version` and `architecture` are read). */
  existing: Pick<ModelVersion, 'version' | 'architecture'>[];
  /** The version in production, if any. */
  production?: string;
  /** What the new run's trainer reported. */
  architecture: Architecture;
  /** Ask for a patch (a fix) instead of a minor retrain. */
  patch?: boolean;
}

export interface ChangeDecision {
  level: ChangeLevel;
  version: string;
  why: string;
}

/**
 * The next version of a model by the rules of DESIGN §12: MAJOR for a new architecture or
 * framework, PATCH for fixes (when asked), MINOR for a retrain. The new version is always
 * greater than every existing one.
 * @example
 * decideChange({ existing: [], architecture: { type: 'mlp', framework: 'pytorch' } })
 * // { level: 'major', version: '1.0.0', why: 'first version' }
 * decideChange({ existing: [v1_0_0], production: '1.0.0', architecture: v1_0_0.architecture })
 * // { level: 'minor', version: '1.1.0', why: 'retrained; same architecture as 1.0.0: …' }
 */
export function decideChange(input: ChangeInput): ChangeDecision {
  const sorted = [...input.existing].sort((a, b) => compareSemVer(a.version, b.version));
  const highest = sorted.at(-1);
  if (!highest) return { level: 'major', version: '1.0.0', why: 'first version' };
  const top = parseSemVer(highest.version);
  // records pass the schema's semver pattern, so this only guards hand-built input
  if (!top) throw new Error(`existing version ${highest.version} is not a semantic version`);

  // compare with what serves traffic; with nothing in production, with the newest version
  const base = sorted.find((v) => v.version === input.production) ?? highest;
  const next = input.architecture;
  const changed =
    base.architecture.type !== next.type || base.architecture.framework !== next.framework;
  const from = `${describe(base.architecture)} in ${base.version}`;

  // every branch bumps the highest version's numbers, so the result is above every existing one
  if (changed) {
    if (input.patch) {
      throw new RegistryError(
        'PATCH_CHANGES_ARCHITECTURE',
        `a patch cannot change the architecture (${from} → ${describe(next)}); register it as a major version instead (no patch)`,
        { from: base.architecture, to: next, base: base.version },
      );
    }
    return {
      level: 'major',
      version: `${top.major + 1}.0.0`,
      why: `architecture changed from ${from} to ${describe(next)}`,
    };
  }
  if (input.patch) {
    return {
      level: 'patch',
      version: `${top.major}.${top.minor}.${top.patch + 1}`,
      why: `patch of ${highest.version}`,
    };
  }
  return {
    level: 'minor',
    version: `${top.major}.${top.minor + 1}.0`,
    why: `retrained; same architecture as ${base.version}: ${describe(next)}`,
  };
}

function describe(a: Architecture): string {
  return `${a.type} (${a.framework})`;
}
