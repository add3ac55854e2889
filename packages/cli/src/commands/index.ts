/**
 * The subcommand table. Each command lives in its own file exporting `summary` and `run(argv, io)`;
 * adding a command is one file and one line here.
 */
import type { Io } from '../io.ts';

export interface Command {
  summary: string;
  run(argv: string[], io: Io): Promise<number>;
}

export const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  formats: () => import('./formats.ts'),
  conform: () => import('./conform.ts'),
  inspect: () => import('./inspect.ts'),
  scan: () => import('./scan.ts'),
  run: () => import('./run.ts'),
  merge: () => import('./merge.ts'),
  site: () => import('./site.ts'),
  validate: () => import('./validate.ts'),
};
