/**
 * The Redis online store: one hash per entity key per view, `mlops:<prefix>:<view>:<key>`,
 * whose fields are the feature names with JSON values (NaN, ±Infinity and -0 tagged, see
 * rows.ts, so every value reads back as written) plus `__event_ts` and `__created_ts`.
 * Watermarks live in the hash `mlops:<prefix>:__watermarks`, one field per view.
 *
 * "Never older" is decided inside Redis: a Lua script compares each row with the stored
 * `__event_ts`/`__created_ts` and replaces the hash only when the row is newer. A script runs
 * atomically, so two writers (two materializations, two processes) cannot interleave between
 * the compare and the set, which a client-side read-then-write would allow and WATCH would
 * only turn into retries. Rows go in chunks of {@link CHUNK} per EVALSHA, all chunks sent at
 * once (node-redis pipelines commands issued together), so a large batch neither blocks Redis
 * for long nor waits a round trip per chunk.
 */
import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import type { FeatureValue, OnlineHit, OnlineRow, OnlineStore } from '../types.js';
import { checkRow, decodeValue, encodeValue } from './rows.js';

const EVENT = '__event_ts';
const CREATED = '__created_ts';
const CHUNK = 256;

/**
 * KEYS: one hash per row. ARGV, per row: event time, created time ('' for none), the number
 * of fields, then field/value pairs. Returns how many rows replaced their hash.
 */
const WRITE_NEWER = `
local written = 0
local a = 1
for i = 1, #KEYS do
  local ev, cr, n = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  local cur = redis.call('HMGET', KEYS[i], '${EVENT}', '${CREATED}')
  local newer = true
  if cur[1] then
    local cev, nev = tonumber(cur[1]), tonumber(ev)
    local ccr = cur[2] and tonumber(cur[2]) or -math.huge
    local ncr = (cr ~= '') and tonumber(cr) or -math.huge
    newer = nev > cev or (nev == cev and ncr > ccr)
  end
  if newer then
    redis.call('DEL', KEYS[i])
    local args = { '${EVENT}', ev }
    if cr ~= '' then args[3] = '${CREATED}'; args[4] = cr end
    for j = 0, n - 1 do
      args[#args + 1] = ARGV[a + 3 + 2 * j]
      args[#args + 1] = ARGV[a + 4 + 2 * j]
      -- unpack() has a stack limit: set very wide rows a slice at a time
      if #args >= 1000 then redis.call('HSET', KEYS[i], unpack(args)); args = {} end
    end
    if #args > 0 then redis.call('HSET', KEYS[i], unpack(args)) end
    written = written + 1
  end
  a = a + 3 + 2 * n
end
return written
`;
const WRITE_NEWER_SHA = createHash('sha1').update(WRITE_NEWER).digest('hex');

type Client = ReturnType<typeof createClient>;

/** `redis host:port/db` from a URL, without user or password. */
export function describeRedisUrl(url: string): string {
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, '') || '0';
  return `redis ${u.hostname}:${u.port || '6379'}/${db}`;
}

export class RedisOnlineStore implements OnlineStore {
  readonly describe: string;

  private constructor(
    private readonly client: Client,
    private readonly prefix: string,
    url: string,
  ) {
    this.describe = describeRedisUrl(url) + (prefix === 'default' ? '' : ` prefix ${prefix}`);
  }

  /**
   * Connects to `url` (`redis://[user:password@]host:port/db`); keys are under
   * `mlops:<prefix>:`, so several projects or tests can share one Redis.
   */
  static async connect(url: string, opts: { prefix?: string } = {}): Promise<RedisOnlineStore> {
    const prefix = opts.prefix ?? 'default';
    noColon('prefix', prefix);
    const client = createClient({
      url,
      socket: {
        connectTimeout: 5_000,
        // give up after ~10 s rather than retrying forever behind a hanging request
        reconnectStrategy: (retries) =>
          retries > 40 ? new Error(`${describeRedisUrl(url)}: gave up reconnecting`) : 250,
      },
    });
    // node-redis emits connection errors; unhandled, an 'error' event would end the process.
    client.on('error', () => undefined);
    await client.connect();
    return new RedisOnlineStore(client, prefix, url);
  }

  async write(
    view: string,
    rows: readonly OnlineRow[],
  ): Promise<{ written: number; skipped: number }> {
    noColon('view', view);
    for (const row of rows) {
      checkRow(view, row);
      for (const name of Object.keys(row.values))
        if (name === EVENT || name === CREATED)
          throw new Error(`online row of view ${view}: ${name} is reserved by the Redis store`);
    }
    const chunks: Promise<number>[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const keys: string[] = [];
      const args: string[] = [];
      for (const row of rows.slice(i, i + CHUNK)) {
        keys.push(this.keyOf(view, row.key));
        const fields = Object.entries(row.values);
        args.push(String(row.eventTs), row.createdTs === undefined ? '' : String(row.createdTs));
        args.push(String(fields.length));
        for (const [name, v] of fields) args.push(name, encodeValue(v));
      }
      chunks.push(this.evalWrite(keys, args));
    }
    const written = (await Promise.all(chunks)).reduce((a, b) => a + b, 0);
    return { written, skipped: rows.length - written };
  }

  async read(view: string, keys: readonly string[]): Promise<(OnlineHit | null)[]> {
    noColon('view', view);
    // issued in one tick: node-redis sends them as one pipeline
    const hashes = await Promise.all(keys.map((k) => this.client.hGetAll(this.keyOf(view, k))));
    return hashes.map((h) => {
      const ev = h[EVENT];
      if (ev === undefined) return null;
      const values: Record<string, FeatureValue> = {};
      for (const [name, text] of Object.entries(h))
        if (name !== EVENT && name !== CREATED) values[name] = decodeValue(text);
      return { values, eventTs: Number(ev) };
    });
  }

  async watermark(view: string): Promise<number | null> {
    const ms = await this.client.hGet(this.marksKey(), view);
    return ms === null || ms === undefined ? null : Number(ms);
  }

  async setWatermark(view: string, ms: number): Promise<void> {
    if (!Number.isFinite(ms)) throw new Error(`watermark of ${view}: ${ms} is not a time`);
    await this.client.hSet(this.marksKey(), view, String(ms));
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close();
  }

  private keyOf(view: string, key: string): string {
    return `mlops:${this.prefix}:${view}:${key}`;
  }

  private marksKey(): string {
    return `mlops:${this.prefix}:__watermarks`;
  }

  /** EVALSHA, loading the script with EVAL when this Redis has not seen it (NOSCRIPT). */
  private async evalWrite(keys: string[], args: string[]): Promise<number> {
    const opts = { keys, arguments: args };
    try {
      return Number(await this.client.evalSha(WRITE_NEWER_SHA, opts));
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return Number(await this.client.eval(WRITE_NEWER, opts));
    }
  }
}

/** A ':' in a prefix or view name would let two different (prefix, view) share keys. */
function noColon(what: string, name: string): void {
  if (name.includes(':') || name === '')
    throw new Error(`Redis online store: ${what} ${JSON.stringify(name)} is empty or has a ':'`);
}
