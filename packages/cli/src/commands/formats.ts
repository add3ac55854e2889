/** `qbench formats [--json]`: every format with its family, derived bits/weight, block size and provenance. */
import { listSpecs } from '@qbench/core';
import { flag, parse } from '../args.ts';
import { type Io, table } from '../io.ts';

export const summary = 'list formats: id, family, bits/weight, block size, provenance';

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse('formats', argv, { json: { type: 'boolean' }, family: { type: 'string' } }, false);
  const family = p.values['family'];
  const specs = listSpecs().filter((s) => family === undefined || s.family === family);
  if (flag(p, 'json')) {
    const rows = specs.map((s) => ({
      id: s.id,
      family: s.family,
      role: s.role ?? 'weight',
      bitsPerWeight: s.derived.bitsPerWeight,
      blockElements: s.layout.blockElements,
      blockBytes: s.layout.blockBytes,
      summary: s.summary,
      provenance: s.provenance,
    }));
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const rows = specs.map((s) => [
    s.id,
    s.family,
    Number(s.derived.bitsPerWeight.toFixed(4)).toString(),
    s.layout.blockElements,
    `${s.provenance.implementation}${s.provenance.commit.startsWith('spec:') ? ` (${s.provenance.commit.slice(5)})` : ` @ ${s.provenance.commit.slice(0, 8)}`}`,
  ]);
  io.out(table(['id', 'family', 'bits/weight', 'block', 'provenance'], rows));
  return 0;
}
