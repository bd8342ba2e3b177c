/**
 * `mlops audit`, `mlops history`, the dashboard and `mlops at` against what a commit message
 * alone can claim: production edited by hand, a hand-made "Merge pull request #77" with
 * Approved-by trailers, a backdated commit. Real repositories, the real CLI.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BranchAudit } from '../src/audit/index.js';
import { DEPLOYMENT, MODEL, promoteApproved, registerVersion } from './helpers/custody.js';
import { edit, exampleRegistry, type TestRegistry } from './helpers/registry.js';

let reg: TestRegistry;
afterEach(() => reg.cleanup());

const git = (env: Record<string, string>, ...a: string[]) =>
  execFileSync('git', a, {
    cwd: reg.dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Mallory',
      GIT_AUTHOR_EMAIL: 'mallory@example.com',
      GIT_COMMITTER_NAME: 'Mallory',
      GIT_COMMITTER_EMAIL: 'mallory@example.com',
      ...env,
    },
  });

/** The state audit leaves behind: it only reads. */
const refs = () => git({}, 'for-each-ref', '--format=%(refname) %(objectname)');

describe('mlops audit', () => {
  it('names the commit that edited production by hand as the broken link, and exits 1', async () => {
    reg = await exampleRegistry();
    await registerVersion(reg);
    const hand = await reg.commit(
      { [DEPLOYMENT]: edit(reg.files.get(DEPLOYMENT), 'production: 1.0.0', 'production: 1.1.0') },
      { message: 'hotfix production' },
    );
    const before = refs();
    const r = await reg.mlops('audit', MODEL);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toContain(`${MODEL}: production 1.0.0 verified`);
    expect(r.out).toContain(`${MODEL}: production 1.1.0 BROKEN`);
    expect(r.out).toContain(
      `first broken link: promotion at ${hand.slice(0, 7)} "hotfix production" by Test <test@example.com>: production set to 1.1.0 by hand: production changed by a commit that is not a rollout controller step`,
    );
    expect(r.out).toMatch(
      /chain of custody broken on main \([0-9a-f]{7}\) for: execution-agent\n$/,
    );
    const j = JSON.parse((await reg.mlops('audit', MODEL, '--json')).out) as BranchAudit;
    expect(j.ok).toBe(false);
    expect(j.models[0]!.chains[1]!.broken).toMatchObject({
      link: 'promotion',
      commit: { oid: hand, subject: 'hotfix production' },
    });
    // the other models still verify, and the audit wrote nothing
    const all = await reg.mlops('audit');
    expect(all.code).toBe(1);
    expect(all.out).toContain('requirements-agent: production 1.0.0 verified');
    const notBranch = await reg.mlops('audit', '--ref', 'HEAD');
    expect([notBranch.code, notBranch.err]).toEqual([
      2,
      'mlops: --ref must name a local branch; "HEAD" is none\n',
    ]);
    expect(refs()).toBe(before);
  });

  it('names a deleted rejection outside any chain: the old approval cannot be reused quietly', async () => {
    reg = await exampleRegistry();
    await registerVersion(reg);
    await promoteApproved(reg);
    expect((await reg.mlops('rollout', 'start', MODEL)).code).toBe(0);
    expect((await reg.mlops('rollout', 'abort', MODEL, '--reason', 'bad labels')).code).toBe(0);
    const text = readFileSync(join(reg.dir, DEPLOYMENT), 'utf8');
    const cleared = text.replace(/^rejected:\n(?: {2}.*\n)+/m, 'rejected: []\n');
    expect(cleared).not.toBe(text);
    const hand = await reg.commit({ [DEPLOYMENT]: cleared }, { message: 'clean up' });
    const r = await reg.mlops('audit', MODEL);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `${MODEL}: outside any chain: ✘ custody      rejected changed by a commit that is not a rollout controller step (${hand.slice(0, 7)} "clean up", Test <test@example.com>)`,
    );
  });

  it('shows a hand-made "Merge pull request #77" as claimed, not confirmed, and audit names it', async () => {
    reg = await exampleRegistry();
    await registerVersion(reg);
    // a real promotion first: #1, confirmed by the forge
    await promoteApproved(reg);
    await registerVersion(reg, '1.2.0', 0.99);
    // the forgery: a side branch setting the candidate, merged by hand under GitHub's subject
    const dep = git({}, 'show', `main:${DEPLOYMENT}`);
    await reg.commit(
      { [DEPLOYMENT]: edit(dep, 'candidate: 1.1.0', 'candidate: 1.2.0') },
      { branch: 'promote/execution-agent/1.2.0', message: 'Promote execution-agent 1.2.0' },
    );
    git(
      {},
      'merge',
      '--no-ff',
      '-q',
      'promote/execution-agent/1.2.0',
      '-m',
      'Merge pull request #77 from promote/execution-agent/1.2.0\n\nPromote execution-agent 1.2.0\n\nModel: execution-agent\nDecision: approved\nApproved-by: ml-leads',
    );
    const forged = git({}, 'rev-parse', 'HEAD').trim();

    const h = await reg.mlops('history', MODEL);
    expect(h.code, h.err).toBe(0);
    expect(h.out).toContain(
      '    ✘ #77 claimed by the commit message, not confirmed: #77 does not exist on the forge',
    );
    expect(h.out).toContain('      Approved-by: ml-leads (claimed)');
    expect(h.out).toMatch(/✔ #1 confirmed by the forge: merged into main as this commit/);
    const hj = JSON.parse((await reg.mlops('history', MODEL, '--json')).out) as {
      merged?: { commit: string; pull?: { number: number; confirmed: boolean } };
    }[];
    expect(hj.flatMap((e) => (e.merged?.pull ? [e.merged.pull] : []))).toEqual([
      expect.objectContaining({ number: 77, confirmed: false }),
      expect.objectContaining({ number: 1, confirmed: true }),
    ]);

    // the dashboard from git alone claims nothing; with the forge it confirms #1 and not #77
    expect((await reg.mlops('dashboard', '--out', 'site-git')).code).toBe(0);
    const plain = readFileSync(join(reg.dir, 'site-git', 'audit.html'), 'utf8');
    expect(plain).toContain('from the commit message (not confirmed)');
    expect(plain).not.toContain('confirmed by the forge');
    expect((await reg.mlops('dashboard', '--out', 'site-forge', '--confirm')).code).toBe(0);
    const checked = readFileSync(join(reg.dir, 'site-forge', 'audit.html'), 'utf8');
    expect(checked).toContain('confirmed by the forge');
    expect(checked).toContain(
      'claimed by the commit message, not confirmed: #77 does not exist on the forge',
    );

    const a = await reg.mlops('audit', MODEL);
    expect(a.code).toBe(1);
    expect(a.out).toContain(`${MODEL}: candidate 1.2.0 BROKEN`);
    expect(a.out).toContain(
      `first broken link: promotion-pr at ${forged.slice(0, 7)} "Merge pull request #77 from promote/execution-agent/1.2.0" by Mallory <mallory@example.com>: the commit claims pull request #77, which the forge does not confirm: #77 does not exist on the forge`,
    );
  });
});

describe('mlops at DATE', () => {
  it('follows the first-parent line and warns about a backdated commit', async () => {
    reg = await exampleRegistry();
    await registerVersion(reg);
    const write = (from: string, to: string) => {
      const path = join(reg.dir, DEPLOYMENT);
      writeFileSync(path, edit(readFileSync(path, 'utf8'), from, to));
      git({}, 'add', DEPLOYMENT);
    };
    const dated = (d: string) => ({ GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d });
    write('candidate: null', 'candidate: 1.1.0');
    git(dated('2026-02-01T00:00:00Z'), 'commit', '-q', '-m', 'candidate 1.1.0');
    // made after it, but dated a week before: it must not read as in effect on Jan 28
    write('production: 1.0.0', 'production: 1.1.0');
    git(dated('2026-01-25T00:00:00Z'), 'commit', '-q', '-m', 'backdated production');
    const back = git({}, 'rev-parse', 'HEAD').trim();

    const r = await reg.mlops('at', '2026-01-28', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as {
      models: { model: string; production: string; candidate: string | null }[];
      backwards: { commit: string }[];
    };
    expect(j.models.find((m) => m.model === MODEL)).toMatchObject({
      production: '1.0.0',
      candidate: null,
    });
    expect(j.backwards.map((b) => b.commit)).toEqual([back]);
    expect(r.err).toBe(
      `mlops: warning: ${back.slice(0, 7)} "backdated production" is dated 2026-01-25T00:00:00.000Z, before its parent (2026-02-01T00:00:00.000Z): dates go backwards here; it counts from its parent's date\n`,
    );
    const later = JSON.parse((await reg.mlops('at', '2026-02-02', '--json')).out) as typeof j;
    expect(later.models.find((m) => m.model === MODEL)).toMatchObject({ production: '1.1.0' });
  });
});
