import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './helpers/cli.js';
import { DEFAULT_ANALYSIS } from '../src/cli/commands/ab.js';
import type { RolloutPolicy } from '../src/records/index.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder without policies/: the shipped defaults apply. */
function bare(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-ab-test-'));
  made.push(dir);
  return dir;
}

const shippedPolicy = readFileSync(new URL('../policies/rollout.yaml', import.meta.url), 'utf8');

const mlops = (cwd: string, ...argv: string[]) => runCli(cwd, argv);

interface AbJson {
  probability: number;
  method: string;
  expectedLoss: { control: number; treatment: number };
  samplesNeeded: { perArm: number | null; control: number | null; treatment: number | null };
  decision: string;
  reason: string;
  policy: { promote_probability: number; min_samples_per_arm: number; source: string };
}

describe('mlops ab', () => {
  it('prints P(treatment > control), the losses, the samples needed and the decision', async () => {
    const r = await mlops(bare(), 'ab', '--control', '480/1000', '--treatment', '520/1000');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('P(treatment > control)         0.9631 (exact)');
    expect(r.out).toContain('expected loss, keep control    4.02 points');
    expect(r.out).toContain('expected loss, ship treatment  0.0329 points');
    expect(r.out).toContain('2,450 (1,450 more for control, 1,450 more for treatment)');
    expect(r.out).toContain('(shipped defaults)');
    expect(r.out).toContain(
      'decision                       promote: P(treatment > control) = 0.9631 >= 0.95',
    );
  });

  it('--json carries every figure; counts of 10⁶ take the normal approximation', async () => {
    const r = await mlops(
      bare(),
      'ab',
      '--control',
      '500123/1000000',
      '--treatment',
      '501987/1000000',
      '--json',
    );
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as AbJson;
    expect(j.method).toBe('normal');
    expect(j.probability).toBeCloseTo(0.9958067, 6);
    expect(j.expectedLoss.control - j.expectedLoss.treatment).toBeCloseTo(
      (501988 - 500124) / 1000002,
      12,
    );
    expect(j.samplesNeeded).toEqual({ perArm: 1129652, control: 129652, treatment: 129652 });
    expect(j.decision).toBe('promote');
    expect(j.policy).toEqual({ ...DEFAULT_ANALYSIS, source: 'shipped defaults' });
  });

  it('keeps the control, continues, and waits for data by the policy’s minimum', async () => {
    const dir = bare();
    const decision = async (...argv: string[]) => {
      const r = await mlops(dir, 'ab', ...argv, '--json');
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(r.out) as AbJson).decision;
    };
    expect(await decision('--control', '520/1000', '--treatment', '480/1000')).toBe('keep-control');
    expect(await decision('--control', '500/1000', '--treatment', '510/1000')).toBe('continue');
    expect(await decision('--control', '0/999', '--treatment', '900/1000')).toBe('wait-for-data');
    expect(
      await decision('--control', '0/999', '--treatment', '900/1000', '--min-samples', '10'),
    ).toBe('promote');
    const equal = await mlops(dir, 'ab', '--control', '5/10', '--treatment', '5/10');
    expect(equal.out).toContain('never (no observed difference)');
    expect(equal.out).toContain(
      'wait-for-data: control has 10 and treatment has 10 of the 1000 trials',
    );
  });

  it('takes its thresholds from policies/rollout.yaml in the work tree', async () => {
    const dir = bare();
    mkdirSync(join(dir, 'policies'));
    writeFileSync(
      join(dir, 'policies/rollout.yaml'),
      shippedPolicy.replace('promote_probability: 0.95', 'promote_probability: 0.99'),
    );
    const r = await mlops(dir, 'ab', '--control', '480/1000', '--treatment', '520/1000', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as AbJson;
    expect(j.decision).toBe('continue');
    expect(j.policy.source).toBe('policies/rollout.yaml');
    expect(j.policy.promote_probability).toBe(0.99);
    const text = await mlops(dir, 'ab', '--control', '480/1000', '--treatment', '520/1000');
    expect(text.out).toContain('is between 0.05 and 0.99');
  });

  it('its shipped defaults are the shipped policy’s', () => {
    expect(DEFAULT_ANALYSIS).toEqual((parse(shippedPolicy) as RolloutPolicy).analysis);
  });

  it('bad counts are usage errors (exit 2) with a clear message', async () => {
    const dir = bare();
    const cases: [string[], RegExp][] = [
      [
        ['--control', '5/3', '--treatment', '1/10'],
        /--control must be S\/N.*5 successes is more than 3 trials/,
      ],
      [['--control', 'x/10', '--treatment', '1/10'], /--control must be S\/N.*got "x\/10"/],
      [
        ['--control', '-5/10', '--treatment', '1/10'],
        /--control .*cannot be negative; got "-5\/10"/,
      ],
      [['--control', '5/10', '--treatment', '1/-10'], /--treatment .*cannot be negative/],
      [['--control', '5/10', '--treatment', '1.5/10'], /--treatment must be S\/N/],
      [
        ['--control', '5/10', '--treatment', '5/10', '--min-samples', '0'],
        /--min-samples must be a whole number >= 1/,
      ],
      [['--treatment', '1/10'], /required option '--control <S\/N>'/],
    ];
    for (const [argv, message] of cases) {
      const r = await mlops(dir, 'ab', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.out).toBe('');
    }
  });

  it('a broken policy is an environment error (exit 2) naming the file', async () => {
    const dir = bare();
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies/rollout.yaml'), shippedPolicy.replace('0.95', '1.5'));
    const r = await mlops(dir, 'ab', '--control', '480/1000', '--treatment', '520/1000');
    expect(r.code).toBe(2);
    expect(r.err).toContain('policies/rollout.yaml');
  });
});
