/**
 * Runtime access to the generated registry: look up specs by id, load a format's reference codec lazily.
 * Unknown ids get an error that lists the near misses.
 *
 * Core sits below the format families (they import its types and helpers), so it cannot import them: the
 * loaders are installed by @qbench/formats, the one package that depends on core and every family. An
 * entry point (the CLI, a worker, the test setup) imports '@qbench/formats' once; a library that loads a
 * format without it gets a 'format.registry' error that says so, never an empty registry.
 */
import { QbenchError } from './errors.ts';
import { FAMILIES, type FamilyName, FORMAT_IDS, FORMAT_SPECS, type FormatId } from './generated/registry.ts';
import type { ResolvedSpec } from './spec.ts';
import type { Format, FormatFamily } from './traits.ts';

export { FAMILIES, type FamilyName, FORMAT_IDS, FORMAT_SPECS, type FormatId };

export function isFormatId(id: string): id is FormatId {
  return Object.hasOwn(FORMAT_SPECS, id);
}

export function listSpecs(): ResolvedSpec[] {
  return FORMAT_IDS.map((id) => FORMAT_SPECS[id]);
}

/** How each family's module is imported; generated in @qbench/formats from formats/<family>/. */
export type FamilyLoaders = Readonly<Record<FamilyName, () => Promise<{ default: FormatFamily }>>>;

let installed: FamilyLoaders | undefined;
const familyCache = new Map<string, Promise<FormatFamily>>();

/** Install the family loaders (@qbench/formats does, on import). Installing the same table again is a no-op. */
export function installFamilyLoaders(loaders: FamilyLoaders): void {
  if (installed === loaders) return;
  const missing = FAMILIES.filter((f) => typeof loaders[f] !== 'function');
  if (missing.length > 0)
    throw new QbenchError('format.registry', `family loaders lack ${missing.join(', ')}`);
  installed = loaders;
  familyCache.clear();
}

/** Whether a registry is installed: lets a test or tool say why it skips instead of failing deep inside. */
export function familyLoadersInstalled(): boolean {
  return installed !== undefined;
}

export function loadFamily(name: string): Promise<FormatFamily> {
  if (!(FAMILIES as readonly string[]).includes(name)) {
    return Promise.reject(
      new QbenchError('format.family', `unknown format family '${name}' (known: ${FAMILIES.join(', ')})`),
    );
  }
  if (!installed) {
    return Promise.reject(
      new QbenchError(
        'format.registry',
        `no format families installed, so family '${name}' cannot load: import '@qbench/formats' once in the entry point (the CLI and the test setup do)`,
      ),
    );
  }
  let p = familyCache.get(name);
  if (!p) {
    p = installed[name as FamilyName]().then(
      (m) => m.default,
      (e: unknown) => {
        familyCache.delete(name);
        throw new QbenchError(
          'format.family',
          `format family '${name}' failed to load: ${(e as Error).message ?? String(e)}`,
        );
      },
    );
    familyCache.set(name, p);
  }
  return p;
}

export interface GoldenClaim {
  /** The family whose own golden layout the folder is in (its GoldenHandler checks it), if any. */
  family: FormatFamily | undefined;
  /** Families that failed to load and so could not be asked, with the error. */
  unloadable: { family: string; reason: string }[];
}

/**
 * Which family claims a golden folder (one in the family's own layout rather than the interchange format):
 * the one dispatcher `qbench conform`, the round-trip suite and the conformance harness share.
 */
export async function goldenClaimant(dir: string): Promise<GoldenClaim> {
  const unloadable: GoldenClaim['unloadable'] = [];
  for (const name of FAMILIES) {
    let fam: FormatFamily;
    try {
      fam = await loadFamily(name);
    } catch (e) {
      unloadable.push({ family: name, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    if (fam.golden?.claims(dir)) return { family: fam, unloadable };
  }
  return { family: undefined, unloadable };
}

function suggestions(id: string): string {
  const near = FORMAT_IDS.filter(
    (k) => k.includes(id) || id.includes(k) || k.replace(/_/g, '') === id.replace(/_/g, ''),
  );
  return near.length > 0 ? ` (did you mean ${near.slice(0, 5).join(', ')}?)` : '';
}

/** Resolve a spec: a spec file's id, or a dynamic id one of the families understands (e.g. `e3m4`). */
export async function resolveSpec(id: string): Promise<ResolvedSpec> {
  if (isFormatId(id)) return FORMAT_SPECS[id];
  for (const name of FAMILIES) {
    const fam = await loadFamily(name);
    const spec = fam.parseDynamicId?.(id);
    if (spec) return spec;
  }
  throw new QbenchError(
    'format.unknown',
    `unknown format '${id}'${suggestions(id)}; \`qbench formats\` lists them`,
  );
}

export async function loadFormat(id: string): Promise<Format> {
  const spec = await resolveSpec(id);
  const fam = await loadFamily(spec.family);
  return {
    id: spec.id,
    family: spec.family,
    spec,
    blockElements: spec.layout.blockElements,
    blockBytes: spec.layout.blockBytes,
    bitsPerWeight: spec.derived.bitsPerWeight,
    reference: fam.codec(spec),
  };
}
