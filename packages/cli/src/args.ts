/** Argument parsing shared by every subcommand: node's parseArgs, with errors turned into one-line QbenchErrors. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { QbenchError } from '@qbench/core';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: Options, allowPositionals = true): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (e) {
    throw new QbenchError('cli.args', `${command}: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function str(p: Parsed, key: string): string | undefined {
  const v = p.values[key];
  return typeof v === 'string' ? v : undefined;
}

export function flag(p: Parsed, key: string): boolean {
  return p.values[key] === true;
}
