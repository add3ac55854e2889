/**
 * Every ggml type this family implements, by spec id: generated from the gguf specs (each spec's codec is
 * reference/<id>.ts), so adding a type adds no line here.
 */
export { GGML_TYPES } from '../generated/ggml-types.ts';
export type { GgmlTypeImpl } from './types.ts';
