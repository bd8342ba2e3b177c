import type { Command } from 'commander';
import { rmSync } from 'node:fs';
import { writeExampleDatasets } from '../../demo/datasets.js';
import { DEMO_AUTHOR, runDemo } from '../../demo/index.js';
import { DEFAULT_TRAINING_IDENTITY } from '../../governance/index.js';
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
    .option(
      '--keep',
      'keep the demo repository and its dashboard to explore, and print where (the default)',
    )
    .option('--no-keep', 'remove the demo repository at the end')
    .option(
      '--datasets-only',
      'only write the seeded example datasets into this repository’s work tree (datasets/), where the example pointers expect them; `npm ci` does this in a clone of the tool',
    )
    .action(async (opts: { dir?: string; datasetsOnly?: boolean; keep?: boolean }) => {
      if (opts.datasetsOnly) {
        const written = writeExampleDatasets(opts.dir ?? io.cwd, io.now());
        io.out(
          written.length
            ? `wrote ${written.join(', ')}\n`
            : 'the example datasets are already in datasets/\n',
        );
        return;
      }
      const indent = (s: string) => s.replace(/^(?=.)/gm, '      ');
      const people = {
        ...io.env,
        GIT_AUTHOR_NAME: DEMO_AUTHOR.name,
        GIT_AUTHOR_EMAIL: DEMO_AUTHOR.email,
      };
      // training and registration commit as the training identity, as the train workflow
      // does: governance auto-approves only versions it registered
      const bot = {
        ...io.env,
        GIT_AUTHOR_NAME: DEFAULT_TRAINING_IDENTITY,
        GIT_AUTHOR_EMAIL: `${DEFAULT_TRAINING_IDENTITY}@users.noreply.local`,
      };
      const envFor = (argv: string[]) =>
        ['train', 'register', 'retrain'].includes(argv[0] ?? '') ? bot : people;
      const result = await runDemo(
        {
          say: (s) => io.out(s),
          mlops: async (argv, dir, at) => {
            io.out(`      $ mlops ${argv.join(' ')}\n`);
            return main(argv, {
              ...io,
              cwd: dir,
              env: envFor(argv),
              now: () => at ?? io.now(),
              out: (s) => io.out(indent(s)),
              err: (s) => io.out(indent(s)),
            });
          },
          capture: async (argv, dir, at, quiet) => {
            if (!quiet) io.out(`      $ mlops ${argv.join(' ')}\n`);
            let out = '';
            const code = await main(argv, {
              ...io,
              cwd: dir,
              env: envFor(argv),
              isTTY: false,
              now: () => at ?? io.now(),
              out: (s) => (out += s),
              // the command's own output (a trainer's log) still shows, indented
              err: (s) => io.out(indent(s)),
            });
            return { code, out };
          },
          now: () => io.now(),
        },
        { dir: opts.dir, keep: opts.keep },
      );
      if (opts.keep === false) {
        rmSync(result.dir, { recursive: true, force: true });
        io.out(`\nRemoved the demo repository ${result.dir} (--no-keep).\n`);
      }
      // the demo fails if the good change was refused or the bad one let through
      if (result.validations.passing !== 0 || result.validations.rejected !== 1 || !result.dataOk)
        setExit(1);
    });
}
