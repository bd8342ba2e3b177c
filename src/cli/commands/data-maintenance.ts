import type { Command } from 'commander';
import { join } from 'node:path';
import {
  existingPointer,
  formatSize,
  gc,
  keepKeys,
  parseDvcFile,
  pointerRecordText,
  pointerRef,
  writeAtomic,
  type DataPointer,
  type DataWorkspace,
} from '../../data/index.js';
import { loadRecord, type Dataset } from '../../records/index.js';
import { listBranches, listFiles, openRepo, readBlob, type Repo } from '../../repo/index.js';
import { json, type Io } from '../io.js';
import { workspace } from './data.js';

/** Every pointer on every branch, and in the work tree: what gc must keep. */
async function pointersEverywhere(repo: Repo, ws: DataWorkspace): Promise<DataPointer[]> {
  const out = ws.pointers().map((p) => p.pointer);
  for (const branch of await listBranches(repo)) {
    for (const f of await listFiles(repo, branch, [])) {
      if (/^data\/[^/]+\.ya?ml$/.test(f.path) && f.path !== 'data/remotes.yaml') {
        const r = loadRecord(f.path, await readBlob(repo, f.oid));
        if (!r.ok) continue; // an invalid pointer names nothing we could keep
        const d = r.record.value as unknown as Dataset;
        out.push({
          path: d.path,
          hash: d.hash,
          size: d.size,
          files: d.files,
          dir: d.format === 'directory',
        });
      } else if (f.path.endsWith('.dvc')) {
        out.push(...parseDvcFile(new TextDecoder().decode(await readBlob(repo, f.oid)), f.path));
      }
    }
  }
  return out;
}

export function registerDataMaintenance(data: Command, io: Io, setExit: (code: number) => void) {
  data
    .command('gc')
    .description('delete cache objects that no pointer on any branch (or in the work tree) names')
    .option('--dry-run', 'only say what would be deleted')
    .option('--json', 'print JSON')
    .action(async (opts: { dryRun?: boolean; json?: boolean }) => {
      const ws = await workspace(io);
      const repo = await openRepo(ws.root);
      const keep = await keepKeys(
        ws.cache,
        (await pointersEverywhere(repo, ws)).map((p) => pointerRef(p)),
      );
      const r = await gc(ws.cache, keep, {
        dryRun: opts.dryRun ?? false,
        now: () => io.now().getTime(),
      });
      if (opts.json) return json(io, r);
      io.out(
        `${opts.dryRun ? 'would delete' : 'deleted'} ${r.deleted.length} object${r.deleted.length === 1 ? '' : 's'} (${formatSize(r.bytes)}), kept ${r.kept}\n`,
      );
    });

  data
    .command('import-dvc')
    .description(
      'turn .dvc files (DVC 3) into data/<name>.yaml pointers; the .dvc files are left as they are',
    )
    .argument('[files...]', '.dvc files (default: every .dvc file in the work tree)')
    .option('--json', 'print JSON')
    .action(async (files: string[], opts: { json?: boolean }) => {
      const ws = await workspace(io);
      const dvc = ws
        .pointers()
        .filter((p) => p.file.endsWith('.dvc') && (!files.length || files.includes(p.file)));
      if (!dvc.length) {
        io.err(
          files.length
            ? `no such .dvc file: ${files.join(', ')}\n`
            : 'no .dvc files in the work tree\n',
        );
        return setExit(1);
      }
      const written: string[] = [];
      for (const p of dvc) {
        const existing = existingPointer(ws.root, p.name);
        const text = await pointerRecordText(
          ws.root,
          p.name,
          p.pointer,
          existing !== undefined ? { existing } : {},
        );
        writeAtomic(join(ws.root, 'data', `${p.name}.yaml`), text);
        written.push(`data/${p.name}.yaml`);
      }
      if (opts.json) return json(io, { written });
      for (const [i, w] of written.entries())
        io.out(`${dvc[i]!.file} → ${w} (${dvc[i]!.pointer.hash.slice(0, 16)}…)\n`);
    });
}
