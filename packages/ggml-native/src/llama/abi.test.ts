/**
 * The by-value param structs koffi passes to libllama match the library: llama_model_default_params and
 * llama_context_default_params, decoded through abi.ts's layouts (in a child process), return exactly the
 * defaults this llama.cpp build sets. A libllama with another layout shifts the fields and fails here.
 */
import { describe, expect, it } from 'vitest';
import { PINNED_CONTEXT_DEFAULTS, PINNED_MODEL_DEFAULTS } from './abi.ts';
import { llamaAvailability, llamaDefaults } from './run.ts';

const avail = llamaAvailability();
const why = avail.ok ? '' : ` (skipped: ${avail.reason})`;

describe(`libllama ABI${why}`, () => {
  it.skipIf(!avail.ok)('round-trips the default model and context params field by field', async () => {
    const d = await llamaDefaults();
    if (!d.ok) throw new Error(`${d.outcome}: ${d.reason}\n${d.logTail}`);
    expect(d.context).toMatchObject(PINNED_CONTEXT_DEFAULTS);
    expect(d.model).toMatchObject(PINNED_MODEL_DEFAULTS);
    // Pointer fields are NULL by default.
    for (const k of ['cb_eval', 'abort_callback', 'samplers']) expect(d.context[k]).toBeNull();
    for (const k of ['devices', 'tensor_split', 'kv_overrides']) expect(d.model[k]).toBeNull();
    expect(String(d.context['n_samplers'])).toBe('0');
    expect(String(d.context['reserved_152'])).toBe('0');
  });
});
