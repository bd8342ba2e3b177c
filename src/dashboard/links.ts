/**
 * Where the dashboard's links to commits and pull requests go: to the forge when the
 * repository's web address is known, else to the commit's entry on the site's own audit page
 * (every commit the site mentions is there), so a site built offline has no dead links.
 */
import type { PullRef } from './types.js';

export interface Links {
  /** The forge's address of the repository, when known. */
  repoUrl?: string;
  commit(oid: string, root: string): string;
  pull(pull: PullRef, root: string): string;
}

/**
 * @param repoUrl e.g. `https://github.com/acme/models` (no trailing slash needed)
 * @example
 * siteLinks('https://github.com/acme/models').pull({ number: 3, … }, '../') // 'https://github.com/acme/models/pull/3'
 */
export function siteLinks(repoUrl?: string): Links {
  const base = repoUrl?.replace(/\/+$/, '');
  if (!base)
    return {
      commit: (oid, root) => `${root}audit.html#c-${oid.slice(0, 12)}`,
      pull: (p, root) => `${root}audit.html#c-${p.oid.slice(0, 12)}`,
    };
  return {
    repoUrl: base,
    commit: (oid) => `${base}/commit/${oid}`,
    pull: (p) => `${base}/pull/${p.number}`,
  };
}

/**
 * The web address of a GitHub remote URL (https, ssh or scp-like), or undefined for anything
 * else: a local path, another host's URL with no known web form.
 * @example
 * webUrlOfRemote('git@github.com:acme/models.git') // 'https://github.com/acme/models'
 */
export function webUrlOfRemote(remote: string): string | undefined {
  const m =
    /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/git@|git@)(github\.com)[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(
      remote.trim(),
    );
  return m ? `https://${m[1]}/${m[2]}/${m[3]}` : undefined;
}
