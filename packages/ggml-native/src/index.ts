/**
 * @qbench/ggml-native: ggml's prebuilt CPU libraries (the pinned @node-llama-cpp/<platform> package)
 * called through koffi. `nativeGgml()` is either the typed binding or the reason it is unavailable; every
 * caller turns the latter into a visible skip with that reason, never a pass.
 */
import { CpuTraits } from './cpu-traits.ts';
import { Dequantizers } from './dequantize.ts';
import { GgufReader } from './gguf.ts';
import { GgufWriter } from './gguf-write.ts';
import { loadGgml } from './load.ts';
import { MatMul } from './matmul.ts';
import { Quantizers } from './quantize.ts';
import { SymbolTable } from './symbols.ts';
import { TypeTable } from './type-table.ts';

/** Which ggml this is: goes into every run's metadata and every golden folder's provenance. */
export interface NativeGgmlInfo {
  readonly available: true;
  /** npm package and version the libraries came from, e.g. @node-llama-cpp/linux-x64 3.21.1. */
  readonly package: string;
  readonly packageVersion: string;
  /** ggml_version() / ggml_commit() of the loaded ggml-base. */
  readonly ggmlVersion: string;
  readonly ggmlCommit: string;
  /** llama.cpp repository and release from _nlcBuildMetadata.json (buildOptions.llamaCpp). */
  readonly llamaCpp: { readonly repo: string | null; readonly release: string | null };
  /** _nlcBuildMetadata.json as shipped. */
  readonly buildMetadata: Readonly<Record<string, unknown>> | null;
  /** The CPU backend variant chosen by ggml_backend_score, and every variant's score. */
  readonly cpuVariant: string;
  readonly cpuScores: Readonly<Record<string, number>>;
}

export interface NativeGgmlUnavailable {
  readonly available: false;
  readonly reason: string;
}

export interface NativeGgml {
  readonly info: NativeGgmlInfo;
  readonly types: TypeTable;
  readonly quantize: Quantizers;
  readonly dequantize: Dequantizers;
  readonly cpu: CpuTraits;
  /** ggml_mul_mat on the CPU backend, one thread: the matvec path llama.cpp runs. */
  readonly matmul: MatMul;
  readonly gguf: GgufReader;
  /** ggml's own GGUF writer (gguf_init_empty … gguf_write_to_file). */
  readonly ggufWriter: GgufWriter;
  /**
   * ggml_validate_row_data(type, data, nbytes): what llama.cpp's loader checks in every tensor (non-finite
   * fp16/fp32 scales, E8M0 0xFF, NaN/inf in float tensors). Logs the first problem to stderr when false.
   */
  validateRowData(type: number, data: Uint8Array): boolean;
}

export type NativeGgmlStatus = { ok: true; ggml: NativeGgml } | { ok: false; reason: string };

function llamaCpp(meta: Readonly<Record<string, unknown>> | null): NativeGgmlInfo['llamaCpp'] {
  const opts = meta?.['buildOptions'];
  const l = typeof opts === 'object' && opts !== null ? (opts as Record<string, unknown>)['llamaCpp'] : null;
  const rec = typeof l === 'object' && l !== null ? (l as Record<string, unknown>) : {};
  return {
    repo: typeof rec['repo'] === 'string' ? rec['repo'] : null,
    release: typeof rec['release'] === 'string' ? rec['release'] : null,
  };
}

let cached: NativeGgmlStatus | undefined;

/** The native binding, loaded once per process; `{ ok: false, reason }` where it cannot be. */
export function nativeGgml(): NativeGgmlStatus {
  if (cached) return cached;
  const loaded = loadGgml();
  if (!loaded.ok) {
    cached = loaded;
    return cached;
  }
  const g = loaded.ggml;
  const base = new SymbolTable(g.base, g.install.baseLibrary);
  const cpu = new SymbolTable(g.cpu, g.cpuLibrary);
  const types = new TypeTable(base);
  const info: NativeGgmlInfo = {
    available: true,
    package: g.install.packageName,
    packageVersion: g.install.packageVersion,
    ggmlVersion: g.ggmlVersion,
    ggmlCommit: g.ggmlCommit,
    llamaCpp: llamaCpp(g.install.buildMetadata),
    buildMetadata: g.install.buildMetadata,
    cpuVariant: g.cpuLibrary,
    cpuScores: Object.fromEntries(g.scores.map((s) => [s.library, s.score])),
  };
  cached = {
    ok: true,
    ggml: {
      info,
      types,
      quantize: new Quantizers(base, types),
      dequantize: new Dequantizers(base, types),
      cpu: new CpuTraits(g.koffi, cpu, types),
      matmul: new MatMul(g.koffi, base, cpu, types),
      gguf: new GgufReader(g.koffi, base),
      ggufWriter: new GgufWriter(g.koffi, base),
      validateRowData: (type, data) =>
        Boolean(
          base.get('ggml_validate_row_data', 'bool %s(int type, const void *data, size_t nbytes)')(
            type,
            data,
            data.length,
          ),
        ),
    },
  };
  return cached;
}

/** What `qbench run` records: the loaded ggml, or why there is none. */
export function nativeGgmlInfo(): NativeGgmlInfo | NativeGgmlUnavailable {
  const s = nativeGgml();
  return s.ok ? s.ggml.info : { available: false, reason: s.reason };
}

export type { CpuTypeTraits } from './cpu-traits.ts';
export type { GgufTensorView, GgufView } from './gguf.ts';
export type { GgufWriteTensorSpec, GgufWriteValue } from './gguf-write.ts';
export { type Koffi, loadKoffi } from './koffi.ts';
export { PINNED_CONTEXT_DEFAULTS, PINNED_MODEL_DEFAULTS } from './llama/abi.ts';
export {
  type LlamaEngineInfo,
  type LlamaFailure,
  type LlamaLogits,
  type LlamaLogitsOptions,
  llamaAvailability,
  llamaDefaults,
  llamaLogits,
  llamaTokenize,
} from './llama/run.ts';
export {
  LoaderJudge,
  type LoaderJudgeOptions,
  type LoaderJudgeStatus,
  type LoaderOutcome,
  type LoaderVerdict,
} from './loader-judge/judge.ts';
export { locateGgml, platformKey } from './locate.ts';
export type { StagedMatVec } from './matmul.ts';
export type { GgmlTypeInfo } from './type-table.ts';
