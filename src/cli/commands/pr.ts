import type { Command } from 'commander';
import {
  ForgeError,
  LocalForge,
  readStatuses,
  type CommitStatus,
  type PullRequest,
  type Review,
} from '../../forge/index.js';
import { GOVERNANCE_CONTEXT, refreshPromotion } from '../../promote/index.js';
import { configuredIdentity, openRepo, type Repo } from '../../repo/index.js';
import { NoError, UsageError, json, table, type Io } from '../io.js';

interface Opened {
  repo: Repo;
  forge: LocalForge;
}

export function registerPr(program: Command, io: Io) {
  const pr = program
    .command('pr')
    .description(
      'pull requests on the local forge (branches plus records under .git/mlops/; merges are real merge commits)',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 refused (not mergeable, the governance check is not green, a conflict),
2 usage error or no such pull request.`,
    );

  pr.command('list')
    .description('pull requests, newest first, with their labels and the head commit’s checks')
    .option('--state <state>', 'open, closed or all', 'open')
    .option('--json', 'print JSON')
    .action(async (opts: { state: string; json?: boolean }) => {
      if (!['open', 'closed', 'all'].includes(opts.state)) {
        throw new UsageError(
          `--state must be open, closed or all; got ${JSON.stringify(opts.state)}`,
        );
      }
      const { repo, forge } = await open(io);
      const pulls = await forge.listPullRequests(opts.state as 'open' | 'closed' | 'all');
      const withChecks = await Promise.all(
        pulls.map(async (p) => ({ ...p, statuses: await readStatuses(repo, p.headSha) })),
      );
      if (opts.json) return json(io, withChecks);
      if (withChecks.length === 0)
        return io.out(`no ${opts.state === 'all' ? '' : `${opts.state} `}pull requests\n`);
      const rows = [['#', 'TITLE', 'HEAD', 'STATE', 'LABELS', 'CHECKS']];
      for (const p of withChecks) {
        rows.push([
          String(p.number),
          p.title,
          p.head,
          p.state,
          p.labels.join(',') || '-',
          checksSummary(p.statuses),
        ]);
      }
      io.out(table(rows));
    });

  pr.command('show')
    .description(
      'one pull request: branches, author, head, labels, reviewers, reviews, checks, body',
    )
    .argument('<number>', 'the pull request number')
    .option('--json', 'print JSON')
    .action(async (n: string, opts: { json?: boolean }) => {
      const number = parseNumber(n);
      const { repo, forge } = await open(io);
      const p = await forgeCall(io, () => forge.getPullRequest(number));
      const reviews = await forge.listReviews(number);
      const statuses = await readStatuses(repo, p.headSha);
      if (opts.json) {
        return json(io, {
          ...p,
          reviews: reviews.map((r) => ({ ...r, outdated: r.commitId !== p.headSha })),
          statuses,
        });
      }
      io.out(showText(p, reviews, statuses));
    });

  pr.command('approve')
    .description(
      'record an APPROVED review by USER on the head commit (governance judges whether it counts)',
    )
    .argument('<number>', 'the pull request number')
    .requiredOption('--as <user>', 'the reviewer’s login')
    .option('--comment <text>', 'the review’s text', '')
    .option('--json', 'print the recorded review as JSON')
    .action(async (n: string, opts: { as: string; comment: string; json?: boolean }) => {
      const number = parseNumber(n);
      const user = opts.as.trim();
      if (user === '') throw new UsageError('--as needs a login');
      const { repo, forge } = await open(io, user);
      const p = await forgeCall(io, () => forge.getPullRequest(number));
      const review = await forgeCall(io, () =>
        forge.submitReview(number, {
          state: 'APPROVED',
          body: opts.comment,
          commitId: p.headSha,
          user,
        }),
      );
      // governance judges the promotion again, and merges it once approved, as GitHub's
      // auto-merge does when the required check turns green
      const refreshed = await refreshPromotion(repo, forge, number, { merge: true });
      if (opts.json) return json(io, { review, merged: refreshed?.merged ?? null });
      io.out(
        `recorded review ${review.id} on #${number}: ${review.state} by ${review.user} on ${short(review.commitId)} (the head of ${p.head}) at ${review.submittedAt}\n`,
      );
      if (review.user === p.author) {
        io.out(`note: ${review.user} opened #${number}; an author's approval does not count\n`);
      }
      const gov = (await readStatuses(repo, p.headSha)).find(
        (s) => s.context === GOVERNANCE_CONTEXT,
      );
      if (gov)
        io.out(
          `${GOVERNANCE_CONTEXT}: ${gov.state}${gov.description ? ` (${gov.description})` : ''}\n`,
        );
      if (refreshed?.merged) io.out(`merged #${number} as ${short(refreshed.merged)}\n`);
    });

  pr.command('merge')
    .description(
      `merge with a real merge commit, only when the head commit's ${GOVERNANCE_CONTEXT} status is success`,
    )
    .argument('<number>', 'the pull request number')
    .option('--as <user>', 'who merges (default: GIT_AUTHOR_NAME, else git config user.name)')
    .option('--force', `merge even though ${GOVERNANCE_CONTEXT} is not success`)
    .option('-m, --message <text>', 'the merge commit’s body, after the title')
    .option('--json', 'print the merge as JSON')
    .action(
      async (
        n: string,
        opts: { as?: string; force?: boolean; message?: string; json?: boolean },
      ) => {
        const number = parseNumber(n);
        const { repo, forge } = await open(io, opts.as);
        const p = await forgeCall(io, () => forge.getPullRequest(number));
        if (p.state !== 'open') return refuse(io, `#${number} is ${p.state}, not open`);
        const gov = (await readStatuses(repo, p.headSha)).find(
          (s) => s.context === GOVERNANCE_CONTEXT,
        );
        if (gov?.state !== 'success') {
          const what = gov
            ? `is ${gov.state}${gov.description ? ` (${gov.description})` : ''}`
            : 'has not reported';
          const why = `the required check ${GOVERNANCE_CONTEXT} ${what} on ${short(p.headSha)}`;
          if (!opts.force)
            return refuse(io, `#${number} cannot be merged: ${why} (--force merges anyway)`);
          io.err(`warning: merging #${number} although ${why} (--force)\n`);
        }
        const { sha } = await forgeCall(io, () =>
          forge.mergePullRequest(number, {
            sha: p.headSha,
            title: p.title,
            message: opts.message ?? '',
          }),
        );
        if (opts.json) {
          return json(io, {
            number,
            base: p.base,
            head: p.head,
            headSha: p.headSha,
            mergeCommit: sha,
          });
        }
        io.out(
          `merged #${number} into ${p.base}: ${sha} Merge pull request #${number} from ${p.head}\n`,
        );
      },
    );
}

async function open(io: Io, as?: string): Promise<Opened> {
  const repo = await openRepo(io.cwd);
  const configured = await configuredIdentity(repo);
  const name = io.env.GIT_AUTHOR_NAME ?? configured.name;
  const email = io.env.GIT_AUTHOR_EMAIL ?? configured.email;
  const login = as?.trim() || loginOf(name);
  // acting as yourself, merge commits carry your git identity; `--as USER` acts as USER
  const identity = !as?.trim() && name && email ? { name, email } : undefined;
  return {
    repo,
    forge: new LocalForge(repo, { login, now: () => io.now(), ...(identity ? { identity } : {}) }),
  };
}

/** A git user name as a login: lowercased, spaces as hyphens; `local` when there is none. */
function loginOf(name: string | undefined): string {
  const login = (name ?? '').trim().toLowerCase().replace(/\s+/g, '-');
  return login === '' ? 'local' : login;
}

/** Runs a forge call; a pull request that does not exist is exit 2, a refusal exit 1. */
async function forgeCall<T>(io: Io, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof ForgeError)) throw e;
    if (e.code === 'NOT_FOUND') throw new UsageError(e.message);
    if (e.code === 'CONFLICT' || e.code === 'INVALID' || e.code === 'FORBIDDEN') {
      return refuse(io, e.message);
    }
    throw e;
  }
}

function refuse(io: Io, why: string): never {
  io.err(`refused: ${why}\n`);
  throw new NoError(why);
}

function parseNumber(text: string): number {
  const m = /^#?([1-9][0-9]*)$/.exec(text.trim());
  if (!m) throw new UsageError(`not a pull request number: ${JSON.stringify(text)}`);
  return Number(m[1]);
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

/** `governance: pending, ci: success` (the `mlops/` prefix dropped), or `-`. */
function checksSummary(statuses: CommitStatus[]): string {
  if (statuses.length === 0) return '-';
  return statuses.map((s) => `${s.context.replace(/^mlops\//, '')}: ${s.state}`).join(', ');
}

function showText(p: PullRequest, reviews: Review[], statuses: CommitStatus[]): string {
  const lines = [
    `#${p.number} ${p.title}`,
    `  ${p.head} -> ${p.base}`,
    `  author:     ${p.author}`,
    `  state:      ${p.state}${p.mergeCommit ? ` (merge commit ${p.mergeCommit})` : ''}`,
    `  head:       ${p.headSha}`,
    `  labels:     ${p.labels.join(', ') || '-'}`,
    `  reviewers:  ${p.requestedReviewers.join(', ') || '-'}`,
    `  url:        ${p.url}`,
    '',
  ];
  lines.push(reviews.length ? 'reviews:' : 'reviews: none');
  if (reviews.length) {
    const rows = reviews.map((r) => [
      `  ${r.user}`,
      r.state,
      short(r.commitId),
      r.commitId === p.headSha ? '' : 'outdated',
      r.submittedAt,
    ]);
    lines.push(table(rows).trimEnd());
  }
  lines.push(statuses.length ? 'checks:' : 'checks: none');
  if (statuses.length) {
    const rows = statuses.map((s) => [`  ${s.context}`, s.state, s.description]);
    lines.push(table(rows).trimEnd());
  }
  lines.push('');
  lines.push(p.body.trim() === '' ? '(no description)' : p.body.trimEnd());
  return lines.join('\n') + '\n';
}
