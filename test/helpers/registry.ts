import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleFiles } from '../../src/demo/example.js';
import {
  commitEdits,
  initRepo,
  resolveRef,
  type RecordEdit,
  type Repo,
} from '../../src/repo/index.js';
import { main } from '../../src/cli/main.js';

export interface TestRegistry {
  dir: string;
  repo: Repo;
  /** The example registry's files as committed first. */
  files: Map<string, string>;
  /** Commit edits on a branch (created from `from` when new); returns the commit. */
  commit(
    edits: Record<string, string | null>,
    opts?: { branch?: string; from?: string; message?: string },
  ): Promise<string>;
  /** Run the CLI in the repository; stdout, stderr and the exit code. */
  mlops(...argv: string[]): Promise<{ code: number; out: string; err: string }>;
  /** The environment the CLI sees (credentials for a test S3 server, say). */
  env: Record<string, string>;
  cleanup(): void;
}

let clock = Date.UTC(2026, 0, 20) / 1000;

/** A real git repository holding the example registry on `main`, plus helpers. */
export async function exampleRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-test-'));
  const repo = await initRepo(dir);
  const files = exampleFiles();
  const author = () => ({
    name: 'Test',
    email: 'test@example.com',
    timestamp: ++clock,
    timezoneOffset: 0,
  });
  await commitEdits(repo, {
    branch: 'main',
    expectedParent: null,
    edits: [...files].map(([path, content]) => ({ path, content })),
    message: 'example registry',
    author: author(),
    updateWorkTree: true,
  });
  const self: TestRegistry = {
    dir,
    repo,
    files,
    async commit(edits, opts = {}) {
      const branch = opts.branch ?? 'main';
      const current = await resolveRef(repo, branch).catch(() => null);
      const list: RecordEdit[] = Object.entries(edits).map(([path, content]) =>
        content === null ? { path, delete: true } : { path, content },
      );
      return commitEdits(repo, {
        branch,
        expectedParent: current,
        startPoint: current ? undefined : await resolveRef(repo, opts.from ?? 'main'),
        edits: list,
        message: opts.message ?? 'change',
        author: author(),
        updateWorkTree: branch === 'main',
      });
    },
    async mlops(...argv) {
      let out = '';
      let err = '';
      const code = await main(argv, {
        out: (s) => (out += s),
        err: (s) => (err += s),
        cwd: dir,
        env: self.env,
        now: () => new Date(clock * 1000),
        isTTY: false,
      });
      return { code, out, err };
    },
    env: {},
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  return self;
}

/** Replace exactly one occurrence of `from` in a file's text (fails loudly otherwise). */
export function edit(text: string | undefined, from: string | RegExp, to: string): string {
  if (text === undefined) throw new Error('no such file');
  const count =
    typeof from === 'string'
      ? text.split(from).length - 1
      : (text.match(new RegExp(from, 'g')) ?? []).length;
  if (count !== 1) throw new Error(`expected one ${String(from)}, found ${count}`);
  return text.replace(from, to);
}

/** The 1-based line of the first line matching. */
export function lineOf(text: string, match: string | RegExp): number {
  const i = text
    .split('\n')
    .findIndex((l) => (typeof match === 'string' ? l.includes(match) : match.test(l)));
  if (i < 0) throw new Error(`no line matches ${String(match)}`);
  return i + 1;
}
