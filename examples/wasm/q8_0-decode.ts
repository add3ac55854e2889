// An external q8_0 decode kernel in AssemblyScript that follows qbench's wasm kernel ABI
// (packages/runtime-wasm/KERNEL-ABI.md) without using any qbench code. Built by `pnpm build` (runtime-wasm)
// into packages/runtime-wasm/build/examples/q8_0-decode.wasm, then:
//
//   pnpm -s qbench validate --kernel packages/runtime-wasm/build/examples/q8_0-decode.wasm --format q8_0
//
// Memory map: [0, __heap_base) static data; alloc() hands out 16-byte-aligned buffers above it and grows
// the memory when needed; reset() frees them all. decode(src, n, dst): n/32 blocks of 34 bytes at src
// (fp16 scale d, 32 int8 codes) → n float32 at dst, element j of block b = code·d.

let top: usize = 0;

export function alloc(bytes: usize): usize {
  if (top == 0) top = (__heap_base + 15) & ~(<usize>15);
  const ptr = top;
  top = (top + bytes + 15) & ~(<usize>15);
  const pages = <i32>((top + 0xffff) >>> 16) - memory.size();
  if (pages > 0 && memory.grow(pages) < 0) unreachable();
  return ptr;
}

export function reset(): void {
  top = 0;
}

/** fp16 bits → f32, exact: subnormals via an exact multiply by 2^-24, inf/NaN by bits. */
function halfToFloat(h: u32): f32 {
  const sign = (h & 0x8000) << 16;
  const em = h & 0x7fff;
  if (em >= 0x7c00) return reinterpret<f32>(sign | 0x7f800000 | ((em & 0x3ff) << 13));
  if (em >= 0x400) return reinterpret<f32>(sign | ((em << 13) + 0x38000000));
  return reinterpret<f32>(sign | reinterpret<u32>(<f32>em * reinterpret<f32>(0x33800000)));
}

export function decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n / 32; b++) {
    const block = src + <usize>b * 34;
    const d = f32x4.splat(halfToFloat(load<u16>(block)));
    for (let k = 0; k < 32; k += 4) {
      // four int8 codes → four f32 lanes → times d (one correctly rounded multiply each)
      const codes = i32x4(load<i8>(block + 2 + k), load<i8>(block + 3 + k), load<i8>(block + 4 + k), load<i8>(block + 5 + k));
      v128.store(dst + ((<usize>b * 32 + k) << 2), f32x4.mul(f32x4.convert_i32x4_s(codes), d));
    }
  }
}
