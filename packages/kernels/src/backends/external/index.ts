/**
 * The external backend: a user's kernel as a JS/TS module whose default export is
 * `{ format, op, decode | dot }`, hosted in a worker thread with a time limit per call, or a native shared
 * library (`.so`) exporting a C function with ggml's signature (`--symbol NAME`), hosted in a child process
 * so that a crash or hang is a verdict (`qbench validate`). The file's form decides which. It lists no
 * kernels of its own; both run in host memory, so its yardstick is the host's typed-array copy.
 */
import { hostInWorker } from '../../external/host.ts';
import { hostNative } from '../../external/native-host.ts';
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
    extensions: ['.mjs', '.js', '.cjs', '.ts', '.mts', '.so'],
    describe: 'JS module, worker thread',
    takesOverrides: false,
    load(path, o) {
      return path.toLowerCase().endsWith('.so') ? hostNative(path, o) : hostInWorker(path, o, 'module');
    },
  },
};
