/**
 * The scanner's type table against the live library: ggml_type_name, ggml_type_size and ggml_blck_size of
 * the pinned prebuilt ggml (@qbench/ggml-native) for every id below GGML_TYPE_COUNT. Removed ids report
 * block and type size 0 there. Skipped, with the reason, where the native library cannot be loaded.
 * (Ids past the count are never probed: ggml indexes its table without a bounds check.)
 */
import { nativeGgml } from '@qbench/ggml-native';
import { describe, expect, it } from 'vitest';
import { GGML_TYPE_COUNT, GGML_TYPES_BY_ID } from './ggml-types.ts';
import { tensorType } from './tensor-types.ts';

const native = nativeGgml();
const reason = native.ok ? undefined : native.reason;

describe.skipIf(reason !== undefined)(`ggml's own type table${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('has the same count, names, block sizes and bytes for every id', () => {
    if (!native.ok) return;
    const mismatches: string[] = [];
    for (let id = 0; id < GGML_TYPE_COUNT; id++) {
      const live = native.ggml.types.info(id);
      const ours = GGML_TYPES_BY_ID[id]!;
      const type = tensorType(id)!;
      const got = `${ours.removed ? '(removed)' : ours.ggmlName} ${type.blockElements}/${type.blockBytes}`;
      const want = `${live.blockSize === 0 ? '(removed)' : live.name} ${live.blockSize}/${live.typeSize}`;
      if (got !== want) mismatches.push(`${id}: qbench ${got}, ggml ${want}`);
      if (!ours.removed && ours.quantized !== live.isQuantized)
        mismatches.push(`${id}: is_quantized differs`);
    }
    expect(mismatches).toEqual([]);
  });
});
