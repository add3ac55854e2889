/** Where the CLI lives in the repository: suites are discovered and the commit is read relative to it. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_ROOT = join(CLI_ROOT, '..', '..');
export const SUITES_DIR = join(REPO_ROOT, 'suites');
