/**
 * qbench: conformance and benchmark suite for LLM quantization formats.
 * Errors print as one line (`qbench: code: message`) with a non-zero exit, never a stack trace
 * (set QBENCH_DEBUG=1 to see one).
 */
// The entry point installs the format registry (every family's loader) before any command runs.
import '@qbench/formats';
import { isQbenchError } from '@qbench/core';
import { COMMANDS } from './commands/index.ts';
import { type Io, processIo } from './io.ts';

async function usage(io: Io): Promise<string> {
  const lines = ['usage: qbench <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS))
    lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  lines.push('', "run 'qbench <command> --help' for a command's options");
  void io;
  return `${lines.join('\n')}\n`;
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(await usage(io));
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.err(`qbench: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    const command = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(`qbench ${name}: ${command.summary}\n`);
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (process.env['QBENCH_DEBUG']) io.err(`${(e as Error).stack}\n`);
    if (isQbenchError(e)) io.err(`qbench: ${e.code}: ${e.message}\n`);
    else io.err(`qbench: internal error: ${(e as Error).message ?? String(e)}\n`);
    return isQbenchError(e) && e.code === 'cli.args' ? 2 : 1;
  }
}
