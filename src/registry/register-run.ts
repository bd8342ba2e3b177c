import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataWorkspace, pointerRef, refKey } from '../data/index.js';
import type {
  Deployment,
  GovernancePolicy,
  Model,
  ModelCard,
  ModelVersion,
  RetrainingPolicy,
  Run,
} from '../records/index.js';
import {
  commitHere,
  finishInterruptedSync,
  openRepo,
  readWorktreeFolder,
  readWorktreeRecord,
  type Author,
} from '../repo/index.js';
import { RegistryError } from './errors.js';
import { buildRegistration, type Registration } from './registration.js';
import { compareSemVer } from './semver.js';

export interface RegisterRunOptions {
  /** The repository root (work tree). */
  root: string;
  model: string;
  runId: string;
  now: Date;
  author: Author;
  /** The environment remotes take credentials from (never read here otherwise). */
  env: Record<string, string | undefined>;
  patch?: boolean;
  reason?: string;
  artifact?: string;
  /** Commit on this branch (created from HEAD when new) instead of the checked-out one. */
  branch?: string;
}

export interface RegisterRunResult {
  registration: Registration;
  version: ModelVersion;
  /** Every file of the commit: the Run record, the version, the card and its Markdown. */
  files: string[];
  commit: string;
  branch: string;
}

/**
 * Registers a succeeded run of the work tree as the model's next version: reads the model,
 * its versions, deployment and the policies from the work tree, builds the ModelVersion,
 * ModelCard and Markdown, checks the model artifact is on its remote, and commits them with
 * the Run record as one commit with trailers (`Model`, `Version`, `Run`, `Change`). A re-run
 * for a run already registered (say after the first was killed once it had committed) is
 * refused, naming the version it made: one registration per run.
 * @example
 * const r = await registerRun({ root, model: 'execution-agent', runId, now, author, env });
 * console.log(`${r.version.version} in ${r.commit}`);
 * @throws RegistryError (the run cannot be registered), RepoError (a broken record, a
 *   branch that moved meanwhile).
 */
export async function registerRun(opts: RegisterRunOptions): Promise<RegisterRunResult> {
  const { root, model: name } = opts;
  // What is registered is read from the work tree: a register (or any commit) killed while
  // it updated the work tree is finished first, so a re-run sees the versions it made.
  await finishInterruptedSync(await openRepo(root));
  const model = readWorktreeRecord<Model>(root, `registry/models/${name}/model.yaml`);
  if (!model) throw new RegistryError('NO_MODEL', `no model "${name}" in registry/models/`);
  const run = findRun(root, opts.runId);
  const existing = readWorktreeFolder<ModelVersion>(root, `registry/models/${name}/versions`);
  const deployment = readWorktreeRecord<Deployment>(
    root,
    `registry/models/${name}/deployment.yaml`,
  );
  const governance = readWorktreeRecord<GovernancePolicy>(root, 'policies/governance.yaml');
  if (!governance) {
    throw new RegistryError(
      'NO_POLICY',
      'policies/governance.yaml is missing: a card shows its thresholds',
    );
  }
  const latest = [...existing].sort((a, b) => compareSemVer(a.version, b.version)).at(-1);
  const registration = buildRegistration({
    model,
    run: run.record,
    existing,
    production: deployment?.production ?? undefined,
    previousCard: latest ? readWorktreeRecord<ModelCard>(root, latest.card) : undefined,
    governance,
    retraining: readWorktreeRecord<RetrainingPolicy>(root, 'policies/retraining.yaml'),
    now: opts.now,
    patch: opts.patch,
    reason: opts.reason,
    artifact: opts.artifact,
  });
  const v = registration.version;
  await checkArtifactStored(root, opts.env, run.record, v);
  const edits = [
    { path: run.path, content: readFileSync(join(root, run.path), 'utf8') },
    ...registration.files,
  ];
  const metrics = Object.entries(v.metrics)
    .map(([k, x]) => `${k} ${x}`)
    .join(', ');
  const { oid, branch } = await commitHere(
    root,
    opts.author,
    edits,
    `Register ${name} ${v.version} from run ${run.record.id}\n\n${v.change.reason}\n\nMetrics: ${metrics}`,
    { Model: name, Version: v.version, Run: run.record.id, Change: v.change.level },
    { branch: opts.branch },
  );
  return { registration, version: v, files: edits.map((e) => e.path), commit: oid, branch };
}

function findRun(root: string, id: string): { record: Run; path: string } {
  if (/^[0-9]{8}-[0-9]{6}-[a-z0-9][a-z0-9-]*$/.test(id)) {
    for (const exp of readdirNames(join(root, 'registry', 'runs'))) {
      const path = `registry/runs/${exp}/${id}.yaml`;
      const record = readWorktreeRecord<Run>(root, path);
      if (record) return { record, path };
    }
  }
  throw new RegistryError('NO_RUN', `no run "${id}" under registry/runs/ (see mlops runs ls)`);
}

function readdirNames(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * A version must name bytes someone can fetch: the model artifact has to be on the remote
 * its uri names (training pushes it; a run trained elsewhere may not have been).
 */
async function checkArtifactStored(
  root: string,
  env: Record<string, string | undefined>,
  run: Run,
  v: ModelVersion,
): Promise<void> {
  const remote = /^mlops:\/\/([^/]+)\//.exec(v.artifact.uri)?.[1];
  if (!remote) return;
  const ws = new DataWorkspace(root, env);
  try {
    const { store } = ws.store(remote);
    const info = await store.stat(refKey(pointerRef({ hash: v.artifact.hash, dir: false })));
    if (!info || info.size !== v.artifact.size) {
      const found = info ? ` (size ${info.size}, expected ${v.artifact.size})` : '';
      throw new RegistryError(
        'ARTIFACT_NOT_STORED',
        `its artifact ${v.artifact.hash} is not on remote "${remote}"${found}; a version must name bytes others can fetch`,
        { run: run.id },
      );
    }
  } finally {
    ws.close();
  }
}
