/**
 * Scanner behaviour that the corpus (suites/adversarial) does not pin down: golden files scan clean of
 * errors, the block invariants hold on every block ggml itself produced, chat-template screening has no
 * false alarms on real templates, and reports stay bounded on floods of findings.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blockInvariant, roundTripInvariant } from './invariants.ts';
import { scanGguf } from './scan.ts';
import { bytesSource } from './source.ts';
import { screenChatTemplate } from './template/pivots.ts';
import { tensorTypeByName } from './tensor-types.ts';
import type { GgufValue } from './values.ts';
import { writeGguf } from './write.ts';

const golden = (p: string) => fileURLToPath(new URL(`../../../datasets/golden/${p}`, import.meta.url));

describe('scan of the golden GGUF files', () => {
  it.each(['kv-all-types.gguf', 'quant-mix-align64.gguf'])(
    '%s: no errors, only the missing quantization_version',
    async (name) => {
      const bytes = new Uint8Array(await readFile(golden(`gguf/${name}`)));
      const r = await scanGguf(bytesSource(bytes));
      expect(r.findings.filter((f) => f.severity !== 'info').map((f) => f.code)).toEqual([
        'meta.quantization-version',
      ]);
      expect(r.verdict).toBe('suspicious');
      expect(r.exitCode).toBe(1);
    },
  );
});

describe("block invariants hold on ggml's own output (datasets/golden/ggml)", () => {
  const types = [
    'q8_0',
    'q6_k',
    'q4_0',
    'q4_1',
    'q2_k',
    'q3_k',
    'q4_k',
    'q5_k',
    'mxfp4',
    'tq1_0',
    'tq2_0',
    'nvfp4',
    'q1_0',
    'q2_0',
  ];
  it.each(types)('%s', async (id) => {
    const type = tensorTypeByName(id);
    const inv = blockInvariant(type?.spec) ?? (await roundTripInvariant(type?.spec));
    if (!type || !inv) return; // the spec has not arrived yet: nothing to check, nothing claimed
    const manifest = JSON.parse(await readFile(golden(`ggml/${id}/manifest.json`), 'utf8')) as {
      cases: { name: string; imatrix: boolean; files: { q: string } }[];
    };
    for (const c of manifest.cases) {
      const q = new Uint8Array(await readFile(golden(`ggml/${id}/${c.files.q}`)));
      const view = new DataView(q.buffer, q.byteOffset, q.byteLength);
      const blocks = q.length / type.blockBytes;
      let broken = 0;
      inv.prepare?.(q);
      for (let b = 0; b < blocks; b++) if (!inv.check(q, view, b * type.blockBytes)) broken++;
      // strict invariants hold everywhere; reference-path ones everywhere without an imatrix, and never
      // on (nearly) every block with one, which is what the scanner's reporting threshold relies on.
      if (inv.kind === 'strict' || !c.imatrix) expect(broken, `${id}/${c.name}`).toBe(0);
      else if (blocks >= 64) expect(broken / blocks, `${id}/${c.name}`).toBeLessThan(0.9);
    }
  });
});

describe('chat template screening', () => {
  const benign = [
    // Llama 3
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}",
    // Mistral-style with raise_exception and namespace
    "{{ bos_token }}{% set ns = namespace(system=none) %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% endif %}{% endfor %}",
    // Tool-use template with tojson and macros
    '{%- macro render(t) -%}{{ t.function.name }}: {{ t.function.parameters | tojson }}{%- endmacro -%}{%- if tools %}{%- for t in tools %}{{ render(t) }}{%- endfor %}{%- endif %}{# a {{ comment }} with __class__ is inert #}',
  ];
  it.each(benign.map((t, i) => [i, t] as const))('accepts real template %i', (_i, t) => {
    expect(screenChatTemplate(t)).toEqual([]);
  });

  const payloads = [
    "{{ ''.__class__.__mro__[1].__subclasses__()[40]('/etc/passwd').read() }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ request['application']['__globals__']['__builtins__']['__import__']('os') }}",
    "{{ x|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    '{% set __x = 1 %}',
    "{% include 'evil.j2' %}",
    "{% from 'os' import system %}",
    '{{ joiner.__init__ }}',
    '{{ namespace.__init__.__globals__ }}',
    '{{ (1).__class__ }}',
    '{{ x._private }}',
  ];
  it.each(payloads)('flags %s', (t) => {
    expect(screenChatTemplate(t).length).toBeGreaterThan(0);
  });
});

describe('bounded reports and memory', () => {
  const arch: [string, GgufValue] = ['general.architecture', { type: 'str', value: 'x' }];

  it('caps findings per code on a flood of bad bool bytes', async () => {
    const meta: [string, GgufValue][] = [arch];
    for (let i = 0; i < 300; i++) meta.push([`x.flag${i}`, { type: 'bool', value: true }]);
    const bytes = await writeGguf({ metadata: meta });
    // Turn every bool byte (the byte after each type id 7) into 2.
    const text = new DataView(bytes.buffer);
    let flipped = 0;
    for (let o = 24; o + 5 <= bytes.length; o++) {
      if (text.getUint32(o, true) === 7 && bytes[o + 4] === 1) {
        bytes[o + 4] = 2;
        flipped++;
      }
    }
    expect(flipped).toBe(300);
    const r = await scanGguf(bytesSource(bytes));
    expect(r.findings.filter((f) => f.code === 'kv.bool').length).toBe(50);
    expect(r.findings.some((f) => f.code === 'scan.findings-capped')).toBe(true);
    expect(r.verdict).toBe('malformed');
  });

  it('checks values over the memory budget without keeping them', async () => {
    const tokens = Array.from({ length: 5000 }, (_, i) => `token-${i}`);
    const bytes = await writeGguf({
      metadata: [
        arch,
        ['tokenizer.ggml.tokens', { type: 'arr', elementType: 'str', length: 5000n, values: tokens }],
        ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 5000 }],
      ],
    });
    const r = await scanGguf(bytesSource(bytes), { memoryBudgetBytes: 64 * 1024 });
    const codes = r.findings.map((f) => f.code);
    expect(codes).toContain('kv.not-materialised');
    // The array length is known without keeping the strings, so the token id is still checked.
    expect(codes).toContain('tokenizer.token-id');
  });
});
