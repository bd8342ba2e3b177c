import { Command, CommanderError } from 'commander';
import { registerAb } from './commands/ab.js';
import { registerData } from './commands/data.js';
import { registerDemo } from './commands/demo.js';
import { registerGovern } from './commands/govern.js';
import { registerHistory } from './commands/history.js';
import { registerPr } from './commands/pr.js';
import { registerPromote } from './commands/promote.js';
import { registerQueries } from './commands/query.js';
import { registerRegister } from './commands/register.js';
import { registerRollout } from './commands/rollout.js';
import { registerRuns } from './commands/runs.js';
import { registerTrain } from './commands/train.js';
import { registerValidate } from './commands/validate.js';
import { NoError, UsageError, type Io } from './io.js';

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
  registerValidate(program, io, setExit);
  registerQueries(program, io, setExit);
  registerHistory(program, io);
  registerData(program, io, setExit);
  registerTrain(program, io, setExit);
  registerRuns(program, io, setExit);
  registerRegister(program, io);
  registerPr(program, io);
  registerPromote(program, io, setExit);
  registerGovern(program, io, setExit);
  registerDemo(program, io, setExit, main);
  registerAb(program, io);
  registerRollout(program, io, setExit);
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

const VERSION = '0.1.0';
