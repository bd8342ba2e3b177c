/**
 * A generated registry for the validation benchmark: `models` models with
 * `versions` versions each, every version with its Run and ModelCard, all
 * valid, committed with `git fast-import` (cached under bench/.work/).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exampleFiles } from '../src/demo/example.js';
import { pathOfRecord, stringifyRecord } from '../src/records/index.js';
import { load } from 'js-yaml';

export const WORK = join(import.meta.dirname, '.work');

type Rec = Record<string, unknown> & { kind: string };
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);

export function registryFiles(models: number, versions: number): Map<string, string> {
  const ex = exampleFiles();
  const out = new Map<string, string>();
  for (const [p, t] of ex) {
    if (
      p.startsWith('data/') ||
      p.startsWith('policies/') ||
      p.startsWith('registry/features/') ||
      p.startsWith('.github/') ||
      p.startsWith('schemas/')
    )
      out.set(p, t);
  }
  const y = (p: string) => load(ex.get(p)!) as Rec;
  const model = y('registry/models/execution-agent/model.yaml');
  const version = y('registry/models/execution-agent/versions/1.0.0.yaml');
  const card = y('model-cards/execution-agent/1.0.0.yaml');
  const run = y('registry/runs/execution-agent/20260106-020000-initial.yaml');
  const put = (r: Rec) => {
    const text = stringifyRecord(r);
    out.set(pathOfRecord(r), text);
  };
  for (let m = 0; m < models; m++) {
    const name = `m${String(m).padStart(4, '0')}`;
    put({ ...model, name });
    const vs: string[] = [];
    for (let v = 0; v < versions; v++) {
      const ver = `1.${v}.0`;
      vs.push(ver);
      const id = `2026${String(1 + (v % 12)).padStart(2, '0')}${String(1 + (m % 28)).padStart(2, '0')}-0200${String(v % 60).padStart(2, '0')}-${name}`;
      put({
        ...run,
        id,
        experiment: name,
        model: name,
        code_commit: hex(m * 1000 + v, 40).padStart(40, 'a'),
      });
      put({
        ...version,
        model: name,
        version: ver,
        run: id,
        card: `model-cards/${name}/${ver}.yaml`,
        metrics: {
          accuracy: 0.9 + v / 1000,
          latency_p95_ms: 5 + (m % 7),
          precision: 0.91,
          recall: 0.9,
        },
      });
      put({ ...card, model: name, version: ver });
    }
    put({
      kind: 'Deployment',
      schema_version: 1,
      model: name,
      production: vs[vs.length - 1],
      candidate: null,
      archived: vs.slice(0, -1),
      rejected: [],
      rollout: null,
    });
  }
  return out;
}

/** Files as one fast-import commit stream on top of `from`. */
function importCommit(
  dir: string,
  branch: string,
  files: Map<string, string | null>,
  message: string,
  from?: string,
) {
  const chunks: string[] = [];
  chunks.push(
    `commit refs/heads/${branch}\ncommitter Bench <bench@example.com> 1767225600 +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`,
  );
  if (from) chunks.push(`from ${from}\n`);
  for (const [p, t] of files) {
    if (t === null) chunks.push(`D ${p}\n`);
    else chunks.push(`M 100644 inline ${p}\ndata ${Buffer.byteLength(t)}\n${t}\n`);
  }
  execFileSync('git', ['fast-import', '--quiet'], {
    cwd: dir,
    input: chunks.join(''),
    maxBuffer: 1 << 30,
  });
}

/**
 * The generated registry repository: `main` holds the registry, `change`
 * adds two versions and promotes one on top of it. Built once and cached.
 */
export function registryRepo(models = 1000, versions = 10): { dir: string; records: number } {
  const dir = join(WORK, `registry-${models}x${versions}`);
  const marker = join(dir, '.git', 'bench-ready');
  if (existsSync(marker)) return { dir, records: Number(readFileSync(marker, 'utf8')) };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  const files = registryFiles(models, versions);
  importCommit(dir, 'main', files, 'generated registry');
  // seven files: two new versions, each with its card and run, and a promotion
  const change = new Map<string, string | null>();
  const next = registryFiles(1, versions + 2);
  for (const v of [versions, versions + 1]) {
    const versionPath = `registry/models/m0000/versions/1.${v}.0.yaml`;
    const text = next.get(versionPath)!;
    const runId = /^run: (\S+)$/m.exec(text)![1]!;
    change.set(versionPath, text);
    change.set(`model-cards/m0000/1.${v}.0.yaml`, next.get(`model-cards/m0000/1.${v}.0.yaml`)!);
    change.set(`registry/runs/m0000/${runId}.yaml`, next.get(`registry/runs/m0000/${runId}.yaml`)!);
  }
  const deploy = files
    .get('registry/models/m0000/deployment.yaml')!
    .replace('candidate: null', `candidate: 1.${versions}.0`);
  change.set('registry/models/m0000/deployment.yaml', deploy);
  importCommit(dir, 'change', change, 'register and promote m0000', 'refs/heads/main');
  execFileSync('git', ['checkout', '-q', 'main'], { cwd: dir });
  execFileSync('git', ['gc', '-q'], { cwd: dir });
  const records = [...files.keys()].filter(
    (p) => p.endsWith('.yaml') && !p.startsWith('.github/'),
  ).length;
  execFileSync('sh', ['-c', `printf %s ${records} > '${marker}'`]);
  return { dir, records };
}
