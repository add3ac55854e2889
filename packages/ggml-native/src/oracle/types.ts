/**
 * The ggml types the oracle compares, from the registry: every spec with params.ggmlTypeId, its reference
 * codec, its role, and the paths its spec says differ from ggml on purpose (params.ggmlRefDiffers).
 */
import { listSpecs, loadFormat, type ReferenceCodec } from '@qbench/core';

export interface OracleType {
  readonly id: string;
  readonly ggmlTypeId: number;
  readonly blockElements: number;
  readonly blockBytes: number;
  readonly role: 'weight' | 'activation' | 'container';
  readonly codec: ReferenceCodec;
  /** Why quantize_row_<t>_ref is not compared (the spec's params.ggmlRefDiffers), if it is not. */
  readonly refQuantizerDiffers?: string;
  /** Why qbench has no encoder for this type (decode paths only), if it has none. */
  readonly encodeUnavailable?: string;
}

/** Every gguf spec with a ggml type id, optionally only `only`; loaded through the registry. */
export async function oracleTypes(only?: string): Promise<OracleType[]> {
  const specs = listSpecs().filter(
    (s) => typeof s.params?.['ggmlTypeId'] === 'number' && (only === undefined || s.id === only),
  );
  const out: OracleType[] = [];
  for (const s of specs) {
    const format = await loadFormat(s.id);
    const differs = s.params?.['ggmlRefDiffers'];
    // An encoder that works neither without nor with an importance matrix (some i-quants need one) is
    // missing: that type is compared on the decode paths only.
    let encodeUnavailable: string | undefined;
    const zeros = new Float32Array(s.layout.blockElements);
    for (const options of [{}, { imatrix: zeros.map(() => 1) }]) {
      try {
        format.reference.encode(zeros, options);
        encodeUnavailable = undefined;
        break;
      } catch (e) {
        encodeUnavailable = `qbench has no ${s.id} encoder (${(e as Error).message})`;
      }
    }
    out.push({
      id: s.id,
      ggmlTypeId: s.params!['ggmlTypeId'] as number,
      blockElements: s.layout.blockElements,
      blockBytes: s.layout.blockBytes,
      role: s.role ?? 'weight',
      codec: format.reference,
      ...(typeof differs === 'string' ? { refQuantizerDiffers: `${s.id} spec: ${differs}` } : {}),
      ...(encodeUnavailable ? { encodeUnavailable } : {}),
    });
  }
  return out;
}
