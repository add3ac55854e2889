/**
 * Child process of the GGUF loader judge (judge.ts): loads ggml-base only (gguf_init_from_file needs no
 * CPU backend) and answers one JSON line per request line on stdin, in order:
 *   request  {"i": 7, "path": "/tmp/x.gguf"}
 *   response {"i": 7, "accepted": true, "nKv": 3, "nTensors": 2, "log": []}
 *            {"i": 7, "accepted": false, "log": ["gguf_init_from_file_impl: duplicate tensor name 'w' ..."]}
 * ggml's error messages arrive through a ggml_log_set callback, so a rejection carries ggml's own reason.
 * It is plain JavaScript on purpose: started with `node worker.mjs`, no TypeScript loader in the child, so
 * that a crash (SIGSEGV, GGML_ABORT) kills only this process, which the parent records and restarts.
 * argv[2] is the absolute path of the ggml-base shared library.
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const koffi = createRequire(import.meta.url)('koffi');
const base = koffi.load(process.argv[2]);

koffi.struct('gguf_init_params', { no_alloc: 'bool', ctx: 'void *' });
const init = base.func('void *gguf_init_from_file(const char *fname, gguf_init_params params)');
const free = base.func('void gguf_free(void *ctx)');
const nKv = base.func('int64_t gguf_get_n_kv(const void *ctx)');
const nTensors = base.func('int64_t gguf_get_n_tensors(const void *ctx)');

let log = [];
const LogCallback = koffi.proto('void qbench_ggml_log_cb(int level, const char *text, void *user)');
const callback = koffi.register((_level, text) => {
  // ggml logs in pieces (a message, then "\n"); keep the last 20 pieces of one call, bounded in size.
  if (typeof text === 'string' && text.trim() !== '' && log.length < 20) log.push(text.trim().slice(0, 400));
}, koffi.pointer(LogCallback));
base.func('void ggml_log_set(qbench_ggml_log_cb *cb, void *user)')(callback, null);

function judge(path) {
  log = [];
  const ctx = init(path, { no_alloc: true, ctx: null });
  if (ctx === null) return { accepted: false, log };
  try {
    return { accepted: true, nKv: Number(nKv(ctx)), nTensors: Number(nTensors(ctx)), log };
  } finally {
    free(ctx);
  }
}

process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  const { i, path } = JSON.parse(line);
  // stdout to a pipe is synchronous on POSIX: the answer is out before the next file can crash us.
  process.stdout.write(`${JSON.stringify({ i, ...judge(path) })}\n`);
});
lines.on('close', () => process.exit(0));
