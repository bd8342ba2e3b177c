import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folders of the example registry shipped with the tool. */
export const EXAMPLE_ROOTS = [
  'registry',
  'model-cards',
  'data',
  'policies',
  'schemas',
  '.github/workflows',
  'training',
];

/** What is not copied: tests, and what Python and builds leave behind. */
const SKIPPED = /(\.test\.ts$|(^|\/)__pycache__(\/|$))/;

/** The package's own root: the nearest folder above this module with a package.json. */
export function packageRoot(from = fileURLToPath(import.meta.url)): string {
  for (let at = dirname(from); ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json')) && existsSync(join(at, 'registry'))) return at;
    if (dirname(at) === at) throw new Error('cannot find the gitops-mlops package root');
  }
}

/** The example registry's files as repository-relative path → text. */
export function exampleFiles(root = packageRoot()): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      const rel = relative(root, p).split('\\').join('/');
      if (SKIPPED.test(rel)) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(rel, readFileSync(p, 'utf8'));
    }
  };
  for (const r of EXAMPLE_ROOTS) if (existsSync(join(root, r))) walk(join(root, r));
  return out;
}
