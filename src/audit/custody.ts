/**
 * `mlops audit`: each production version's chain of custody on the branch's first-parent
 * history, link by link — registration (the commit that added the ModelVersion), promotion
 * pull request (a merge the forge confirms), approval (re-judged with the policy at the
 * merge's base), rollout steps (controller commits, legal transitions, one rollout id) and
 * promotion (production set by the controller's promote step) — naming the first broken
 * link with its commit.
 */
import type { Forge } from '../forge/index.js';
import { judgePromotion, promotionBranch } from '../promote/index.js';
import type { Repo } from '../repo/index.js';
import { claimedPull, confirmPull } from './confirm.js';
import { replayDeployment, type CommitRef, type Replayed } from './replay.js';

export type LinkName =
  'registration' | 'promotion-pr' | 'approval' | 'rollout' | 'promotion' | 'custody';

/** One link of a chain: what was checked, at which commit, and whether it holds. */
export interface Link {
  link: LinkName;
  ok: boolean;
  /** One line: what holds, or why it does not. */
  detail: string;
  commit?: CommitRef;
}

/** The chain of one version that reached production (or is the candidate now). */
export interface Chain {
  version: string;
  /** `production` for a version made production; `candidate` for the candidate in flight. */
  role: 'production' | 'candidate';
  /** The commit that set production (or the candidate). */
  at: CommitRef;
  links: Link[];
  /** The first link that does not hold; absent when the chain verifies. */
  broken?: Link;
}

export interface ModelAudit {
  model: string;
  /** Every production version in order, then the candidate in flight, if any. */
  chains: Chain[];
  /** Changes to controller-owned fields outside any chain (a `rejected` entry deleted, …). */
  violations: Link[];
  ok: boolean;
}

export interface AuditOptions {
  /** The branch replayed, and the base a promotion must have been merged into. */
  branch: string;
  model: string;
}

/**
 * Audits one model's chains of custody on `branch`.
 * @example
 * const a = await auditModel(repo, forge, { branch: 'main', model: 'fraud' });
 * if (!a.ok) console.log(a.chains.find((c) => c.broken)?.broken?.detail);
 */
export async function auditModel(repo: Repo, forge: Forge, o: AuditOptions): Promise<ModelAudit> {
  const replay = await replayDeployment(repo, { ref: o.branch, model: o.model, versions: true });
  const chains: Chain[] = [];
  const inChain = new Set<string>();
  for (let i = 0; i < replay.length; i++) {
    const r = replay[i]!;
    const was = r.before?.production ?? null;
    const now = r.after?.production ?? null;
    if (r.deploymentChanged && now !== null && now !== was) {
      chains.push(await productionChain(repo, forge, o, replay, i, inChain));
    }
  }
  const last = replay.at(-1)?.after;
  const candidate = last?.rollout?.candidate ?? last?.candidate ?? null;
  if (candidate) {
    const at = lastIndex(replay, replay.length - 1, (r) => candidateSet(r, candidate));
    if (at >= 0) chains.push(await candidateChain(repo, forge, o, replay, at, candidate, inChain));
  }
  const violations: Link[] = replay
    .filter((r) => r.verdict.kind === 'illegal' && !inChain.has(r.commit.oid))
    .map((r) => ({
      link: 'custody' as const,
      ok: false,
      detail: r.verdict.kind === 'illegal' ? r.verdict.why : '',
      commit: r.commit,
    }));
  const ok = violations.length === 0 && chains.every((c) => !c.broken);
  return { model: o.model, chains, violations, ok };
}

async function productionChain(
  repo: Repo,
  forge: Forge,
  o: AuditOptions,
  replay: Replayed[],
  at: number,
  inChain: Set<string>,
): Promise<Chain> {
  const r = replay[at]!;
  const version = r.after!.production!;
  inChain.add(r.commit.oid);
  const chain = (links: Link[]): Chain =>
    finish({ version, role: 'production', at: r.commit, links });
  const registration = registrationLink(replay, at, version);
  if (r.verdict.kind === 'seed') {
    return chain([
      registration,
      {
        link: 'promotion',
        ok: true,
        detail: `production ${version} since the registry's first commit (its import)`,
        commit: r.commit,
      },
    ]);
  }
  if (r.verdict.kind !== 'step' || r.verdict.decision !== 'promote') {
    const why = r.verdict.kind === 'illegal' ? r.verdict.why : 'not a promote step';
    return chain([
      registration,
      {
        link: 'promotion',
        ok: false,
        detail: `production set to ${version} by hand: ${why}`,
        commit: r.commit,
      },
    ]);
  }
  const id = r.verdict.rollout;
  const start = lastIndex(
    replay,
    at - 1,
    (x) => x.verdict.kind === 'step' && x.verdict.decision === 'start' && x.verdict.rollout === id,
  );
  const links: Link[] = [];
  if (start < 0) {
    links.push(registration, {
      link: 'rollout',
      ok: false,
      detail: `promote of rollout ${id}, which no controller start step began on ${o.branch}`,
      commit: r.commit,
    });
    return chain(links);
  }
  const pr = lastIndex(replay, start, (x) => candidateSet(x, version));
  links.push(registrationLink(replay, pr < 0 ? start : pr, version));
  links.push(...(await promotionLinks(repo, forge, o, replay, pr, version, inChain)));
  links.push(rolloutLink(replay, start, at, id, inChain));
  links.push({
    link: 'promotion',
    ok: true,
    detail: `production ${version} by the controller's promote step of ${id}`,
    commit: r.commit,
  });
  return chain(links);
}

async function candidateChain(
  repo: Repo,
  forge: Forge,
  o: AuditOptions,
  replay: Replayed[],
  at: number,
  version: string,
  inChain: Set<string>,
): Promise<Chain> {
  const links = [
    registrationLink(replay, at, version),
    ...(await promotionLinks(repo, forge, o, replay, at, version, inChain)),
  ];
  const id = replay.at(-1)?.after?.rollout?.id;
  if (id) {
    const start = lastIndex(
      replay,
      replay.length - 1,
      (x) =>
        x.verdict.kind === 'step' && x.verdict.decision === 'start' && x.verdict.rollout === id,
    );
    links.push(
      start < 0
        ? {
            link: 'rollout',
            ok: false,
            detail: `rollout ${id} was not begun by a controller start step`,
            commit: firstWithRollout(replay, id) ?? replay.at(-1)!.commit,
          }
        : rolloutLink(replay, start, replay.length, id, inChain),
    );
  }
  return finish({ version, role: 'candidate', at: replay[at]!.commit, links });
}

/** The commit that added the version's ModelVersion, on or before `upTo`. */
function registrationLink(replay: Replayed[], upTo: number, version: string): Link {
  const i = lastIndex(replay, upTo, (x) => x.registered.includes(version));
  if (i < 0)
    return {
      link: 'registration',
      ok: false,
      detail: `no commit on the branch added ModelVersion ${version} before it was promoted`,
    };
  return {
    link: 'registration',
    ok: true,
    detail: `ModelVersion ${version} added`,
    commit: replay[i]!.commit,
  };
}

/** The promotion pull request that set the candidate, confirmed by the forge, and its approval re-judged. */
async function promotionLinks(
  repo: Repo,
  forge: Forge,
  o: AuditOptions,
  replay: Replayed[],
  at: number,
  version: string,
  inChain: Set<string>,
): Promise<Link[]> {
  if (at < 0)
    return [
      {
        link: 'promotion-pr',
        ok: false,
        detail: `no commit on ${o.branch} made ${version} the candidate`,
      },
    ];
  const r = replay[at]!;
  inChain.add(r.commit.oid);
  const number = r.parents.length === 2 ? claimedPull(r.commit.subject) : null;
  if (number === null)
    return [
      {
        link: 'promotion-pr',
        ok: false,
        detail: `${version} was made the candidate by a commit that is no pull request's merge`,
        commit: r.commit,
      },
    ];
  const c = await confirmPull(forge, { number, commit: r.commit.oid, branch: o.branch });
  if (!c.confirmed)
    return [
      {
        link: 'promotion-pr',
        ok: false,
        detail: `the commit claims pull request #${number}, which the forge does not confirm: ${c.why}`,
        commit: r.commit,
      },
    ];
  const expected = promotionBranch(o.model, version);
  if (c.pr.head !== expected)
    return [
      {
        link: 'promotion-pr',
        ok: false,
        detail: `#${number} is from ${c.pr.head}, not ${expected}`,
        commit: r.commit,
      },
    ];
  const pr: Link = {
    link: 'promotion-pr',
    ok: true,
    detail: `#${number} merged into ${o.branch} (confirmed by the forge)`,
    commit: r.commit,
  };
  const j = await judgePromotion(
    repo,
    forge,
    { ...c.pr, base: r.parents[0]! },
    { model: o.model, version },
  );
  const by =
    j.result.decision === 'auto-approve'
      ? 'auto-approved by policy'
      : `approved by ${j.approval.approvedBy.join(', ')}`;
  const approval: Link = j.mergeable
    ? {
        link: 'approval',
        ok: true,
        detail: `#${number} ${by} (re-judged with the policy at its base)`,
        commit: r.commit,
      }
    : {
        link: 'approval',
        ok: false,
        detail: `#${number} was merged without a satisfying approval: ${j.status.description}`,
        commit: r.commit,
      };
  return [pr, approval];
}

/** Every owned change from the start (inclusive) to `end` (exclusive) is a legal step of rollout `id`. */
function rolloutLink(
  replay: Replayed[],
  start: number,
  end: number,
  id: string,
  inChain: Set<string>,
): Link {
  let steps = 0;
  for (let i = start; i < end; i++) {
    const x = replay[i]!;
    if (x.verdict.kind === 'unowned') continue;
    inChain.add(x.commit.oid);
    if (x.verdict.kind === 'illegal')
      return {
        link: 'rollout',
        ok: false,
        detail: `rollout ${id} was changed outside the controller: ${x.verdict.why}`,
        commit: x.commit,
      };
    if (x.verdict.kind === 'step' && x.verdict.rollout !== id)
      return {
        link: 'rollout',
        ok: false,
        detail: `a step of rollout ${x.verdict.rollout} in the middle of ${id}`,
        commit: x.commit,
      };
    steps++;
  }
  return {
    link: 'rollout',
    ok: true,
    detail: `rollout ${id}: ${steps} controller step(s), each a legal transition`,
    commit: replay[start]!.commit,
  };
}

function candidateSet(r: Replayed, version: string): boolean {
  return r.deploymentChanged && r.after?.candidate === version && r.before?.candidate !== version;
}

function firstWithRollout(replay: Replayed[], id: string): CommitRef | undefined {
  return replay.find((x) => x.after?.rollout?.id === id && x.before?.rollout?.id !== id)?.commit;
}

function lastIndex(replay: Replayed[], from: number, pred: (r: Replayed) => boolean): number {
  for (let i = Math.min(from, replay.length - 1); i >= 0; i--) if (pred(replay[i]!)) return i;
  return -1;
}

function finish(c: Chain): Chain {
  const broken = c.links.find((l) => !l.ok);
  return broken ? { ...c, broken } : c;
}
