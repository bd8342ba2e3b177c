import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tool's own folder in a repository: cache, stat cache, local remote, run dirs. */
export const TOOL_DIR = '.mlops';

/**
 * Makes `<root>/.mlops/` with a `.gitignore` of `*` inside, so nothing the tool keeps there
 * ever shows in `git status` or gets committed, whatever the repository's own `.gitignore`
 * says (git applies a folder's own `.gitignore` to it).
 * @returns the folder's absolute path
 * @example
 * const dir = ensureToolDir(repoRoot); // '<root>/.mlops'
 */
export function ensureToolDir(root: string): string {
  const dir = join(root, TOOL_DIR);
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(ignore, '# made by mlops: what the tool keeps here is never committed\n*\n');
  }
  return dir;
}
