/** Output helpers: aligned text tables, JSON, and a progress bar that only draws on a TTY outside CI. */

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when a progress bar may be drawn (stderr is a TTY and CI is not set). */
  interactive: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  interactive: Boolean(process.stderr.isTTY) && !process.env['CI'],
};

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return (
    [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n') + '\n'
  );
}

export interface Progress {
  tick(label: string): void;
  done(): void;
}

/** items done / total, current item, elapsed and ETA; silent when not interactive. */
export function progress(io: Io, total: number): Progress {
  const start = Date.now();
  let done = 0;
  const draw = (label: string) => {
    if (!io.interactive) return;
    const elapsed = (Date.now() - start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : 0;
    const width = 24;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    io.err(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${elapsed.toFixed(0)}s eta ${eta.toFixed(0)}s ${label.slice(0, 40).padEnd(40)}`,
    );
  };
  return {
    tick(label) {
      done++;
      draw(label);
    },
    done() {
      if (io.interactive) io.err('\r\x1b[2K');
    },
  };
}
