import type { Command } from 'commander';
import {
  history,
  openRepo,
  readBlob,
  type FileChange,
  type HistoryEntry,
  type Repo,
} from '../../repo/index.js';
import {
  fieldChanges,
  formatFieldPath,
  loadRecord,
  type FieldChange,
} from '../../records/index.js';
import { modelFolders } from '../../registry/index.js';
import { json, type Io } from '../io.js';

export interface RecordChangeView {
  path: string;
  status: FileChange['status'];
  fields: FieldChange[];
}

export interface HistoryView {
  commit: string;
  date: string;
  author: string;
  subject: string;
  trailers: Record<string, string[]>;
  changes: RecordChangeView[];
  /** The pull request merge that brought this commit in: its decision and approvers. */
  merged?: { commit: string; date: string; subject: string; trailers: Record<string, string[]> };
}

/**
 * The merges of pull requests about `model` (a `Model:` trailer) by the tip of the branch
 * they merged: git's history simplification shows a promotion's own commit, not the merge
 * that carries the decision and who approved it, so the two are joined here.
 */
async function promotionMerges(
  repo: Repo,
  ref: string,
  model: string,
): Promise<Map<string, HistoryView['merged']>> {
  const out = new Map<string, HistoryView['merged']>();
  for (const e of await history(repo, { ref, paths: [], limit: 5000 })) {
    if (e.parents.length !== 2 || !(e.trailers.Model ?? []).includes(model)) continue;
    out.set(e.parents[1]!, {
      commit: e.oid,
      date: new Date(e.author.timestamp * 1000).toISOString(),
      subject: e.subject,
      trailers: e.trailers,
    });
  }
  return out;
}

async function valueOf(repo: Repo, path: string, oid: string | undefined): Promise<unknown> {
  if (!oid) return undefined;
  const r = loadRecord(path, await readBlob(repo, oid));
  return r.ok ? r.record.value : undefined;
}

/** A commit's changes to the queried records, down to the fields. */
async function describe(repo: Repo, e: HistoryEntry): Promise<HistoryView> {
  const changes = await Promise.all(
    e.changes.map(async (c) => {
      const fields =
        c.status === 'modified'
          ? fieldChanges(
              await valueOf(repo, c.path, c.baseOid),
              await valueOf(repo, c.path, c.headOid),
            )
          : [];
      return { path: c.path, status: c.status, fields };
    }),
  );
  return {
    commit: e.oid,
    date: new Date(e.author.timestamp * 1000).toISOString(),
    author: `${e.author.name} <${e.author.email}>`,
    subject: e.subject,
    trailers: e.trailers,
    changes,
  };
}

/** Does this change concern one version (its files, or a deployment field naming it)? */
function concerns(c: RecordChangeView, version: string): boolean {
  if (c.path.endsWith(`/${version}.yaml`)) return true;
  if (!c.path.endsWith('/deployment.yaml')) return false;
  return c.fields.some((f) => JSON.stringify([f.before, f.after]).includes(`"${version}"`));
}

export function registerHistory(program: Command, io: Io) {
  program
    .command('history')
    .description(
      'the audit trail of a model: every commit that changed its records, who made it and which fields changed',
    )
    .argument('<model>', 'model name')
    .option('--version <version>', 'only what concerns this version')
    .option('--ref <ref>', 'start from this ref', 'HEAD')
    .option('-n, --limit <n>', 'at most this many commits', (s) => Number.parseInt(s, 10))
    .option('--json', 'print JSON')
    .action(
      async (
        model: string,
        opts: { version?: string; ref: string; limit?: number; json?: boolean },
      ) => {
        const repo = await openRepo(io.cwd);
        const entries = await history(repo, {
          ref: opts.ref,
          paths: modelFolders(model),
          limit: opts.version ? undefined : opts.limit,
        });
        const merges = await promotionMerges(repo, opts.ref, model);
        let views = await Promise.all(
          entries.map(async (e) => {
            const view = await describe(repo, e);
            const merged = merges.get(e.oid);
            return merged ? { ...view, merged } : view;
          }),
        );
        if (opts.version) {
          const v = opts.version;
          views = views
            .map((h) => ({ ...h, changes: h.changes.filter((c) => concerns(c, v)) }))
            .filter((h) => h.changes.length > 0)
            .slice(0, opts.limit);
        }
        if (opts.json) return json(io, views);
        if (!views.length) {
          io.out(`no history for ${model}${opts.version ? ` ${opts.version}` : ''}\n`);
          return;
        }
        for (const h of views) io.out(formatEntry(h));
      },
    );
}

function formatEntry(h: HistoryView): string {
  const lines = [
    `${h.date.slice(0, 16).replace('T', ' ')}  ${h.commit.slice(0, 7)}  ${h.author}`,
    `    ${h.subject}`,
  ];
  for (const [k, vs] of Object.entries(h.trailers))
    for (const v of vs) lines.push(`    ${k}: ${v}`);
  if (h.merged) {
    lines.push(
      `    merged: ${h.merged.subject} (${h.merged.commit.slice(0, 7)}, ${h.merged.date.slice(0, 16).replace('T', ' ')})`,
    );
    for (const k of ['Decision', 'Approved-by']) {
      for (const v of h.merged.trailers[k] ?? []) lines.push(`      ${k}: ${v}`);
    }
  }
  for (const c of h.changes) {
    const mark = c.status === 'added' ? '+' : c.status === 'removed' ? '-' : '~';
    lines.push(`    ${mark} ${c.path}`);
    for (const f of c.fields) {
      lines.push(`        ${formatFieldPath(f.path)}: ${short(f.before)} → ${short(f.after)}`);
    }
  }
  return lines.join('\n') + '\n\n';
}

function short(v: unknown): string {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
