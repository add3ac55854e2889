/**
 * Hosts one native kernel (a C function with ggml's signature in a user's shared library) in a child
 * process of `qbench validate`: a segfault or abort kills this process only, a hang is killed by the parent.
 * Every output buffer sits between guard bytes (a pattern no float or quantized block is likely to write
 * in full) that are checked after each call: a write outside the output is a verdict naming the side and
 * offset. Signatures (ggml's):
 *   decode  void dequantize_row_X(const void * x, float * y, int64_t k)
 *   encode  void quantize_row_X(const float * x, void * y, int64_t k)
 *   dot     void vec_dot_X_Y(int n, float * s, size_t bs, const void * vx, size_t bx, const void * vy, size_t by, int nrc)
 *           called once per weight row with nrc = 1, as ggml's mul_mat does.
 */
import { isQbenchError, QbenchError } from '@qbench/core';
import { loadKoffi } from '@qbench/ggml-native';
import { timeRuns } from '../measure.ts';
import type { NativeCall, NativeInit, NativeReply, NativeRequest } from './native-protocol.ts';

const GUARD = 256;
const GUARD_BYTE = 0xa5;

const PROTO = {
  decode: 'void %s(const void *x, float *y, int64_t k)',
  encode: 'void %s(const float *x, void *y, int64_t k)',
  dot: 'void %s(int n, float *s, size_t bs, const void *vx, size_t bx, const void *vy, size_t by, int nrc)',
} as const;

let init: NativeInit | undefined;
let fn: ((...args: unknown[]) => unknown) | undefined;

function post(r: NativeReply): void {
  process.send!(r);
}

function fail(e: unknown, id?: number): void {
  const code = isQbenchError(e) ? e.code : 'kernel.threw';
  post({
    type: 'error',
    ...(id === undefined ? {} : { id }),
    code,
    message: (e as Error).message ?? String(e),
  });
}

/** An output of `bytes` bytes between guard bytes; check() names the first guard byte the call changed. */
function guarded(bytes: number) {
  const buf = new Uint8Array(GUARD + bytes + GUARD + 4);
  // the output starts 4-byte aligned (floats), at GUARD from a fresh allocation
  const out = buf.subarray(GUARD, GUARD + bytes);
  buf.fill(GUARD_BYTE, 0, GUARD);
  buf.fill(GUARD_BYTE, GUARD + bytes);
  return {
    out,
    check(what: string) {
      for (let i = GUARD - 1; i >= 0; i--)
        if (buf[i] !== GUARD_BYTE)
          throw new QbenchError(
            'kernel.oob',
            `${what} wrote outside its output: byte ${GUARD - i} before the start of the ${bytes}-byte output`,
          );
      for (let i = GUARD + bytes; i < buf.length; i++)
        if (buf[i] !== GUARD_BYTE)
          throw new QbenchError(
            'kernel.oob',
            `${what} wrote outside its output: byte ${i - GUARD - bytes} past the end of the ${bytes}-byte output`,
          );
    },
  };
}

/** One call of the kernel on `c`; returns its checked output, or the runner for timing. */
function prepare(c: NativeCall): { run(): void; result(): Float32Array | Uint8Array } {
  const f = fn!;
  const s = init!;
  const name = s.symbol;
  if (c.op === 'decode') {
    const g = guarded(4 * c.n);
    return {
      run: () => f(c.q, g.out, c.n),
      result() {
        g.check(`${name}(k=${c.n})`);
        return new Float32Array(g.out.slice().buffer);
      },
    };
  }
  if (c.op === 'encode') {
    const bytes = (c.x.length / s.blockElements) * s.blockBytes;
    const g = guarded(bytes);
    return {
      run: () => f(c.x, g.out, c.x.length),
      result() {
        g.check(`${name}(k=${c.x.length})`);
        return g.out.slice();
      },
    };
  }
  const rowBytes = (c.n / s.blockElements) * s.blockBytes;
  const g = guarded(4 * c.rows);
  const s32 = new Float32Array(g.out.buffer, g.out.byteOffset, c.rows);
  const rows = Array.from({ length: c.rows }, (_, r) => c.q.subarray(r * rowBytes, (r + 1) * rowBytes));
  // s points at result r: koffi passes a typed array's own storage, its byteOffset included
  const outs = rows.map((_, r) => g.out.subarray(4 * r, 4 * r + 4));
  return {
    run() {
      for (let r = 0; r < c.rows; r++) f(c.n, outs[r], 0, rows[r], 0, c.yq, 0, 1);
    },
    result() {
      g.check(`${name}(n=${c.n}) over ${c.rows} rows`);
      return s32.slice();
    },
  };
}

function start(m: NativeInit): void {
  const k = loadKoffi();
  if (!k.ok) throw new QbenchError('native.koffi', k.reason);
  let lib: ReturnType<typeof k.koffi.load>;
  try {
    lib = k.koffi.load(m.path);
  } catch (e) {
    throw new QbenchError('native.load', `${m.path} did not load: ${(e as Error).message.split('\n')[0]}`);
  }
  // a ggml CPU library's kernels read tables that ggml_cpu_init() fills (fp16 → fp32 among them): without it
  // ggml's own vec_dot returns 0; call it once where the library exports it, as every ggml user does
  let cpuInit: (() => unknown) | undefined;
  try {
    cpuInit = lib.func('void ggml_cpu_init(void)') as () => unknown;
  } catch {
    cpuInit = undefined;
  }
  cpuInit?.();
  try {
    fn = lib.func(PROTO[m.op].replace('%s', m.symbol)) as (...args: unknown[]) => unknown;
  } catch {
    throw new QbenchError('native.symbol', `${m.path} does not export ${m.symbol}`);
  }
  init = m;
}

process.on('message', async (m: NativeRequest) => {
  if (m.type === 'init') {
    try {
      start(m);
      post({ type: 'ready' });
    } catch (e) {
      fail(e);
    }
    return;
  }
  try {
    const p = prepare(m);
    if (m.type === 'call') {
      p.run();
      post({ type: 'result', id: m.id, value: p.result() });
    } else {
      const timing = await timeRuns(() => p.run(), m.timing);
      p.result();
      post({ type: 'timing', id: m.id, timing });
    }
  } catch (e) {
    fail(e, m.id);
  }
});
