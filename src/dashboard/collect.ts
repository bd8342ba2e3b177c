/**
 * Reads what the dashboard shows from one commit of the repository: the records at that
 * commit, and from history the audit trail, each rollout's steps and each drift level change.
 * Git objects only: never the work tree, never a server.
 */
import { history, readBlob, resolveRef, type HistoryEntry, type Repo } from '../repo/index.js';
import {
  loadRecord,
  type Deployment,
  type DriftPolicy,
  type DriftStatus,
  isRecordFile,
  type Finding,
  type LoadedRecord,
  type Model,
  type ModelCard,
  type ModelVersion,
} from '../records/index.js';
import { compareSemVer, modelOfPath, stageOf } from '../registry/index.js';
import { openTree } from '../validate/index.js';
import type { Forge } from '../forge/index.js';
import { bodyOf, confirmPullRefs, isoTime, pullsOf } from './pulls.js';
import type {
  AuditCommit,
  DriftEvent,
  ModelPage,
  PullRef,
  RolloutEvent,
  SiteData,
  VersionPage,
} from './types.js';

/** The folders whose commits make the audit trail. */
export const AUDITED = ['registry/', 'model-cards/', 'policies/', 'data/'];

export interface CollectOptions {
  /** The commit to show; `HEAD` by default. */
  ref?: string;
  /** Commits of the audit trail at most (newest first); 1,000 by default. */
  limit?: number;
  /**
   * The forge to confirm pull requests with; without one (the default: git alone) every pull
   * request is shown as claimed by its commit message, not confirmed.
   */
  forge?: Forge;
  /** The branch the pull requests must have merged into; `main` by default. */
  branch?: string;
}

/** Commits walked to find pull requests: well past the audit trail's limit. */
const PULL_WALK = 20_000;

/**
 * Everything the dashboard shows, from the repository at `ref`.
 * @example
 * const site = await collectSite(await openRepo('.'), { ref: 'main' });
 * site.models.map((m) => m.model.name) // ['execution-agent', …]
 */
export async function collectSite(repo: Repo, opts: CollectOptions = {}): Promise<SiteData> {
  const commit = await resolveRef(repo, opts.ref ?? 'HEAD');
  const limit = opts.limit ?? 1000;
  const { index } = await openTree(repo, commit);
  // A record that does not load (bad YAML, a schema error) is left out and reported: the
  // site shows what can be read, and says what it could not.
  const skipped: Finding[] = [];
  const load = async (prefix: string) => {
    const out: LoadedRecord[] = [];
    const paths = (await index.under(prefix)).filter(isRecordFile);
    for (const r of await Promise.all(paths.map((p) => index.load(p)))) {
      if (r?.ok) out.push(r.record);
      else if (r) skipped.push(...r.findings);
    }
    return out;
  };
  const [records, cards, policies, log, everything] = await Promise.all([
    load('registry/models/'),
    load('model-cards/'),
    load('policies/'),
    history(repo, { ref: commit, paths: AUDITED, limit: limit + 1 }),
    history(repo, { ref: commit, paths: [], limit: PULL_WALK }),
  ]);
  const claimed = pullsOf(everything);
  const pulls = opts.forge
    ? await confirmPullRefs(claimed, opts.forge, opts.branch ?? 'main')
    : claimed;
  const shown = log.slice(0, limit);
  const audit = shown.map((e) => auditCommit(e, pulls.get(e.oid)));
  const head = everything[0];
  const driftPolicy = policies.find((r) => r.kind === 'DriftPolicy')?.value as
    DriftPolicy | undefined;

  const of = <T>(kind: string) =>
    records.filter((r) => r.kind === kind).map((r) => r.value as unknown as T);
  const cardOf = new Map(
    cards
      .filter((r) => r.kind === 'ModelCard')
      .map((r) => r.value as unknown as ModelCard)
      .map((c) => [`${c.model}@${c.version}`, c]),
  );
  const deployments = new Map(of<Deployment>('Deployment').map((d) => [d.model, d]));
  const drifts = new Map(of<DriftStatus>('DriftStatus').map((d) => [d.model, d]));
  const versions = of<ModelVersion>('ModelVersion');

  // One pass over every commit's files sorts them by model: which commits are a model's, with
  // its files, and where its drift status changed (an import touches thousands of files).
  const filesOf = new Map<string, Map<string, string[]>>(); // model → commit → its files
  const driftOf = new Map<string, { entry: HistoryEntry; blob: string }[]>();
  for (const e of shown) {
    for (const c of e.changes) {
      const model = modelOfPath(c.path);
      if (model === undefined) continue;
      let commits = filesOf.get(model);
      if (!commits) filesOf.set(model, (commits = new Map<string, string[]>()));
      const paths = commits.get(e.oid);
      if (paths) paths.push(c.path);
      else commits.set(e.oid, [c.path]);
      if (c.headOid && c.path === `registry/models/${model}/drift.yaml`) {
        const changes = driftOf.get(model);
        if (changes) changes.push({ entry: e, blob: c.headOid });
        else driftOf.set(model, [{ entry: e, blob: c.headOid }]);
      }
    }
  }

  const models: ModelPage[] = [];
  for (const model of of<Model>('Model').sort((a, b) => a.name.localeCompare(b.name))) {
    const deployment = deployments.get(model.name);
    const files = filesOf.get(model.name) ?? new Map<string, string[]>();
    // the model's commits, each with its files of this model only
    const mine = audit.flatMap((c) => {
      const paths = files.get(c.oid);
      return paths || (c.trailers.Model ?? []).includes(model.name)
        ? [{ ...c, paths: paths ?? [] }]
        : [];
    });
    const page: ModelPage = {
      model,
      ...(deployment ? { deployment } : {}),
      versions: versions
        .filter((v) => v.model === model.name)
        .sort((a, b) => compareSemVer(a.version, b.version))
        .map((v) => versionPage(v, deployment, cardOf.get(`${v.model}@${v.version}`), mine)),
      rollouts: mine.flatMap((c) => rolloutEvent(c) ?? []),
      driftHistory: await driftEvents(repo, model.name, driftOf.get(model.name) ?? []),
      audit: mine,
    };
    const drift = drifts.get(model.name);
    if (drift) page.drift = drift;
    models.push(page);
  }
  return {
    commit,
    date: head ? isoTime(head.committer.timestamp) : '',
    models,
    audit,
    auditCut: log.length > limit,
    skipped,
    ...(driftPolicy ? { psi: driftPolicy.psi } : {}),
  };
}

function auditCommit(e: HistoryEntry, pull: PullRef | undefined): AuditCommit {
  return {
    oid: e.oid,
    date: isoTime(e.author.timestamp),
    author: e.author.name,
    subject: e.subject,
    body: bodyOf(e.message, Object.keys(e.trailers).length),
    trailers: e.trailers,
    paths: e.changes.map((c) => c.path),
    ...(pull ? { pull } : {}),
  };
}

function versionPage(
  record: ModelVersion,
  deployment: Deployment | undefined,
  card: ModelCard | undefined,
  audit: AuditCommit[],
): VersionPage {
  const path = `registry/models/${record.model}/versions/${record.version}.yaml`;
  const registeredIn = audit.findLast((c) => c.paths.includes(path));
  const rejected = deployment?.rejected.find((r) => r.version === record.version);
  return {
    record,
    stage: stageOf(deployment, record.version),
    ...(card ? { card } : {}),
    ...(rejected
      ? { rejected: { reason: rejected.reason, ...(rejected.at ? { at: rejected.at } : {}) } }
      : {}),
    ...(registeredIn ? { registeredIn } : {}),
  };
}

/** A rollout step commit: the controller's `Rollout:`, `Decision:` and `Weight:` trailers. */
function rolloutEvent(c: AuditCommit): RolloutEvent | undefined {
  const [rollout] = c.trailers.Rollout ?? [];
  const [decision] = c.trailers.Decision ?? [];
  const [version] = c.trailers.Version ?? [];
  if (!rollout || !decision || !version || c.pull) return undefined;
  const weight = Number.parseFloat(c.trailers.Weight?.[0] ?? '');
  return {
    oid: c.oid,
    date: c.date,
    rollout,
    version,
    decision,
    weight: Number.isFinite(weight) ? weight : 0,
    reason: c.subject.replace(/^rollout [^:]+: /, ''),
    figures: c.body,
  };
}

/** The model's drift level at each commit that changed its `drift.yaml`, newest first. */
async function driftEvents(
  repo: Repo,
  model: string,
  changes: { entry: HistoryEntry; blob: string }[],
): Promise<DriftEvent[]> {
  const path = `registry/models/${model}/drift.yaml`;
  const out: DriftEvent[] = [];
  for (const { entry: e, blob } of changes) {
    const loaded = loadRecord(path, await readBlob(repo, blob));
    if (!loaded.ok || loaded.record.kind !== 'DriftStatus') continue;
    const s = loaded.record.value as unknown as DriftStatus;
    out.push({
      oid: e.oid,
      date: isoTime(e.author.timestamp),
      level: s.level,
      ...(s.version ? { version: s.version } : {}),
      reason: s.reason,
    });
  }
  return out;
}
