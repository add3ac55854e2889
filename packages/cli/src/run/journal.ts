/**
 * The run journal, `<out>/records.jsonl`: what makes Ctrl-C safe and `--resume` possible. Line 1 is the run
 * header (metadata and the plan of item ids); every finished item appends one line with its records, written
 * with a single appendFileSync so a crash leaves at most one torn last line, which a resume ignores. A
 * resumed run appends a `resume` line and keeps the run id, so the final results file holds one run.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { QbenchError } from '@qbench/core';
import { jsonReplacer, type RunMetadata, type StoredRecord } from '@qbench/spec';

export type RunHeader = Omit<RunMetadata, 'durationMs' | 'complete'>;

interface HeaderLine {
  kind: 'run';
  run: RunHeader;
  plan: string[];
  at: number;
}
interface ItemLine {
  kind: 'item';
  item: string;
  records: StoredRecord[];
  at: number;
  /** GPU adapter reported so far (RunContext.setGpuAdapter), kept so a resumed run still knows it. */
  gpu?: string;
}
interface ResumeLine {
  kind: 'resume';
  at: number;
}
type Line = HeaderLine | ItemLine | ResumeLine;

export interface JournalState {
  header: RunHeader;
  plan: string[];
  /** Records of finished items, by item id. */
  done: Map<string, StoredRecord[]>;
  /** Wall time already spent in earlier segments of this run (ms). */
  previousMs: number;
  /** A torn last line was found and ignored. */
  tornTail: boolean;
  /** The last GPU adapter an item line reported. */
  gpu: string | null;
}

export class Journal {
  private constructor(
    readonly file: string,
    readonly state: JournalState,
    private readonly segmentStart: number,
  ) {}

  static create(file: string, header: RunHeader, plan: string[]): Journal {
    mkdirSync(dirname(file), { recursive: true });
    const now = Date.now();
    const line: HeaderLine = { kind: 'run', run: header, plan, at: now };
    writeFileSync(file, `${JSON.stringify(line, jsonReplacer)}\n`);
    return new Journal(
      file,
      { header, plan, done: new Map(), previousMs: 0, tornTail: false, gpu: null },
      now,
    );
  }

  /**
   * Open an existing journal to continue it; undefined when there is none. `accept` sees the state first
   * and throws to refuse (nothing is written to a journal that is refused).
   */
  static resume(file: string, accept: (state: JournalState) => void): Journal | undefined {
    if (!existsSync(file)) return undefined;
    const state = Journal.read(file);
    accept(state);
    const now = Date.now();
    const resumeLine: ResumeLine = { kind: 'resume', at: now };
    // A torn tail has no newline: start the resume line on a fresh one so it parses.
    appendFileSync(file, `${state.tornTail ? '\n' : ''}${JSON.stringify(resumeLine)}\n`);
    return new Journal(file, state, now);
  }

  static read(file: string): JournalState {
    const text = readFileSync(file, 'utf8');
    const rawLines = text.split('\n');
    const lines: Line[] = [];
    let tornTail = false;
    rawLines.forEach((raw, i) => {
      if (raw.trim() === '') return;
      try {
        lines.push(JSON.parse(raw) as Line);
      } catch {
        // Only the last line can be torn (interrupted append); anything else is corruption.
        if (i >= rawLines.length - 2 && !text.endsWith(`${raw}\n`)) tornTail = true;
        else
          throw new QbenchError(
            'run.journal',
            `${file}:${i + 1}: not a JSON line; delete the file to start over`,
            { file, line: i + 1 },
          );
      }
    });
    const head = lines[0];
    if (head?.kind !== 'run') {
      throw new QbenchError('run.journal', `${file}:1: expected the run header line`, { file, line: 1 });
    }
    const done = new Map<string, StoredRecord[]>();
    let previousMs = 0;
    let segStart = head.at;
    let last = head.at;
    let gpu: string | null = head.run.machine.gpu;
    for (const l of lines.slice(1)) {
      if (l.kind === 'item') {
        done.set(l.item, l.records);
        last = l.at;
        if (l.gpu !== undefined) gpu = l.gpu;
      } else if (l.kind === 'resume') {
        previousMs += Math.max(0, last - segStart);
        segStart = l.at;
        last = l.at;
      }
    }
    previousMs += Math.max(0, last - segStart);
    return { header: head.run, plan: head.plan, done, previousMs, tornTail, gpu };
  }

  append(item: string, records: StoredRecord[], gpu: string | null): void {
    const line: ItemLine = { kind: 'item', item, records, at: Date.now(), ...(gpu !== null ? { gpu } : {}) };
    appendFileSync(this.file, `${JSON.stringify(line, jsonReplacer)}\n`);
    this.state.done.set(item, records);
  }

  elapsedMs(): number {
    return this.state.previousMs + (Date.now() - this.segmentStart);
  }
}
