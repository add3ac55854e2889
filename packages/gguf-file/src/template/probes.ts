/**
 * Probe conversations for the behavioural template check. A probe is a conversation *shape* (which turns,
 * whether tools are offered or called, add_generation_prompt) filled with *inputs* (message texts, tool
 * names and descriptions, the date). Every input string is unique and built from [a-z0-9 ] only, so it
 * survives `tojson`/`trim` unchanged and can be found and replaced in the rendered prompt by its slot name.
 *
 * Variants change one input dimension at a time against the base: message content (other words, a long
 * text, words the template itself compares against), the date (a spread of dates, and dates built from the
 * template's own literals) and tool names. A template that formats must produce the same prompt up to the
 * slots for all of them.
 */

export interface ProbeMessage {
  role: string;
  content: string;
  tool_calls?: {
    id: string;
    type: 'function';
    function: { name: string; arguments: Record<string, string> };
  }[];
  tool_call_id?: string;
  name?: string;
}

export interface ProbeTool {
  type: 'function';
  function: {
    name: string;
    description: string;
    parameters: {
      type: 'object';
      properties: Record<string, { type: 'string'; description: string }>;
      required: string[];
    };
  };
}

/** What the template sees (plus `date`, which the sandbox turns into strftime_now's clock). */
export interface RenderContext {
  messages: ProbeMessage[];
  tools?: ProbeTool[];
  add_generation_prompt: boolean;
  bos_token: string;
  eos_token: string;
  date_string: string;
  date: string;
}

export type Dimension = 'base' | 'content' | 'date' | 'tool-name' | 'empty';

export interface Probe {
  shape: string;
  /** The shape has a system message of its own and offers no tools (text added here is unasked for). */
  userControlled: boolean;
  dimension: Dimension;
  /** What this variant changes, for messages ("date 2026-04-01"). */
  variant: string;
  context: RenderContext;
  /** Input string → slot name, for replacing inputs in the render by slots. */
  slots: Map<string, string>;
  /**
   * Slots to apply to the base render too when comparing: a tool named after one of the template's own
   * literals is replaced in the template's constant text as well, on both sides alike.
   */
  sharedSlots?: Map<string, string>;
}

export const SPECIAL_TOKENS = { bos_token: '<s>', eos_token: '</s>' } as const;

const SYLLABLES = ['ka', 'lo', 'mi', 'ven', 'tor', 'qua', 'zel', 'dri', 'pex', 'sul', 'nob', 'fim', 'rax'];

/** Deterministic word list for seed `seed` (no randomness: probes are reproducible). */
function words(seed: number, count: number, tag: string): string {
  const out: string[] = [];
  let x = seed * 7919 + 17;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const a = SYLLABLES[x % SYLLABLES.length]!;
    const b = SYLLABLES[(x >> 8) % SYLLABLES.length]!;
    out.push(`${a}${b}${(x >> 16) % 97}`);
  }
  return `${tag} ${out.join(' ')}`;
}

interface Inputs {
  content: (k: number) => string;
  toolNames: [string, string];
  date: string;
}

const SHAPES: {
  name: string;
  roles: string[];
  tools: 'none' | 'offered' | 'called';
  userControlled: boolean;
}[] = [
  { name: 'user', roles: ['user'], tools: 'none', userControlled: false },
  { name: 'system+user', roles: ['system', 'user'], tools: 'none', userControlled: true },
  {
    name: 'system+multi-turn',
    roles: ['system', 'user', 'assistant', 'user'],
    tools: 'none',
    userControlled: true,
  },
  { name: 'multi-turn', roles: ['user', 'assistant', 'user'], tools: 'none', userControlled: false },
  { name: 'tools offered', roles: ['system', 'user'], tools: 'offered', userControlled: false },
  { name: 'tool call', roles: ['user', 'assistant-call', 'tool'], tools: 'called', userControlled: false },
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function dateString(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d} ${MONTHS[Number(m) - 1]} ${y}`;
}

function build(shape: (typeof SHAPES)[number], agp: boolean, inputs: Inputs, tag: string) {
  const slots = new Map<string, string>();
  const slot = (value: string, name: string) => {
    if (value.length > 0) slots.set(value, name);
    return value;
  };
  const tools: ProbeTool[] = inputs.toolNames.map((name, j) => ({
    type: 'function',
    function: {
      name: slot(name, `tool${j}.name`),
      description: slot(`${tag}desc${j} finds things`, `tool${j}.description`),
      parameters: {
        type: 'object',
        properties: {
          [slot(`${tag}arg${j}`, `tool${j}.arg`)]: {
            type: 'string',
            description: slot(`${tag}argdesc${j} what to find`, `tool${j}.argdesc`),
          },
        },
        required: [`${tag}arg${j}`],
      },
    },
  }));
  const messages: ProbeMessage[] = shape.roles.map((role, k) => {
    if (role === 'assistant-call') {
      return {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: slot(`call${tag}${k}`, `call${k}.id`),
            type: 'function',
            function: {
              name: inputs.toolNames[0],
              arguments: { [`${tag}arg0`]: slot(`${tag}value${k} somewhere`, `call${k}.value`) },
            },
          },
        ],
      };
    }
    const content = slot(inputs.content(k), `message${k}.content`);
    if (role === 'tool')
      return { role, content, tool_call_id: `call${tag}${k - 1}`, name: inputs.toolNames[0] };
    return { role, content };
  });
  const context: RenderContext = {
    messages,
    add_generation_prompt: agp,
    ...SPECIAL_TOKENS,
    date_string: slot(dateString(inputs.date), 'date'),
    date: inputs.date,
    ...(shape.tools === 'none' ? {} : { tools }),
  };
  return { context, slots };
}

/** Literals worth planting in inputs: words the template might compare inputs against. */
export interface Seeds {
  words: string[];
  dates: string[];
}

const BASE_DATE = '2024-07-26';
const SPREAD_DATES = ['2025-01-01', '2026-04-01', '2026-12-25', '2027-06-15', '2031-02-28'];

export function probes(seeds: Seeds = { words: [], dates: [] }): Probe[] {
  const seedWords = seeds.words.flatMap((w) => [w, w.toLowerCase(), w.toUpperCase()]).join(' ');
  const variants: {
    dimension: Dimension;
    variant: string;
    tag: string;
    inputs: Inputs;
    shared?: Map<string, string>;
  }[] = [];
  const base = (tag: string): Inputs => ({
    content: (k) => words(k, 6, tag),
    toolNames: [`${tag}lookup`, `${tag}convert`],
    date: BASE_DATE,
  });
  variants.push({ dimension: 'base', variant: 'base', tag: 'qa', inputs: base('qa') });
  variants.push({
    dimension: 'content',
    variant: 'other words',
    tag: 'qb',
    inputs: { ...base('qb'), content: (k) => words(k + 50, 9, 'qb') },
  });
  variants.push({
    dimension: 'content',
    variant: 'long text (4000 words)',
    tag: 'qc',
    inputs: { ...base('qc'), content: (k) => words(k + 90, 4000, 'qc') },
  });
  if (seedWords)
    variants.push({
      dimension: 'content',
      variant: `text containing the template's literals (${seeds.words.slice(0, 6).join(', ')})`,
      tag: 'qd',
      inputs: { ...base('qd'), content: (k) => `${words(k, 3, 'qd')} ${seedWords}` },
    });
  variants.push({
    dimension: 'empty',
    variant: 'empty message texts',
    tag: 'qe',
    inputs: { ...base('qe'), content: () => '' },
  });
  for (const [i, date] of [...SPREAD_DATES, ...seeds.dates].entries())
    variants.push({
      dimension: 'date',
      variant: `date ${date}`,
      tag: `qf${i}x`,
      inputs: { ...base(`qf${i}x`), date },
    });
  variants.push({
    dimension: 'tool-name',
    variant: 'other tool names',
    tag: 'qg',
    inputs: { ...base('qg'), toolNames: ['qgsearch', 'qgweather'] },
  });
  for (const [i, w] of seeds.words.entries())
    variants.push({
      dimension: 'tool-name',
      variant: `tool named '${w}'`,
      tag: `qh${i}x`,
      inputs: { ...base(`qh${i}x`), toolNames: [w, `qh${i}xother`] },
      shared: new Map([[w, 'tool0.name']]),
    });
  const out: Probe[] = [];
  for (const shape of SHAPES) {
    for (const agp of [true, false]) {
      for (const v of variants) {
        if (v.dimension === 'tool-name' && shape.tools === 'none') continue;
        const { context, slots } = build(shape, agp, v.inputs, v.tag);
        out.push({
          shape: `${shape.name}, add_generation_prompt=${agp}`,
          userControlled: shape.userControlled,
          dimension: v.dimension,
          variant: v.variant,
          context,
          slots,
          ...(v.shared ? { sharedSlots: v.shared } : {}),
        });
      }
    }
  }
  return out;
}
