import type { Command } from 'commander';
import { join } from 'node:path';
import {
  addPath,
  datasetName,
  existingPointer,
  formatSize,
  gitIgnore,
  pathFromCwd,
  pointerRecordText,
  writeAtomic,
} from '../../data/index.js';
import { UsageError, json, parseJobs, type Io } from '../io.js';
import { workspace } from './data.js';

export function registerDataAdd(data: Command, io: Io) {
  data
    .command('add')
    .description(
      'hash a file or directory into the cache and write (or update) its pointer data/<name>.yaml; git-ignores the path',
    )
    .argument('<path>', 'a file or directory inside the repository')
    .option('-n, --name <name>', 'dataset name (default: from the file name)')
    .option('-r, --remote <name>', 'the remote this dataset lives on (default: the default remote)')
    .option('-j, --jobs <n>', 'hashing threads (default: one per core for large inputs)', parseJobs)
    .option('--json', 'print JSON')
    .action(
      async (
        path: string,
        opts: { name?: string; remote?: string; jobs?: number; json?: boolean },
      ) => {
        const ws = await workspace(io);
        // a path given from a subfolder is relative to it; one outside the repository, or
        // absolute, is refused before anything is read or written
        const rel = pathFromCwd(ws.root, io.cwd, path);
        const name = opts.name ?? datasetName(rel);
        if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name)) {
          throw new UsageError(
            `--name must be lower-case letters, digits, "-" and "_" (at most 63); got ${JSON.stringify(name)}`,
          );
        }
        if (opts.remote) ws.store(opts.remote); // an unknown remote fails before any work
        const started = performance.now();
        const r = await addPath(ws.root, rel, {
          algo: ws.algo,
          cache: ws.cache,
          ...(opts.jobs ? { jobs: opts.jobs } : {}),
        });
        const existing = existingPointer(ws.root, name);
        const text = await pointerRecordText(ws.root, name, r.pointer, {
          ...(opts.remote ? { remote: opts.remote } : {}),
          ...(existing !== undefined ? { existing } : {}),
        });
        const file = `data/${name}.yaml`;
        writeAtomic(join(ws.root, file), text);
        const ignored = gitIgnore(ws.root, r.pointer.path);
        const ms = Math.round(performance.now() - started);
        if (opts.json)
          return json(io, {
            file,
            ...r.pointer,
            hashed: r.hashed,
            fromStatCache: r.fromStatCache,
            stored: r.stored,
            threads: r.threads,
            ms,
          });
        const state = existing === undefined ? 'new' : existing === text ? 'up to date' : 'updated';
        io.out(
          `${r.pointer.path} → ${file} (${state}): ${r.pointer.hash.slice(0, 19)}…, ` +
            `${formatSize(r.pointer.size)}, ${r.pointer.files} file${r.pointer.files === 1 ? '' : 's'} ` +
            `(${r.hashed} hashed, ${r.fromStatCache} known from the stat cache) in ${ms} ms\n`,
        );
        if (ignored) io.out(`added /${r.pointer.path} to .gitignore\n`);
      },
    );
}
