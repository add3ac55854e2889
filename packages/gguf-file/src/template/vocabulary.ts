/**
 * The words chat formats use for structure, in one place for every template check: role names (turn
 * headers), the names inside special-token markup, and the keys and type names of a tool schema. Text made
 * of these is formatting (behaviour.ts), comparing a value with one of them is formatting (triggers.ts,
 * seeds.ts), and one spelled with look-alike letters is a forged turn tag (payload.ts).
 */

/** Role names templates write in turn headers or compare `message.role` with. */
export const ROLE_NAMES: ReadonlySet<string> = new Set([
  'system',
  'user',
  'assistant',
  'tool',
  'tools',
  'model',
  'ipython',
  'function',
  'functions',
  'developer',
  'human',
  'bot',
  'response',
  'observation',
]);

/** Names inside special-token markup (`<|im_start|>`, `<start_of_turn>`, `[INST]`). */
export const MARKUP_NAMES: ReadonlySet<string> = new Set([
  'inst',
  'im_start',
  'im_end',
  'start_header_id',
  'end_header_id',
  'eot_id',
  'eom_id',
  'start_of_turn',
  'end_of_turn',
  'end',
]);

/** Keys and type names of the OpenAI-style tool schema and message objects probes carry. */
export const SCHEMA_WORDS: ReadonlySet<string> = new Set([
  'type',
  'function',
  'object',
  'string',
  'name',
  'description',
  'parameters',
  'properties',
  'required',
  'arguments',
  'id',
  'tool_calls',
  'tool_call_id',
  'content',
  'role',
  'text',
  'image',
  'json',
  'null',
  'none',
  'true',
  'false',
]);
