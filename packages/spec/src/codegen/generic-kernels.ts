/**
 * The shared kernels a spec can be served by without code of its own. Each rule names one generic kernel (a
 * hand-written AssemblyScript function and WGSL decode of a family) and the spec kinds it serves, read from
 * the spec itself: `encoding.kind`, `scale.kind`, its layout fields and params. For every spec a rule matches,
 * codegen writes the wasm entry points `<id>_decode` / `<id>_dot` (emit-entries.ts) and the WGSL include
 * that binds the kernel to the spec's generated constants, so a new variant of such a kind is its spec alone.
 * A spec no rule matches keeps its hand-written kernel (gguf's k-quants, nvfp4_torchao's two-level scale…).
 *
 * The bodies below are the call of the shared kernel with the spec's constants; their upper-case
 * identifiers are the generated constants (formats/<family>/wasm|wgsl/generated/constants.*), imported by
 * name in AssemblyScript.
 */
import type { ResolvedSpec } from '@qbench/core/spec';
import { constName } from './emit-kernels.ts';
import { elementTableOf } from './minifloat-tables.ts';

/** A WGSL include kind the webgpu loader discovers by file name (runtime-webgpu/src/shaders.ts). */
export type WgslInclude = 'element' | 'tensor' | 'decode';

export interface GenericKernel {
  /** The family whose wasm/ and wgsl/ hold the shared kernel. */
  family: string;
  /** One line on what the kernel computes, for the generated files. */
  summary: string;
  /** Whether the kernel serves this spec (from its kinds, fields and params; never its id). */
  matches(spec: ResolvedSpec, familySpecs: ResolvedSpec[]): boolean;
  wasm: {
    /** Named imports by module, paths relative to formats/<family>/wasm/. */
    imports: Record<string, string[]>;
    /** Body of `<id>_decode(src: usize, n: i32, dst: usize): void`. */
    decode(spec: ResolvedSpec): string;
    /** Body of `<id>_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void`. */
    dot(spec: ResolvedSpec): string;
    /** Module-level declarations the bodies share (static scratch sized for every spec served), once. */
    shared?(served: ResolvedSpec[]): string[];
  };
  /** WGSL include text per file kind, `<id>.<kind>.wgsl`. */
  wgsl: Partial<Record<WgslInclude, (spec: ResolvedSpec) => string>>;
}

const FLOATDOT = '../../../packages/runtime-wasm/assembly/floatdot';
const STREAM = '../../../packages/runtime-wasm/assembly/stream';

/** The name of a layout field, checked: a rule that matched a spec without it would emit broken code. */
function field(spec: ResolvedSpec, name: string): string {
  if (!spec.layout.fields.some((f) => f.name === name))
    throw new Error(
      `${spec.id}: the shared kernel it matches reads a layout field '${name}', which it lacks`,
    );
  return constName(spec.id, name, 'OFFSET');
}

function param(spec: ResolvedSpec, name: string): string {
  if (typeof spec.params?.[name] !== 'number')
    throw new Error(`${spec.id}: the shared kernel it matches reads params.${name}, which it lacks`);
  return constName(spec.id, 'PARAM', name);
}

/**
 * The spec holding a bnb spec's 16-entry code table (params.codeTables), where that table is a full
 * codebook (`lut`); FP4's table is stored as 8 magnitudes and a sign bit, which its own kernel expands.
 */
function codebookOf(spec: ResolvedSpec, specs: ResolvedSpec[]): ResolvedSpec | undefined {
  const id = spec.params?.['codeTables'];
  const holder = specs.find((x) => x.id === id);
  return holder?.tables?.['lut'] ? holder : undefined;
}

function codeTable(spec: ResolvedSpec): string {
  return constName(String(spec.params!['codeTables']), 'lut');
}

/** A side-info constant (layout.sideInfo entry `name`), checked like a field. */
function sideInfo(spec: ResolvedSpec, name: string, suffix: 'PER' | 'HEADER_OFFSET'): string {
  if (!(spec.layout.sideInfo ?? []).some((x) => x.name === name))
    throw new Error(`${spec.id}: the shared kernel it matches reads side info '${name}', which it lacks`);
  return constName(spec.id, name, suffix);
}

/** The double-quantized kernels' arguments after dst: table, block shape, field offsets, group, header. */
function dqArgs(s: ResolvedSpec): string {
  const c = (x: string) => constName(s.id, x);
  return `${codeTable(s)}, ${c('BLOCK_ELEMENTS')}, ${c('BLOCK_BYTES')}, ${field(s, 'absmaxCode')}, ${field(s, 'qs')}, ${sideInfo(s, 'absmax2', 'PER')}, ${sideInfo(s, 'offset', 'HEADER_OFFSET')}`;
}

/** PVQ with libopus's CWRS index order and no rotation or the randomized Hadamard one (decode-pvq.ts). */
function isPvq(s: ResolvedSpec): boolean {
  return (
    s.encoding.kind === 'lattice' &&
    s.scale.kind === 'per-group-gain' &&
    s.params?.['order'] === 'cwrs' &&
    (s.params['rotation'] === 'none' || s.params['rotation'] === 'hadamard')
  );
}

/** Side info stored once per tensor: a layout the per-block kernels below cannot read. */
function hasTensorSideInfo(spec: ResolvedSpec): boolean {
  return (spec.layout.sideInfo ?? []).some((s) => s.per === 'tensor');
}

/** A dot that decodes each row with the format's decode, then sums in float64 (no vec_dot in the source). */
function decodeRowsDot(spec: ResolvedSpec): string {
  const c = (s: string) => constName(spec.id, s);
  return `decodeDotRows(${spec.id}_decode, w, y, rows, n, dst, <usize>(n / ${c('BLOCK_ELEMENTS')}) * ${c('BLOCK_BYTES')});`;
}

/** The WGSL idiom of a table indexed at run time: a private copy, made once per invocation. */
function privateTable(spec: ResolvedSpec, table: string): string {
  return [
    '// the table as a private variable, copied once per invocation (not once per element) for run-time indexing',
    `var<private> ${spec.id}_${table.toLowerCase()}_p = ${constName(spec.id, table)};`,
  ].join('\n');
}

function elementCode(spec: ResolvedSpec, codesField: string): string {
  const table = `${spec.id}_element_table_p`;
  return `bitcast<f32>(${table}[read_code(base + ${field(spec, codesField)}, e, ${constName(spec.id, 'ELEMENT_BITS')})])`;
}

/** Codes whose float32 values the spec's parameters define (minifloat-tables.ts). */
const hasElementTable = (spec: ResolvedSpec, specs: ResolvedSpec[]) => !!elementTableOf(spec, specs);

export const GENERIC_KERNELS: readonly GenericKernel[] = [
  {
    family: 'minifloat',
    summary: 'plain element stream (scale.kind none): y = element_table[code]',
    matches: (s, specs) =>
      s.scale.kind === 'none' &&
      !hasTensorSideInfo(s) &&
      s.layout.fields.length === 1 &&
      hasElementTable(s, specs),
    wasm: {
      imports: { [STREAM]: ['decodeStream'], [FLOATDOT]: ['decodeDotRows'] },
      // scale 1: an exact multiply (NaN and −0 included)
      decode: (s) =>
        `decodeStream(src, n, dst, ${constName(s.id, 'ELEMENT_TABLE')}, ${constName(s.id, 'ELEMENT_BITS')}, 1);`,
      dot: decodeRowsDot,
    },
    wgsl: {
      element: (s) =>
        [
          `// ${s.id} element (generic decode and matvec): a packed stream of`,
          `// ${constName(s.id, 'ELEMENT_BITS')}-bit codes (LSB first), y = element_table[code] (the table's f32 bit pattern, so NaN,`,
          '// inf and −0 decode exactly).',
          '',
          privateTable(s, 'ELEMENT_TABLE'),
          '',
          'fn decode_element(base: u32, e: u32) -> f32 {',
          `  return ${elementCode(s, s.layout.fields[0]!.name)};`,
          '}',
        ].join('\n'),
    },
  },
  {
    family: 'minifloat',
    summary: 'OCP MX block (scale.kind e8m0-floor): y = 2^(s − 127)·element_table[code]',
    matches: (s, specs) =>
      s.scale.kind === 'e8m0-floor' && !hasTensorSideInfo(s) && hasElementTable(s, specs),
    wasm: {
      imports: { './decode-minifloat': ['decodeMx'], [FLOATDOT]: ['decodeDotRows'] },
      decode: (s) => {
        const c = (x: string) => constName(s.id, x);
        return `decodeMx(src, n, dst, ${c('ELEMENT_TABLE')}, ${c('ELEMENT_BITS')}, ${c('BLOCK_ELEMENTS')}, ${c('BLOCK_BYTES')}, ${field(s, 'scale')}, ${field(s, 'elements')});`;
      },
      dot: decodeRowsDot,
    },
    wgsl: {
      element: (s) =>
        [
          `// ${s.id} element (OCP MX; generic decode and matvec):`,
          '// y = 2^(s − 127)·element_table[code], one f32 multiply (scale byte 0xFF: NaN block); codes packed LSB first.',
          '',
          privateTable(s, 'ELEMENT_TABLE'),
          '',
          'fn decode_element(base: u32, e: u32) -> f32 {',
          `  let x = e8m0_scale(read_u8(base + ${field(s, 'scale')}));`,
          `  return x * ${elementCode(s, 'elements')};`,
          '}',
        ].join('\n'),
    },
  },
  {
    family: 'bfp',
    summary:
      'block floating point (shared exponent per block): y = element_table[code]·2^(E − 127 − mbits + 1)',
    matches: (s, specs) =>
      s.encoding.kind === 'block-float' &&
      s.scale.kind === 'shared-exponent' &&
      !hasTensorSideInfo(s) &&
      hasElementTable(s, specs),
    wasm: {
      imports: { './decode-bfp': ['decodeBfp'], [FLOATDOT]: ['decodeDotRows'] },
      decode: (s) => {
        const c = (x: string) => constName(s.id, x);
        return `decodeBfp(src, n, dst, ${c('ELEMENT_TABLE')}, ${c('ELEMENT_BITS')}, ${c('BLOCK_ELEMENTS')}, ${c('BLOCK_BYTES')}, ${field(s, 'exponent')}, ${field(s, 'elements')});`;
      },
      dot: decodeRowsDot,
    },
    wgsl: {
      element: (s) => {
        const bits = constName(s.id, 'ELEMENT_BITS');
        return [
          `// ${s.id} element (block floating point; generic decode and matvec): y = element_table[code]·2^(E − 127 − mbits + 1),`,
          '// one exact f32 multiply (mbits = ELEMENT_BITS − 1; the scale, as small as 2^−133, is built from bits as an',
          '// f32 subnormal); exponent byte 0xFF marks a NaN block. Codes packed LSB first.',
          '',
          privateTable(s, 'ELEMENT_TABLE'),
          '',
          `fn ${s.id}_block_scale(e: u32) -> f32 {`,
          '  if (e == 255u) {',
          '    // built from e so that it is not a constant expression (a NaN constant does not compile)',
          '    return bitcast<f32>(0x7fc00000u | (e & 0u));',
          '  }',
          `  let expo = i32(e) - 126 - i32(${bits} - 1u);`,
          '  return bitcast<f32>(select(1u << u32(expo + 149), u32(expo + 127) << 23u, expo >= -126));',
          '}',
          '',
          'fn decode_element(base: u32, e: u32) -> f32 {',
          `  let scale = ${s.id}_block_scale(read_u8(base + ${field(s, 'exponent')}));`,
          `  return ${elementCode(s, 'elements')} * scale;`,
          '}',
        ].join('\n');
      },
    },
  },
  {
    family: 'bnb',
    summary: 'bitsandbytes 4-bit codebook × float32 block absmax (scale.kind absmax): y = lut[code]·absmax',
    matches: (s, specs) =>
      s.scale.kind === 'absmax' && s.params?.['doubleQuant'] === false && !!codebookOf(s, specs),
    wasm: {
      imports: { './decode-4bit': ['decodeLut4'], [FLOATDOT]: ['decodeDotRows'] },
      decode: (s) =>
        `decodeLut4(src, n, dst, ${codeTable(s)}, ${constName(s.id, 'BLOCK_ELEMENTS')}, ${constName(s.id, 'BLOCK_BYTES')}, ${field(s, 'absmax')}, ${field(s, 'qs')});`,
      dot: decodeRowsDot,
    },
    wgsl: {
      element: (s) =>
        [
          `// ${s.id} element (generic decode and matvec): y = lut[code]·absmax, the ${String(s.params!['codeTables'])} code table;`,
          '// element 2i is the HIGH nibble of code byte i, 2i + 1 the LOW nibble.',
          '',
          '// the table as a private variable, copied once per invocation (not once per element) for run-time indexing',
          `var<private> ${s.id}_lut_p = ${codeTable(s)};`,
          '',
          'fn decode_element(base: u32, e: u32) -> f32 {',
          `  let absmax = bitcast<f32>(read_u32(base + ${field(s, 'absmax')}));`,
          `  let code = (read_u8(base + ${field(s, 'qs')} + e / 2u) >> select(4u, 0u, (e & 1u) == 1u)) & 0xfu;`,
          `  return ${s.id}_lut_p[code] * absmax;`,
          '}',
        ].join('\n'),
    },
  },
  {
    family: 'bnb',
    summary:
      'bitsandbytes 4-bit codebook, double-quantized absmax (scale.kind double-quantized-absmax): y = lut[code]·fl(fl(map[c]·absmax2) + offset)',
    matches: (s, specs) =>
      s.scale.kind === 'double-quantized-absmax' &&
      s.params?.['doubleQuant'] === true &&
      !!codebookOf(s, specs),
    wasm: {
      imports: { './decode-4bit': ['decodeLut4DqBlocks'], './dot-float': ['dotLut4Dq'] },
      decode: (s) =>
        `decodeLut4DqBlocks(src, n, 0, n / ${constName(s.id, 'BLOCK_ELEMENTS')}, dst, ${dqArgs(s)});`,
      dot: (s) => `dotLut4Dq(w, y, rows, n, dst, ${dqArgs(s)});`,
    },
    wgsl: {
      tensor: (s) =>
        [
          `// ${s.id} tensor include (generic decode and matvec): ${String(s.params!['codeTables'])} codes whose block absmax is double-quantized;`,
          "// the block and its absmax come from the family's dq_block (common.wgsl), then x = lut[code]·absmax.",
          '// Element 2i is the HIGH nibble of code byte i, 2i + 1 the LOW nibble. The layout depends on the element',
          '// count of the whole tensor (tensor_elements(): the absmax2 count), hence a tensor include.',
          '',
          '// the table as a private variable, copied once per invocation (not once per element) for run-time indexing',
          `var<private> ${s.id}_lut_p = ${codeTable(s)};`,
          '',
          'fn element_at(j: u32) -> f32 {',
          '  let blk = dq_block(',
          '    j,',
          '    tensor_elements(),',
          `    ${constName(s.id, 'BLOCK_ELEMENTS')},`,
          `    ${constName(s.id, 'BLOCK_BYTES')},`,
          `    ${sideInfo(s, 'absmax2', 'PER')},`,
          `    ${sideInfo(s, 'offset', 'HEADER_OFFSET')},`,
          `    ${field(s, 'absmaxCode')},`,
          '    rounding_guard(),',
          '  );',
          `  let e = j % ${constName(s.id, 'BLOCK_ELEMENTS')};`,
          `  let code = (read_u8(blk.base + ${field(s, 'qs')} + e / 2u) >> select(4u, 0u, (e & 1u) == 1u)) & 0xfu;`,
          `  return ${s.id}_lut_p[code] * blk.absmax;`,
          '}',
        ].join('\n'),
    },
  },
  {
    family: 'pvq',
    summary:
      'PVQ groups, CWRS index (scale.kind per-group-gain): ŵ = y·s, optionally the inverse Hadamard rotation',
    matches: (s) => isPvq(s),
    wasm: {
      imports: { './decode-pvq': ['decodePvq'] },
      decode: (s) => {
        const c = (x: string) => constName(s.id, x);
        const p = (x: string) => param(s, x);
        const rotated = s.params!['rotation'] === 'hadamard';
        return [
          // the two-limb arithmetic and the SIMD loops' limits, checked when the module is compiled
          `if (${p('indexBits')} > 128 || ${p('groupSize')} % 4 != 0 || ${c('BLOCK_ELEMENTS')} != ${p('groupsPerBlock')} * ${p('groupSize')})`,
          `  ERROR('${s.id}: two limbs hold ≤ 128-bit indices; the SIMD loops need groups of 4; a block is groupsPerBlock groups');`,
          `decodePvq(PVQ_TABLE, PVQ_PULSES, src, n, dst, ${rotated ? `${c('SIGNS')}, <u64><u32>${p('rotationSeed')}` : '0, 0'}, ${p('groupSize')}, ${p('pulses')}, ${p('gainBits')}, ${p('indexBits')}, ${p('groupsPerBlock')}, ${c('BLOCK_BYTES')}, ${field(s, 'gain')}, ${field(s, 'index')}, ${sideInfo(s, 'gainMax', 'HEADER_OFFSET')});`,
        ].join('\n  ');
      },
      dot: () => {
        // a dot would be a new kernel (the matrix's gainMax header shared by its rows), not a call of this one
        throw new Error('pvq: the shared kernel has no dot; a spec stating tolerance.dot needs one written');
      },
      shared: (specs) => {
        // One U table region for every format, sized for the largest (N, K) and rebuilt when a call needs
        // another (a few thousand additions); one region per format would not fit the module's one page of
        // initial memory. Likewise one pulse vector; rotation signs per rotated format (built on first use).
        const n = (s: ResolvedSpec, k: string) => s.params![k] as number;
        const table = Math.max(...specs.map((s) => (n(s, 'groupSize') + 1) * (n(s, 'pulses') + 2) * 16));
        const pulses = Math.max(...specs.map((s) => n(s, 'groupSize') * 4));
        return [
          '// the U table (N + 1)·(K + 2) two-limb entries of the largest (N, K), and one pulse vector: shared by the',
          '// formats, rebuilt when a call needs another (N, K) (one region per format would not fit one page)',
          `const PVQ_TABLE: usize = memory.data(${table}, 16);`,
          `const PVQ_PULSES: usize = memory.data(${pulses}, 16);`,
          ...specs
            .filter((s) => s.params!['rotation'] === 'hadamard')
            .map(
              (s) =>
                `const ${constName(s.id, 'SIGNS')}: usize = memory.data(${constName(s.id, 'BLOCK_ELEMENTS')} * 4, 16);`,
            ),
        ];
      },
    },
    wgsl: {
      decode: (s) => {
        // the shared body unranks in vec4<u32> limbs; a spec whose indices fit two limbs keeps its own decode
        if ((s.params!['indexBits'] as number) <= 64) return '';
        const c = (x: string) => constName(s.id, x);
        const rotated = s.params!['rotation'] === 'hadamard';
        return [
          `// ${s.id} decode (${rotated ? 'with the inverse randomized Hadamard rotation' : 'no rotation'}): the constant aliases of the shared wide-index PVQ decode`,
          '// body, which the loader appends (wide-index.body.wgsl says what it does and what it reads).',
          '',
          `const N = ${param(s, 'groupSize')};`,
          `const K = ${param(s, 'pulses')};`,
          `const GAIN_BITS = ${param(s, 'gainBits')};`,
          `const INDEX_BITS = ${param(s, 'indexBits')};`,
          `const BLOCK_ELEMENTS = ${c('BLOCK_ELEMENTS')};`,
          `const BLOCK_BYTES = ${c('BLOCK_BYTES')};`,
          `const GAIN_OFFSET = ${field(s, 'gain')};`,
          `const INDEX_OFFSET = ${field(s, 'index')};`,
          `const HEADER = ${sideInfo(s, 'gainMax', 'HEADER_OFFSET')};`,
          rotated
            ? 'const ROTATE = true;'
            : "const ROTATE = false; // no rotation: the shared body's rotation branch is left out at compile time",
          rotated ? `const SEED = ${param(s, 'rotationSeed')};` : 'const SEED = 0u; // unused without ROTATE',
          '',
          '// @append wide-index.body.wgsl',
        ].join('\n');
      },
    },
  },
  ...(['per-group-asymmetric-minmax', 'per-group-symmetric-absmax'] as const).map(
    (scaleKind): GenericKernel => {
      // asymmetric: a uint8 zero point per group follows the scales (MWQ); symmetric: the zero is the fixed
      // 2^(masterBits − 1) of Double Rounding's offset-binary codes, and no zero bytes are stored
      const stored = scaleKind === 'per-group-asymmetric-minmax';
      const params = (s: ResolvedSpec) =>
        `${param(s, 'bits')}, ${param(s, 'masterBits')}, ${param(s, 'groupSize')}${stored ? '' : ', false'}`;
      return {
        family: 'mwq',
        summary: stored
          ? 'MWQ bit planes (scale.kind per-group-asymmetric-minmax): ŵ = α_g·(S·2^(masterBits − r) − z_g)'
          : 'Double Rounding bit planes (scale.kind per-group-symmetric-absmax): ŵ = α_g·(S·2^(masterBits − r) − 2^(masterBits − 1))',
        matches: (s) => s.encoding.kind === 'nested-integer' && s.scale.kind === scaleKind,
        wasm: {
          imports: { './decode-mwq': ['decodeMwq', 'dotMwq'] },
          decode: (s) => `decodeMwq(src, n, dst, ${params(s)});`,
          dot: (s) => `dotMwq(w, y, rows, n, dst, ${params(s)});`,
        },
        wgsl: {
          decode: (s) =>
            [
              `// ${s.id} decode: the constant aliases of the family's whole-shader decode, which the loader appends`,
              `// (decode.body.wgsl says what it does). The matvec uses the tensor include (${s.id}.tensor.wgsl).`,
              '',
              `const BITS = ${param(s, 'bits')};`,
              `const MASTER_BITS = ${param(s, 'masterBits')};`,
              `const GROUP_SIZE = ${param(s, 'groupSize')};`,
              stored
                ? '// one uint8 zero point per group after the scales'
                : '// no zero-point bytes: the zero is 2^(MASTER_BITS − 1), the offset of the offset-binary codes',
              `const ZERO_BYTES = ${stored ? 1 : 0}u;`,
              '',
              '// @append decode.body.wgsl',
            ].join('\n'),
          tensor: (s) =>
            [
              `// ${s.id} tensor include (generic decode and matvec): the family's ${stored ? 'MWQ' : 'Double Rounding'} decode (common.wgsl), its params.`,
              'fn element_at(j: u32) -> f32 {',
              `  return ${stored ? 'mwq' : 'dround'}_element(j, tensor_elements(), ${param(s, 'bits')}, ${param(s, 'masterBits')}, ${param(s, 'groupSize')});`,
              '}',
            ].join('\n'),
        },
      };
    },
  ),
];

/** The generic kernel serving a spec, if any; two rules matching one spec is an error in the rules. */
export function genericKernelOf(spec: ResolvedSpec, familySpecs: ResolvedSpec[]): GenericKernel | undefined {
  const hits = GENERIC_KERNELS.filter((k) => k.family === spec.family && k.matches(spec, familySpecs));
  if (hits.length > 1)
    throw new Error(
      `${spec.id}: ${hits.length} shared kernels match it (${hits.map((k) => k.summary).join('; ')})`,
    );
  return hits[0];
}
