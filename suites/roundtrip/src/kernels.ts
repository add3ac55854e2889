/**
 * Conformance of every non-reference kernel (wasm-simd128, webgpu, …), so the leaderboard's conformance
 * column covers format × kernel, from @qbench/kernels' registry and its one conformance harness.
 * The harness's cases are grouped into one verdict per dataset: `generated` (block counts 1…257, odd
 * byte offsets, random bytes) and `golden:<folder>` for each golden folder of the spec.
 */
import { type ConformCase, caseOk, describeMismatch, type KernelTraits, loadFormat } from '@qbench/core';
import { BACKENDS, backendById, listKernels, runConformance } from '@qbench/kernels';
import { METRIC, type ResultRecord, type SuiteOptions } from '@qbench/spec';
import { errorText, failed, type Subject, verdict } from './records.ts';

/** Backends whose kernels this suite checks: all but the oracle (the reference codec: the format items). */
const CHECKED = BACKENDS.filter((b) => !b.oracle).map((b) => b.id);

export interface CheckedKernels {
  kernels: KernelTraits[];
  /** Backends (or the whole registry, 'all') that contributed nothing, with the reason. */
  unavailable: { backend: string; reason: string }[];
}

export async function listCheckedKernels(options: SuiteOptions): Promise<CheckedKernels> {
  try {
    return await listKernels({
      backends: CHECKED,
      ...(options.formats ? { formats: options.formats } : {}),
    });
  } catch (e) {
    return {
      kernels: [],
      unavailable: [{ backend: 'all', reason: `listing kernels failed: ${errorText(e)}` }],
    };
  }
}

function datasetOf(c: ConformCase, folders: readonly string[]): string {
  if (!c.case.startsWith('golden ')) return 'generated';
  const rest = c.case.slice('golden '.length);
  const folder = folders.find((g) => rest === g || rest.startsWith(`${g}/`) || rest.startsWith(`${g} `));
  return folder ? `golden:${folder}` : 'golden';
}

function firstFailure(cases: ConformCase[]): string | undefined {
  for (const c of cases) {
    for (const k of c.checks) {
      if (k.ok || k.skipped !== undefined) continue;
      return `${c.case} ${k.op}: ${k.mismatch ? describeMismatch(k.mismatch) : (k.detail ?? 'failed')}`;
    }
  }
  return undefined;
}

/** The device a backend runs on (e.g. the GPU adapter, run.machine.gpu), or undefined for the host CPU. */
async function backendDevice(id: string): Promise<string | undefined> {
  try {
    return await backendById(id).device?.();
  } catch {
    return undefined;
  }
}

/** The plan of a `kernel:<id>` item: which kernel, of which format, on which backend. */
export interface KernelPlan {
  kind: 'kernel';
  kernel: KernelTraits['id'];
  format: string;
  backend: string;
}

export function kernelPlan(k: Pick<KernelTraits, 'id' | 'format' | 'backend'>): KernelPlan {
  return { kind: 'kernel', kernel: k.id, format: k.format, backend: k.backend };
}

/** Records of one kernel: one verdict per dataset (generated, each golden folder). */
export async function kernelRecords(
  plan: KernelPlan,
  options: SuiteOptions,
  setGpuAdapter: (d: string) => void = () => {},
): Promise<ResultRecord[]> {
  const { format, backend } = plan;
  const device = await backendDevice(backend);
  if (device) setGpuAdapter(device);
  const s: Subject = { format, kernel: plan.kernel, backend };
  try {
    // the kernel's traits (its loader) are not data: this process's listing of the format has them
    const { kernels, unavailable } = await listKernels({ formats: [format], backends: CHECKED });
    const traits = kernels.find((k) => k.id === plan.kernel);
    if (!traits) {
      const why =
        unavailable.map((u) => `${u.backend}: ${u.reason}`).join('; ') || 'the kernel is not available here';
      return [verdict(s, 'generated', METRIC.kernelConformance, 'skip', { reason: why })];
    }
    const f = await loadFormat(format);
    const conf = await runConformance(traits, f, { quick: options.quick === true });
    if (conf.error !== undefined)
      return [failed(s, 'generated', METRIC.kernelConformance, new Error(conf.error))];
    if (conf.cases.length === 0) {
      return [
        verdict(s, 'generated', METRIC.kernelConformance, 'skip', {
          reason: conf.skipped ?? 'no case applies',
        }),
      ];
    }
    const groups = new Map<string, ConformCase[]>();
    for (const c of conf.cases) {
      const d = datasetOf(c, f.spec.golden ?? []);
      groups.set(d, [...(groups.get(d) ?? []), c]);
    }
    return [...groups].map(([dataset, cases]) => {
      const ran = cases.filter((c) => c.checks.some((k) => k.skipped === undefined));
      const passed = ran.filter(caseOk).length;
      const first = firstFailure(cases);
      const v = ran.length === 0 ? 'skip' : passed === ran.length ? 'pass' : 'fail';
      const skippedReasons = [
        ...new Set(
          cases.flatMap((c) => c.checks.map((k) => k.skipped)).filter((x): x is string => x !== undefined),
        ),
      ];
      return verdict(s, dataset, METRIC.kernelConformance, v, {
        op: traits.op,
        cases: ran.length,
        passed,
        failed: ran.length - passed,
        ...(first ? { firstFailure: first } : {}),
        ...(ran.length === 0 ? { reason: skippedReasons[0] ?? 'every case skipped' } : {}),
        ...(skippedReasons.length > 0 ? { skipped: skippedReasons } : {}),
      });
    });
  } catch (e) {
    return [failed(s, 'generated', METRIC.kernelConformance, e)];
  }
}
