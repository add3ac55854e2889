/**
 * One GPUDevice per process: `navigator.gpu` in browsers, Dawn through the `webgpu` package in Node (Mesa's
 * lavapipe in CI, Vulkan/Metal/D3D12 on real GPUs). No adapter is a reason, not an error: callers report
 * it as a visible skip. Timestamp queries are requested only where the adapter offers them.
 */
export interface GpuContext {
  device: GPUDevice;
  /** 'timestamp-query' was granted: kernels report device time per run. */
  timestamps: boolean;
  /** vendor / architecture / device / description as the adapter reports them. */
  adapter: Record<string, string>;
}

/** The adapter as one line (a run's machine.gpu, the copy-bandwidth record): description · vendor · architecture. */
export function adapterName(gpu: GpuContext): string {
  const a = gpu.adapter;
  return (
    [a['description'] || a['device'], a['vendor'], a['architecture']].filter((x) => x).join(' · ') ||
    'unknown adapter'
  );
}

export type GpuAvailability = { ok: true; gpu: GpuContext } | { ok: false; reason: string };

let cached: Promise<GpuAvailability> | undefined;
/**
 * Dawn's instance and adapter must outlive every device made from them: if the GPU object returned by
 * create() is garbage-collected, the process crashes at the next queue operation. Held here for good.
 */
const keepAlive: unknown[] = [];

async function gpuEntry(): Promise<GPU | undefined> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const { create, globals } = await import('webgpu');
  // the GPU* constants (GPUBufferUsage, GPUMapMode, …) are globals in browsers; Dawn for Node provides them
  Object.assign(globalThis, globals);
  return create([]);
}

async function acquire(): Promise<GpuAvailability> {
  let gpu: GPU | undefined;
  try {
    gpu = await gpuEntry();
  } catch (e) {
    return { ok: false, reason: `the webgpu package could not load (${(e as Error).message})` };
  }
  if (!gpu) return { ok: false, reason: 'no WebGPU implementation in this environment' };
  keepAlive.push(gpu);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    return { ok: false, reason: 'no WebGPU adapter (no GPU, and no Vulkan driver such as Mesa lavapipe)' };
  keepAlive.push(adapter);
  const timestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    label: 'qbench',
    requiredFeatures: timestamps ? ['timestamp-query'] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const info = adapter.info;
  return {
    ok: true,
    gpu: {
      device,
      timestamps,
      adapter: {
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        description: info.description,
      },
    },
  };
}

export function getGpu(): Promise<GpuAvailability> {
  cached ??= acquire().catch((e: unknown) => ({
    ok: false as const,
    reason: `WebGPU initialisation failed: ${(e as Error).message}`,
  }));
  return cached;
}
