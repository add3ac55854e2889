/**
 * The C ABI of the pinned libllama (node-llama-cpp 3.21.1's build of llama.cpp 5b4ebc5): the by-value
 * structs qbench passes and the functions it calls, as koffi types.
 *
 * llama_model_params and llama_context_params are passed and returned by value, so koffi must know their
 * exact size and field offsets. That commit's llama.h is newer than any public copy within reach, so the
 * layouts below were read off the library itself (the stores of llama_model_default_params and
 * llama_context_default_params) and named after the nearest upstream llama.h; `abi.test.ts` holds them to
 * the defaults the library returns, field by field, so a different libllama fails loudly instead of
 * receiving a shifted struct. qbench only ever takes the defaults and changes fields it names.
 *
 *   llama_context_params (160 bytes): n_ctx @0, n_batch @4, n_ubatch @8, n_seq_max @12, n_rs_seq @16,
 *     n_outputs_max @20, n_outputs_max_per_seq @24, n_threads @28, n_threads_batch @32, ctx_type @36,
 *     rope_scaling_type @40, pooling_type @44, attention_type @48, flash_attn_type @52, eight rope/yarn
 *     floats @56..84, cb_eval @88, cb_eval_user_data @96, type_k @104, type_v @108, abort_callback @112,
 *     abort_callback_data @120, six bools @128..133, samplers @136, n_samplers @144, one 8-byte field @152
 *     (zero by default; not in the upstream header we could read, never touched).
 *   llama_model_params (80 bytes): devices @0, tensor_buft_overrides @8, n_gpu_layers @16, split_mode @20,
 *     two int32 @24/@28 (−1 and 1 by default), main_gpu @32, tensor_split @40, progress_callback @48, its
 *     user data @56, kv_overrides @64, six bools @72..77. Passed through unchanged from the defaults.
 */
import type { Koffi } from '../koffi.ts';

export const LLAMA_CONTEXT_PARAMS_BYTES = 160;
export const LLAMA_MODEL_PARAMS_BYTES = 80;

/** ggml_type ids used in the context params. */
export const GGML_TYPE_F32 = 0;
/** llama_flash_attn_type: LLAMA_FLASH_ATTN_TYPE_DISABLED. */
export const LLAMA_FLASH_ATTN_DISABLED = 0;

export interface LlamaContextParams {
  n_ctx: number;
  n_batch: number;
  n_ubatch: number;
  n_seq_max: number;
  n_rs_seq: number;
  n_outputs_max: number;
  n_outputs_max_per_seq: number;
  n_threads: number;
  n_threads_batch: number;
  ctx_type: number;
  rope_scaling_type: number;
  pooling_type: number;
  attention_type: number;
  flash_attn_type: number;
  rope_freq_base: number;
  rope_freq_scale: number;
  yarn_ext_factor: number;
  yarn_attn_factor: number;
  yarn_beta_fast: number;
  yarn_beta_slow: number;
  yarn_orig_ctx: number;
  defrag_thold: number;
  cb_eval: unknown;
  cb_eval_user_data: unknown;
  type_k: number;
  type_v: number;
  abort_callback: unknown;
  abort_callback_data: unknown;
  embeddings: boolean;
  offload_kqv: boolean;
  no_perf: boolean;
  op_offload: boolean;
  swa_full: boolean;
  kv_unified: boolean;
  samplers: unknown;
  n_samplers: number | bigint;
  reserved_152: number | bigint;
}

/** The defaults llama_context_default_params() returns in the pinned build (what abi.test.ts checks). */
export const PINNED_CONTEXT_DEFAULTS: Partial<LlamaContextParams> = {
  n_ctx: 512,
  n_batch: 2048,
  n_ubatch: 512,
  n_seq_max: 1,
  n_rs_seq: 0,
  n_outputs_max: 0,
  n_outputs_max_per_seq: 1,
  n_threads: 4, // GGML_DEFAULT_N_THREADS
  n_threads_batch: 4,
  ctx_type: 0,
  rope_scaling_type: -1,
  pooling_type: -1,
  attention_type: -1,
  flash_attn_type: -1,
  rope_freq_base: 0,
  rope_freq_scale: 0,
  yarn_ext_factor: -1,
  yarn_attn_factor: -1,
  yarn_beta_fast: -1,
  yarn_beta_slow: -1,
  yarn_orig_ctx: 0,
  defrag_thold: -1,
  type_k: 1, // GGML_TYPE_F16
  type_v: 1,
  embeddings: false,
  offload_kqv: true,
  no_perf: true,
  op_offload: true,
  swa_full: true,
  kv_unified: false,
};

export interface LlamaModelParams {
  devices: unknown;
  tensor_buft_overrides: unknown;
  n_gpu_layers: number;
  split_mode: number;
  reserved_24: number;
  reserved_28: number;
  main_gpu: number;
  tensor_split: unknown;
  progress_callback: unknown;
  progress_callback_user_data: unknown;
  kv_overrides: unknown;
  bools: number[];
}

export const PINNED_MODEL_DEFAULTS: Partial<LlamaModelParams> = {
  n_gpu_layers: -1,
  split_mode: 1, // LLAMA_SPLIT_MODE_LAYER
  reserved_24: -1,
  reserved_28: 1,
  main_gpu: 0,
  bools: [0, 0, 1, 0, 0, 0],
};

export interface LlamaApi {
  backendInit(): void;
  modelDefaultParams(): LlamaModelParams;
  contextDefaultParams(): LlamaContextParams;
  modelLoadFromFile(path: string, params: LlamaModelParams): unknown;
  modelFree(model: unknown): void;
  initFromModel(model: unknown, params: LlamaContextParams): unknown;
  free(ctx: unknown): void;
  modelGetVocab(model: unknown): unknown;
  vocabNTokens(vocab: unknown): number;
  modelNCtxTrain(model: unknown): number;
  getMemory(ctx: unknown): unknown;
  memoryClear(mem: unknown, data: boolean): void;
  decode(ctx: unknown, batch: LlamaBatch): number;
  getLogitsIth(ctx: unknown, i: number): unknown;
}

export interface LlamaBatch {
  n_tokens: number;
  token: Int32Array;
  embd: null;
  pos: Int32Array;
  n_seq_id: null;
  seq_id: null;
  logits: Int8Array;
}

let structsDefined = false;

/** Binds the functions of a loaded libllama. */
export function bindLlama(koffi: Koffi, lib: ReturnType<Koffi['load']>): LlamaApi {
  if (!structsDefined) {
    koffi.struct('llama_model_params', {
      devices: 'void *',
      tensor_buft_overrides: 'void *',
      n_gpu_layers: 'int32_t',
      split_mode: 'int32_t',
      reserved_24: 'int32_t',
      reserved_28: 'int32_t',
      main_gpu: 'int32_t',
      tensor_split: 'void *',
      progress_callback: 'void *',
      progress_callback_user_data: 'void *',
      kv_overrides: 'void *',
      bools: koffi.array('uint8_t', 6, 'Array'),
    });
    koffi.struct('llama_context_params', {
      n_ctx: 'uint32_t',
      n_batch: 'uint32_t',
      n_ubatch: 'uint32_t',
      n_seq_max: 'uint32_t',
      n_rs_seq: 'uint32_t',
      n_outputs_max: 'uint32_t',
      n_outputs_max_per_seq: 'uint32_t',
      n_threads: 'int32_t',
      n_threads_batch: 'int32_t',
      ctx_type: 'int32_t',
      rope_scaling_type: 'int32_t',
      pooling_type: 'int32_t',
      attention_type: 'int32_t',
      flash_attn_type: 'int32_t',
      rope_freq_base: 'float',
      rope_freq_scale: 'float',
      yarn_ext_factor: 'float',
      yarn_attn_factor: 'float',
      yarn_beta_fast: 'float',
      yarn_beta_slow: 'float',
      yarn_orig_ctx: 'uint32_t',
      defrag_thold: 'float',
      cb_eval: 'void *',
      cb_eval_user_data: 'void *',
      type_k: 'int32_t',
      type_v: 'int32_t',
      abort_callback: 'void *',
      abort_callback_data: 'void *',
      embeddings: 'bool',
      offload_kqv: 'bool',
      no_perf: 'bool',
      op_offload: 'bool',
      swa_full: 'bool',
      kv_unified: 'bool',
      samplers: 'void *',
      n_samplers: 'size_t',
      reserved_152: 'uint64_t',
    });
    // Pointers are passed as typed arrays for the duration of the call (llama_decode copies the batch).
    koffi.struct('llama_batch', {
      n_tokens: 'int32_t',
      token: 'int32_t *',
      embd: 'float *',
      pos: 'int32_t *',
      n_seq_id: 'int32_t *',
      seq_id: 'void *',
      logits: 'int8_t *',
    });
    structsDefined = true;
  }
  const f = (proto: string) => lib.func(proto);
  const sizes = [koffi.sizeof('llama_model_params'), koffi.sizeof('llama_context_params')];
  if (sizes[0] !== LLAMA_MODEL_PARAMS_BYTES || sizes[1] !== LLAMA_CONTEXT_PARAMS_BYTES)
    throw new Error(`koffi laid the llama param structs out as ${sizes.join('/')} bytes, expected 80/160`);
  return {
    backendInit: f('void llama_backend_init(void)'),
    modelDefaultParams: f('llama_model_params llama_model_default_params(void)'),
    contextDefaultParams: f('llama_context_params llama_context_default_params(void)'),
    modelLoadFromFile: f('void *llama_model_load_from_file(const char *path, llama_model_params params)'),
    modelFree: f('void llama_model_free(void *model)'),
    initFromModel: f('void *llama_init_from_model(void *model, llama_context_params params)'),
    free: f('void llama_free(void *ctx)'),
    modelGetVocab: f('void *llama_model_get_vocab(void *model)'),
    vocabNTokens: f('int32_t llama_vocab_n_tokens(void *vocab)'),
    modelNCtxTrain: f('int32_t llama_model_n_ctx_train(void *model)'),
    getMemory: f('void *llama_get_memory(void *ctx)'),
    memoryClear: f('void llama_memory_clear(void *mem, bool data)'),
    decode: f('int32_t llama_decode(void *ctx, llama_batch batch)'),
    getLogitsIth: f('float *llama_get_logits_ith(void *ctx, int32_t i)'),
  } as LlamaApi;
}
