/** Paths shared by tests: the project's own golden copy (never ../shared at test time). */
import { fileURLToPath } from 'node:url';

export const datasetsDir = fileURLToPath(new URL('../../../datasets/', import.meta.url));
export const goldenDir = fileURLToPath(new URL('../../../datasets/golden/', import.meta.url));
