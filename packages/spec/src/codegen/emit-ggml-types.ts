/**
 * The gguf family's table of reference codecs, GGML_TYPES (formats/gguf/src/generated/ggml-types.ts): one
 * entry per gguf spec, imported from formats/gguf/src/reference/<id>.ts, which exports the GgmlTypeImpl `<id>`.
 * A gguf type is then its spec and that module; a spec without the module fails codegen, naming the file,
 * rather than `loadFormat` at run time.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedSpec } from '@qbench/core/spec';
import { HEADER } from './emit-kernels.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The family whose reference codecs are ggml type implementations, one module per spec id. */
const GGUF = 'gguf';

export function emitGgmlTypes(specs: ResolvedSpec[]): string {
  const ids = specs.map((s) => s.id).sort();
  return [
    `// ${HEADER}`,
    '// Every gguf spec’s reference codec (reference/<id>.ts exports `<id>`), by spec id. Backends look types up here.',
    ...ids.map((id) => `import { ${id} } from '../reference/${id}.ts';`),
    "import type { GgmlTypeImpl } from '../reference/types.ts';",
    '',
    'export const GGML_TYPES: Readonly<Record<string, GgmlTypeImpl>> = Object.freeze({',
    ...ids.map((id) => `  ${id},`),
    '});',
    '',
  ].join('\n');
}

/** The family emitter: the gguf family gets its GGML_TYPES table; a spec without its module is an error. */
export function ggmlTypes(family: string, specs: ResolvedSpec[], root = repoRoot): [string, string][] {
  if (family !== GGUF || specs.length === 0) return [];
  for (const s of specs) {
    const module = `formats/${GGUF}/src/reference/${s.id}.ts`;
    if (!existsSync(join(root, module)))
      throw new Error(
        `gguf spec ${s.id} has no reference codec: ${module} (exporting \`${s.id}\`) is missing`,
      );
  }
  return [[`formats/${GGUF}/src/generated/ggml-types.ts`, emitGgmlTypes(specs)]];
}
