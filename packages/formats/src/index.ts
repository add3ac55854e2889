/**
 * The format registry: importing this package installs the loaders of every format family into
 * @qbench/core's registry, so core's `loadFormat`, `resolveSpec` and `goldenClaimant` (import them from
 * core) can reach them. It is the one package above core and the families (which depend on core), so the
 * edges to the families are declared here and nowhere else. Entry points import it once: the CLI, the kernel
 * workers, the test setup.
 */
import { installFamilyLoaders } from '@qbench/core';
import { FAMILY_LOADERS } from './generated/family-loaders.ts';

installFamilyLoaders(FAMILY_LOADERS);

export { FAMILY_LOADERS };
