/**
 * The Octokit the `github` forge adapter talks through: `getOctokit` from `@actions/github`
 * with `@octokit/plugin-retry` (5xx answers and unreachable hosts retried after (n + 1)² × 1 s)
 * and `@octokit/plugin-throttling` (primary and secondary rate limits waited out as GitHub says:
 * `retry-after`, `x-ratelimit-reset`), each up to `retries` times. Writes are spaced as GitHub
 * asks of integrations (1 s; 3 s for writes that notify) unless `timing.paceWrites` is false.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling';
import { ForgeError } from './errors.js';

export interface GitHubTiming {
  /** A 5xx is retried after (n + 1)² × this many ms: 1 s, 4 s, 9 s by default. */
  retryBaseMs?: number;
  /** Milliseconds waited per second a rate limit asks for (default 1000). */
  rateLimitSecondMs?: number;
  /** Space writes as GitHub asks (default true); tests turn it off. */
  paceWrites?: boolean;
}

export interface GitHubForgeOptions {
  /** An App installation token or a PAT (or `GITHUB_TOKEN`, whose events start no workflows). */
  token: string | undefined;
  /** `owner/repo` (`GITHUB_REPOSITORY`). */
  repository: string;
  /** Default https://api.github.com; on GHES, `GITHUB_API_URL` (`https://HOST/api/v3`). */
  baseUrl?: string;
  /** Retries after a 5xx, and waits per rate limit, before giving up (default 3). */
  retries?: number;
  /** A rate limit asking for more than this is not waited for: RATE_LIMITED (default 900 s). */
  maxWaitSeconds?: number;
  /** Told before each wait: why, and for how many seconds. */
  onWait?: (why: string, seconds: number) => void;
  timing?: GitHubTiming;
}

export type Octokit = ReturnType<typeof getOctokit>;

export interface GitHubClient {
  octokit: Octokit;
  owner: string;
  repo: string;
  baseUrl: string;
}

export const DEFAULT_API = 'https://api.github.com';

/** A write limiter that does not wait (the throttling plugin's groups have this shape). */
const unpaced = {
  key: () => ({
    schedule: (_o: unknown, fn: (...a: unknown[]) => unknown, ...a: unknown[]) =>
      Promise.resolve().then(() => fn(...a)),
  }),
} as unknown as NonNullable<ThrottlingOptions['write']>;

/** Checks the token and repository (NOT_CONFIGURED) and builds the client. */
export function createGitHubClient(options: GitHubForgeOptions): GitHubClient {
  const token = options.token?.trim();
  if (!token) {
    throw new ForgeError(
      'NOT_CONFIGURED',
      'no GitHub token: pass a GitHub App installation token or a PAT (the workflow GITHUB_TOKEN ' +
        'works, but the pull requests and dispatches it creates start no workflows)',
    );
  }
  const m = /^([\w.-]+)\/([\w.-]+)$/.exec(options.repository.trim());
  if (!m) {
    const repository = options.repository;
    throw new ForgeError('NOT_CONFIGURED', `repository must be owner/repo, not "${repository}"`, {
      repository,
    });
  }
  const baseUrl = (options.baseUrl?.trim() || DEFAULT_API).replace(/\/+$/, '');
  const retries = options.retries ?? 3;
  const maxWait = options.maxWaitSeconds ?? 900;
  const timing = options.timing ?? {};
  const retryBaseMs = timing.retryBaseMs ?? 1000;
  const onWait = options.onWait ?? (() => {});

  // Listed first, so innermost: it sees each attempt, and says how long plugin-retry will wait.
  const tellRetries = (octokit: { hook: Octokit['hook'] }) => {
    octokit.hook.wrap('request', async (request, opts) => {
      try {
        return await request(opts);
      } catch (err) {
        const { status, response } = err as { status?: unknown; response?: unknown };
        const count = Number(opts.request?.retryCount ?? 0);
        if (typeof status === 'number' && status >= 500 && count < retries) {
          const seconds = ((count + 1) ** 2 * retryBaseMs) / 1000;
          const what = response ? `GitHub answered ${status} to` : 'cannot reach GitHub for';
          onWait(`${what} ${opts.method} ${opts.url}`, seconds);
        }
        throw err;
      }
    });
    return {};
  };
  const onLimit =
    (kind: string) =>
    (after: number, opts: { method: string; url: string }, _o: unknown, count: number) => {
      if (count >= retries || after > maxWait) return false;
      onWait(`${kind} on ${opts.method} ${opts.url}`, after);
      return true;
    };
  const octokit = getOctokit(
    token,
    {
      baseUrl,
      userAgent: 'gitops-mlops',
      retry: {
        retries,
        retryAfterBaseValue: retryBaseMs,
        // Rate limits (403, 429) are the throttling plugin's; the others will not change.
        doNotRetry: [400, 401, 403, 404, 405, 409, 410, 422, 429, 451],
      },
      throttle: {
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        retryAfterBaseValue: timing.rateLimitSecondMs ?? 1000,
        ...(timing.paceWrites === false ? { write: unpaced, notifications: unpaced } : {}),
      },
    },
    tellRetries,
    retry,
    throttling,
  );
  return { octokit, owner: m[1]!, repo: m[2]!, baseUrl };
}
