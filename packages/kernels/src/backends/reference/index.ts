/**
 * The reference backend: each format's reference codec as a kernel (plain TypeScript, the oracle every other
 * kernel is checked against). Its yardstick is the host's typed-array copy, which JS-module external kernels
 * share.
 */
import type { DecodeKernel, DotKernel, Format, KernelTraits } from '@qbench/core';
import { kernelId } from '@qbench/core';
import { gbps, timeRuns } from '../../measure.ts';
import type { CopyBandwidth, CopyYardstick, KernelBackend } from '../backend.ts';

const ID = 'reference';
const COPY_BYTES = 64 * 1024 * 1024;

function referenceTraits(format: Format, op: 'decode' | 'dot'): KernelTraits {
  const be = format.blockElements;
  return {
    id: kernelId(format.id, op, ID),
    format: format.id,
    op,
    backend: ID,
    supports: (s) =>
      s.n % be === 0 ? true : `n = ${s.n} is not a multiple of the ${format.id} block (${be} elements)`,
    async load() {
      const ref = format.reference;
      if (op === 'decode') {
        const k: DecodeKernel = {
          decode(q, n, out) {
            const y = ref.decode(q, n);
            if (!out) return y;
            out.set(y);
            return out;
          },
        };
        return k;
      }
      const dot = ref.dot;
      if (!dot) throw new Error(`${format.id} has no reference dot`);
      const k: DotKernel = {
        dot(q, y, rows) {
          const rowBytes = q.byteLength / rows;
          const r = new Float32Array(rows);
          for (let i = 0; i < rows; i++) r[i] = dot(q.subarray(i * rowBytes, (i + 1) * rowBytes), y);
          return r;
        },
      };
      return k;
    },
  };
}

export function referenceKernels(formats: readonly Format[]): KernelTraits[] {
  const out: KernelTraits[] = [];
  for (const f of formats) {
    out.push(referenceTraits(f, 'decode'));
    if (f.reference.dot) out.push(referenceTraits(f, 'dot'));
  }
  return out;
}

let hostCopy: Promise<CopyBandwidth> | undefined;

/** Float32Array.prototype.set between two 64 MiB arrays (both touched first, so no page fault is timed). */
export const hostCopyYardstick: CopyYardstick = {
  kernel: 'memcpy/typed-array',
  measure() {
    hostCopy ??= (async () => {
      const src = new Float32Array(COPY_BYTES / 4).fill(1.5);
      const dst = new Float32Array(COPY_BYTES / 4).fill(-1);
      const t = await timeRuns(() => dst.set(src), { minRuns: 10, minTimeMs: 300 });
      return {
        bytes: COPY_BYTES,
        wallGBps: gbps(2 * COPY_BYTES, t.medianNs),
        method: 'Float32Array.prototype.set',
      };
    })();
    return hostCopy;
  },
};

export const referenceBackend: KernelBackend = {
  id: ID,
  summary:
    "each format's reference codec (plain TypeScript): the oracle the other backends are checked against",
  oracle: true,
  timingWeight: 10,
  async list(formats) {
    return { kernels: referenceKernels(formats) };
  },
  yardstick: hostCopyYardstick,
};
