/**
 * What `mlops init` writes into a repository, computed from the package's own shipped files:
 * repository-relative path → bytes. Pure apart from reading the package.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { rewriteActions, setCodeOwners, setPolicyApprovers, REMOTES_YAML } from './edit.js';
import type { ActionsSource } from './options.js';

/** The shipped policies, copied to `policies/`. */
export const POLICIES = ['governance', 'rollout', 'drift', 'retraining'];

/** The shipped workflows, copied to `.github/workflows/` (not ci.yml: that is the tool's own CI). */
export const WORKFLOWS = [
  'validate.yml',
  'train.yml',
  'rollout.yml',
  'drift.yml',
  'retrain.yml',
  'dashboard.yml',
];

/** Record folders that start empty, kept in git with a `.gitkeep`. */
export const EMPTY_FOLDERS = [
  'registry/models',
  'registry/runs',
  'registry/features',
  'model-cards',
];

export interface PlannedFile {
  /** Repository-relative, `/`-separated. */
  path: string;
  content: Uint8Array;
  /**
   * Paths whose existence means this file is not written (the file itself always counts):
   * a folder for a `.gitkeep`, another CODEOWNERS location GitHub would stop reading.
   */
  keepIf?: string[];
}

export interface PlanOptions {
  /** The package's root (where policies/, schemas/, .github/ and actions/ are). */
  packageRoot: string;
  /** Replace the shipped `approval.approvers` and CODEOWNERS owners; shipped ones if absent. */
  approvers?: string[];
  actions: ActionsSource;
}

/**
 * Every file `mlops init` would create in an empty repository, in the order it reports them.
 * @throws Error when the package lacks a file it ships (a broken install).
 * @example
 * const files = planInit({ packageRoot: packageRoot(), actions: { repo: 'o/r', ref: 'v1' } });
 */
export function planInit(opts: PlanOptions): PlannedFile[] {
  const pkg = opts.packageRoot;
  const read = (rel: string) => readFileSync(join(pkg, rel), 'utf8');
  const text = (path: string, content: string, keepIf?: string[]): PlannedFile => ({
    path,
    content: Buffer.from(content, 'utf8'),
    ...(keepIf ? { keepIf } : {}),
  });
  const out: PlannedFile[] = [];

  for (const name of POLICIES) {
    const path = `policies/${name}.yaml`;
    let content = read(path);
    if (name === 'governance' && opts.approvers) {
      content = setPolicyApprovers(content, opts.approvers);
    }
    out.push(text(path, content));
  }
  out.push(text('data/remotes.yaml', REMOTES_YAML));
  for (const name of readdirSync(join(pkg, 'schemas')).sort()) {
    if (name.endsWith('.json')) out.push(text(`schemas/${name}`, read(`schemas/${name}`)));
  }
  for (const dir of EMPTY_FOLDERS) out.push(text(`${dir}/.gitkeep`, '', [dir]));

  const used = new Set<string>();
  for (const name of WORKFLOWS) {
    const path = `.github/workflows/${name}`;
    // a workflow this version of the package does not ship is left out
    if (!existsSync(join(pkg, path))) continue;
    const rewritten = rewriteActions(read(path), opts.actions);
    rewritten.actions.forEach((a) => used.add(a));
    out.push(text(path, rewritten.text));
  }
  let owners = read('.github/CODEOWNERS');
  if (opts.approvers) owners = setCodeOwners(owners, opts.approvers);
  // GitHub reads the first of .github/, the root and docs/: one elsewhere stays in charge
  out.push(text('.github/CODEOWNERS', owners, ['CODEOWNERS', 'docs/CODEOWNERS']));

  if (opts.actions === 'vendor') {
    for (const name of [...used].sort()) out.push(...vendoredAction(pkg, name));
  }
  return out;
}

/** An action's `action.yml` and its bundle (`dist/**`), as the package ships them. */
function vendoredAction(pkg: string, name: string): PlannedFile[] {
  const base = join(pkg, 'actions', name);
  if (!existsSync(join(base, 'action.yml')) || !existsSync(join(base, 'dist'))) {
    throw new Error(`the package has no bundled action actions/${name} (action.yml and dist/)`);
  }
  const out: PlannedFile[] = [];
  const add = (abs: string) =>
    out.push({
      path: relative(pkg, abs).split('\\').join('/'),
      content: new Uint8Array(readFileSync(abs)),
    });
  add(join(base, 'action.yml'));
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.isFile()) add(join(dir, e.name));
    }
  };
  walk(join(base, 'dist'));
  return out;
}
