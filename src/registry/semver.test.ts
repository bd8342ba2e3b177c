import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SemVer } from '../records/kinds/common.js';
import { formatFinding, loadRecord } from '../records/index.js';
import { SEMVER_PATTERN, compareSemVer, isSemVer, parseSemVer } from './semver.js';

const VALID = [
  '0.0.0',
  '1.0.0',
  '2.1.0',
  '10.20.30',
  '1.1.2-prerelease+meta',
  '1.0.0-alpha',
  '1.0.0-alpha.beta.1',
  '1.0.0-0.3.7',
  '1.0.0-x.7.z.92',
  '1.0.0-x-y-z.--',
  '1.0.0+20130313144700',
  '1.0.0-rc.1+build.1',
  '999999999999999.0.0',
];
const INVALID = [
  '',
  '1',
  '1.2',
  'v1.2.3',
  '01.2.3',
  '1.02.3',
  '1.2.03',
  '1.2.3-01',
  '1.2.3-',
  '1.2.3+',
  '1.2.3-a..b',
  '1.2.3.4',
  ' 1.2.3',
  '1.2.3\n',
  '1.2.3-é',
  '9999999999999999.0.0',
  '99999999999999999999.0.0',
];

describe('one semver definition', () => {
  it("is the records' schema pattern", () => {
    expect(SemVer.pattern).toBe(SEMVER_PATTERN);
  });

  it('accepts and refuses the same texts as the schema does on a record', () => {
    const path = 'registry/models/execution-agent/deployment.yaml';
    const base = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
    for (const v of [...VALID, ...INVALID]) {
      const text = base.replace(/^production: .*$/m, `production: ${JSON.stringify(v)}`);
      const r = loadRecord(path, new TextEncoder().encode(text));
      const schemaOk = r.ok || !r.findings.some((f) => f.rule === 'schema/pattern');
      expect({
        v,
        parsed: parseSemVer(v) !== null,
        schema: schemaOk,
        findings: r.ok ? [] : r.findings.map(formatFinding),
      }).toMatchObject({
        v,
        parsed: VALID.includes(v),
        schema: VALID.includes(v),
      });
      expect(isSemVer(v)).toBe(VALID.includes(v));
    }
  });

  it('reads MAJOR.MINOR.PATCH as exact numbers', () => {
    expect(parseSemVer('999999999999999.1.2-rc.1')).toEqual({
      major: 999999999999999,
      minor: 1,
      patch: 2,
      pre: ['rc', '1'],
    });
  });

  it('orders by precedence (semver.org §11), numeric identifiers at any length', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-beta.99999999999999999998',
      '1.0.0-beta.99999999999999999999',
      '1.0.0-rc.1',
      '1.0.0',
      '1.2.0',
      '1.10.0',
      '2.0.0',
    ];
    expect([...ordered].reverse().sort(compareSemVer)).toEqual(ordered);
    expect(compareSemVer('1.0.0+a', '1.0.0+b')).toBe(0);
  });
});
