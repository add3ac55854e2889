/**
 * The round-trip suite: the leaderboard's conformance column. Per format, two work items:
 *  - `<id>/golden`: verdicts on the golden vectors the spec lists, and on generated cases
 *    (block counts, unaligned offsets, determinism);
 *  - `<id>/properties`: encoded size vs the layout and bits/weight, NMSE per source against
 *    roundTrip.maxNmse / maxNmseBySource, idempotence, and behaviour on zeros, constants, subnormals, huge
 *    values, NaN, Inf.
 *  - `kernel:<format/op/backend>` for every wasm-simd128 / webgpu kernel the kernel registry lists: its verdict
 *    per dataset (generated cases, each golden folder) from the shared conformance harness (kernels.ts);
 *  - `kernels:unavailable` when a backend contributes no kernel here: the reason, as a 'skip'.
 * Formats come from the registry (never a hand-written list); a format that fails to load is a record.
 *
 * Metrics: golden, generated, size, bits_per_weight, nmse, sqnr_db, nmse_within_tolerance,
 * reencode_differing_blocks, idempotent, special_values, kernel_conformance, load. Verdicts have unit
 * 'verdict' and value 'pass' | 'fail' | 'skip', with the reason or first mismatch in details.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSpecs, loadFormat } from '@qbench/core';
import {
  METRIC,
  type ResultRecord,
  type RunContext,
  type Suite,
  type SuiteOptions,
  type WorkItem,
} from '@qbench/spec';
import { generatedRecords } from './generated.ts';
import { goldenRecords } from './golden.ts';
import { type KernelPlan, kernelPlan, kernelRecords, listCheckedKernels } from './kernels.ts';
import { idempotenceRecords, nmseRecords, sizeRecords, TENSOR_ELEMENTS, tensorSize } from './properties.ts';
import { breathe, failed, reference, verdict } from './records.ts';
import { specialRecords } from './special.ts';

export { TENSOR_ELEMENTS } from './properties.ts';

const GOLDEN_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'datasets', 'golden');

type Part = 'golden' | 'properties';

const UNAVAILABLE = 'kernels:unavailable';

/** What an item does: one part of a format's reference checks, one kernel's conformance, or why none ran. */
export type RoundtripPlan =
  | { kind: 'format'; format: string; part: Part }
  | KernelPlan
  | { kind: 'kernels-unavailable' };

async function runFormatItem(
  format: string,
  part: Part,
  options: SuiteOptions,
  ctx: RunContext,
): Promise<ResultRecord[]> {
  const s = reference(format);
  let f: Awaited<ReturnType<typeof loadFormat>>;
  try {
    f = await loadFormat(format);
  } catch (e) {
    return [failed(s, '-', METRIC.load, e)];
  }
  if (part === 'golden') {
    const goldenRoot = options.inputs?.['golden'] ?? GOLDEN_ROOT;
    const records = await goldenRecords(f, goldenRoot, s);
    await breathe(ctx.signal);
    records.push(...(await generatedRecords(f, s, options.quick === true, ctx.signal)));
    return records;
  }
  const n = tensorSize(f, options.quick ? TENSOR_ELEMENTS.quick : TENSOR_ELEMENTS.full);
  const records = await sizeRecords(f, s, n);
  records.push(...(await nmseRecords(f, s, n, ctx.signal)));
  await breathe(ctx.signal);
  records.push(...(await idempotenceRecords(f, s, n)));
  records.push(...specialRecords(f, s));
  return records;
}

const suite: Suite<RoundtripPlan> = {
  name: 'roundtrip',
  summary:
    'conformance: golden vectors, generated cases, size vs bits/weight, round-trip NMSE, idempotence, special values',
  async workItems(options) {
    const items: WorkItem<RoundtripPlan>[] = [];
    for (const spec of listSpecs()) {
      if (options.formats && !options.formats.includes(spec.id)) continue;
      items.push({
        id: `${spec.id}/golden`,
        label: `roundtrip ${spec.id} golden`,
        format: spec.id,
        weight: 1,
        plan: { kind: 'format', format: spec.id, part: 'golden' },
      });
      items.push({
        id: `${spec.id}/properties`,
        label: `roundtrip ${spec.id} properties`,
        format: spec.id,
        weight: 2,
        plan: { kind: 'format', format: spec.id, part: 'properties' },
      });
    }
    const listing = await listCheckedKernels(options);
    for (const k of listing.kernels)
      items.push({
        id: `kernel:${k.id}`,
        label: `roundtrip ${k.id}`,
        format: k.format,
        weight: 1,
        plan: kernelPlan(k),
      });
    if (listing.unavailable.length > 0)
      items.push({
        id: UNAVAILABLE,
        label: 'roundtrip kernels unavailable here',
        plan: { kind: 'kernels-unavailable' },
      });
    return items;
  },
  async runItem({ plan }, options, ctx) {
    if (plan.kind === 'kernel') return kernelRecords(plan, options, ctx.setGpuAdapter);
    if (plan.kind === 'kernels-unavailable') {
      const { unavailable } = await listCheckedKernels(options);
      return unavailable.map((u) =>
        verdict(
          { format: '-', kernel: '-', backend: u.backend },
          'kernels',
          METRIC.kernelConformance,
          'skip',
          {
            reason: u.reason,
          },
        ),
      );
    }
    return runFormatItem(plan.format, plan.part, options, ctx);
  },
};

export default suite;
