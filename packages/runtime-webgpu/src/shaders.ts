/**
 * WGSL kernels live in formats/<family>/wgsl/<format>.<op>.wgsl, one entry point (`main`) per file. WGSL has
 * no includes, so the loader prepends the family's generated constants (formats/<family>/wgsl/generated/
 * constants.wgsl, emitted from the specs) and the shared helpers (../wgsl/common.wgsl) to the kernel source.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const formatsDir = fileURLToPath(new URL('../../../formats/', import.meta.url));
const commonPath = fileURLToPath(new URL('../wgsl/common.wgsl', import.meta.url));
const commonDotPath = fileURLToPath(new URL('../wgsl/common-dot.wgsl', import.meta.url));

export interface ShaderFile {
  family: string;
  format: string;
  op: 'decode' | 'dot';
  path: string;
}

const NAME = /^([a-z0-9_]+)\.(decode|dot)\.wgsl$/;

export function listShaderFiles(): ShaderFile[] {
  const out: ShaderFile[] = [];
  if (!existsSync(formatsDir)) return out;
  for (const family of readdirSync(formatsDir).sort()) {
    const dir = `${formatsDir}${family}/wgsl`;
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      const m = NAME.exec(f);
      if (m) out.push({ family, format: m[1]!, op: m[2] as 'decode' | 'dot', path: `${dir}/${f}` });
    }
  }
  return out;
}

/** Generated constants of a family ('' when it has none) + common helpers (+ dot helpers) + the kernel. */
export function assembleShader(
  kernelSource: string,
  family?: string,
  op: 'decode' | 'dot' = 'decode',
): string {
  const constantsPath = family ? `${formatsDir}${family}/wgsl/generated/constants.wgsl` : undefined;
  const constants = constantsPath && existsSync(constantsPath) ? readFileSync(constantsPath, 'utf8') : '';
  const dot = op === 'dot' ? readFileSync(commonDotPath, 'utf8') : '';
  return `${constants}\n${readFileSync(commonPath, 'utf8')}\n${dot}\n${kernelSource}`;
}

/** The family whose generated constants a format's kernels use. */
export function familyOfFormat(format: string): string | undefined {
  for (const family of existsSync(formatsDir) ? readdirSync(formatsDir) : []) {
    if (existsSync(`${formatsDir}${family}/specs/${format}.json`)) return family;
  }
  return undefined;
}
