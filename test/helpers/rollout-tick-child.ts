/**
 * A rollout tick in its own process, killed with SIGKILL right after deciding and before
 * committing (test/rollout-controller.test.ts): nothing may be left behind.
 *
 *   node --import tsx test/helpers/rollout-tick-child.ts ROOT MODEL METRICS_DIR NOW_ISO
 */
import { FileMetricsProvider, tickRollout } from '../../src/rollout/index.js';
import { openRepo } from '../../src/repo/index.js';
import { LocalForge } from '../../src/forge/index.js';

const [root, model, metricsDir, nowIso] = process.argv.slice(2);
const now = new Date(nowIso!);
const repo = await openRepo(root!);
await tickRollout(
  {
    repo,
    branch: 'main',
    now,
    author: { name: 'Tick', email: 'tick@example.com', timestamp: now.getTime() / 1000 },
    forge: new LocalForge(repo, { login: 'tick' }),
    metrics: (_snap, state) =>
      new FileMetricsProvider({ dir: `${metricsDir}/${model}/${state.id}` }),
    afterDecide: (d) => {
      process.stdout.write(`DECIDED ${d.action}\n`);
      process.kill(process.pid, 'SIGKILL');
    },
  },
  model!,
);
process.stdout.write('COMMITTED\n');
