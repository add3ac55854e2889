/**
 * `qbench scan PATH [--format text|json|sarif] [--json] [--no-content] [--max-content-bytes N] [--no-render]
 * [--reference-template FILE] [--reference FP.safetensors]`: vet GGUF files before a loader sees them.
 * PATH is a file, any part of a split set (every part is checked) or a directory (every *.gguf in it).
 * Chat templates are screened on their AST and rendered sandboxed on probe conversations (--no-render:
 * static checks only); --reference-template (a template file or a trusted GGUF) adds a diff of the rendered
 * prompts. --reference runs the quantization-conditioned backdoor (Mind the Gap) detectors of
 * @qbench/detectors against the full-precision model. Every finding has a stable code, a severity, a byte
 * offset and a message naming the key or tensor. Exit 0 clean, 1 suspicious (warnings), 2 malformed
 * (errors), the worst over all files — and 2 when a file cannot be read at all: a scanner fails closed.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isQbenchError } from '@qbench/core';
import { parseGguf } from '@qbench/gguf-file';
import { renderedTemplateIssues, scanTarget, withFileSource, worstExitCode } from '@qbench/gguf-file/node';
import { flag, parse, str } from '../args.ts';
import type { Io } from '../io.ts';
import { jsonReport, jsonScans, sarifScans, textScan, textSummary } from './scan-output.ts';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

// The Mind-the-Gap detectors (@qbench/detectors) and the safetensors reader (@qbench/models) are loaded only
// when --reference is given, so a plain scan stays light.
async function referenceCheck(
  path: string,
  referencePath: string,
): Promise<{ exitCode: 0 | 1; text: string; json: unknown }> {
  const detect = await import('@qbench/detectors');
  const models = await import('@qbench/models');
  const { openGgufFile } = await import('@qbench/gguf-file/node');
  const gguf = await openGgufFile(path);
  const ref = await models.openSafetensors(referencePath);
  try {
    const names = new Set(ref.tensors.map((t) => t.name));
    const report = await detect.scanWithReference(gguf, {
      read: async (name) => (names.has(name) ? ref.readFloat32(name) : undefined),
    });
    return {
      exitCode: report.exitCode,
      text: detect.referenceScanText(report),
      json: detect.referenceScanJson(report),
    };
  } finally {
    await ref.close();
    await (gguf.source as { close?: () => Promise<void> }).close?.();
  }
}

/** The trusted template: a GGUF's tokenizer.chat_template, or a template file read as UTF-8 text. */
async function referenceTemplate(path: string): Promise<string> {
  const head = new Uint8Array((await readFile(path)).subarray(0, 4));
  if (new TextDecoder().decode(head) !== 'GGUF') return readFile(path, 'utf8');
  const parsed = await withFileSource(path, (src) => parseGguf(src));
  const kv = parsed.kv.get('tokenizer.chat_template');
  if (kv?.value.type !== 'str')
    throw new Error(`'${path}' has no tokenizer.chat_template to compare against`);
  return kv.value.value;
}

export const summary =
  'vet GGUF files (a file, a split set or a directory): structure, layout, metadata, chat template, tensor contents (exit 0/1/2)';

const USAGE =
  'usage: qbench scan FILE|DIR [--format text|json|sarif] [--json] [--no-content] [--max-content-bytes N] [--no-render] [--reference-template FILE] [--reference FP.safetensors]\n';

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse('scan', argv, {
    json: { type: 'boolean' },
    format: { type: 'string' },
    'no-content': { type: 'boolean' },
    'no-render': { type: 'boolean' },
    'max-content-bytes': { type: 'string' },
    reference: { type: 'string' },
    'reference-template': { type: 'string' },
  });
  const path = p.positionals[0];
  if (!path || p.positionals.length > 1) {
    io.err(USAGE);
    return 2;
  }
  const format = str(p, 'format') ?? (flag(p, 'json') ? 'json' : 'text');
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    io.err(`qbench: cli.args: scan: --format must be text, json or sarif, got '${format}'\n`);
    return 2;
  }
  const maxBytes = str(p, 'max-content-bytes');
  if (maxBytes !== undefined && !/^\d+$/.test(maxBytes)) {
    io.err(`qbench: cli.args: scan: --max-content-bytes must be a byte count, got '${maxBytes}'\n`);
    return 2;
  }
  const content = flag(p, 'no-content')
    ? false
    : maxBytes !== undefined
      ? { maxBytes: Number(maxBytes) }
      : true;
  let reference: string | undefined;
  const referenceTemplatePath = str(p, 'reference-template');
  if (referenceTemplatePath !== undefined) {
    try {
      reference = await referenceTemplate(referenceTemplatePath);
    } catch (e) {
      io.err(`qbench: cli.args: scan: --reference-template: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const renderTemplate = flag(p, 'no-render')
    ? async () => []
    : (t: string) => renderedTemplateIssues(t, reference !== undefined ? { reference } : {});
  const scans = await scanTarget(path, { content, renderTemplate });
  let exitCode: number = worstExitCode(scans);

  // --reference: the Mind-the-Gap detectors against the full-precision model (one well-formed file only).
  const referencePath = str(p, 'reference');
  let mtg: Awaited<ReturnType<typeof referenceCheck>> | undefined;
  if (referencePath !== undefined) {
    const only = scans.length === 1 ? scans[0] : undefined;
    if (!only) {
      io.err('qbench: cli.args: scan: --reference takes a single GGUF file, not a directory or split set\n');
      return 2;
    }
    if (only.report && only.report.exitCode < 2) {
      try {
        mtg = await referenceCheck(only.path, referencePath);
      } catch (e) {
        io.err(`qbench: ${isQbenchError(e) ? `${e.code}: ` : ''}${(e as Error).message}\n`);
        return 2;
      }
      exitCode = Math.max(exitCode, mtg.exitCode);
    }
  }

  const single = scans.length === 1 && !scans[0]!.split ? scans[0]! : undefined;
  if (format === 'sarif') {
    io.out(`${JSON.stringify(sarifScans(scans, VERSION), null, 2)}\n`);
    return exitCode;
  }
  if (single && !single.report) {
    // One unreadable file: a one-line error, as before directory and split support.
    io.err(`qbench: ${single.error}\n`);
    return 2;
  }
  if (format === 'json') {
    const json = single?.report
      ? { ...jsonReport(single.path, single.report), ...(mtg ? { reference: mtg.json, exitCode } : {}) }
      : jsonScans(scans, exitCode);
    io.out(`${JSON.stringify(json, null, 2)}\n`);
    return exitCode;
  }
  for (const s of scans) io.out(textScan(s));
  if (mtg) io.out(mtg.text);
  if (!single) io.out(textSummary(scans, exitCode));
  return exitCode;
}
