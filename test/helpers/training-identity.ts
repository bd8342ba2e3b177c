/**
 * Commits as a given git identity in a test registry: the training identity registers
 * versions (as the train workflow does), anyone else registering is a hand registration.
 */
import { commitEdits, history, resolveRef, type RecordEdit } from '../../src/repo/index.js';
import type { TestRegistry } from './registry.js';

export interface Who {
  name: string;
  email: string;
}

/** The shipped policy's training identity, as the local forge names it. */
export const TRAINING_IDENTITY: Who = {
  name: 'mlops-bot',
  email: 'mlops-bot@users.noreply.local',
};

/** The environment that makes `mlops train`/`register` commit as the training identity. */
export const TRAINING_ENV = {
  GIT_AUTHOR_NAME: TRAINING_IDENTITY.name,
  GIT_AUTHOR_EMAIL: TRAINING_IDENTITY.email,
};

/** A local forge login's own git identity (`<login>@users.noreply.local`). */
export const person = (login: string): Who => ({
  name: login,
  email: `${login}@users.noreply.local`,
});

/**
 * Commits edits on a branch (created from `from`, default main) as `who`, a second after the
 * branch's tip; the work tree follows when the branch is main. Returns the commit.
 * @example
 * await commitAs(reg, TRAINING_IDENTITY, { 'registry/models/m/versions/1.1.0.yaml': text });
 */
export async function commitAs(
  reg: TestRegistry,
  who: Who,
  edits: Record<string, string | null>,
  opts: {
    branch?: string;
    from?: string;
    message?: string;
    trailers?: Record<string, string>;
  } = {},
): Promise<string> {
  const branch = opts.branch ?? 'main';
  const current = await resolveRef(reg.repo, `refs/heads/${branch}`).catch(() => null);
  const start = current ?? (await resolveRef(reg.repo, opts.from ?? 'main'));
  const [tip] = await history(reg.repo, { ref: start, paths: [], limit: 1 });
  const list: RecordEdit[] = Object.entries(edits).map(([path, content]) =>
    content === null ? { path, delete: true } : { path, content },
  );
  return commitEdits(reg.repo, {
    branch,
    expectedParent: current,
    ...(current ? {} : { startPoint: start }),
    edits: list,
    message: opts.message ?? 'change',
    ...(opts.trailers ? { trailers: opts.trailers } : {}),
    author: { ...who, timestamp: (tip?.committer.timestamp ?? 0) + 1, timezoneOffset: 0 },
    updateWorkTree: branch === 'main',
  });
}
