/**
 * The malformed-GGUF corpus: one minimal file per case, each a small edit of a valid base file, with the
 * verdict and finding code a hardened scanner must give. Sources for the values: the GGUF spec
 * (ggml docs/gguf.md), ggml src/gguf.cpp's checks, the published CVEs (CVE-2024-25664..25668 count and
 * length wraps, Talos 2024-1912..1916, CVE-2025-53630 size accumulation, CVE-2024-34359 template
 * injection, GHSA-g4cc-763q-h9h6 special token ids) and shared/research/security-peers.md §2.6.
 */
import { METADATA_CASES } from './cases-metadata.ts';
import { TENSOR_CASES } from './cases-tensors.ts';
import type { CorpusCase } from './kit.ts';

export { baseSpec, type CorpusCase, q8Block } from './kit.ts';

export const CORPUS: readonly CorpusCase[] = [...METADATA_CASES, ...TENSOR_CASES];

/** The bytes of every case, built once. */
export function corpusFiles(): { c: CorpusCase; bytes: Uint8Array }[] {
  return CORPUS.map((c) => ({ c, bytes: c.bytes() }));
}
