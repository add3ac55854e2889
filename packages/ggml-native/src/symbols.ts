/**
 * Binds C functions of a loaded library by prototype, once each. A symbol the library does not export is
 * a QbenchError naming the symbol and the library, never an undefined call.
 */
import { QbenchError } from '@qbench/core';
import type { LibraryHandle } from 'koffi';

export type NativeFunction = ReturnType<LibraryHandle['func']>;

export class SymbolTable {
  readonly #lib: LibraryHandle;
  readonly #library: string;
  readonly #bound = new Map<string, NativeFunction | null>();

  constructor(lib: LibraryHandle, library: string) {
    this.#lib = lib;
    this.#library = library;
  }

  /** The function `name` with C prototype `proto` (where `%s` stands for the name), or undefined. */
  find(name: string, proto: string): NativeFunction | undefined {
    if (!this.#bound.has(name)) {
      let f: NativeFunction | null = null;
      try {
        f = this.#lib.func(proto.replace('%s', name));
      } catch {
        f = null;
      }
      this.#bound.set(name, f);
    }
    return this.#bound.get(name) ?? undefined;
  }

  get(name: string, proto: string): NativeFunction {
    const f = this.find(name, proto);
    if (!f)
      throw new QbenchError('native.symbol', `${this.#library} does not export ${name}`, {
        symbol: name,
        library: this.#library,
      });
    return f;
  }
}
