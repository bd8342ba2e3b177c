/**
 * The demo's drift: a day of production requests in which CI's reported pass rates have
 * fallen (a flaky runner pool), scored by the production model and logged as a serving
 * replica logs them; the drift check finds pass_rate_7d critical, and the retraining
 * pipeline turns the labelled rows into the next dataset version and the next promotion PR.
 */
import { readFileSync } from 'node:fs';
import { loadModel, predictFailed } from '../../training/execution-agent/model.js';
import { DataWorkspace } from '../data/index.js';
import { writeLogFile } from '../drift/logs.js';
import { testExecutionsCsv } from './datasets.js';

const HOUR = 3_600_000;
const PER_HOUR = 200;
/** How far the reported pass rates fell: enough to move PSI well past 0.3. */
const SHIFT = 0.35;

/**
 * Logs 24 hours of shifted production traffic ending at `end`, one file per hour, each row
 * scored by the model at `artifact`. Returns how many rows were logged.
 */
export async function logShiftedDay(
  dir: string,
  model: string,
  artifact: string,
  end: Date,
): Promise<number> {
  const scorer = loadModel(readFileSync(artifact, 'utf8'));
  const start = end.getTime() - 24 * HOUR;
  const [header = '', ...rows] = testExecutionsCsv(24 * PER_HOUR, 4242, start)
    .trimEnd()
    .split('\n');
  const cols = header.split(',');
  const at = (name: string) => cols.indexOf(name);
  const ws = new DataWorkspace(dir, {});
  try {
    const { store } = ws.store();
    for (let h = 0; h < 24; h++) {
      const lines = rows.slice(h * PER_HOUR, (h + 1) * PER_HOUR).map((row, i) => {
        const c = row.split(',');
        c[at('event_timestamp')] = new Date(
          start + h * HOUR + Math.floor((i * HOUR) / PER_HOUR),
        ).toISOString();
        c[at('pass_rate_7d')] = Math.max(0, Number(c[at('pass_rate_7d')]) - SHIFT).toFixed(4);
        const failed = predictFailed(scorer, {
          suite: c[at('suite')]!,
          execution_time_ms: Number(c[at('execution_time_ms')]),
          pass_rate_7d: Number(c[at('pass_rate_7d')]),
          flakiness_score: Number(c[at('flakiness_score')]),
        });
        const prediction = failed ? 'failed' : 'passed';
        return `${c.join(',')},${prediction}`;
      });
      await writeLogFile(
        store,
        model,
        new Date(start + h * HOUR),
        `${header},prediction\n${lines.join('\n')}\n`,
      );
    }
  } finally {
    ws.close();
  }
  return rows.length;
}
