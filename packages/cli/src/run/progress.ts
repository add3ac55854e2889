/**
 * Progress of a run: on a TTY outside CI one redrawn line (items done/total, current item, elapsed, ETA);
 * otherwise one plain log line per finished item, which is what CI logs and pipes want.
 */
import type { Io } from '../io.ts';

export interface RunProgress {
  start(label: string): void;
  finish(label: string, note: string): void;
  /** A line that must not be overdrawn (suite logs, warnings). */
  log(line: string): void;
  done(): void;
}

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function runProgress(io: Io, total: number, alreadyDone = 0): RunProgress {
  const t0 = Date.now();
  let done = alreadyDone;
  let ranHere = 0;
  let current = '';
  const draw = () => {
    const elapsed = Date.now() - t0;
    const eta = ranHere > 0 ? (elapsed / ranHere) * (total - done) : Number.NaN;
    const width = 20;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const head = `${bar} ${done}/${total} ${seconds(elapsed)} eta ${Number.isNaN(eta) ? '?' : seconds(eta)} `;
    // Never wrap: a wrapped line cannot be redrawn with \r. The label gives way first.
    const cols = (process.stderr.columns ?? 100) - 1;
    io.err(`\r\x1b[2K${(head + current.slice(0, Math.max(0, cols - head.length))).slice(0, cols)}`);
  };
  return {
    start(label) {
      current = label;
      if (io.interactive) draw();
    },
    finish(label, note) {
      done++;
      ranHere++;
      if (io.interactive) draw();
      else io.err(`[${done}/${total}] ${label} ${note}\n`);
    },
    log(line) {
      if (io.interactive) {
        io.err(`\r\x1b[2K${line}\n`);
        draw();
      } else io.err(`${line}\n`);
    },
    done() {
      if (io.interactive) io.err('\r\x1b[2K');
    },
  };
}
