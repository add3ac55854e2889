/**
 * Extra emitters that run per family (AssemblyScript and WGSL constant tables, and the entry points of the
 * specs a shared kernel serves, are added here by the kernel backends; the gguf family's GGML_TYPES table). Each returns [repo-relative path,
 * file text] pairs.
 */
import type { ResolvedSpec } from '@qbench/core/spec';
import { kernelEntries } from './emit-entries.ts';
import { ggmlTypes } from './emit-ggml-types.ts';
import { kernelConstants } from './emit-kernels.ts';

export type FamilyEmitter = (family: string, specs: ResolvedSpec[]) => Iterable<[string, string]>;

export const familyEmitters: FamilyEmitter[] = [
  (family, specs) => kernelConstants(family, specs),
  (family, specs) => kernelEntries(family, specs),
  (family, specs) => ggmlTypes(family, specs),
];
