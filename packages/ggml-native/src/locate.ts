/**
 * Finds the prebuilt ggml of the pinned `@node-llama-cpp/<platform>` package for this platform: its bins
 * folder, ggml-base, the CPU variants and `_nlcBuildMetadata.json`. Nothing is loaded here; a platform
 * without a package, a package that is not installed, or one of another version is a reason, not a throw.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** This package's own manifest: the pinned versions live there once (optionalDependencies). */
const ownManifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  optionalDependencies?: Record<string, string>;
};

/** `${process.platform}-${process.arch}` → the node-llama-cpp package that ships CPU ggml for it. */
const PACKAGE_BY_PLATFORM: Readonly<Record<string, string>> = {
  'linux-x64': '@node-llama-cpp/linux-x64',
  'linux-arm64': '@node-llama-cpp/linux-arm64',
  'darwin-arm64': '@node-llama-cpp/mac-arm64-metal',
  'darwin-x64': '@node-llama-cpp/mac-x64',
  'win32-x64': '@node-llama-cpp/win-x64',
};

export interface GgmlInstall {
  readonly packageName: string;
  readonly packageVersion: string;
  /** The folder holding the shared libraries (absolute; never written into a record). */
  readonly binsDir: string;
  readonly baseLibrary: string;
  /** Every CPU backend library of the package, by file name (e.g. libggml-cpu-zen4.so). */
  readonly cpuLibraries: readonly string[];
  /** `_nlcBuildMetadata.json` as shipped, or null when absent or not JSON. */
  readonly buildMetadata: Readonly<Record<string, unknown>> | null;
}

export type Located = { ok: true; install: GgmlInstall } | { ok: false; reason: string };

const LIB = /^(?:lib)?ggml-base\.(?:so|dylib|dll)$/;
const CPU_LIB = /^(?:lib)?ggml-cpu(?:-[A-Za-z0-9_.]+)?\.(?:so|dylib|dll)$/;

export function platformKey(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform}-${arch}`;
}

export function pinnedVersion(packageName: string): string | undefined {
  return ownManifest.optionalDependencies?.[packageName];
}

export function locateGgml(key: string = platformKey()): Located {
  const packageName = PACKAGE_BY_PLATFORM[key];
  if (!packageName) return { ok: false, reason: `no prebuilt ggml package for platform ${key}` };
  const pinned = pinnedVersion(packageName);
  let root: string;
  try {
    root = dirname(dirname(createRequire(import.meta.url).resolve(packageName)));
  } catch {
    return { ok: false, reason: `${packageName}@${pinned} is not installed (an optional dependency)` };
  }
  let packageVersion: string;
  try {
    packageVersion = String(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version,
    );
  } catch (e) {
    return { ok: false, reason: `${packageName}: unreadable package.json (${(e as Error).message})` };
  }
  if (pinned !== undefined && packageVersion !== pinned)
    return { ok: false, reason: `${packageName} is ${packageVersion}, qbench pins ${pinned}` };
  const bins = join(root, 'bins');
  const sub = existsSync(bins)
    ? readdirSync(bins, { withFileTypes: true }).filter((d) => d.isDirectory())
    : [];
  const binsDir = sub.map((d) => join(bins, d.name)).find((d) => readdirSync(d).some((f) => LIB.test(f)));
  if (!binsDir)
    return { ok: false, reason: `${packageName}@${packageVersion}: no ggml-base library under bins/` };
  const files = readdirSync(binsDir).sort();
  const cpuLibraries = files.filter((f) => CPU_LIB.test(f));
  if (cpuLibraries.length === 0)
    return { ok: false, reason: `${packageName}@${packageVersion}: no ggml-cpu library under bins/` };
  let buildMetadata: Record<string, unknown> | null = null;
  try {
    const m: unknown = JSON.parse(readFileSync(join(binsDir, '_nlcBuildMetadata.json'), 'utf8'));
    if (typeof m === 'object' && m !== null && !Array.isArray(m))
      buildMetadata = m as Record<string, unknown>;
  } catch {
    buildMetadata = null;
  }
  return {
    ok: true,
    install: {
      packageName,
      packageVersion,
      binsDir,
      baseLibrary: files.find((f) => LIB.test(f))!,
      cpuLibraries,
      buildMetadata,
    },
  };
}
