// Renders a chat template on probe conversations inside a worker thread, so the host can stop a template
// that loops or allocates without bound (terminate() on timeout; resourceLimits cap the heap). The
// interpreter is @huggingface/jinja: a tree-walking interpreter in pure JS with no eval, whose values are
// its own wrappers (no JS prototype or host object is reachable from a template). Globals are set here
// rather than by the package's setupGlobals, so strftime_now returns the probe's date, range() is bounded
// and nothing else is exposed. Plain JS so the worker needs no TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { Environment, Interpreter, parse, tokenize } from '@huggingface/jinja';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n, w = 2) => String(n).padStart(w, '0');

/** Python strftime on a UTC date, C locale (the codes chat templates use). */
function strftime(date, format) {
  return String(format).replace(/%[YymdebBaAHMSjp%]/g, (t) => {
    const d = date;
    switch (t) {
      case '%Y':
        return String(d.getUTCFullYear());
      case '%y':
        return pad(d.getUTCFullYear() % 100);
      case '%m':
        return pad(d.getUTCMonth() + 1);
      case '%d':
        return pad(d.getUTCDate());
      case '%e':
        return String(d.getUTCDate()).padStart(2, ' ');
      case '%b':
        return MONTHS[d.getUTCMonth()].slice(0, 3);
      case '%B':
        return MONTHS[d.getUTCMonth()];
      case '%a':
        return DAYS[d.getUTCDay()].slice(0, 3);
      case '%A':
        return DAYS[d.getUTCDay()];
      case '%H':
        return pad(d.getUTCHours());
      case '%M':
        return pad(d.getUTCMinutes());
      case '%S':
        return pad(d.getUTCSeconds());
      case '%p':
        return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case '%j':
        return pad(Math.floor((d - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1, 3);
      default:
        return '%';
    }
  });
}

class LimitError extends Error {}

function render(program, context, limits) {
  const env = new Environment();
  const dates = [];
  const date = new Date(`${context.date}T09:30:00Z`);
  const globals = {
    false: false,
    true: true,
    none: null,
    False: false,
    True: true,
    None: null,
    raise_exception: (message) => {
      throw new Error(`raise_exception: ${message}`);
    },
    range: (start, stop, step = 1) => {
      const [a, b] = stop === undefined ? [0, start] : [start, stop];
      if (step === 0) throw new Error('range() step must not be zero');
      const n = Math.max(0, Math.ceil((b - a) / step));
      if (!(n <= limits.maxRange))
        throw new LimitError(`range() of ${n} elements (bound ${limits.maxRange})`);
      return Array.from({ length: n }, (_, i) => a + i * step);
    },
    strftime_now: (format) => {
      const s = strftime(date, format);
      dates.push(s);
      return s;
    },
  };
  for (const [k, v] of Object.entries(globals)) env.set(k, v);
  for (const [k, v] of Object.entries(context)) if (k !== 'date') env.set(k, v);
  const out = new Interpreter(env).run(program).value;
  if (out.length > limits.maxOutputChars) {
    throw new LimitError(`rendered ${out.length} characters (bound ${limits.maxOutputChars})`);
  }
  return { output: out, dates };
}

parentPort.on('message', (msg) => {
  let program;
  try {
    program = parse(tokenize(msg.template, { lstrip_blocks: true, trim_blocks: true }));
  } catch (e) {
    parentPort.postMessage({ type: 'parse-error', message: String(e?.message ?? e) });
    return;
  }
  parentPort.postMessage({ type: 'ready' });
  for (const job of msg.jobs) {
    try {
      const r = render(program, job.context, msg.limits);
      parentPort.postMessage({ type: 'result', id: job.id, ok: true, output: r.output, dates: r.dates });
    } catch (e) {
      const limit = e instanceof LimitError || e instanceof RangeError;
      parentPort.postMessage({
        type: 'result',
        id: job.id,
        ok: false,
        limit,
        error: String(e?.message ?? e).slice(0, 300),
      });
    }
  }
  parentPort.postMessage({ type: 'done' });
});
