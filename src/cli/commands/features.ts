import type { Command } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import { DataWorkspace } from '../../data/index.js';
import {
  EmbeddedOnlineStore,
  RedisOnlineStore,
  createFeatureServer,
  getOnlineFeatures,
  historicalFeatures,
  loadFeatureDefs,
  materialize,
  selectFeatures,
  writeResult,
  writeResultCsv,
  type OnlineStore,
} from '../../features/index.js';
import { UsageError, json, table, type Io } from '../io.js';

interface StoreFlags {
  onlineStore?: string;
  json?: boolean;
}
interface Select {
  features?: string;
  service?: string;
}

const STORE_HELP =
  'the online store: embedded (default: .mlops/online in this repository) or a redis://host:port/db URL; default $MLOPS_ONLINE_STORE';

export function registerFeatures(program: Command, io: Io, setExit: (code: number) => void) {
  const features = program
    .command('features')
    .description(
      'the feature store: point-in-time training data, materialization to the online store, online reads and the feature server',
    );

  features
    .command('historical')
    .description(
      'training data as of each entity row: the point-in-time join of the features onto the entity rows (Feast semantics: latest at or before the row, within ttl, ties by created time)',
    )
    .requiredOption(
      '--entities <file>',
      'the entity rows: join keys and a timestamp column (CSV, JSON Lines, Parquet, Arrow)',
    )
    .option('--features <list>', 'view:feature,... (a bare view takes all its features)')
    .option('--service <name>', 'a feature service instead of --features')
    .requiredOption('--out <file>', 'where to write the result: .parquet, .arrow or .csv')
    .option('--timestamp-column <name>', 'the entity rows’ timestamp column', 'event_timestamp')
    .option('--full-feature-names', 'name the columns view__feature')
    .option('--json', 'print a summary as JSON')
    .action(
      async (
        flags: Select & {
          entities: string;
          out: string;
          timestampColumn: string;
          fullFeatureNames?: boolean;
          json?: boolean;
        },
      ) => {
        const selection = selectFeatures(loadFeatureDefs(io.cwd), refs(flags));
        const ws = new DataWorkspace(io.cwd, io.env);
        io.defer?.(() => ws.close());
        const started = performance.now();
        const result = await historicalFeatures(ws, {
          entities: here(io, flags.entities),
          timestampColumn: flags.timestampColumn,
          selection,
          fullFeatureNames: flags.fullFeatureNames ?? false,
        });
        const out = here(io, flags.out);
        if (out.endsWith('.csv')) await writeResultCsv(out, result);
        else await writeResult(out, result);
        const summary = {
          rows: result.length,
          columns: result.columns.map((c) => c.name),
          out: flags.out,
          ms: Math.round(performance.now() - started),
        };
        if (flags.json) return json(io, summary);
        io.out(
          `${summary.rows} rows × ${summary.columns.length} columns → ${flags.out} in ${summary.ms} ms (${summary.columns.join(', ')})\n`,
        );
      },
    );

  const materializeCmd = (name: string, description: string) =>
    features
      .command(name)
      .description(description)
      .option('--views <list>', 'the feature views (default: every online view)')
      .option('--online-store <url>', STORE_HELP)
      .option('--json', 'print what was written as JSON');

  materializeCmd(
    'materialize',
    'write each key’s latest row with an event time in [START, END] to the online store; an older row never replaces a newer one',
  )
    .argument('<start>', 'ISO 8601 time or date')
    .argument('<end>', 'ISO 8601 time or date, or now')
    .action(async (start: string, end: string, flags: StoreFlags & { views?: string }) => {
      await runMaterialize(io, flags, {
        start: time(io, start, 'START'),
        end: time(io, end, 'END'),
      });
    });

  materializeCmd(
    'materialize-incremental',
    'materialize from where each view was last materialized (or END minus its ttl the first time) up to END',
  )
    .argument('<end>', 'ISO 8601 time or date, or now')
    .action(async (end: string, flags: StoreFlags & { views?: string }) => {
      await runMaterialize(io, flags, { end: time(io, end, 'END') });
    });

  features
    .command('get')
    .description(
      'read features from the online store for some entities (ttl enforced: an expired value is null)',
    )
    .option('--features <list>', 'view:feature,...')
    .option('--service <name>', 'a feature service instead of --features')
    .requiredOption(
      '--entity <key=value,...>',
      'one entity row by its join keys; repeat for more',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--online-store <url>', STORE_HELP)
    .option('--at <time>', 'read as of this time (ISO 8601): ttl is measured from it; default now')
    .option('--json', 'print the rows, statuses and event times as JSON')
    .action(async (flags: Select & StoreFlags & { entity: string[]; at?: string }) => {
      const defs = loadFeatureDefs(io.cwd);
      const store = await openStore(io, flags.onlineStore);
      try {
        const r = await getOnlineFeatures(
          store,
          defs,
          {
            ...onlineRefs(defs, flags),
            entityRows: flags.entity.map(entityRow),
          },
          flags.at === undefined ? io.now() : time(io, flags.at, '--at'),
        );
        if (flags.json) return json(io, r);
        const cols = [...r.joinKeys, ...r.featureNames];
        io.out(
          table([
            cols.map((c) => c.toUpperCase()),
            ...r.rows.map((row, i) =>
              cols.map((c, j) => {
                const v = row[c];
                const status =
                  j >= r.joinKeys.length ? r.statuses[i]![j - r.joinKeys.length] : 'PRESENT';
                return status === 'PRESENT' ? String(v) : status === 'NOT_FOUND' ? '-' : 'expired';
              }),
            ),
          ]),
        );
        if (r.statuses.some((s) => s.some((x) => x !== 'PRESENT'))) setExit(1);
      } finally {
        await store.close();
      }
    });

  features
    .command('serve')
    .description(
      'serve online features over HTTP: POST /get-online-features (Feast’s request and response), GET /health, GET /metrics',
    )
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--port <port>', 'the port', '6566')
    .option('--online-store <url>', STORE_HELP)
    .action(async (flags: StoreFlags & { host: string; port: string }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be a port number; got ${flags.port}`);
      const store = await openStore(io, flags.onlineStore);
      const server = createFeatureServer({
        store,
        defs: loadFeatureDefs(io.cwd),
        now: () => io.now(),
      });
      await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen(port, flags.host, () => ok());
      });
      const addr = server.address();
      const where =
        typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : String(addr);
      io.out(
        `serving ${store.describe} at http://${where} (POST /get-online-features, GET /health, GET /metrics)\n`,
      );
      // until told to stop: SIGINT/SIGTERM close the server and the store
      await new Promise<void>((done) => {
        const off = io.onSignal?.(() => {
          off?.();
          server.close(() => done());
          server.closeAllConnections();
        });
        if (!off) server.once('close', () => done());
      });
      await store.close();
    });
}

async function runMaterialize(
  io: Io,
  flags: StoreFlags & { views?: string },
  range: { start?: number; end: number },
): Promise<void> {
  const defs = loadFeatureDefs(io.cwd);
  const names = flags.views
    ?.split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const online = defs.views.filter((v) => v.online).map((v) => v.name);
  const selection = selectFeatures(defs, names ?? online);
  const ws = new DataWorkspace(io.cwd, io.env);
  const store = await openStore(io, flags.onlineStore);
  try {
    const results = await materialize(ws, store, selection, range, (r) => {
      if (!flags.json)
        io.out(
          `${r.view}: ${r.keys} keys with rows in [${iso(r.start)}, ${iso(r.end)}] → ${r.written} written, ${r.skipped} already newer (${store.describe})\n`,
        );
    });
    if (flags.json) json(io, results);
  } finally {
    ws.close();
    await store.close();
  }
}

/** The online store a command uses: `--online-store`, else $MLOPS_ONLINE_STORE, else embedded. */
export async function openStore(io: Io, url: string | undefined): Promise<OnlineStore> {
  const chosen = url ?? io.env.MLOPS_ONLINE_STORE ?? 'embedded';
  if (chosen === 'embedded') return EmbeddedOnlineStore.open(io.cwd);
  if (/^rediss?:\/\//.test(chosen)) return RedisOnlineStore.connect(chosen);
  throw new UsageError(`--online-store must be embedded or a redis:// URL; got ${chosen}`);
}

function refs(flags: Select): string[] | { service: string } {
  if ((flags.features === undefined) === (flags.service === undefined))
    throw new UsageError('name the features with --features view:feature,... or --service NAME');
  return flags.service !== undefined ? { service: flags.service } : list(flags.features!);
}

function onlineRefs(defs: ReturnType<typeof loadFeatureDefs>, flags: Select) {
  const r = refs(flags);
  if (Array.isArray(r)) return { features: r };
  const service = defs.services.find((s) => s.name === r.service);
  if (!service) throw new UsageError(`no feature service "${r.service}"`);
  return { service };
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `test_id=t0001` or `repo=web,test_id=7`; values stay text, as entity keys are text in the store. */
function entityRow(v: string): Record<string, string | number> {
  const row: Record<string, string | number> = {};
  for (const pair of list(v)) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`--entity takes key=value pairs; got ${JSON.stringify(pair)}`);
    row[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return row;
}

function time(io: Io, v: string, what: string): number {
  if (v === 'now') return io.now().getTime();
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new UsageError(`${what} must be an ISO 8601 time or date, or now; got ${v}`);
  return t;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function here(io: Io, p: string): string {
  return isAbsolute(p) ? p : resolve(io.cwd, p);
}
