/**
 * Loads ggml-base and the best CPU backend variant for this machine, the way ggml's backend loader
 * (ggml-backend-reg.cpp, ggml_backend_load_best) picks one: every variant exports ggml_backend_score();
 * 0 means this CPU lacks an instruction set the variant was built for; the highest score wins, the first
 * in name order on a tie. Variants not chosen are unloaded again.
 */
import { join } from 'node:path';
import type { LibraryHandle as IKoffiLib } from 'koffi';
import { type Koffi, loadKoffi } from './koffi.ts';
import { type GgmlInstall, locateGgml } from './locate.ts';

export interface CpuVariantScore {
  /** Library file name, e.g. libggml-cpu-zen4.so. */
  readonly library: string;
  readonly score: number;
}

export interface LoadedGgml {
  readonly koffi: Koffi;
  readonly install: GgmlInstall;
  readonly base: IKoffiLib;
  readonly cpu: IKoffiLib;
  readonly cpuLibrary: string;
  readonly scores: readonly CpuVariantScore[];
  /** ggml_version() and ggml_commit() of the loaded ggml-base. */
  readonly ggmlVersion: string;
  readonly ggmlCommit: string;
}

export type Loaded = { ok: true; ggml: LoadedGgml } | { ok: false; reason: string };

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0] ?? '';
}

function scoreVariant(koffi: Koffi, dir: string, library: string): { lib?: IKoffiLib; score: number } {
  let lib: IKoffiLib;
  try {
    lib = koffi.load(join(dir, library));
  } catch {
    return { score: 0 };
  }
  try {
    const score = Number(lib.func('int ggml_backend_score(void)')());
    return { lib, score: Number.isFinite(score) ? score : 0 };
  } catch {
    // No score function: a single-variant build (ggml-cpu without suffix) is usable as the fallback.
    return { lib, score: /ggml-cpu\./.test(library) ? 1 : 0 };
  }
}

export function loadGgml(): Loaded {
  const k = loadKoffi();
  if (!k.ok) return k;
  const located = locateGgml();
  if (!located.ok) return located;
  const { install } = located;
  const { koffi } = k;
  let base: IKoffiLib;
  try {
    base = koffi.load(join(install.binsDir, install.baseLibrary));
  } catch (e) {
    return { ok: false, reason: `${install.baseLibrary} did not load: ${firstLine(e)}` };
  }
  const scores: CpuVariantScore[] = [];
  let best: { lib: IKoffiLib; library: string; score: number } | undefined;
  for (const library of install.cpuLibraries) {
    const { lib, score } = scoreVariant(koffi, install.binsDir, library);
    scores.push({ library, score });
    if (lib && score > 0 && (!best || score > best.score)) {
      best?.lib.unload();
      best = { lib, library, score };
    } else lib?.unload();
  }
  if (!best) {
    const tried = scores.map((s) => `${s.library}=${s.score}`).join(', ');
    return { ok: false, reason: `no ggml CPU variant supports this CPU (scores: ${tried})` };
  }
  try {
    best.lib.func('void ggml_cpu_init(void)')();
    const version = base.func('const char *ggml_version(void)');
    const commit = base.func('const char *ggml_commit(void)');
    return {
      ok: true,
      ggml: {
        koffi,
        install,
        base,
        cpu: best.lib,
        cpuLibrary: best.library,
        scores,
        ggmlVersion: String(version()),
        ggmlCommit: String(commit()),
      },
    };
  } catch (e) {
    return { ok: false, reason: `${best.library}: ggml_cpu_init or ggml_version failed: ${firstLine(e)}` };
  }
}
