/**
 * koffi, loaded synchronously so that "is native ggml here?" is answerable at module load (tests decide
 * `skipIf` before they run). Its prebuilt comes from the per-platform optional dependency
 * @koromix/koffi-<platform>; no install script runs. A koffi that will not load is a reason, not a throw.
 */
import { createRequire } from 'node:module';

export type Koffi = typeof import('koffi');

export type KoffiLoaded = { ok: true; koffi: Koffi } | { ok: false; reason: string };

let cached: KoffiLoaded | undefined;

export function loadKoffi(): KoffiLoaded {
  if (cached) return cached;
  try {
    cached = { ok: true, koffi: createRequire(import.meta.url)('koffi') as Koffi };
  } catch (e) {
    cached = { ok: false, reason: `koffi did not load: ${(e as Error).message.split('\n')[0]}` };
  }
  return cached;
}
