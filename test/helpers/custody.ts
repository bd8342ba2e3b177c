/**
 * A version's legitimate way to the candidate, as the tests of the controller's verification
 * and of `mlops audit` need it: registered on main, promoted through its pull request, and
 * approved by an approver when governance does not approve it by policy.
 */
import { expect } from 'vitest';
import { readRolloutSnapshot } from '../../src/rollout/index.js';
import { resolveRef } from '../../src/repo/index.js';
import type { TestRegistry } from './registry.js';

export const MODEL = 'execution-agent';
export const DEPLOYMENT = `registry/models/${MODEL}/deployment.yaml`;
export const VERSIONS = `registry/models/${MODEL}/versions`;

/** Registers `version` on main: 1.0.0's records, more accurate, a minor change. */
export async function registerVersion(
  reg: TestRegistry,
  version = '1.1.0',
  accuracy = 0.964,
): Promise<string> {
  const old = reg.files.get(`${VERSIONS}/1.0.0.yaml`)!;
  const card = reg.files.get(`model-cards/${MODEL}/1.0.0.yaml`)!;
  return reg.commit(
    {
      [`${VERSIONS}/${version}.yaml`]: old
        .replace('version: 1.0.0', `version: ${version}`)
        .replace('accuracy: 0.938', `accuracy: ${accuracy}`)
        .replace('1.0.0.yaml', `${version}.yaml`)
        .replace('level: major', 'level: minor'),
      [`model-cards/${MODEL}/${version}.yaml`]: card.replace(
        /version: 1\.0\.0/,
        `version: ${version}`,
      ),
    },
    { message: `Register ${MODEL} ${version}` },
  );
}

/**
 * `mlops promote` as ana, then — unless governance merged it by policy — `mlops pr approve`
 * as qa-leads (an approver who wrote none of it); returns the pull request's number.
 */
export async function promoteApproved(
  reg: TestRegistry,
  version = '1.1.0',
  run: (...argv: string[]) => Promise<{ code: number; out: string; err: string }> = (...a) =>
    reg.mlops(...a),
): Promise<number> {
  const p = await run('promote', MODEL, version, '--as', 'ana', '--json');
  expect(p.code, p.out + p.err).toBe(0);
  const number = (JSON.parse(p.out) as { pr: { number: number } }).pr.number;
  const candidate = async () =>
    (await readRolloutSnapshot(reg.repo, await resolveRef(reg.repo, 'main'), MODEL)).deployment
      .candidate;
  if ((await candidate()) !== version) {
    const a = await run('pr', 'approve', String(number), '--as', 'qa-leads');
    expect(a.code, a.out + a.err).toBe(0);
  }
  expect(await candidate()).toBe(version);
  return number;
}
