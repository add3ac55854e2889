/** Run metadata that describes where and from what code a run came: qbench version, git commit, machine. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import type { MachineInfo } from '@qbench/spec';

export function qbenchVersion(cliRoot: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(cliRoot, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' && pkg.version.length > 0 ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** `git rev-parse HEAD` in `repoRoot`, or 'unknown' (no git, not a checkout, or a source tarball). */
export function gitCommit(repoRoot: string): string {
  if (process.env['QBENCH_COMMIT'] && /^[0-9a-f]{40}$/.test(process.env['QBENCH_COMMIT']))
    return process.env['QBENCH_COMMIT'];
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    const sha = out.toString().trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machineInfo(gpu: string | null = null): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() || 'unknown',
    cores: Math.max(1, availableParallelism()),
    memoryBytes: totalmem(),
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
    gpu,
  };
}
