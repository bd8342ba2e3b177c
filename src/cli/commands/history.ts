import type { Command } from 'commander';
import { claimedPull, confirmPulls, type Confirmation } from '../../audit/index.js';
import type { Forge } from '../../forge/index.js';
import {
  currentBranch,
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
import { openForge } from '../forge.js';
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
  merged?: {
    commit: string;
    date: string;
    subject: string;
    trailers: Record<string, string[]>;
    pull?: PullFact;
  };
  /** When this commit is itself a pull request's merge: what the forge says of it. */
  pull?: PullFact;
}

/**
 * A pull request a merge commit names, and whether the forge confirmed it (it exists, was
 * merged into this branch, and this is its merge commit) or the commit message only claims it.
 */
export interface PullFact {
  number: number;
  confirmed: boolean;
  /** How it was confirmed, or why not. */
  note: string;
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
  for (const e of await history(repo, { ref, paths: [], limit: 5000, firstParent: true })) {
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
        const facts = await pullFacts(repo, io, opts.ref, [
          ...entries.filter((e) => e.parents.length === 2),
          ...[...merges.values()].flatMap((m) =>
            m ? [{ oid: m.commit, subject: m.subject }] : [],
          ),
        ]);
        let views = await Promise.all(
          entries.map(async (e) => {
            const view: HistoryView = await describe(repo, e);
            const own = facts.get(e.oid);
            if (own) view.pull = own;
            const merged = merges.get(e.oid);
            if (!merged) return view;
            const pull = facts.get(merged.commit);
            return { ...view, merged: pull ? { ...merged, pull } : merged };
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

/**
 * What the forge says of every pull request the merges name: confirmed, or only claimed by
 * the commit message. Without a forge every claim stays unconfirmed, saying why.
 */
async function pullFacts(
  repo: Repo,
  io: Io,
  ref: string,
  merges: { oid: string; subject: string }[],
): Promise<Map<string, PullFact>> {
  const claims = merges.flatMap((m) => {
    const number = claimedPull(m.subject);
    return number === null ? [] : [{ number, commit: m.oid }];
  });
  const out = new Map<string, PullFact>();
  if (!claims.length) return out;
  const branch = ref === 'HEAD' ? ((await currentBranch(repo)) ?? 'HEAD') : ref;
  let forge: Forge | undefined;
  let why = '';
  try {
    forge = await openForge(repo, io);
  } catch (e) {
    why = `no forge to ask: ${(e as Error).message}`;
  }
  const confirmed: Map<string, Confirmation> = forge
    ? await confirmPulls(
        forge,
        claims.map((c) => ({ ...c, branch })),
      )
    : new Map(claims.map((c): [string, Confirmation] => [c.commit, { confirmed: false, why }]));
  for (const c of claims) {
    const r = confirmed.get(c.commit)!;
    out.set(c.commit, {
      number: c.number,
      confirmed: r.confirmed,
      note: r.confirmed
        ? `#${c.number} confirmed by the forge: merged into ${branch} as this commit`
        : `claimed by the commit message, not confirmed: ${r.why}`,
    });
  }
  return out;
}

function pullLine(p: PullFact): string {
  return p.confirmed ? `    ✔ ${p.note}` : `    ✘ #${p.number} ${p.note}`;
}

function formatEntry(h: HistoryView): string {
  const lines = [
    `${h.date.slice(0, 16).replace('T', ' ')}  ${h.commit.slice(0, 7)}  ${h.author}`,
    `    ${h.subject}`,
  ];
  if (h.pull) lines.push(pullLine(h.pull));
  // an approval is a fact only when the forge confirmed the merge that carries it
  const mark = (k: string, p: PullFact | undefined) =>
    (k === 'Approved-by' || (k === 'Decision' && p)) && !p?.confirmed ? ' (claimed)' : '';
  for (const [k, vs] of Object.entries(h.trailers))
    for (const v of vs) lines.push(`    ${k}: ${v}${mark(k, h.pull)}`);
  if (h.merged) {
    lines.push(
      `    merged: ${h.merged.subject} (${h.merged.commit.slice(0, 7)}, ${h.merged.date.slice(0, 16).replace('T', ' ')})`,
    );
    const pull = h.merged.pull;
    if (pull) lines.push(`  ${pullLine(pull)}`);
    for (const k of ['Decision', 'Approved-by']) {
      for (const v of h.merged.trailers[k] ?? [])
        lines.push(`      ${k}: ${v}${pull?.confirmed ? '' : ' (claimed)'}`);
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
