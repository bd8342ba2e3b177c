/**
 * `mlops init`: scaffold gitops-mlops into an existing git repository. Nothing that exists is
 * overwritten; the one edit of an existing file is appending missing lines to `.gitignore`.
 */
import {
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { openRepo, RepoError } from '../repo/index.js';
import { IGNORED, appendIgnores, missingIgnores } from './edit.js';
import { InitError, type ActionsSource } from './options.js';
import { planInit, type PlannedFile } from './plan.js';

export { InitError, DEFAULT_ACTIONS_REPO, parseActions, parseApprovers } from './options.js';
export type { ActionsSource } from './options.js';
export { planInit, POLICIES, WORKFLOWS, EMPTY_FOLDERS } from './plan.js';
export { IGNORED } from './edit.js';

export interface InitOptions {
  /** A folder inside the repository's work tree. */
  dir: string;
  packageRoot: string;
  approvers?: string[];
  actions: ActionsSource;
  /** Decide and report, write nothing. */
  dryRun?: boolean;
  /**
   * Creates one file unless something is there (false then); `createFile` by default. Tests
   * pass one that fails partway.
   */
  create?: (abs: string, content: Uint8Array) => boolean;
}

export interface InitResult {
  /** The top of the work tree, where everything is written. */
  root: string;
  created: string[];
  /** Planned paths left alone, each with why. */
  kept: { path: string; because: string }[];
  /** Existing files that gained lines (only `.gitignore`), with the lines. */
  appended: { path: string; lines: string[] }[];
}

/**
 * Plan against what the repository holds, then (unless `dryRun`) create the missing files,
 * each atomically and never over an existing one.
 * @throws InitError `NOT_A_WORKTREE` outside a git work tree, `PATH_CONFLICT` when a file
 * stands where a folder must be, `OUTSIDE_REPO` when a link on the way to a file leads out of
 * the repository; nothing is written then.
 * @example
 * const r = await initRepository({ dir: process.cwd(), packageRoot: packageRoot(),
 *   actions: { repo: 'gitops-mlops/gitops-mlops', ref: 'v0.1.0' } });
 */
export async function initRepository(opts: InitOptions): Promise<InitResult> {
  const root = await workTreeRoot(opts.dir);
  const create = opts.create ?? createFile;
  const result: InitResult = { root, created: [], kept: [], appended: [] };
  const toCreate: PlannedFile[] = [];
  // no planned path goes through a link that leads out of the work tree: not one to write,
  // and not one kept (its "exists" would be a file of another place)
  const realRoot = realpathSync(root);
  for (const file of planInit(opts)) {
    checkInside(root, realRoot, file.path);
    const existing = [file.path, ...(file.keepIf ?? [])].find((p) => exists(join(root, p)));
    // a .gitkeep is kept for an existing folder; a file in the folder's place is a conflict
    if (existing && file.path.endsWith('/.gitkeep') && existing !== file.path)
      checkParents(root, file.path);
    if (existing === undefined) toCreate.push(file);
    else {
      const because = existing === file.path ? 'exists' : `${existing} exists`;
      result.kept.push({ path: file.path, because });
    }
  }
  const gitignore = join(root, '.gitignore');
  let ignoreText: { content: string; append: string[] } | undefined;
  if (!exists(gitignore)) {
    toCreate.push({ path: '.gitignore', content: Buffer.from(appendIgnores('', IGNORED)) });
  } else if (lstatSync(gitignore).isFile()) {
    const text = readFileSync(gitignore, 'utf8');
    const missing = missingIgnores(text);
    if (missing.length) ignoreText = { content: appendIgnores(text, missing), append: missing };
    else result.kept.push({ path: '.gitignore', because: `ignores ${IGNORED.join(', ')}` });
  } else result.kept.push({ path: '.gitignore', because: 'exists' });

  for (const f of toCreate) checkParents(root, f.path);
  try {
    for (const f of toCreate) {
      if (opts.dryRun || create(join(root, f.path), f.content)) result.created.push(f.path);
      else result.kept.push({ path: f.path, because: 'exists' });
    }
    // the one edit, last: it is the only step not undone by removing what was created
    if (ignoreText && !opts.dryRun) replaceFile(gitignore, ignoreText.content);
  } catch (e) {
    // the files this run created go again: a failed init leaves no file behind
    if (!opts.dryRun) for (const p of result.created) rmSync(join(root, p), { force: true });
    throw new InitError('WRITE_FAILED', `nothing was written: ${(e as Error).message}`, {
      dir: root,
    });
  }
  if (ignoreText) result.appended.push({ path: '.gitignore', lines: ignoreText.append });
  return result;
}

async function workTreeRoot(dir: string): Promise<string> {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new InitError('NOT_A_WORKTREE', `no such directory: ${dir}`, { dir });
  try {
    const repo = await openRepo(dir);
    if (repo.dir !== repo.gitdir) return repo.dir;
  } catch (e) {
    if (!(e instanceof RepoError && e.code === 'NOT_A_REPO')) throw e;
  }
  throw new InitError(
    'NOT_A_WORKTREE',
    `not inside a git work tree: ${dir}; mlops init adds gitops-mlops to an existing git repository (run \`git init\` first, or pass --dir)`,
    { dir },
  );
}

/** True when anything (a file, a folder, a link, even a dangling one) is at `abs`. */
function exists(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch {
    return false;
  }
}

/** Every existing ancestor of `path` below `root` must be a folder (or a link to one). */
function checkParents(root: string, path: string): void {
  const parts = path.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    let st;
    try {
      st = statSync(join(root, rel));
    } catch {
      return; // missing: created with its children
    }
    if (!st.isDirectory()) {
      throw new InitError(
        'PATH_CONFLICT',
        `${rel} is not a folder, but mlops init must create ${path} in it; move it away and run again (nothing was written)`,
        { path: rel },
      );
    }
  }
}

/**
 * Refuses a path whose folders (or the file itself) go through a link that leads out of the
 * work tree, e.g. `policies -> /tmp/elsewhere`: init would write outside the repository.
 * A link that stays inside it (`policies -> config/policies`) is fine.
 */
function checkInside(root: string, realRoot: string, path: string): void {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    const abs = join(root, rel);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      return; // missing: created by init, inside the folder checked before it
    }
    if (!st.isSymbolicLink()) continue;
    const target = linkTarget(abs);
    const inside = relative(realRoot, target);
    if (inside.split(sep)[0] !== '..' && !isAbsolute(inside)) continue;
    throw new InitError(
      'OUTSIDE_REPO',
      `${rel} is a link to ${target}, outside the repository, and ${path === rel ? 'it is' : `${path} would be`} one of the files mlops init writes; it writes only inside ${root}: replace the link with a ${path === rel ? 'file' : 'folder'} of the repository, or remove it, and run again (nothing was written)`,
      { path: rel, target },
    );
  }
}

/** Where a link finally leads: its real path, or for a dangling one, where its last hop points. */
function linkTarget(abs: string): string {
  let at = abs;
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(at);
    } catch {
      // dangling: follow it by hand while the next hop is itself a link
    }
    let parent: string;
    try {
      parent = realpathSync(dirname(at));
    } catch {
      return at; // the parent is missing too: where the link points is as far as it goes
    }
    const next = resolve(parent, readlinkSync(at));
    try {
      if (!lstatSync(next).isSymbolicLink()) return next;
    } catch {
      return next;
    }
    at = next;
  }
  return at;
}

function tempName(abs: string): string {
  return `${abs}.${process.pid}.${Math.random().toString(36).slice(2)}.mlops-tmp`;
}

/**
 * Write `abs` atomically unless something is there: the bytes go to a temporary name that is
 * then hard-linked to `abs` (which fails if `abs` appeared meanwhile). False when it exists.
 */
export function createFile(abs: string, content: Uint8Array): boolean {
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = tempName(abs);
  writeFileSync(tmp, content, { flag: 'wx' });
  try {
    linkSync(tmp, abs);
    return true;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'EEXIST') return false;
    // a file system without hard links: a rename, after looking
    if (exists(abs)) return false;
    renameSync(tmp, abs);
    return true;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // renamed
    }
  }
}

/** Replace `abs` with `content` atomically (a temporary file renamed over it). */
function replaceFile(abs: string, content: string): void {
  const tmp = tempName(abs);
  writeFileSync(tmp, content, { flag: 'wx', mode: statSync(abs).mode & 0o777 });
  renameSync(tmp, abs);
}
