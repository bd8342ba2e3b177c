import { resolveRef, type Repo } from '../repo/index.js';
import { ForgeError } from './errors.js';
import {
  LocalStore,
  statusList,
  type DispatchRecord,
  type IssueRecord,
  type StatusRecord,
} from './local-store.js';
import type { CommitStatus, Issue, StatusState } from './port.js';

/** What the local forge's record functions work with. */
export interface StoreContext {
  repo: Repo;
  store: LocalStore;
  login: string;
  now: () => Date;
}

export const OID = /^[0-9a-f]{40}$/;
const STATES: readonly StatusState[] = ['success', 'failure', 'pending', 'error'];

/** The open issue with exactly this title, or null. */
export async function findIssue(ctx: StoreContext, title: string): Promise<Issue | null> {
  for (const n of await ctx.store.numbers('issues')) {
    const r = await ctx.store.read<IssueRecord>(`issues/${n}.json`);
    if (r && r.state === 'open' && r.title === title) return issueView(r);
  }
  return null;
}

/** A new issue, numbered in the sequence pull requests share. */
export async function createIssue(
  ctx: StoreContext,
  input: { title: string; body: string; labels?: string[] },
): Promise<Issue> {
  if (input.title.trim() === '') throw new ForgeError('INVALID', 'an issue needs a title');
  return ctx.store.withLock(async () => {
    const number = await ctx.store.next('number');
    const at = ctx.now().toISOString();
    const record: IssueRecord = {
      number,
      title: input.title,
      body: input.body,
      state: 'open',
      labels: [...new Set(input.labels ?? [])],
      author: ctx.login,
      comments: [],
      createdAt: at,
      updatedAt: at,
    };
    await ctx.store.write(`issues/${number}.json`, record);
    return issueView(record);
  });
}

/** True when `number` is an issue (not a pull request). */
export async function isIssue(ctx: StoreContext, number: number): Promise<boolean> {
  return validNumber(number)
    ? (await ctx.store.read<IssueRecord>(`issues/${number}.json`)) !== undefined
    : false;
}

/** Read-modify-write of an issue under the lock. */
export function updateIssueRecord(
  ctx: StoreContext,
  number: number,
  change: (r: IssueRecord) => void | Promise<void>,
): Promise<IssueRecord> {
  return ctx.store.withLock(async () => {
    const r = validNumber(number)
      ? await ctx.store.read<IssueRecord>(`issues/${number}.json`)
      : undefined;
    if (!r) throw new ForgeError('NOT_FOUND', `no issue #${number}`, { number });
    await change(r);
    r.updatedAt = ctx.now().toISOString();
    await ctx.store.write(`issues/${number}.json`, r);
    return r;
  });
}

export function issueView(r: IssueRecord): Issue {
  return {
    number: r.number,
    title: r.title,
    body: r.body,
    state: r.state,
    labels: [...r.labels],
    url: `local:#${r.number}`,
  };
}

/** Records a commit status; the latest per context wins. */
export async function createCommitStatus(
  ctx: StoreContext,
  sha: string,
  status: CommitStatus,
): Promise<void> {
  if (!OID.test(sha)) throw new ForgeError('INVALID', `not a full commit id: "${sha}"`, { sha });
  const commit = await resolveRef(ctx.repo, sha).catch(() => null);
  if (commit !== sha) {
    throw new ForgeError('INVALID', `no commit ${sha} in this repository`, { sha });
  }
  if (!STATES.includes(status.state)) {
    throw new ForgeError('INVALID', `status state must be one of ${STATES.join(', ')}`, {
      state: status.state,
    });
  }
  await ctx.store.withLock(async () => {
    const rel = `statuses/${sha}.json`;
    const record = (await ctx.store.read<StatusRecord>(rel)) ?? {};
    record[status.context] = {
      state: status.state,
      description: status.description,
      ...(status.targetUrl === undefined ? {} : { targetUrl: status.targetUrl }),
      updatedAt: ctx.now().toISOString(),
    };
    await ctx.store.write(rel, record);
  });
}

/**
 * The latest status of each context on a commit, sorted by context (none: `[]`).
 * @example
 * const gov = (await readStatuses(repo, pr.headSha)).find((s) => s.context === 'mlops/governance');
 */
export async function readStatuses(repo: Repo, sha: string): Promise<CommitStatus[]> {
  if (!OID.test(sha)) return [];
  return statusList(await new LocalStore(repo.gitdir).read<StatusRecord>(`statuses/${sha}.json`));
}

/** Appends a `repository_dispatch` to `dispatches.jsonl`. */
export async function appendDispatch(
  ctx: StoreContext,
  eventType: string,
  payload: Record<string, unknown>,
): Promise<void> {
  if (eventType.trim() === '') throw new ForgeError('INVALID', 'event type is empty');
  const line: DispatchRecord = {
    event_type: eventType,
    client_payload: payload,
    at: ctx.now().toISOString(),
  };
  await ctx.store.withLock(() => ctx.store.append('dispatches.jsonl', JSON.stringify(line)));
}

/** Every dispatch sent, oldest first. */
export async function readDispatches(store: LocalStore): Promise<DispatchRecord[]> {
  const text = await store.readText('dispatches.jsonl');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DispatchRecord);
}

export function validNumber(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}
