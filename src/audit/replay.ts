/**
 * Replays a model's Deployment along the branch's first-parent history: every commit that
 * changed the Deployment, its traffic files or its versions, oldest first, each with the
 * Deployment before and after and the verdict of the ownership rules.
 */
import { loadRecord, type Deployment, type RolloutPolicy } from '../records/index.js';
import { history, readBlob, readFiles, type HistoryEntry, type Repo } from '../repo/index.js';
import { firstParentLog } from '../repo/first-parent-log.js';
import { deploymentPath, ROLLOUT_POLICY_PATH } from '../rollout/controller/read.js';
import { trafficDir } from '../rollout/controller/traffic-files.js';
import { judgeChange, type Verdict } from './ownership.js';

/** A commit as the audit names it. */
export interface CommitRef {
  oid: string;
  short: string;
  subject: string;
  /** `Name <email>` of the author. */
  author: string;
  /** The author date, ISO. */
  date: string;
}

/** One commit of the replay. */
export interface Replayed {
  commit: CommitRef;
  parents: string[];
  trailers: Record<string, string[]>;
  /** Whether it changed the Deployment file (else only traffic files or versions). */
  deploymentChanged: boolean;
  before: Deployment | null;
  after: Deployment | null;
  verdict: Verdict;
  /** Version files this commit added (`1.3.0`, …). */
  registered: string[];
}

export interface ReplayOptions {
  /** The branch (or commit) to replay; its first parents are walked. */
  ref: string;
  model: string;
  /** Also list the commits that added versions of the model (for the audit's registration link). */
  versions?: boolean;
  /**
   * Only the commits since the one that set the current production (that one included): what
   * the controller re-checks before a step. The walk stops there, so a tick never reads the
   * whole history.
   */
  sinceProduction?: boolean;
}

/**
 * The model's Deployment history on the first-parent line of `ref`, oldest first.
 * @example
 * const steps = await replayDeployment(repo, { ref: 'main', model: 'fraud' });
 * steps.filter((s) => s.verdict.kind === 'illegal') // the commits that broke custody
 */
export async function replayDeployment(repo: Repo, o: ReplayOptions): Promise<Replayed[]> {
  const dep = deploymentPath(o.model);
  const tip = await readFiles(repo, o.ref, [ROLLOUT_POLICY_PATH]);
  const tipPolicy = loadAs<RolloutPolicy>(ROLLOUT_POLICY_PATH, tip.get(ROLLOUT_POLICY_PATH)?.bytes);
  const traffic = `${trafficDir(tipPolicy ?? ({ stages: [] } as unknown as RolloutPolicy), o.model)}/`;
  const versions = `registry/models/${o.model}/versions/`;
  const paths = [dep, traffic, ...(o.versions ? [versions] : [])];
  const blobs = new Map<string, Deployment | null>();
  const policies = new Map<string, RolloutPolicy | null>();
  const deploymentAt = async (oid: string | undefined): Promise<Deployment | null> => {
    if (!oid) return null;
    const known = blobs.get(oid);
    if (known !== undefined) return known;
    const d = loadAs<Deployment>(dep, await readBlob(repo, oid));
    blobs.set(oid, d);
    return d;
  };
  const policyAt = async (commit: string | undefined): Promise<RolloutPolicy | null> => {
    if (!commit) return null;
    const f = (await readFiles(repo, commit, [ROLLOUT_POLICY_PATH])).get(ROLLOUT_POLICY_PATH);
    if (!f) return null;
    const key = f.oid ?? '';
    const known = policies.get(key);
    if (known !== undefined && key) return known;
    const p = loadAs<RolloutPolicy>(ROLLOUT_POLICY_PATH, f.bytes);
    policies.set(key, p);
    return p;
  };

  let log: HistoryEntry[];
  if (o.sinceProduction) {
    log = [];
    for await (const e of firstParentLog(repo, { ref: o.ref, paths })) {
      log.push(e);
      const c = e.changes.find((x) => x.path === dep);
      if (e.parents.length === 0) break;
      if (!c) continue;
      const before = await deploymentAt(c.baseOid);
      const after = await deploymentAt(c.headOid);
      if ((before?.production ?? null) !== (after?.production ?? null)) break;
    }
  } else {
    log = await history(repo, { ref: o.ref, paths, firstParent: true });
  }

  const out: Replayed[] = [];
  let current: Deployment | null = null;
  const ordered = [...log].reverse();
  for (let i = 0; i < ordered.length; i++) {
    const e = ordered[i]!;
    const change = e.changes.find((c) => c.path === dep);
    const trafficChanged = e.changes.some((c) => c.path.startsWith(traffic));
    const registered = e.changes
      .filter((c) => c.status === 'added' && c.path.startsWith(versions))
      .map((c) => c.path.slice(versions.length).replace(/\.yaml$/, ''));
    // the first commit seen may not be the first on the line: read what was there before it
    if (i === 0 && e.parents[0]) {
      const prior = (await readFiles(repo, e.parents[0], [dep])).get(dep);
      current = await deploymentAt(prior?.oid);
    }
    const before: Deployment | null = change ? await deploymentAt(change.baseOid) : current;
    const after: Deployment | null = change ? await deploymentAt(change.headOid) : current;
    const owned = change !== undefined || trafficChanged;
    const verdict: Verdict = owned
      ? judgeChange({
          model: o.model,
          parents: e.parents.length,
          trailers: e.trailers,
          time: e.author.timestamp,
          before,
          after,
          traffic: trafficChanged,
          policy: await policyAt(e.parents[0]),
          root: e.parents.length === 0,
        })
      : { kind: 'unowned' };
    current = after;
    out.push({
      commit: commitRef(e),
      parents: e.parents,
      trailers: e.trailers,
      deploymentChanged: change !== undefined,
      before,
      after,
      verdict,
      registered,
    });
  }
  return out;
}

/**
 * The replay of the current rollout and production only: the commits since the one that set
 * the current production (that one included), which is what the controller re-checks before
 * each step. Older history is the audit's.
 * @example
 * sinceProduction(await replayDeployment(repo, { ref: head, model: 'fraud', sinceProduction: true }))
 *   .find((r) => r.verdict.kind === 'illegal') // the commit that broke custody since, if any
 */
export function sinceProduction(replay: Replayed[]): Replayed[] {
  for (let i = replay.length - 1; i >= 0; i--) {
    const r = replay[i]!;
    if (r.deploymentChanged && (r.before?.production ?? null) !== (r.after?.production ?? null))
      return replay.slice(i);
  }
  return replay;
}

/**
 * A history entry as the audit names a commit.
 * @example
 * commitRef(entry) // { oid: '3f2a…', short: '3f2a1bc', subject: 'hotfix', author: 'Eve <e@x>', date: '2026-…' }
 */
export function commitRef(e: HistoryEntry): CommitRef {
  return {
    oid: e.oid,
    short: e.oid.slice(0, 7),
    subject: e.subject,
    author: `${e.author.name} <${e.author.email}>`,
    date: new Date(e.author.timestamp * 1000).toISOString(),
  };
}

function loadAs<T>(path: string, bytes: Uint8Array | undefined): T | null {
  if (!bytes) return null;
  const r = loadRecord(path, bytes);
  return r.ok ? (r.record.value as unknown as T) : null;
}
