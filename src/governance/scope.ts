/**
 * A promotion pull request is only a promotion: its diff may set ONE model's `candidate` and
 * add that version's registration records (its ModelVersion, its ModelCard `.yaml` and `.md`,
 * its Run). Everything else it holds is named here, file by file, with a severity:
 *
 * - `reject` for state the promotion has no right to touch whatever anyone reviews: a second
 *   model's `candidate` (a second promotion rides on the first one's approval), any
 *   controller-owned field of any Deployment (`production`, `rollout`, `archived`,
 *   `rejected`: only the rollout controller's commits move them, and validation refuses such
 *   a change too), a Deployment deleted or created, and the traffic files the controller
 *   renders. A reviewer approving the promotion approves a version, not these.
 * - `review` for everything else (another model's training command, an action bundle, a
 *   metric's direction, a card, a policy): they may be legitimate changes, but they are not
 *   what the policy's automatic checks judged, so a person must look at each file; the
 *   promotion is high risk and never auto-approved.
 */
import type { Deployment, ModelVersion } from '../records/index.js';
import type { ExtraChange } from './types.js';

/** One file the change touches, with the Deployment before and after where it is one. */
export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'deleted';
  /** For a `deployment.yaml`: the record at the merge base and at the head (absent: none or invalid). */
  before?: Deployment;
  after?: Deployment;
}

export interface ScopeContext {
  model: string;
  version: string;
  /** The version's record at the head: its card and run are part of its registration. */
  candidate?: ModelVersion;
  changes: readonly ChangedFile[];
  /** Where traffic configurations live, `{model}` for the model (the rollout policy's `traffic.dir`). */
  trafficDirs: readonly string[];
}

const DEPLOYMENT = /^registry\/models\/([^/]+)\/deployment\.yaml$/;
const MODEL = /^registry\/models\/([^/]+)\/model\.yaml$/;
const VERSION = /^registry\/models\/([^/]+)\/versions\/([^/]+)\.yaml$/;
/** Fields of a Deployment that only the rollout controller's commits change. */
export const CONTROLLER_FIELDS = ['production', 'rollout', 'archived', 'rejected'] as const;

/**
 * The files a change holds beyond the promotion of `model` `version`, sorted by path.
 * @example
 * extraChanges({ model: 'm', version: '1.1.0', candidate, trafficDirs: [], changes: [
 *   { path: 'registry/models/m/deployment.yaml', status: 'modified', before, after },
 *   { path: 'actions/train/dist/index.js', status: 'modified' },
 * ] })
 * // [{ path: 'actions/train/dist/index.js', status: 'modified', severity: 'review', why: 'changes an action: code the workflows run …' }]
 */
export function extraChanges(ctx: ScopeContext): ExtraChange[] {
  const own = registrationPaths(ctx);
  const traffic = ctx.trafficDirs.map(trafficPattern);
  const out: ExtraChange[] = [];
  for (const c of ctx.changes) {
    const add = (severity: ExtraChange['severity'], why: string) =>
      out.push({ path: c.path, status: c.status, severity, why });
    const deployment = DEPLOYMENT.exec(c.path);
    if (deployment) {
      for (const e of deploymentExtras(ctx, deployment[1]!, c)) add(e.severity, e.why);
      continue;
    }
    if (traffic.some((t) => t.test(c.path))) {
      add(
        'reject',
        'changes a traffic configuration: only the rollout controller renders it, from the rollout it runs',
      );
      continue;
    }
    if (own.has(c.path) || isOwnRun(ctx, c.path)) {
      if (c.status !== 'added')
        add(
          'review',
          `${c.status === 'deleted' ? 'deletes' : 'changes'} a registration record of ${ctx.model} ${ctx.version} that the base already has (registrations are immutable)`,
        );
      continue;
    }
    add('review', whyNotAPromotion(ctx, c));
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The version's own registration records: its ModelVersion, card (`.yaml`, `.md`) and Run. */
function registrationPaths({ model, version, candidate }: ScopeContext): Set<string> {
  const out = new Set([`registry/models/${model}/versions/${version}.yaml`]);
  if (candidate) {
    out.add(candidate.card);
    out.add(candidate.card.replace(/\.ya?ml$/, '.md'));
  }
  return out;
}

/** Whether a path is the candidate's Run record (`registry/runs/<experiment>/<run>.yaml`). */
function isOwnRun(ctx: ScopeContext, path: string): boolean {
  const run = ctx.candidate?.run;
  return (
    run !== undefined &&
    /^registry\/runs\/[^/]+\/[^/]+\.yaml$/.test(path) &&
    path.endsWith(`/${run}.yaml`)
  );
}

function deploymentExtras(
  ctx: ScopeContext,
  model: string,
  c: ChangedFile,
): { severity: ExtraChange['severity']; why: string }[] {
  if (c.status === 'deleted') return [{ severity: 'reject', why: `deletes ${model}'s Deployment` }];
  if (c.status === 'added' && model === ctx.model)
    return [
      {
        severity: 'reject',
        why: `creates ${model}'s Deployment in the same change that promotes it`,
      },
    ];
  const { before, after } = c;
  if (!after)
    return [{ severity: 'reject', why: `${model}'s Deployment is not a valid record at the head` }];
  const out: { severity: ExtraChange['severity']; why: string }[] = [];
  const owned = CONTROLLER_FIELDS.filter(
    (f) => JSON.stringify(before?.[f] ?? emptyOf(f)) !== JSON.stringify(after[f]),
  );
  if (owned.length)
    out.push({
      severity: 'reject',
      why: `changes ${model}'s ${owned.map((f) => `\`${f}\``).join(', ')}: only the rollout controller's commits move ${owned.length === 1 ? 'it' : 'them'}`,
    });
  const candidateChanged = (before?.candidate ?? null) !== after.candidate;
  if (model !== ctx.model && candidateChanged)
    out.push({
      severity: 'reject',
      why: `also promotes ${model} (candidate ${before?.candidate ?? 'none'} → ${after.candidate ?? 'none'}): a promotion pull request promotes one model, each judged and approved on its own`,
    });
  if (model === ctx.model && candidateChanged && after.candidate !== ctx.version)
    out.push({
      severity: 'reject',
      why: `sets ${model}'s candidate to ${after.candidate ?? 'none'}, not ${ctx.version}`,
    });
  if (c.status === 'added' && model !== ctx.model && !out.length)
    out.push({ severity: 'review', why: `adds a Deployment for ${model}` });
  const rest = Object.keys({ ...before, ...after }).filter(
    (k) =>
      k !== 'candidate' &&
      !(CONTROLLER_FIELDS as readonly string[]).includes(k) &&
      JSON.stringify((before as Record<string, unknown> | undefined)?.[k]) !==
        JSON.stringify((after as Record<string, unknown>)[k]),
  );
  if (rest.length && c.status !== 'added')
    out.push({ severity: 'review', why: `changes ${model}'s Deployment (${rest.join(', ')})` });
  return out;
}

function emptyOf(field: (typeof CONTROLLER_FIELDS)[number]): unknown {
  return field === 'archived' || field === 'rejected' ? [] : null;
}

/** Why a file that is no part of the promotion needs a person to look at it. */
function whyNotAPromotion(ctx: ScopeContext, c: ChangedFile): string {
  const verb = { added: 'adds', modified: 'changes', deleted: 'deletes' }[c.status];
  const p = c.path;
  const model = MODEL.exec(p)?.[1];
  if (model)
    return `${verb} ${model === ctx.model ? 'the' : `another model's (${model})`} model record: its training command, evaluation (a metric's direction) and governance overrides, none of which a promotion changes`;
  const version = VERSION.exec(p);
  if (version)
    return `${verb} another version's record (${version[1]} ${version[2]}): register it in its own pull request`;
  if (p.startsWith('registry/runs/'))
    return `${verb} a run that is not ${ctx.model} ${ctx.version}'s`;
  if (p.startsWith('model-cards/'))
    return `${verb} a model card that is not ${ctx.model} ${ctx.version}'s`;
  if (p.startsWith('actions/'))
    return `${verb} an action: code the workflows run with their tokens and secrets`;
  if (p.startsWith('.github/')) return `${verb} the repository's workflows or code owners`;
  if (p.startsWith('policies/')) return `${verb} a policy`;
  if (p.startsWith('data/')) return `${verb} a dataset pointer or the storage remotes`;
  if (p.startsWith('registry/')) return `${verb} a registry record a promotion does not hold`;
  return `${verb} a file a promotion does not hold`;
}

/** `registry/models/{model}/traffic` → a pattern for the files under it, any model. */
function trafficPattern(dir: string): RegExp {
  const parts = dir
    .replace(/^\.?\/+/, '')
    .replace(/\/+$/, '')
    .split('{model}')
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}/`);
}
