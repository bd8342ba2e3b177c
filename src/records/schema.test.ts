import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitSchemas, SCHEMA_DIR } from './emit.js';
import { formatFinding } from './finding.js';
import { loadRecord } from './load.js';
import { editRecordText, stringifyRecord } from './write.js';

const enc = (s: string) => new TextEncoder().encode(s);
const root = join(import.meta.dirname, '..', '..');
const example = (p: string) => readFileSync(join(root, p), 'utf8');
const findingsOf = (path: string, text: string) =>
  loadRecord(path, enc(text)).findings.map(formatFinding);

const VERSION = 'registry/models/execution-agent/versions/1.0.0.yaml';

describe('schemas', () => {
  it('the committed JSON Schema files are current (run `npm run schemas` when this fails)', () => {
    const emitted = emitSchemas();
    const committed = readdirSync(join(root, SCHEMA_DIR)).sort();
    expect(committed).toEqual([...emitted.keys()].sort());
    for (const [name, text] of emitted)
      expect(readFileSync(join(root, SCHEMA_DIR, name), 'utf8'), name).toBe(text);
  });

  it('every example record starts with its $schema header', () => {
    const text = example(VERSION);
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../../../schemas/ModelVersion.schema.json',
    );
  });
});

describe('loadRecord findings point at the offending key or value', () => {
  it('an unknown key, with what is allowed', () => {
    const text = example(VERSION).replace('run: ', 'runn: 1\nrun: ');
    const line = text.split('\n').findIndex((l) => l.startsWith('runn:')) + 1;
    expect(findingsOf(VERSION, text)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${VERSION}:${line}:1: schema/unknown-key: unknown key "runn" in record \\(allowed: kind, schema_version, model`,
        ),
      ),
    ]);
  });

  it('a wrong type, on the value', () => {
    const text = example(VERSION).replace(/size: \d+/, 'size: big');
    const line = text.split('\n').findIndex((l) => l.includes('size: big')) + 1;
    expect(findingsOf(VERSION, text)).toEqual([
      `${VERSION}:${line}:9: schema/type: artifact.size must be integer; got string "big"`,
    ]);
  });

  it('a missing required key, at its parent', () => {
    const text = example(VERSION).replace(/ {2}format: json\n/, '');
    const line = text.split('\n').findIndex((l) => l.startsWith('artifact:')) + 1;
    expect(findingsOf(VERSION, text)).toEqual([
      `${VERSION}:${line}:1: schema/required: missing required key "format" in artifact`,
    ]);
  });

  it('a bad enum value, listing the allowed ones', () => {
    const text = example(VERSION).replace('level: major', 'level: huge');
    const line = text.split('\n').findIndex((l) => l.includes('level: huge')) + 1;
    expect(findingsOf(VERSION, text)).toEqual([
      `${VERSION}:${line}:10: schema/enum: change.level must be one of "major", "minor", "patch"; got "huge"`,
    ]);
  });

  it('a malformed semver and hash, with what was expected', () => {
    const path = 'registry/models/execution-agent/deployment.yaml';
    const text = example(path).replace('production: 1.0.0', 'production: v1');
    expect(findingsOf(path, text)).toEqual([
      expect.stringMatching(
        /:5:13: schema\/pattern: production must be a semantic version such as 2\.1\.0; got "v1"$/,
      ),
    ]);
  });

  it('an expectation of a known type with a wrong argument names the expectation', () => {
    const path = 'data/test-executions.yaml';
    const text = example(path).replace(
      '    values: [passed, failed]',
      '    valuez: [passed, failed]',
    );
    expect(findingsOf(path, text)).toEqual([
      expect.stringMatching(
        /:40:5: schema\/required: missing required key "values" in expectations\.3$/,
      ),
      expect.stringMatching(
        /:42:5: schema\/unknown-key: unknown key "valuez" in expectations\.3 \(allowed: type, column, values, mostly\)$/,
      ),
    ]);
  });

  it('an expectation of an unknown type lists the known ones', () => {
    const path = 'data/test-executions.yaml';
    const text = example(path).replace('type: in_set', 'type: in_list');
    expect(findingsOf(path, text)).toEqual([
      expect.stringMatching(
        /schema\/enum: expectations\.3\.type must be one of "not_null", "between", "in_set"/,
      ),
    ]);
  });

  it('path identity: the content must repeat what the path says', () => {
    const text = example(VERSION).replace('version: 1.0.0', 'version: 1.0.1');
    expect(findingsOf(VERSION, text)).toEqual([
      `${VERSION}:5:10: path/identity: version is "1.0.1" but the path says "1.0.0"`,
    ]);
  });

  it('path identity: the kind must fit the path', () => {
    expect(findingsOf('policies/rollout.yaml', example('policies/drift.yaml'))).toEqual([
      'policies/rollout.yaml:2:7: path/kind: a file at this path must be RolloutPolicy; got kind "DriftPolicy"',
    ]);
  });

  it('a YAML file outside the known layout', () => {
    expect(findingsOf('registry/models/x/notes.yaml', 'kind: Model\n')).toEqual([
      expect.stringMatching(
        /^registry\/models\/x\/notes\.yaml:1:1: path\/unknown: not a record path/,
      ),
    ]);
  });
});

describe('writing', () => {
  it('stringifyRecord is canonical: schema key order whatever the input order', () => {
    const policy = {
      on_demand: true,
      schedule: '0 2 * * 0',
      kind: 'RetrainingPolicy',
      automated_bump: 'minor',
      schema_version: 1,
      warning_deadline: '48h',
      on_critical_drift: true,
    };
    const text = stringifyRecord(policy);
    expect(text).toBe(
      '# yaml-language-server: $schema=../schemas/RetrainingPolicy.schema.json\n' +
        'kind: RetrainingPolicy\nschema_version: 1\nschedule: 0 2 * * 0\non_critical_drift: true\nwarning_deadline: 48h\non_demand: true\nautomated_bump: minor\n',
    );
    expect(loadRecord('policies/retraining.yaml', enc(text)).ok).toBe(true);
    expect(stringifyRecord(JSON.parse(JSON.stringify(policy)) as typeof policy)).toBe(text);
  });

  it('stringifyRecord sorts the names in a map (metrics) and keeps list order', () => {
    const v = loadRecord(VERSION, enc(example(VERSION)));
    if (!v.ok) throw new Error('example invalid');
    const shuffled = { ...v.record.value, metrics: { recall: 0.9, accuracy: 0.93 } };
    const text = stringifyRecord(shuffled as never);
    expect(text).toMatch(/metrics:\n {2}accuracy: 0\.93\n {2}recall: 0\.9\n/);
  });

  it('editRecordText changes one line and keeps comments and layout', () => {
    const path = 'registry/models/execution-agent/deployment.yaml';
    const text = example(path).replace('candidate: null', 'candidate: null # set by promotion');
    const edited = editRecordText(text, [{ path: ['candidate'], value: '1.1.0' }]);
    const changed = edited.split('\n').filter((l, i) => l !== text.split('\n')[i]);
    expect(changed).toEqual(['candidate: 1.1.0 # set by promotion']);
  });
});
