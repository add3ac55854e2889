/**
 * Node-only entry (`@qbench/gguf-file/node`): file sources, the scanners that read files (one file, a
 * split set, a directory; chat templates rendered in a worker thread) and the template check itself.
 * Kept out of the main entry so browser bundles never see node:fs or worker_threads.
 */
import { fileSource } from './file-source.ts';
import { type GgufFile, openGguf } from './read.ts';

export { type FileSource, fileSource, withFileSource } from './file-source.ts';
export { type FileScan, scanFile, scanSplitSet, scanTarget, worstExitCode } from './scan-files.ts';
export { checkChatTemplate, referenceDiff, renderedTemplateIssues } from './template/check.ts';
export { DEFAULT_RENDER_LIMITS, type RenderLimits } from './template/sandbox.ts';

/**
 * Open a file on disk for reading; the caller closes it with `file.source.close()` when done, since
 * tensor data is read from the open handle on demand.
 */
export async function openGgufFile(path: string): Promise<GgufFile> {
  const src = await fileSource(path);
  try {
    return await openGguf(src);
  } catch (e) {
    await src.close();
    throw e;
  }
}
