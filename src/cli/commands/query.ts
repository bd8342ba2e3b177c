import type { Command } from 'commander';
import { WORKTREE, openRepo, resolveRef, type Repo } from '../../repo/index.js';
import { stateAtDate, type BackwardsDate } from '../../repo/first-parent-date.js';
import type { LoadedRecord } from '../../records/index.js';
import { summarizeModels, type ModelSummary } from '../../registry/index.js';
import { openTree } from '../../validate/index.js';
import { UsageError, json, table, type Io } from '../io.js';

/** The records under a folder at a ref (git objects), or in the work tree when asked. */
export async function recordsAt(
  repo: Repo,
  ref: string | typeof WORKTREE,
  prefix: string,
): Promise<LoadedRecord[]> {
  const { index } = await openTree(repo, ref);
  const loaded = await Promise.all((await index.under(prefix)).map((p) => index.record(p)));
  return loaded.filter((r): r is LoadedRecord => r !== undefined);
}

async function modelsAt(repo: Repo, ref: string | typeof WORKTREE): Promise<ModelSummary[]> {
  return summarizeModels(await recordsAt(repo, ref, 'registry/models/'));
}

export function registerQueries(program: Command, io: Io, setExit: (code: number) => void) {
  program
    .command('ls')
    .description('list models with their production and candidate versions')
    .option('--ref <ref>', 'read the registry at this ref', 'HEAD')
    .option('--worktree', 'read the work tree instead of a commit')
    .option('--json', 'print JSON')
    .action(async (opts: { ref: string; worktree?: boolean; json?: boolean }) => {
      const repo = await openRepo(io.cwd);
      const models = await modelsAt(repo, opts.worktree ? WORKTREE : opts.ref);
      if (opts.json)
        return json(
          io,
          models.map(({ versions, ...m }) => ({ ...m, versions: versions.length })),
        );
      io.out(
        table([
          ['MODEL', 'PRODUCTION', 'CANDIDATE', 'VERSIONS', 'ROLLOUT'],
          ...models.map((m) => [
            m.name,
            m.production ?? '-',
            m.candidate ?? '-',
            String(m.versions.length),
            m.rollout ? `step ${m.rollout.step} at ${m.rollout.weight}%` : '-',
          ]),
        ]),
      );
    });

  program
    .command('show')
    .description("show a model: owners, stages and every version's metrics")
    .argument('<model>', 'model name')
    .option('--ref <ref>', 'read the registry at this ref', 'HEAD')
    .option('--worktree', 'read the work tree instead of a commit')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { ref: string; worktree?: boolean; json?: boolean }) => {
      const repo = await openRepo(io.cwd);
      const models = await modelsAt(repo, opts.worktree ? WORKTREE : opts.ref);
      const m = models.find((x) => x.name === name);
      if (!m) {
        io.err(`no model "${name}" (have: ${models.map((x) => x.name).join(', ') || 'none'})\n`);
        return setExit(1);
      }
      if (opts.json) return json(io, m);
      io.out(`${m.name}: ${m.description}\n`);
      io.out(`owners: ${m.owners.join(', ')}   primary metric: ${m.primary_metric}\n`);
      io.out(`production: ${m.production ?? '-'}   candidate: ${m.candidate ?? '-'}\n\n`);
      const metricNames = [...new Set(m.versions.flatMap((v) => Object.keys(v.metrics)))];
      io.out(
        table([
          ['VERSION', 'STAGE', 'CREATED', 'CHANGE', ...metricNames.map((x) => x.toUpperCase())],
          ...m.versions.map((v) => [
            v.version,
            v.stage,
            v.created_at.slice(0, 10),
            v.change.level,
            ...metricNames.map((x) => (v.metrics[x] === undefined ? '-' : String(v.metrics[x]))),
          ]),
        ]),
      );
    });

  program
    .command('at')
    .description(
      'which version was in production and candidate, for every model, at a ref or a date',
    )
    .argument(
      '<when>',
      'a ref (main, HEAD~3, a sha, a tag) or a date (2026-01-31, 2026-01-31T12:00:00Z)',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
A date reads the first-parent history of HEAD (the branch's own line: a merged pull request
is its merge commit): the state at the date is the newest commit of that line that is at or
before it, counting each commit from the latest date of itself and the commits before it, so
a backdated commit cannot make a change appear earlier than it was made. Commits dated
earlier than their first parent are named in a warning.`,
    )
    .action(async (when: string, opts: { json?: boolean }) => {
      const repo = await openRepo(io.cwd);
      const { oid, backwards } = await refOrDate(repo, when);
      for (const b of backwards) io.err(backwardsWarning(b));
      const models = await modelsAt(repo, oid);
      if (opts.json) {
        return json(io, {
          commit: oid,
          ...(backwards.length
            ? {
                backwards: backwards.map((b) => ({
                  commit: b.oid,
                  subject: b.subject,
                  date: new Date(b.time * 1000).toISOString(),
                  parent_date: new Date(b.parentTime * 1000).toISOString(),
                })),
              }
            : {}),
          models: models.map((m) => ({
            model: m.name,
            production: m.production,
            candidate: m.candidate,
            candidate_weight: m.rollout?.weight ?? null,
          })),
        });
      }
      io.out(`at ${oid.slice(0, 7)}:\n`);
      // who served a request then: production, and the candidate for its share of users
      io.out(
        table([
          ['MODEL', 'PRODUCTION', 'CANDIDATE', 'CANDIDATE SHARE'],
          ...models.map((m) => [
            m.name,
            m.production ?? '-',
            m.candidate ?? '-',
            m.rollout ? `${m.rollout.weight} % (step ${m.rollout.step})` : '-',
          ]),
        ]),
      );
    });
}

function backwardsWarning(b: BackwardsDate): string {
  const at = (t: number) => new Date(t * 1000).toISOString();
  return (
    `mlops: warning: ${b.oid.slice(0, 7)} "${b.subject}" is dated ${at(b.time)}, before its parent ` +
    `(${at(b.parentTime)}): dates go backwards here; it counts from its parent's date\n`
  );
}

/**
 * A ref if it resolves, else a date: the newest commit of HEAD's first-parent line at or
 * before it (see `stateAtDate`), with the commits of that line whose dates go backwards.
 */
async function refOrDate(
  repo: Repo,
  when: string,
): Promise<{ oid: string; backwards: BackwardsDate[] }> {
  try {
    return { oid: await resolveRef(repo, when), backwards: [] };
  } catch (refError) {
    if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(when)) throw refError;
    // a bare date means the end of that day, UTC
    const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(when) ? `${when}T23:59:59.999Z` : when);
    if (Number.isNaN(date.getTime())) throw new UsageError(`not a ref or a date: ${when}`);
    const { oid, backwards } = await stateAtDate(repo, 'HEAD', date);
    if (!oid) throw new UsageError(`no commit at or before ${date.toISOString()}`);
    return { oid, backwards };
  }
}
