import { Command, CommanderError } from 'commander';
import { NoError, UsageError, type Io } from './io.js';
import { VERSION } from './version.js';

type Register = (
  program: Command,
  io: Io,
  setExit: (code: number) => void,
  main: (argv: string[], io: Io) => Promise<number>,
) => void;
type Load = () => Promise<Register>;

// One loader per module; several names may share it (`ls`, `show` and `at` are queries).
const queries: Load = async () => (await import('./commands/query.js')).registerQueries;
/** Every command by name, in the order `mlops --help` lists them. */
const COMMANDS: Record<string, Load> = {
  validate: async () => (await import('./commands/validate.js')).registerValidate,
  ls: queries,
  show: queries,
  at: queries,
  history: async () => (await import('./commands/history.js')).registerHistory,
  audit: async () => (await import('./commands/audit.js')).registerAudit,
  data: async () => (await import('./commands/data.js')).registerData,
  train: async () => (await import('./commands/train.js')).registerTrain,
  runs: async () => (await import('./commands/runs.js')).registerRuns,
  register: async () => (await import('./commands/register.js')).registerRegister,
  pr: async () => (await import('./commands/pr.js')).registerPr,
  promote: async () => (await import('./commands/promote.js')).registerPromote,
  govern: async () => (await import('./commands/govern.js')).registerGovern,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  ab: async () => (await import('./commands/ab.js')).registerAb,
  rollout: async () => (await import('./commands/rollout.js')).registerRollout,
  features: async () => (await import('./commands/features.js')).registerFeatures,
  drift: async () => (await import('./commands/drift.js')).registerDrift,
  retrain: async () => (await import('./commands/retrain.js')).registerRetrain,
  dashboard: async () => (await import('./commands/dashboard.js')).registerDashboard,
  init: async () => (await import('./commands/init.js')).registerInit,
};

/** Errors from the core that carry a stable code are environment problems: exit 2. */
function isCodedError(e: unknown): e is Error & { code: string } {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}

/**
 * Run the CLI and return its exit code: 0 ok, 1 the answer is "no", 2 usage
 * or environment error. Never calls process.exit, so tests run it in-process.
 * @example
 * const code = await main(['validate', '--json'], io);
 */
export async function main(argv: string[], outerIo: Io): Promise<number> {
  const deferred: (() => void)[] = [];
  const io: Io = { ...outerIo, defer: (fn) => deferred.push(fn) };
  try {
    return await run(argv, io);
  } finally {
    for (const fn of deferred.splice(0)) fn();
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  const program = new Command('mlops')
    .description('The model lifecycle of an ML team, kept in its own git repository.')
    .version(VERSION, '--version')
    // options after a command are that command's: `history M --version V` is not the program's --version
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  // Only the command being run is loaded (all of them for help or an unknown name): the
  // bundle evaluates a command's modules when it is first imported, and that is most of
  // every command's start-up (bench/tracking.bench.ts).
  const name = argv.find((a) => !a.startsWith('-'));
  const chosen =
    name !== undefined && name in COMMANDS
      ? [COMMANDS[name]!]
      : name === undefined && argv.includes('--version')
        ? []
        : Object.values(COMMANDS);
  for (const load of new Set(chosen)) (await load())(program, io, setExit, main);
  // every command, nested ones too, reports through io and never exits the process
  const quiet = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    c.commands.forEach(quiet);
  };
  program.commands.forEach(quiet);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof NoError) return 1;
    if (e instanceof UsageError || isCodedError(e)) {
      io.err(`mlops: ${e.message}\n`);
      return 2;
    }
    io.err(`mlops: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}
