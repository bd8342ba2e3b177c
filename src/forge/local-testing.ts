// Fixtures shared by the local forge's tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRepo, type TestRepo } from '../../test/helpers/gitdir.js';
import { openRepo } from '../repo/index.js';
import { ForgeError, LocalForge } from './index.js';

export const NOW = new Date('2026-01-20T10:00:00.000Z');
export const LINES = (n: number) =>
  Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

/** main with a 10-line file; `feature` changes line 2 of it and adds a file. */
export function twoBranches(): TestRepo {
  return makeRepo({
    commits: [
      { files: { 'notes.txt': LINES(10), 'registry/a.yaml': 'a: 1\n' }, message: 'start' },
      {
        branch: 'feature',
        from: 0,
        files: { 'notes.txt': LINES(10).replace('line 2\n', 'line 2 (feature)\n') },
        message: 'feature edits line 2',
      },
      { files: { 'registry/b.yaml': 'b: 1\n' }, message: 'feature adds b' },
    ],
  });
}

export async function forgeFor(r: TestRepo, login = 'ana') {
  return new LocalForge(await openRepo(r.dir), { login, now: () => NOW });
}

export async function refused(p: Promise<unknown>): Promise<ForgeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ForgeError)) throw new Error(`expected a ForgeError, got ${String(e)}`);
  return e;
}

/** Everything a failed merge must leave alone: refs, the work tree and the index. */
export function snapshot(r: TestRepo) {
  return {
    refs: r.git('for-each-ref', '--format=%(refname) %(objectname)'),
    status: r.git('status', '--porcelain'),
    notes: readFileSync(join(r.dir, 'notes.txt'), 'utf8'),
    index: r.git('ls-files', '-s'),
  };
}
