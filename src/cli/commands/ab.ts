import type { Command } from 'commander';
import { readWorktreeRecord } from '../../repo/index.js';
import type { RolloutPolicy } from '../../records/index.js';
import {
  analyzeAB,
  formatProbability,
  type AnalysisPolicy,
  type Counts,
} from '../../rollout/bayes/index.js';
import { UsageError, json, table, wholeNumber, type Io } from '../io.js';

/** Where the thresholds come from when the work tree has a rollout policy. */
export const ROLLOUT_POLICY_PATH = 'policies/rollout.yaml';

/** The shipped policies/rollout.yaml's analysis block, used when the work tree has none. */
export const DEFAULT_ANALYSIS: AnalysisPolicy = {
  promote_probability: 0.95,
  keep_control_probability: 0.05,
  min_samples_per_arm: 1000,
};

interface AbFlags {
  control: string;
  treatment: string;
  minSamples?: string;
  json?: boolean;
}

/**
 * `S/N`: S successes of N trials, whole numbers with S <= N.
 * @example
 * parseCounts('--control', '480/1000'); // { successes: 480, trials: 1000 }
 */
export function parseCounts(flag: string, text: string): Counts {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const bad = (why: string) =>
    new UsageError(`${flag} must be S/N, S successes of N trials (e.g. 480/1000); ${why}`);
  if (/(^|\/)\s*-/.test(text)) throw bad(`counts cannot be negative; got ${JSON.stringify(text)}`);
  if (!m) throw bad(`got ${JSON.stringify(text)}`);
  const successes = Number(m[1]);
  const trials = Number(m[2]);
  if (!Number.isSafeInteger(successes) || !Number.isSafeInteger(trials)) {
    throw bad(`${text} is too large`);
  }
  if (successes > trials) throw bad(`${successes} successes is more than ${trials} trials`);
  return { successes, trials };
}

const parseMinSamples = wholeNumber('--min-samples');

export function registerAb(program: Command, io: Io) {
  program
    .command('ab')
    .description(
      'Bayesian A/B analysis: P(treatment > control), expected loss of each choice, samples still needed, and the decision under the rollout policy',
    )
    .requiredOption('--control <S/N>', 'the control arm: S successes of N trials')
    .requiredOption('--treatment <S/N>', 'the treatment arm: S successes of N trials')
    .option('--min-samples <n>', 'trials per arm before any decision (default: the policy’s)')
    .option('--json', 'print the analysis as JSON')
    .addHelpText(
      'after',
      `
Posteriors are Beta(1 + successes, 1 + failures). P(treatment > control) is exact (a sum in log
space) unless every exact sum would exceed 100,000 terms, then a skew-corrected normal
approximation (agreeing to ~1e-6 there). Thresholds come from ${ROLLOUT_POLICY_PATH} when the
work tree has one, else the shipped ${DEFAULT_ANALYSIS.promote_probability} / ${DEFAULT_ANALYSIS.keep_control_probability} and ${DEFAULT_ANALYSIS.min_samples_per_arm} trials per arm.
Decisions: wait-for-data until both arms have the minimum, promote at P >= promote_probability,
keep-control at P <= keep_control_probability, continue otherwise. Exit code 0 whatever the
decision; 2 on bad input.`,
    )
    .action((flags: AbFlags) => {
      const control = parseCounts('--control', flags.control);
      const treatment = parseCounts('--treatment', flags.treatment);
      const minSamples =
        flags.minSamples === undefined ? undefined : parseMinSamples(flags.minSamples);
      const policy = readWorktreeRecord<RolloutPolicy>(io.cwd, ROLLOUT_POLICY_PATH);
      const analysis: AnalysisPolicy = {
        ...(policy?.analysis ?? DEFAULT_ANALYSIS),
        ...(minSamples === undefined ? {} : { min_samples_per_arm: minSamples }),
      };
      const source = policy ? ROLLOUT_POLICY_PATH : 'shipped defaults';
      const r = analyzeAB(control, treatment, analysis);
      if (flags.json) {
        return json(io, {
          control,
          treatment,
          ...r,
          policy: {
            ...analysis,
            source: minSamples === undefined ? source : `${source}, --min-samples`,
          },
        });
      }
      const rate = (c: Counts) =>
        c.trials ? `${((100 * c.successes) / c.trials).toFixed(2)} %` : '-';
      const needed = r.samplesNeeded;
      io.out(
        table([
          ['ARM', 'SUCCESSES', 'TRIALS', 'RATE'],
          ['control', String(control.successes), String(control.trials), rate(control)],
          ['treatment', String(treatment.successes), String(treatment.trials), rate(treatment)],
        ]) +
          '\n' +
          table([
            ['P(treatment > control)', `${formatProbability(r.probability)} (${r.method})`],
            ['expected loss, keep control', points(r.expectedLoss.control)],
            ['expected loss, ship treatment', points(r.expectedLoss.treatment)],
            [
              'samples per arm to resolve',
              needed.perArm === null
                ? 'never (no observed difference)'
                : `${count(needed.perArm)} (${count(needed.control!)} more for control, ${count(needed.treatment!)} more for treatment)`,
            ],
            [
              'thresholds',
              `promote >= ${analysis.promote_probability}, keep control <= ${analysis.keep_control_probability}, ${count(analysis.min_samples_per_arm)} trials per arm (${source})`,
            ],
            ['decision', `${r.decision}: ${r.reason}`],
          ]),
      );
    });
}

/** A loss in rate points (percentage points), with enough digits to tell small ones apart. */
function points(loss: number): string {
  return `${(100 * loss).toPrecision(3)} points (${loss.toExponential(2)})`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
