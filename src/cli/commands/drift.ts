import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataWorkspace } from '../../data/index.js';
import {
  actionFor,
  actOnDrift,
  checkDrift,
  driftReason,
  recordDriftStatus,
} from '../../drift/index.js';
import type { RetrainingPolicy } from '../../records/index.js';
import { commitAuthor, openRepo, readWorktreeRecord } from '../../repo/index.js';
import { driftHtml, driftMarkdown } from '../../report/index.js';
import { openForge } from '../forge.js';
import { json, table, type Io } from '../io.js';

interface DriftFlags {
  reference?: string;
  current?: string;
  window?: string;
  markdown?: string;
  html?: string;
  act?: boolean;
  as?: string;
  json?: boolean;
}

export function registerDrift(program: Command, io: Io, setExit: (code: number) => void) {
  program
    .command('drift')
    .description(
      'compare production data with the production version’s training data, per feature, and say how far it drifted',
    )
    .argument('<model>')
    .option(
      '--reference <dataset>',
      'compare against this dataset (default: the production version’s training data, by the hash its lineage records)',
    )
    .option(
      '--current <dataset|file>',
      'the current sample (default: the production logs of the last --window)',
    )
    .option(
      '--window <duration>',
      'how far back the production logs are read (default: the drift policy’s window)',
    )
    .option('--markdown <file>', 'write the report as Markdown (tables and Mermaid charts)')
    .option(
      '--html <file>',
      'write the report as a self-contained HTML page with a histogram per feature',
    )
    .option(
      '--act',
      'act on the level: commit the drift status when it changed, open or update the issue on a warning, start retraining on critical',
    )
    .option('--as <user>', 'who acts on the local forge (default: your git user name)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Each feature is judged by the test Evidently would choose for it (KS, chi-square or Z-test for
a reference of up to 1,000 rows; Wasserstein distance over the reference's std or
Jensen–Shannon above) and levelled by its PSI with the drift policy's thresholds (< 0.1 ok,
0.1–0.2 monitor, 0.2–0.3 warning, > 0.3 critical); logged predictions and outcomes add the
accuracy drop (2 / 5 / 10 %). Exit code 1 when the level is critical.`,
    )
    .action(async (model: string, flags: DriftFlags) => {
      const ws = new DataWorkspace(io.cwd, io.env);
      io.defer?.(() => ws.close());
      const now = io.now();
      const { report, policy } = await checkDrift({
        root: io.cwd,
        ws,
        model,
        ...(flags.reference ? { reference: flags.reference } : {}),
        ...(flags.current ? { current: flags.current } : {}),
        ...(flags.window ? { window: flags.window } : {}),
        now,
      });
      const md = driftMarkdown(report, { psi: policy.psi });
      if (flags.markdown) writeReport(resolve(io.cwd, flags.markdown), md);
      if (flags.html)
        writeReport(resolve(io.cwd, flags.html), driftHtml(report, { psi: policy.psi }));
      const retraining = readWorktreeRecord<RetrainingPolicy>(io.cwd, 'policies/retraining.yaml');
      const action = actionFor(report.level, retraining);
      const reason = driftReason(report);
      const acted: string[] = [];
      if (flags.act) {
        const author = await commitAuthor(io.cwd, io.env, now);
        const commit = await recordDriftStatus(io.cwd, author, report, action, reason);
        acted.push(
          commit
            ? `drift status committed (${commit.slice(0, 7)})`
            : `level unchanged (${report.level}): nothing committed`,
        );
        const forge = await openForge(await openRepo(io.cwd), io, flags.as);
        const deadline = retraining?.warning_deadline ?? '48h';
        const done = await actOnDrift(forge, {
          report,
          markdown: md,
          action,
          reason,
          deadline,
          levelChanged: commit !== null,
        });
        if (done.issue)
          acted.push(
            `${done.created ? 'opened' : 'updated'} issue #${done.issue.number}: ${done.issue.title}`,
          );
        if (done.dispatched) acted.push('retraining dispatched (repository_dispatch retrain)');
        if (done.dispatched === false)
          acted.push('still critical: retraining was dispatched when the level changed');
      }
      if (flags.json) json(io, { ...report, action, reason, acted });
      else {
        io.out(`${model}${report.version ? ` ${report.version}` : ''}: ${reason}\n`);
        io.out(
          `  reference ${report.reference.name}: ${report.reference.rows} rows\n  current ${report.current.name}: ${report.current.rows} rows\n`,
        );
        io.out(
          table([
            ['COLUMN', 'TEST', 'VALUE', 'THRESHOLD', 'DRIFT', 'PSI', 'LEVEL'],
            ...[...report.columns]
              .sort((a, b) => b.psi - a.psi)
              .map((c) => [
                c.column,
                c.test,
                fmt(c.value),
                fmt(c.threshold),
                c.drifted ? 'yes' : 'no',
                fmt(c.psi),
                c.level,
              ]),
          ]),
        );
        const share = report.datasetDrift;
        io.out(
          `dataset drift: ${fmt(share.share * 100)} % of columns drifted (threshold ${fmt(share.threshold * 100)} %)${share.drifted ? ': the dataset drifted' : ''}\n`,
        );
        if (report.accuracy)
          io.out(
            `accuracy ${fmt(report.accuracy.current)} against ${fmt(report.accuracy.reference)} at training: ${fmt(report.accuracy.drop * 100)} % down (${report.accuracy.level})\n`,
          );
        io.out(
          `level ${report.level}: ${action === 'retrain' ? 'retrain now' : action === 'issue' ? `retrain within ${retraining?.warning_deadline ?? '48h'}` : 'nothing to do'}\n`,
        );
        for (const a of acted) io.out(`  ${a}\n`);
      }
      if (report.level === 'critical') setExit(1);
    });
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
}

function writeReport(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
