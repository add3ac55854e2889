/**
 * Validates format specs: the JSON Schema (ajv, draft 2020-12) plus the checks a schema cannot express
 * (fields add up to blockBytes, family matches its folder, table hex agrees with values, ids unique).
 * Every problem names the file, the JSON pointer and the reason.
 */
import { readFileSync } from 'node:fs';
import { checkLayout, type FormatSpec } from '@qbench/core/spec';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

export interface SpecProblem {
  file: string;
  pointer: string;
  reason: string;
}

export function formatProblem(p: SpecProblem): string {
  return `${p.file}: ${p.pointer || '/'}: ${p.reason}`;
}

let compiled: (((data: unknown) => boolean) & { errors?: ErrorObject[] | null }) | undefined;

function validator(schemaPath: string) {
  if (!compiled) {
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      strictRequired: false,
      strictTypes: false,
      allowUnionTypes: true,
    });
    compiled = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  }
  return compiled;
}

function f32Bits(x: number): number {
  const b = new Float32Array([x]);
  return new Uint32Array(b.buffer)[0]!;
}

/** Validate one parsed spec. `folderFamily` is the name of formats/<family>/ it was found in. */
export function validateSpec(
  file: string,
  data: unknown,
  schemaPath: string,
  folderFamily?: string,
): SpecProblem[] {
  const validate = validator(schemaPath);
  if (!validate(data)) {
    return (validate.errors ?? []).map((e) => ({
      file,
      pointer: e.instancePath,
      reason: `${e.message ?? 'invalid'}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`,
    }));
  }
  const spec = data as FormatSpec;
  const problems: SpecProblem[] = [];
  for (const reason of checkLayout(spec.layout)) problems.push({ file, pointer: '/layout', reason });
  if (folderFamily !== undefined && spec.family !== folderFamily) {
    problems.push({
      file,
      pointer: '/family',
      reason: `family '${spec.family}' does not match its folder formats/${folderFamily}/`,
    });
  }
  const base = file
    .split('/')
    .pop()
    ?.replace(/\.json$/, '');
  if (base !== undefined && base !== spec.id) {
    problems.push({
      file,
      pointer: '/id',
      reason: `id '${spec.id}' does not match the file name '${base}.json'`,
    });
  }
  for (const [name, table] of Object.entries(spec.tables ?? {})) {
    if (table.hex) {
      if (table.type !== 'f32') {
        problems.push({
          file,
          pointer: `/tables/${name}/hex`,
          reason: 'hex bit patterns are only meaningful for f32 tables',
        });
        continue;
      }
      if (table.hex.length !== table.values.length) {
        problems.push({
          file,
          pointer: `/tables/${name}/hex`,
          reason: `${table.hex.length} hex entries for ${table.values.length} values`,
        });
      }
      table.hex.forEach((h, i) => {
        const v = table.values[i];
        if (v !== undefined && f32Bits(v) !== Number.parseInt(h, 16)) {
          problems.push({
            file,
            pointer: `/tables/${name}/values/${i}`,
            reason: `value ${v} rounds to float32 0x${f32Bits(v).toString(16).toUpperCase()}, but hex says ${h}`,
          });
        }
      });
    }
    if (table.type !== 'f32') {
      const [lo, hi] = INT_RANGE[table.type];
      table.values.forEach((v, i) => {
        if (!Number.isInteger(v) || v < lo || v > hi) {
          problems.push({
            file,
            pointer: `/tables/${name}/values/${i}`,
            reason: `${v} is not a ${table.type}`,
          });
        }
      });
    }
  }
  return problems;
}

const INT_RANGE: Record<'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32', [number, number]> = {
  i8: [-128, 127],
  u8: [0, 255],
  i16: [-32768, 32767],
  u16: [0, 65535],
  i32: [-(2 ** 31), 2 ** 31 - 1],
  u32: [0, 2 ** 32 - 1],
};
