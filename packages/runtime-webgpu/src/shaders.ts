/**
 * WGSL kernels live in formats/<family>/wgsl/<format>.<op>.wgsl, one entry point (`main`) per file. WGSL has
 * no includes, so the loader prepends the family's generated constants (formats/<family>/wgsl/generated/
 * constants.wgsl, emitted from the specs) and the shared helpers (../wgsl/common.wgsl) to the kernel source.
 * A format may instead (or as well) have an element include, formats/<family>/wgsl/<format>.element.wgsl,
 * that defines `fn decode_element(base, e) -> f32`: the loader concatenates it with a generic entry point
 * (../wgsl/element-decode.wgsl, ../wgsl/element-matvec*.wgsl), so one decode function serves both ops.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const formatsDir = fileURLToPath(new URL('../../../formats/', import.meta.url));
const commonPath = fileURLToPath(new URL('../wgsl/common.wgsl', import.meta.url));
const commonDotPath = fileURLToPath(new URL('../wgsl/common-dot.wgsl', import.meta.url));
const wgslDir = fileURLToPath(new URL('../wgsl/', import.meta.url));

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

export interface ElementFile {
  family: string;
  format: string;
  path: string;
}

const ELEMENT = /^([a-z0-9_]+)\.element\.wgsl$/;

/** The element includes (`<format>.element.wgsl`) of every family. */
export function listElementFiles(): ElementFile[] {
  const out: ElementFile[] = [];
  if (!existsSync(formatsDir)) return out;
  for (const family of readdirSync(formatsDir).sort()) {
    const dir = `${formatsDir}${family}/wgsl`;
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      const m = ELEMENT.exec(f);
      if (m) out.push({ family, format: m[1]!, path: `${dir}/${f}` });
    }
  }
  return out;
}

/**
 * A full shader from an element include: constants, helpers, BLOCK_ELEMENTS / BLOCK_BYTES aliased to the
 * format's generated constants, the include, and the generic entry point. For `dot`, `partner` is the
 * spec's vecDotType (the staged activations' type) or undefined for raw float32 activations; q8_1 partners
 * use the affine entry point (min term from q8_1's s, as ggml does). `headerBytes` of per-tensor side info
 * precede the first block (decode only: a matvec's rows are whole tensors of blocks).
 */
export function assembleElementShader(
  elementSource: string,
  family: string,
  format: string,
  op: 'decode' | 'dot',
  partner?: string,
  headerBytes = 0,
): string {
  const upper = format.toUpperCase();
  // HEADER_BYTES: per-tensor side info before the first block (the reference's encodedBytes less the blocks)
  const alias = `const BLOCK_ELEMENTS: u32 = ${upper}_BLOCK_ELEMENTS;\nconst BLOCK_BYTES: u32 = ${upper}_BLOCK_BYTES;\nconst HEADER_BYTES: u32 = ${headerBytes}u;\n`;
  let main: string;
  let partnerSource = '';
  if (op === 'decode') main = readFileSync(`${wgslDir}element-decode.wgsl`, 'utf8');
  else {
    const partnerPath = `${wgslDir}partner-${partner ?? 'f32'}.wgsl`;
    if (!existsSync(partnerPath))
      throw new Error(
        `${format}: no activation include for partner type ${partner} (wgsl/partner-${partner}.wgsl)`,
      );
    partnerSource = readFileSync(partnerPath, 'utf8');
    main = readFileSync(
      `${wgslDir}${partner === 'q8_1' ? 'element-matvec-q8_1' : 'element-matvec'}.wgsl`,
      'utf8',
    );
  }
  return assembleShader(`${alias}\n${partnerSource}\n${elementSource}\n${main}`, family, op);
}
