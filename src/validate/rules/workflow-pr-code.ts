/**
 * The rule `workflow/pr-code-with-secrets`: a job that holds secrets on a pull request event
 * never runs code from the pull request. A pull request that edits a local action (or the
 * scripts a step runs) would otherwise run its own code with the job's secrets before anyone
 * reviewed it.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { finding, type Finding } from '../../records/index.js';

/** The events whose runs belong to a pull request (their jobs may see its code). */
export const PR_EVENTS = [
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'pull_request_target',
];

/** A ref that names the pull request's own commits. */
export const HEAD_REF =
  /github\.event\.pull_request\.(head\.(sha|ref)|merge_commit_sha)|github\.head_ref|refs\/pull\//;
/** A ref that names the base the pull request merges into. */
const BASE_REF = /github\.event\.pull_request\.base\.(sha|ref)|github\.base_ref/;
/** A ref whose commit is the run's own: the pull request's merge commit, or the base under `_target`. */
const RUN_REF = /^\s*\$\{\{\s*github\.(sha|ref)\s*\}\}\s*$/;
const SECRET = /\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([^'"]+)['"]\s*\])/;

type Pos = (n: Node | null | undefined) => { line: number; col: number };

/** What a checkout put at a path of the workspace. */
interface Checkout {
  path: string;
  /** `pr`: the pull request's code; `base`: the base commit; `other`: another repository or ref. */
  holds: 'pr' | 'base' | 'other';
  /** The ref named the pull request's head (not just the run's default). */
  explicit: boolean;
}

/**
 * Findings for one job of a workflow triggered by `prEvents` (a subset of PR_EVENTS).
 * @example
 * prCodeWithSecrets({ path, job: 'governance', node, prEvents: ['pull_request'], workflowEnv, permissions, pos });
 */
export function prCodeWithSecrets(ctx: {
  path: string;
  job: string;
  node: YAMLMap;
  /** The workflow's PR triggers. */
  prEvents: string[];
  /** The workflow's top-level `env:` and `permissions:` (the job's own win). */
  workflowEnv: Node | undefined;
  workflowPermissions: Node | undefined;
  pos: Pos;
}): Finding[] {
  const events = jobEvents(ctx.node, ctx.prEvents);
  if (!events.length) return [];
  const secret = heldSecret(ctx.node, ctx.workflowEnv, ctx.workflowPermissions);
  if (!secret) return [];
  const steps = ctx.node.get('steps', true) as Node | undefined;
  if (!isSeq(steps)) return [];
  // the run's own checkout (no ref) is the pull request's merge commit, except under _target
  const defaultIsPr = events.some((e) => e !== 'pull_request_target');
  const checkouts: Checkout[] = [];
  const out: Finding[] = [];
  steps.items.forEach((item, i) => {
    if (!isMap(item)) return;
    const uses = item.get('uses', true) as Node | undefined;
    const usesText = isScalar(uses) ? String(uses.value).trim() : '';
    const label = stepLabel(item, i);
    if (/^actions\/checkout@/.test(usesText)) {
      const c = classifyCheckout(item, defaultIsPr);
      // a checkout replaces whatever was at its path, checkouts below it included
      for (let k = checkouts.length - 1; k >= 0; k--)
        if (within(c.path, checkouts[k]!.path)) checkouts.splice(k, 1);
      checkouts.push(c);
      return;
    }
    if (usesText.startsWith('./')) {
      const at = holder(checkouts, normalize(usesText));
      if (at?.holds !== 'pr') return;
      out.push(
        finding(
          ctx.path,
          ctx.pos(uses),
          'workflow/pr-code-with-secrets',
          `job "${ctx.job}" holds ${secret} on ${events.join(' and ')}, and ${label} runs the local action ${usesText} from the pull request's own checkout${at.path === '.' ? '' : ` (${at.path})`}: a pull request that edits it runs its code with that secret; check the base out into its own folder (actions/checkout with ref: \${{ github.event.pull_request.base.sha }} and path: .mlops-base) and use ./.mlops-base/${usesText.slice(2)}, or use a published action pinned by its commit SHA`,
        ),
      );
      return;
    }
    const run = item.get('run', true) as Node | undefined;
    if (!run) return;
    const head = checkouts.filter((c) => c.holds === 'pr' && c.explicit);
    const dir = normalize(workingDirectory(item, ctx.node));
    const script = isScalar(run) ? String(run.value) : '';
    const hit = head.find(
      (c) => within(c.path, dir) || (c.path !== '.' && mentions(script, c.path)),
    );
    if (!hit) return;
    out.push(
      finding(
        ctx.path,
        ctx.pos(run),
        'workflow/pr-code-with-secrets',
        `job "${ctx.job}" holds ${secret} on ${events.join(' and ')}, and ${label} runs commands in the pull request's head checked out at ${hit.path}: its scripts and build files are the pull request's code, run with that secret; run them in a job without secrets (permissions: contents: read), or read the head as data only`,
      ),
    );
  });
  return out;
}

/** The PR events a job runs on: its `if:` may name the events it runs for. */
function jobEvents(job: YAMLMap, prEvents: string[]): string[] {
  const cond = job.get('if');
  if (typeof cond !== 'string') return prEvents;
  const named = [...cond.matchAll(/github\.event_name\s*==\s*['"]([a-z_]+)['"]/g)].map(
    (m) => m[1]!,
  );
  // only a plain list of `event_name == '…'` tests narrows the events (a `!=` or a
  // startsWith might let any event through)
  if (!named.length || /!=|startsWith|contains/.test(cond)) return prEvents;
  return prEvents.filter((e) => named.includes(e));
}

/** The first secret a job holds, as the message names it, or undefined. */
function heldSecret(
  job: YAMLMap,
  workflowEnv: Node | undefined,
  workflowPermissions: Node | undefined,
): string | undefined {
  for (const text of [...scalars(workflowEnv), ...scalars(job)]) {
    const m = SECRET.exec(text);
    if (m) return `secrets.${m[1] ?? m[2]}`;
  }
  const perms = job.has('permissions')
    ? (job.get('permissions', true) as Node)
    : workflowPermissions;
  if (isScalar(perms) && String(perms.value) === 'write-all') return 'a token with write-all';
  if (isMap(perms)) {
    const writes = perms.items
      .filter((p) => isScalar(p.value) && String(p.value.value) === 'write')
      .map((p) => `${String((p.key as { value?: unknown }).value)}: write`);
    if (writes.length) return `a token with ${writes.join(', ')}`;
  }
  return undefined;
}

/** Every scalar value (and key) below a node, as text. */
function scalars(node: unknown): string[] {
  if (isScalar(node)) return [String(node.value)];
  if (isMap(node)) return node.items.flatMap((p) => [...scalars(p.key), ...scalars(p.value)]);
  if (isSeq(node)) return node.items.flatMap((i) => scalars(i));
  return [];
}

function classifyCheckout(step: YAMLMap, defaultIsPr: boolean): Checkout {
  const w = step.get('with', true) as Node | undefined;
  const get = (k: string) => {
    const v = isMap(w) ? (w.get(k, true) as Node | undefined) : undefined;
    return isScalar(v) ? String(v.value) : undefined;
  };
  const path = normalize(get('path') ?? '.');
  const ref = get('ref');
  const repository = get('repository');
  if ((ref && HEAD_REF.test(ref)) || (repository && /pull_request\.head\.repo/.test(repository)))
    return { path, holds: 'pr', explicit: true };
  if (repository && !/github\.repository\b/.test(repository))
    return { path, holds: 'other', explicit: false };
  if (ref && BASE_REF.test(ref)) return { path, holds: 'base', explicit: false };
  if (ref === undefined || ref.trim() === '' || RUN_REF.test(ref))
    return { path, holds: defaultIsPr ? 'pr' : 'base', explicit: false };
  return { path, holds: 'other', explicit: false };
}

/** The checkout whose folder holds `path` (the latest, deepest one). */
function holder(checkouts: Checkout[], path: string): Checkout | undefined {
  let best: Checkout | undefined;
  for (const c of checkouts) {
    if (within(c.path, path) && (!best || c.path.length >= best.path.length)) best = c;
  }
  return best;
}

/** A workspace-relative path without `./`, `//` or a trailing `/`; the workspace is `.`. */
function normalize(p: string): string {
  const parts: string[] = [];
  for (const s of p.replace(/\$\{\{\s*github\.workspace\s*\}\}/g, '.').split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') parts.pop();
    else parts.push(s);
  }
  return parts.length ? parts.join('/') : '.';
}

/** Whether `path` is `dir` or inside it. */
function within(dir: string, path: string): boolean {
  return dir === '.' || path === dir || path.startsWith(`${dir}/`);
}

/** Whether a script names `dir` as a path (`cd pr`, `pr/build.sh`, `make -C pr`). */
function mentions(script: string, dir: string): boolean {
  const esc = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s'"=/])(\\./)?${esc}(/|[\\s'";&|)]|$)`, 'm').test(script);
}

function workingDirectory(step: YAMLMap, job: YAMLMap): string {
  const own = step.get('working-directory');
  if (typeof own === 'string') return own;
  const fromJob = job.getIn(['defaults', 'run', 'working-directory']);
  return typeof fromJob === 'string' ? fromJob : '.';
}

function stepLabel(step: YAMLMap, i: number): string {
  const name = step.get('name') ?? step.get('id');
  return typeof name === 'string' ? `step ${i + 1} ("${name}")` : `step ${i + 1}`;
}
