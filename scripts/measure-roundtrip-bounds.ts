/**
 * Prints, per format and round-trip source, the worst NMSE of decode(encode(x)) and the bound derived from it
 * (suites/roundtrip/src/bounds.ts: worst over the suite's own runs and large extra samples, × 1.25, rounded
 * up to two significant digits), next to the bound the spec states now. It never writes specs: copy a
 * derived value into tolerance.roundTrip.maxNmseBySource (or maxNmse for gaussian) by hand, then
 * `pnpm codegen`.
 * Usage: tsx scripts/measure-roundtrip-bounds.ts [--format id,id…] [--elements N] [--seeds K] [--json]
 * Exit 1 when a measured worst exceeds the stated bound.
 */

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
// A script is an entry point: it installs the format registry before measuring.
import '@qbench/formats';
import {
  BOUND_MARGIN,
  BOUND_SAMPLES,
  type BoundRow,
  measureRegistry,
} from '../suites/roundtrip/src/bounds.ts';

interface Args {
  formats?: string[];
  elements: number;
  seeds: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { elements: BOUND_SAMPLES.elements, seeds: BOUND_SAMPLES.seeds, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--format') args.formats = value().split(',');
    else if (a === '--elements') args.elements = Number(value());
    else if (a === '--seeds') args.seeds = Number(value());
    else if (a === '--json') args.json = true;
    else throw new Error(`unknown argument '${a}'`);
  }
  if (!Number.isInteger(args.elements) || args.elements < 1)
    throw new Error('--elements must be a positive integer');
  if (!Number.isInteger(args.seeds) || args.seeds < 0)
    throw new Error('--seeds must be a non-negative integer');
  return args;
}

const fmt = (x: number | undefined) => (x === undefined ? '-' : x.toPrecision(3));

function line(r: BoundRow): string {
  const status = r.stated === undefined ? 'no bound' : r.worst.nmse <= r.stated ? 'ok' : 'EXCEEDS';
  return [
    r.format.padEnd(16),
    r.source.padEnd(16),
    fmt(r.stated).padStart(9),
    fmt(r.worst.nmse).padStart(9),
    `${r.worst.elements}@0x${r.worst.seed.toString(16)}`.padEnd(18),
    String(r.derived).padStart(9),
    status,
  ].join(' ');
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const rows: BoundRow[] = [];
  if (!args.json) {
    console.log(
      `worst NMSE over the suite's quick/full runs and ${args.seeds} × ${args.elements} elements; derived = worst × ${BOUND_MARGIN}, rounded up to 2 significant digits`,
    );
    console.log(
      `${'format'.padEnd(16)} ${'source'.padEnd(16)} ${'stated'.padStart(9)} ${'worst'.padStart(9)} ${'worst at'.padEnd(18)} ${'derived'.padStart(9)} status`,
    );
  }
  for await (const group of measureRegistry(args.formats, { elements: args.elements, seeds: args.seeds })) {
    rows.push(...group);
    if (!args.json) for (const r of group) console.log(line(r));
  }
  if (args.json) console.log(JSON.stringify(rows, null, 1));
  return rows.some((r) => r.stated !== undefined && r.worst.nmse > r.stated) ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 2;
    },
  );
