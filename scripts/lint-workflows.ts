/**
 * Lint of .github/workflows/*.yml (part of `pnpm lint`). actionlint is a Go binary that neither npm nor
 * Debian ships, so this checks the rules this project relies on, with file:line positions:
 *  - `permissions` set at the top level (least privilege; jobs widen it explicitly);
 *  - `concurrency` set at the top level;
 *  - every job has `runs-on` (or calls a reusable workflow with `uses`);
 *  - every `uses:` is pinned to a full 40-hex commit SHA (local `./` actions and `docker://…@sha256:` excepted);
 *  - no `${{ github.event.* }}` (or github.head_ref) expanded inside a `run:` script — attacker-controlled
 *    text must reach scripts through `env:`, never through template expansion into the shell.
 * Usage: tsx scripts/lint-workflows.ts [DIR|FILE...]   (default .github/workflows). Exit 1 on findings.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';

export interface Finding {
  file: string;
  line: number;
  message: string;
}

const SHA = /^[0-9a-f]{40}$/;
const UNSAFE_IN_RUN = /\$\{\{[^}]*\b(github\.event\.|github\.head_ref)[^}]*\}\}/;

function get(map: unknown, key: string): Node | undefined {
  return isMap(map) ? ((map as YAMLMap).get(key, true) as Node | undefined) : undefined;
}

export function lintWorkflow(file: string, text: string): Finding[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const findings: Finding[] = [];
  const at = (node: Node | undefined | null, message: string) => {
    const offset = node?.range?.[0] ?? 0;
    findings.push({ file, line: lines.linePos(offset).line, message });
  };
  for (const e of doc.errors)
    findings.push({ file, line: lines.linePos(e.pos[0]).line, message: `YAML: ${e.message.split('\n')[0]}` });
  if (doc.errors.length > 0) return findings;
  const root = doc.contents;
  if (!isMap(root)) {
    at(root, 'a workflow must be a mapping');
    return findings;
  }
  if (!get(root, 'on') && !get(root, 'true')) at(root, "no 'on:' trigger");
  if (!root.has('permissions'))
    at(root, "no top-level 'permissions:' (set `permissions: {}` and widen per job)");
  if (!root.has('concurrency')) at(root, "no top-level 'concurrency:'");
  const jobs = get(root, 'jobs');
  if (!isMap(jobs)) {
    at(root, "no 'jobs:' mapping");
    return findings;
  }
  for (const pair of jobs.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '?';
    const job = pair.value;
    if (!isMap(job)) {
      at(pair.key as Node, `job '${name}' must be a mapping`);
      continue;
    }
    const reusable = get(job, 'uses');
    if (!job.has('runs-on') && !reusable) at(pair.key as Node, `job '${name}' has no 'runs-on'`);
    if (reusable) checkUses(reusable, `job '${name}'`, at);
    const steps = get(job, 'steps');
    if (!steps) continue;
    if (!isSeq(steps)) {
      at(steps, `job '${name}': 'steps' must be a list`);
      continue;
    }
    steps.items.forEach((step, i) => {
      const where = `job '${name}' step ${i + 1}`;
      const uses = get(step, 'uses');
      if (uses) checkUses(uses, where, at);
      const run = get(step, 'run');
      if (run && isScalar(run) && typeof run.value === 'string') {
        const m = UNSAFE_IN_RUN.exec(run.value);
        if (m) at(run, `${where}: '${m[0]}' is expanded into a run: script; pass it through env: instead`);
      }
    });
  }
  return findings;
}

function checkUses(node: Node, where: string, at: (n: Node, m: string) => void): void {
  const ref = isScalar(node) ? String(node.value) : '';
  if (ref.startsWith('./')) return;
  if (ref.startsWith('docker://')) {
    if (!/@sha256:[0-9a-f]{64}$/.test(ref)) at(node, `${where}: '${ref}' is not pinned to an image digest`);
    return;
  }
  const version = ref.split('@')[1];
  if (version === undefined || !SHA.test(version))
    at(node, `${where}: '${ref}' is not pinned to a full 40-hex commit SHA`);
}

export function workflowFiles(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!existsSync(p)) return [];
    if (!statSync(p).isDirectory()) return [p];
    return readdirSync(p)
      .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
      .sort()
      .map((f) => join(p, f));
  });
}

function main(argv: string[]): number {
  const files = workflowFiles(argv.length > 0 ? argv : ['.github/workflows']);
  if (files.length === 0) {
    process.stderr.write('lint-workflows: no workflow files found\n');
    return 1;
  }
  const findings = files.flatMap((f) => lintWorkflow(f, readFileSync(f, 'utf8')));
  for (const f of findings) process.stderr.write(`${f.file}:${f.line}: ${f.message}\n`);
  process.stderr.write(`lint-workflows: ${files.length} files, ${findings.length} findings\n`);
  return findings.length > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exitCode = main(process.argv.slice(2));
