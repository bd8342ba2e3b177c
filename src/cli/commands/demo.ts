import type { Command } from 'commander';
import { runDemo } from '../../demo/index.js';
import type { Io } from '../io.js';

type Main = (argv: string[], io: Io) => Promise<number>;

export function registerDemo(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
  main: Main,
) {
  program
    .command('demo')
    .description(
      'run the whole lifecycle built so far in a fresh temporary repository, and keep it for you to explore',
    )
    .option('--dir <dir>', 'create the demo repository here (must be empty or absent)')
    .action(async (opts: { dir?: string }) => {
      const result = await runDemo(
        {
          say: (s) => io.out(s),
          mlops: async (argv, dir) => {
            io.out(`      $ mlops ${argv.join(' ')}\n`);
            const indent = (s: string) => s.replace(/^(?=.)/gm, '      ');
            return main(argv, {
              ...io,
              cwd: dir,
              out: (s) => io.out(indent(s)),
              err: (s) => io.out(indent(s)),
            });
          },
          now: () => io.now(),
        },
        { dir: opts.dir },
      );
      // the demo fails if the good change was refused or the bad one let through
      if (result.validations.passing !== 0 || result.validations.rejected !== 1 || !result.dataOk)
        setExit(1);
    });
}
