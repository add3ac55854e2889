/**
 * The i-quant grids and sign tables as the decoders and quantizers use them, built once from the spec
 * tables (formats/gguf/specs/iq*.json via codegen). The specs store ggml's uint64 grid entries as two u32
 * words, low word first, and its uint32 entries as one word; here each grid becomes one byte per
 * coordinate (entry i, coordinate k at index width·i + k), independent of the host's byte order.
 */
import { TABLES } from '../generated/specs.ts';

/** Bytes of little-endian u32 words: word w, byte k → index 4w + k. */
function wordBytes(words: Uint32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  for (let w = 0; w < words.length; w++) {
    const v = words[w]!;
    out[4 * w] = v & 0xff;
    out[4 * w + 1] = (v >>> 8) & 0xff;
    out[4 * w + 2] = (v >>> 16) & 0xff;
    out[4 * w + 3] = v >>> 24;
  }
  return out;
}

/** iq2xxs_grid: 256 × 8 magnitudes (8, 25 or 43). */
export const IQ2XXS_GRID = wordBytes(TABLES.iq2_xxs.iq2xxsGrid);
/** iq2xs_grid: 512 × 8 magnitudes. */
export const IQ2XS_GRID = wordBytes(TABLES.iq2_xs.iq2xsGrid);
/** iq2s_grid: 1024 × 8 magnitudes. */
export const IQ2S_GRID = wordBytes(TABLES.iq2_s.iq2sGrid);
/** iq3xxs_grid: 256 × 4 magnitudes. */
export const IQ3XXS_GRID = wordBytes(TABLES.iq3_xxs.iq3xxsGrid);
/** iq3s_grid: 512 × 4 magnitudes. */
export const IQ3S_GRID = wordBytes(TABLES.iq3_s.iq3sGrid);
/** iq1s_grid: 2048 × 8 values −1, 0, 1 (ggml reads the bytes as int8). */
export const IQ1S_GRID = new Int8Array(wordBytes(TABLES.iq1_s.iq1sGrid).buffer);

/** ksigns_iq2xs: 7 stored sign bits → 8 sign bits with even parity. */
export const KSIGNS_IQ2XS = TABLES.iq2_xxs.ksignsIq2xs;
/** kmask_iq2xs: sign bit of coordinate j. */
export const KMASK_IQ2XS = TABLES.iq2_xxs.kmaskIq2xs;

/** IQ1S_DELTA = IQ1M_DELTA = 0.125f (ggml-common.h): the shift of the ternary grid. */
export const IQ1_DELTA = 0.125;
