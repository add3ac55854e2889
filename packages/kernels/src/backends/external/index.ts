/**
 * The external backend: a user's kernel as a JS/TS module whose default export is
 * `{ format, op, decode | dot }`, hosted in a worker thread with a time limit per call (`qbench validate`).
 * It lists no kernels of its own; JS runs in host memory, so its yardstick is the host's typed-array copy.
 */
import { hostInWorker } from '../../external/host.ts';
import type { KernelBackend } from '../backend.ts';
import { hostCopyYardstick } from '../reference/index.ts';

export const externalBackend: KernelBackend = {
  id: 'external',
  summary: "a user's JS/TS module kernel, loaded by `qbench validate` in a worker thread",
  oracle: false,
  timingWeight: 1,
  async list() {
    return { kernels: [] };
  },
  yardstick: hostCopyYardstick,
  external: {
    extensions: ['.mjs', '.js', '.cjs', '.ts', '.mts'],
    describe: 'JS module, worker thread',
    takesOverrides: false,
    load(path, o) {
      return hostInWorker(path, o, 'module');
    },
  },
};
