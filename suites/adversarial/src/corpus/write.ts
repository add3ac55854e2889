/**
 * Write the corpus to a folder — one `<id>.gguf` per case plus `manifest.json` with each case's expected
 * verdict, finding code and sha256 — for other scanners and loaders to be run against (nightly, CLI).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORPUS } from './cases.ts';

export interface CorpusManifestEntry {
  id: string;
  file: string;
  group: string;
  description: string;
  expected: { verdict: string; code?: string };
  size: number;
  sha256: string;
}

export async function writeCorpus(dir: string): Promise<CorpusManifestEntry[]> {
  await mkdir(dir, { recursive: true });
  const entries: CorpusManifestEntry[] = [];
  for (const c of CORPUS) {
    const bytes = c.bytes();
    const file = `${c.id}.gguf`;
    await writeFile(join(dir, file), bytes);
    entries.push({
      id: c.id,
      file,
      group: c.group,
      description: c.description,
      expected: c.expected,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify({ cases: entries }, null, 2)}\n`);
  return entries;
}
