/**
 * Linear-memory allocator shared by every qbench kernel module (the ABI of KERNEL-ABI.md).
 *
 * Memory map:
 *   [0, __heap_base)          static data: generated tables (memory.data) and AssemblyScript's own data
 *   [__heap_base, top)        buffers handed out by alloc(), 16-byte aligned, in allocation order
 *   [top, memory.size·64 KiB) free; alloc() grows the memory when a request does not fit
 *
 * A bump allocator is enough: the host allocates input, output and scratch for one call, runs the kernel and
 * calls reset(). Kernels that need scratch (dot quantizes the activation) take it with mark()/release().
 * Modules are built with `--runtime stub` and kernels never use `new`, so nothing else owns the heap.
 */

let top: usize = 0;

@inline function base(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** Returns a 16-byte-aligned pointer to `bytes` bytes; grows the memory as needed; traps when it cannot. */
export function alloc(bytes: usize): usize {
  if (top == 0) top = base();
  const ptr = top;
  top = (top + bytes + 15) & ~(<usize>15);
  const pagesNeeded = <i32>((top + 0xffff) >>> 16);
  const grow = pagesNeeded - memory.size();
  if (grow > 0 && memory.grow(grow) < 0) unreachable();
  return ptr;
}

/** Frees everything alloc() handed out. */
export function reset(): void {
  top = base();
}

/** The current allocation top, to hand back later with release(). */
export function mark(): usize {
  if (top == 0) top = base();
  return top;
}

export function release(to: usize): void {
  top = to;
}

/** memory.copy of `bytes` bytes: the throughput suite's in-wasm memory bandwidth reference. */
export function copy(dst: usize, src: usize, bytes: usize): void {
  memory.copy(dst, src, bytes);
}
