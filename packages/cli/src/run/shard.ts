/**
 * Deterministic sharding. Items are assigned greedily, heaviest first (ties by id), to the shard with the
 * least total weight so far (ties to the lowest index). The assignment depends only on the item ids and
 * weights — not on machine, time or order of discovery — so the same `i/n` always gets the same items, every
 * item lands in exactly one shard, and slow items do not pile up in one shard.
 */
import { QbenchError } from '@qbench/core';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new QbenchError('cli.args', `run: --shard expects i/n (e.g. 2/3), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new QbenchError('cli.args', `run: --shard ${text}: need 1 ≤ i ≤ n`, {
      expected: '1 ≤ i ≤ n',
      got: text,
    });
  }
  return { index, count };
}

export interface Weighted {
  id: string;
  weight?: number;
}

/** Shard index (0-based) of every item id. */
export function assignShards(items: readonly Weighted[], count: number): Map<string, number> {
  const sorted = [...items].sort((a, b) => {
    const wa = a.weight ?? 1;
    const wb = b.weight ?? 1;
    if (wa !== wb) return wb - wa;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  const load = new Array<number>(count).fill(0);
  const out = new Map<string, number>();
  for (const it of sorted) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    load[best]! += Math.max(0, it.weight ?? 1);
    out.set(it.id, best);
  }
  return out;
}

/** The items of one shard, in their original order. */
export function selectShard<T extends Weighted>(items: readonly T[], shard: Shard | null): T[] {
  if (!shard) return [...items];
  const assigned = assignShards(items, shard.count);
  return items.filter((it) => assigned.get(it.id) === shard.index - 1);
}
