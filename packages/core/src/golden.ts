/**
 * Reader for the golden-vector interchange format (../shared/golden/README.md, copied to datasets/golden/):
 * a folder with manifest.json whose `cases[]` each name their files by role (`files.in`, `files.q`, …) and
 * give a sha256 per role. Files are read on demand and verified: a missing file, a truncated file or a
 * wrong checksum is a QbenchError naming the file. Nothing here knows a format; families interpret roles.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { QbenchError } from './errors.ts';
import { bytesToF32 } from './float-bits.ts';

export interface GoldenCase {
  readonly folder: GoldenFolder;
  readonly name: string;
  /** The case object as written in the manifest. */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly roles: readonly string[];
  has(role: string): boolean;
  /** Verified bytes of a role's file. `expectedBytes` (when known) turns a short file into a 'truncated' error. */
  bytes(role: string, expectedBytes?: number): Uint8Array;
  f32(role: string, expectedCount?: number): Float32Array;
}

export interface GoldenFolder {
  readonly dir: string;
  readonly manifest: Readonly<Record<string, unknown>>;
  readonly cases: readonly GoldenCase[];
  /** Verified bytes of a file named at the manifest's top level (e.g. a shared code table). */
  topLevelBytes(key: string, expectedBytes?: number): Uint8Array;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function readVerified(
  dir: string,
  file: string,
  expectedSha: string | undefined,
  expectedBytes?: number,
): Uint8Array {
  const path = join(dir, file);
  if (!existsSync(path))
    throw new QbenchError('golden.missing', `${path}: file named in the manifest is missing`, { file: path });
  const bytes = new Uint8Array(readFileSync(path));
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) {
    const what = bytes.length < expectedBytes ? 'truncated' : 'too long';
    throw new QbenchError(
      'golden.size',
      `${path}: ${what}: ${bytes.length} bytes, expected ${expectedBytes}`,
      {
        file: path,
        expected: expectedBytes,
        got: bytes.length,
      },
    );
  }
  if (expectedSha === undefined) {
    throw new QbenchError('golden.manifest', `${path}: the manifest gives no sha256 for this file`, {
      file: path,
    });
  }
  const got = sha256(bytes);
  if (got !== expectedSha.toLowerCase()) {
    throw new QbenchError(
      'golden.checksum',
      `${path}: sha256 ${got} does not match the manifest's ${expectedSha}`,
      {
        file: path,
        expected: expectedSha,
        got,
      },
    );
  }
  return bytes;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown, where: string): Record<string, string> {
  if (!isRecord(v)) throw new QbenchError('golden.manifest', `${where} must be an object of strings`);
  for (const [k, s] of Object.entries(v)) {
    if (typeof s !== 'string') throw new QbenchError('golden.manifest', `${where}.${k} must be a string`);
  }
  return v as Record<string, string>;
}

/**
 * The manifest.json of a golden folder, parsed: the one reader every golden consumer uses (the interchange
 * reader below, ggml's vec_dot folders, the kernel conformance harness). Errors name the file.
 */
export function readGoldenManifest(dir: string): Record<string, unknown> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new QbenchError('golden.missing', `${manifestPath}: no manifest.json in this golden folder`, {
      file: manifestPath,
    });
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new QbenchError('golden.manifest', `${manifestPath}: not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(manifest))
    throw new QbenchError('golden.manifest', `${manifestPath}: expected a JSON object`);
  return manifest;
}

export function openGoldenFolder(dir: string): GoldenFolder {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = readGoldenManifest(dir);
  if (!Array.isArray(manifest['cases'])) {
    throw new QbenchError('golden.manifest', `${manifestPath}: expected an object with a 'cases' array`);
  }
  const folder: GoldenFolder = {
    dir,
    manifest,
    cases: [],
    topLevelBytes(key, expectedBytes) {
      const entry = manifest[key];
      if (!isRecord(entry) || typeof entry['file'] !== 'string') {
        throw new QbenchError('golden.manifest', `${manifestPath}: no top-level file entry '${key}'`);
      }
      const sha = typeof entry['sha256'] === 'string' ? entry['sha256'] : undefined;
      return readVerified(dir, entry['file'], sha, expectedBytes);
    },
  };
  const cases = (manifest['cases'] as unknown[]).map((c, i): GoldenCase => {
    const where = `${manifestPath}: cases[${i}]`;
    if (!isRecord(c) || typeof c['name'] !== 'string')
      throw new QbenchError('golden.manifest', `${where} needs a 'name'`);
    const files = stringMap(c['files'], `${where}.files`);
    const shas = stringMap(c['sha256'], `${where}.sha256`);
    const cache = new Map<string, Uint8Array>();
    const name = c['name'];
    const gc: GoldenCase = {
      folder,
      name,
      meta: c,
      roles: Object.keys(files),
      has: (role) => Object.hasOwn(files, role),
      bytes(role, expectedBytes) {
        const hit = cache.get(role);
        if (hit) return hit;
        const file = files[role];
        if (file === undefined)
          throw new QbenchError('golden.manifest', `${where} (${name}) has no '${role}' file`);
        const b = readVerified(dir, file, shas[role], expectedBytes);
        cache.set(role, b);
        return b;
      },
      f32(role, expectedCount) {
        return bytesToF32(gc.bytes(role, expectedCount === undefined ? undefined : expectedCount * 4));
      },
    };
    return gc;
  });
  (folder.cases as GoldenCase[]).push(...cases);
  return folder;
}

/**
 * The golden folders under `dir`: `dir` itself when it has a manifest.json, else every immediate
 * subfolder that has one (sorted), e.g. datasets/golden/ggml → q4_0/, q4_k/, …, dot/.
 */
export function listGoldenFolders(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new QbenchError('golden.missing', `${dir}: no such golden folder`, { file: dir });
  }
  if (existsSync(join(dir, 'manifest.json'))) return [dir];
  const subs = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'manifest.json')))
    .map((d) => join(dir, d.name))
    .sort();
  if (subs.length === 0) {
    throw new QbenchError('golden.missing', `${dir}: neither a manifest.json nor subfolders with one`, {
      file: dir,
    });
  }
  return subs;
}
