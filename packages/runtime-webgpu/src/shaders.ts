/**
 * WGSL kernels live in formats/<family>/wgsl/<format>.<op>.wgsl (or wgsl/generated/, where codegen writes the
 * includes of the specs a shared kernel serves), one entry point (`main`) per file. WGSL has
 * no includes, so the loader prepends the family's generated constants (formats/<family>/wgsl/generated/
 * constants.wgsl, emitted from the specs) and the shared helpers (../wgsl/common.wgsl) to the kernel source.
 * A format may instead (or as well) have an element include, formats/<family>/wgsl/<format>.element.wgsl,
 * that defines `fn decode_element(base, e) -> f32`: the loader concatenates it with a generic entry point
 * (../wgsl/element-decode.wgsl, ../wgsl/element-matvec*.wgsl), so one decode function serves both ops.
 * Formats whose side info is not per block (per-group statistics before the blocks, as nf4_dq and mwq store
 * them) have a tensor include, formats/<family>/wgsl/<format>.tensor.wgsl, defining `fn element_at(j) -> f32`
 * (element j of the whole tensor, from the entry point's tensor_elements() and the generated constants), joined
 * with ../wgsl/element-decode.wgsl or ../wgsl/element-matvec.wgsl (the rows × n matrix as one tensor, as the
 * reference encodes it, so side info shared by several rows is read where it lies). A whole kernel may end with `// @append
 * <name>.body.wgsl`: formats whose kernels differ only in their constant aliases share one body file.
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

/**
 * Every family's kernel files whose names match `name`, in family then file-name order, with the match: the
 * hand-written ones in wgsl/ and those codegen writes into wgsl/generated/ (the includes of the specs a
 * shared kernel serves; codegen refuses a name that is in both).
 */
function familyWgslFiles(name: RegExp): { family: string; path: string; m: RegExpExecArray }[] {
  const out: { family: string; path: string; m: RegExpExecArray }[] = [];
  if (!existsSync(formatsDir)) return out;
  for (const family of readdirSync(formatsDir).sort()) {
    const files: { f: string; path: string }[] = [];
    for (const dir of [`${formatsDir}${family}/wgsl`, `${formatsDir}${family}/wgsl/generated`]) {
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)) files.push({ f, path: `${dir}/${f}` });
    }
    for (const { f, path } of files.sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0))) {
      const m = name.exec(f);
      if (m) out.push({ family, path, m });
    }
  }
  return out;
}

export function listShaderFiles(): ShaderFile[] {
  return familyWgslFiles(NAME).map(({ family, path, m }) => ({
    family,
    format: m[1]!,
    op: m[2] as 'decode' | 'dot',
    path,
  }));
}

/**
 * Generated constants of a family ('' when it has none) + common helpers (+ dot helpers) + the family's own
 * helpers (formats/<family>/wgsl/common.wgsl, where several of its formats share one decode written once
 * over their generated constants) + the kernel.
 */
export function assembleShader(
  kernelSource: string,
  family?: string,
  op: 'decode' | 'dot' = 'decode',
): string {
  const read = (path: string | undefined) => (path && existsSync(path) ? readFileSync(path, 'utf8') : '');
  const constants = read(family && `${formatsDir}${family}/wgsl/generated/constants.wgsl`);
  const familyCommon = read(family && `${formatsDir}${family}/wgsl/common.wgsl`);
  const dot = op === 'dot' ? readFileSync(commonDotPath, 'utf8') : '';
  const appended = appendedBodies(kernelSource, family);
  return `${constants}\n${readFileSync(commonPath, 'utf8')}\n${dot}\n${familyCommon}\n${kernelSource}${appended}`;
}

const APPEND = /^\/\/ @append ([a-z0-9_-]+\.body\.wgsl)$/gm;

/**
 * The family files a kernel names with `// @append <name>.body.wgsl` lines: a body several formats share
 * whose kernels differ only in the constant aliases they declare before it (pvq's wide-index decode). WGSL
 * has no includes, so the loader concatenates; a named body that does not exist is an error, not a shader
 * that fails later with an unknown identifier.
 */
function appendedBodies(kernelSource: string, family: string | undefined): string {
  let out = '';
  for (const m of kernelSource.matchAll(APPEND)) {
    const path = `${formatsDir}${family ?? '?'}/wgsl/${m[1]}`;
    if (!family || !existsSync(path))
      throw new Error(`WGSL kernel appends ${m[1]}, which family ${family ?? '(none)'} does not have`);
    out += `\n${readFileSync(path, 'utf8')}`;
  }
  return out;
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
  return familyWgslFiles(ELEMENT).map(({ family, path, m }) => ({ family, format: m[1]!, path }));
}

const TENSOR = /^([a-z0-9_]+)\.tensor\.wgsl$/;

/** The tensor includes (`<format>.tensor.wgsl`) of every family. */
export function listTensorFiles(): ElementFile[] {
  return familyWgslFiles(TENSOR).map(({ family, path, m }) => ({ family, format: m[1]!, path }));
}

function blockAliases(format: string): string {
  const upper = format.toUpperCase();
  return `const BLOCK_ELEMENTS: u32 = ${upper}_BLOCK_ELEMENTS;\nconst BLOCK_BYTES: u32 = ${upper}_BLOCK_BYTES;\n`;
}

/**
 * A shader from a tensor include: constants, helpers, BLOCK_* aliases, (for a dot) the partner include,
 * the include, and the op's generic entry point.
 */
export function assembleTensorShader(
  tensorSource: string,
  family: string,
  format: string,
  op: 'decode' | 'dot' = 'decode',
  partner?: string,
): string {
  if (op === 'decode') {
    const main = readFileSync(`${wgslDir}element-decode.wgsl`, 'utf8');
    return assembleShader(`${blockAliases(format)}\n${tensorSource}\n${main}`, family, 'decode');
  }
  const main = readFileSync(`${wgslDir}element-matvec.wgsl`, 'utf8');
  return assembleShader(
    `${blockAliases(format)}\n${partnerInclude(format, partner)}\n${tensorSource}\n${main}`,
    family,
    'dot',
  );
}

/** The activation include of a matvec: wgsl/partner-<vecDotType>.wgsl, or raw float32 (partner-f32). */
function partnerInclude(format: string, partner: string | undefined): string {
  const partnerPath = `${wgslDir}partner-${partner ?? 'f32'}.wgsl`;
  if (!existsSync(partnerPath))
    throw new Error(
      `${format}: no activation include for partner type ${partner} (wgsl/partner-${partner}.wgsl)`,
    );
  return readFileSync(partnerPath, 'utf8');
}

/**
 * A full shader from an element include: constants, helpers, BLOCK_ELEMENTS / BLOCK_BYTES aliased to the
 * format's generated constants, the include, and the generic entry point. For `dot`, `partner` is the
 * spec's vecDotType (the staged activations' type) or undefined for raw float32 activations; q8_1 partners
 * use the affine entry point (min term from q8_1's s, as ggml does). `headerBytes` of per-tensor side info
 * precede the first block (for a matvec: before the first row; every row shares it).
 */
export function assembleElementShader(
  elementSource: string,
  family: string,
  format: string,
  op: 'decode' | 'dot',
  partner?: string,
  headerBytes = 0,
): string {
  // HEADER_BYTES: per-tensor side info before the first block (the reference's encodedBytes less the blocks)
  const alias = `${blockAliases(format)}const HEADER_BYTES: u32 = ${headerBytes}u;\n`;
  let main: string;
  let partnerSource = '';
  if (op === 'decode')
    main = `${readFileSync(`${wgslDir}element-at.wgsl`, 'utf8')}\n${readFileSync(`${wgslDir}element-decode.wgsl`, 'utf8')}`;
  else {
    partnerSource = partnerInclude(format, partner);
    main =
      partner === 'q8_1'
        ? readFileSync(`${wgslDir}element-matvec-q8_1.wgsl`, 'utf8')
        : `${readFileSync(`${wgslDir}element-at.wgsl`, 'utf8')}\n${readFileSync(`${wgslDir}element-matvec.wgsl`, 'utf8')}`;
  }
  return assembleShader(`${alias}\n${partnerSource}\n${elementSource}\n${main}`, family, op);
}

/**
 * Formats a family deliberately has no WebGPU kernel for, with the reason: formats/<family>/wgsl/
 * unsupported.json maps a format id to why (no family has one at present). The tests show them as visible
 * skips and fail on a format that has neither a decode kernel nor a reason.
 */
export function unsupportedFormats(): Map<string, string> {
  const out = new Map<string, string>();
  for (const { path } of familyWgslFiles(/^unsupported\.json$/))
    for (const [id, why] of Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>))
      out.set(id, why);
  return out;
}
