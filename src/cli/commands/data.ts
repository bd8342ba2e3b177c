import type { Command } from 'commander';
import {
  DataWorkspace,
  checkDataset,
  checkoutPointer,
  createProgress,
  explainResult,
  formatSize,
  pointerRef,
  pull,
  push,
  verify,
  type PointerFile,
  type TransferOptions,
  type TransferReport,
} from '../../data/index.js';
import { openRepo } from '../../repo/index.js';
import { UsageError, json, parseJobs, table, type Io } from '../io.js';
import { registerDataAdd } from './data-add.js';
import { registerDataMaintenance } from './data-maintenance.js';

/**
 * The workspace of the repository the command runs in; its remote connections
 * are closed when the command ends (an open socket would keep the process up).
 */
export async function workspace(io: Io): Promise<DataWorkspace> {
  const repo = await openRepo(io.cwd);
  const ws = new DataWorkspace(repo.dir, io.env);
  io.defer?.(() => ws.close());
  return ws;
}

/** Transfer options with progress on stderr: a bar on a TTY, a line every few seconds in CI. */
export function transferOptions(io: Io, verb: string, jobs?: number): TransferOptions {
  return {
    ...(jobs ? { concurrency: jobs } : {}),
    progress: ({ objects, bytes }) =>
      createProgress({
        write: (s) => io.err(s),
        now: () => io.now().getTime(),
        isTTY: io.isTTY,
        verb,
        totalObjects: objects,
        totalBytes: bytes,
      }),
  };
}

/** Pointers grouped by the remote they go to: their own, `--remote`, or the default. */
function byRemote(ws: DataWorkspace, pointers: PointerFile[], remote?: string) {
  const groups = new Map<string, PointerFile[]>();
  for (const p of pointers) {
    const name = remote ?? p.remote ?? ws.store().name;
    groups.set(name, [...(groups.get(name) ?? []), p]);
  }
  return groups;
}

function summary(verb: string, r: TransferReport, ms: number): string {
  return `${verb} ${r.transferred} object${r.transferred === 1 ? '' : 's'} (${formatSize(r.bytes)}), ${r.skipped} already there, ${r.failed.length} failed, in ${Math.round(ms)} ms\n`;
}

export function registerData(program: Command, io: Io, setExit: (code: number) => void) {
  const data = program
    .command('data')
    .description(
      'version datasets by content hash: pointers in data/, bytes in a cache and remotes (local directory or S3)',
    );
  registerDataAdd(data, io);

  for (const verb of ['push', 'pull'] as const) {
    data
      .command(verb)
      .description(
        verb === 'push'
          ? 'upload the data of the named datasets (default: all) that the remote lacks'
          : 'download the named datasets (default: all) into the cache and the work tree, verified',
      )
      .argument('[names...]', 'dataset names (default: all)')
      .option('-r, --remote <name>', 'use this remote instead of each pointer’s own or the default')
      .option('-j, --jobs <n>', 'transfers at once (default 8)', parseJobs)
      .option('--json', 'print JSON')
      .action(async (names: string[], opts: { remote?: string; jobs?: number; json?: boolean }) => {
        const ws = await workspace(io);
        const started = performance.now();
        const total: TransferReport = { transferred: 0, skipped: 0, bytes: 0, failed: [] };
        const checkouts: { name: string; written: number; unchanged: number }[] = [];
        for (const [remote, pointers] of byRemote(ws, ws.select(names), opts.remote)) {
          const { store } = ws.store(remote);
          const refs = pointers.map((p) => ({
            ...pointerRef(p.pointer),
            ...(p.pointer.dir ? {} : { size: p.pointer.size }),
          }));
          const r = await (verb === 'push' ? push : pull)(
            ws.cache,
            store,
            refs,
            transferOptions(io, verb === 'push' ? 'pushed' : 'pulled', opts.jobs),
          );
          total.transferred += r.transferred;
          total.skipped += r.skipped;
          total.bytes += r.bytes;
          total.failed.push(...r.failed);
          if (verb === 'pull' && !r.failed.length) {
            for (const p of pointers) {
              const c = await checkoutPointer(ws.cache, p.pointer);
              checkouts.push({ name: p.name, written: c.written, unchanged: c.unchanged });
            }
          }
        }
        if (opts.json) json(io, { ...total, checkouts });
        else {
          for (const f of total.failed) io.err(`${f.key}: ${f.code}: ${f.message}\n`);
          io.out(
            summary(verb === 'push' ? 'pushed' : 'pulled', total, performance.now() - started),
          );
        }
        if (total.failed.length) setExit(1);
      });
  }

  data
    .command('status')
    .description(
      'what differs: work-tree files changed or missing, data missing from the cache or the remote',
    )
    .argument('[names...]', 'dataset names (default: all)')
    .option('--no-remote', 'do not ask the remote')
    .option('--json', 'print JSON')
    .action(async (names: string[], opts: { remote: boolean; json?: boolean }) => {
      const ws = await workspace(io);
      const { statusOf } = await import('./data-status.js');
      const rows = await statusOf(ws, ws.select(names), opts.remote);
      if (opts.json) return json(io, rows);
      io.out(
        table([
          ['DATASET', 'WORK TREE', 'CACHE', 'REMOTE', 'HASH'],
          ...rows.map((r) => [r.name, r.worktree, r.cache, r.remote, r.hash.slice(0, 19)]),
        ]),
      );
      if (
        rows.some(
          (r) => r.worktree !== 'ok' || r.cache !== 'ok' || (r.remote !== 'ok' && r.remote !== '-'),
        )
      )
        setExit(1);
    });

  data
    .command('verify')
    .description(
      're-hash the cached data of the named datasets (default: all), and with --remote the remote copies',
    )
    .argument('[names...]', 'dataset names (default: all)')
    .option(
      '-r, --remote [name]',
      'also download and re-hash from this remote (default: each pointer’s own)',
    )
    .option('--json', 'print JSON')
    .action(async (names: string[], opts: { remote?: string | boolean; json?: boolean }) => {
      const ws = await workspace(io);
      const pointers = ws.select(names);
      const refs = pointers.map((p) => pointerRef(p.pointer));
      const remoteName = typeof opts.remote === 'string' ? opts.remote : undefined;
      const store = opts.remote ? ws.store(remoteName ?? pointers[0]?.remote).store : undefined;
      const r = await verify(ws.cache, refs, {
        ...(store ? { store } : {}),
        ...transferOptions(io, 'verified'),
      });
      if (opts.json) json(io, r);
      else {
        for (const p of [...r.missing, ...r.failed])
          io.err(`${p.where}: ${p.key}: ${p.code}: ${p.message}\n`);
        io.out(
          `${r.checked} checked: ${r.ok} ok, ${r.missing.length} missing, ${r.failed.length} corrupt\n`,
        );
      }
      if (r.missing.length || r.failed.length) setExit(1);
    });

  data
    .command('check')
    .description("run a dataset's expectations over its data (pulling it if the cache lacks it)")
    .argument('<name>', 'dataset name')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const ws = await workspace(io);
      const [p] = ws.select([name]);
      if (!p?.record)
        throw new UsageError(`${name} is a .dvc pointer; expectations live in data/<name>.yaml`);
      const results = await checkDataset(ws, p.record, transferOptions(io, 'pulled'));
      if (opts.json) json(io, results);
      else {
        io.out(
          table([
            ['EXPECTATION', 'RESULT', 'ELEMENTS', 'UNEXPECTED', '%', 'OBSERVED'],
            ...results.map((r) => [
              r.expectation.type + ('column' in r.expectation ? `(${r.expectation.column})` : ''),
              r.success ? 'pass' : 'FAIL',
              r.element_count.toLocaleString('en'),
              r.unexpected_count === null ? '-' : r.unexpected_count.toLocaleString('en'),
              r.unexpected_percent === null ? '-' : r.unexpected_percent.toFixed(2),
              r.observed_value === null ? '-' : String(r.observed_value),
            ]),
          ]),
        );
        for (const r of results) if (!r.success) io.err(`${p.file}: ${explainResult(r)}\n`);
      }
      if (results.some((r) => !r.success)) setExit(1);
    });

  registerDataMaintenance(data, io, setExit);
}
