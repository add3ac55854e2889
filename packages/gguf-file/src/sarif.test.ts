/**
 * SARIF output validated against the SARIF 2.1.0 JSON schema as Microsoft's SARIF SDK ships it
 * (@microsoft/jest-sarif, lib/schemas/sarif-2.1.0-rtm.5.json: rtm.5 is the schema of the final 2.1.0
 * standard). It is a draft-04 schema whose only draft-04-specific keyword is its top-level `id`; renamed to
 * `$id` it compiles under ajv 8 (draft-07), with the formats it uses (uri, uri-reference, date-time)
 * checked by the validators below. The log is built from real scans of written files.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from './findings.ts';
import { relativeUri, toSarif } from './sarif.ts';
import { scanGguf } from './scan.ts';
import { bytesSource } from './source.ts';
import { writeGguf } from './write.ts';

async function sarifValidator() {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const { id, $schema: _draft04, ...rest } = schema;
  // JSON Schema patterns are ECMA-262 regexes without the u flag (the schema's language pattern has a
  // literal ']' that the u flag rejects).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/') && !/[\s\\]/.test(s));
  ajv.addFormat('date-time', (s: string) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s),
  );
  return ajv.compile({ ...rest, $id: String(id) });
}

async function scannedFindings() {
  const nan = new Float32Array([1, Number.NaN, 2, 3]);
  const bytes = await writeGguf({
    metadata: [
      ['general.architecture', { type: 'str', value: 'llama' }],
      ['tokenizer.chat_template', { type: 'str', value: "{{ ''.__class__.__mro__ }}" }],
    ],
    tensors: [{ name: 'blk.0.ffn_up.weight', type: 'f32', dims: [4], data: new Uint8Array(nan.buffer) }],
  });
  return (await scanGguf(bytesSource(bytes))).findings;
}

describe('SARIF 2.1.0 output', () => {
  it('validates against the SARIF 2.1.0 schema, with findings, an unreadable file and odd names', async () => {
    const validate = await sarifValidator();
    const findings = await scannedFindings();
    const log = toSarif(
      [
        { uri: relativeUri('models/my model #1.gguf'), findings },
        { uri: relativeUri('models/missing.gguf'), findings: [], error: 'ENOENT' },
      ],
      { toolVersion: '0.1.0' },
    );
    const ok = validate(log);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the validator rejects a broken log (the check can fail)', async () => {
    const validate = await sarifValidator();
    const log = toSarif([{ uri: 'a.gguf', findings: await scannedFindings() }], { toolVersion: '0.1.0' }) as {
      runs: { results: { level: string }[] }[];
    };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(log)).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
  });

  it('one rule per finding code; results carry level, region and logical location', async () => {
    const findings = await scannedFindings();
    const log = toSarif([{ uri: 'm.gguf', findings }], { toolVersion: '0.1.0' }) as {
      runs: {
        tool: {
          driver: {
            rules: { id: string; help: { text: string }; defaultConfiguration: { level: string } }[];
          };
        };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: { byteOffset: number } };
            logicalLocations?: { name: string; kind: string }[];
          }[];
        }[];
        invocations: { executionSuccessful: boolean }[];
      }[];
    };
    const run = log.runs[0]!;
    const rules = run.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(Object.keys(FINDING_CODES));
    expect(rules.find((r) => r.id === 'content.nonfinite')!.defaultConfiguration.level).toBe('warning');
    expect(rules.find((r) => r.id === 'template.default-text')!.defaultConfiguration.level).toBe('note');
    expect(rules.every((r) => r.help.text.length > 40)).toBe(true);
    const nan = run.results.find((r) => r.ruleId === 'content.nonfinite')!;
    const finding = findings.find((f) => f.code === 'content.nonfinite')!;
    expect(rules[nan.ruleIndex]!.id).toBe('content.nonfinite');
    expect(nan.level).toBe('warning');
    expect(nan.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'm.gguf', uriBaseId: '%SRCROOT%' },
      region: { byteOffset: finding.offset, byteLength: 4 },
    });
    expect(nan.locations[0]!.logicalLocations).toEqual([
      { name: 'blk.0.ffn_up.weight', fullyQualifiedName: 'blk.0.ffn_up.weight', kind: 'object' },
    ]);
    const tpl = run.results.find((r) => r.ruleId === 'template.unsafe')!;
    expect(tpl.locations[0]!.logicalLocations![0]).toMatchObject({
      name: 'tokenizer.chat_template',
      kind: 'property',
    });
    expect(run.invocations[0]!.executionSuccessful).toBe(true);
  });

  it('relative URIs are percent-encoded per segment', () => {
    expect(relativeUri('a dir\\sub/m#1.gguf')).toBe('a%20dir/sub/m%231.gguf');
  });
});
