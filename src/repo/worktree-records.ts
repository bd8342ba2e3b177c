import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadRecord } from '../records/index.js';
import { RepoError } from './errors.js';

/**
 * The record at a repository path in the work tree, or undefined when there is none. An
 * invalid record is an error with its location: nothing acts on a broken record.
 * @throws RepoError `INVALID_RECORD` with `path:line:col: rule: message`.
 * @example
 * const policy = readWorktreeRecord<GovernancePolicy>(root, 'policies/governance.yaml');
 */
export function readWorktreeRecord<T>(root: string, path: string): T | undefined {
  const abs = join(root, path);
  if (!existsSync(abs)) return undefined;
  const r = loadRecord(path, readFileSync(abs));
  if (!r.ok) {
    const f = r.findings[0]!;
    throw new RepoError('INVALID_RECORD', `${path}:${f.line}:${f.col}: ${f.rule}: ${f.message}`, {
      path,
    });
  }
  return r.record.value as unknown as T;
}

/** Every record in a folder of the work tree (`*.yaml`), by file name order. */
export function readWorktreeFolder<T>(root: string, folder: string): T[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => readWorktreeRecord<T>(root, `${folder}/${f}`)!);
}
