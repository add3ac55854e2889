/**
 * The format registry: importing this package installs the loaders of every format family into
 * @qbench/core's registry, so `loadFormat`, `resolveSpec` and `goldenClaimant` can reach them. It is the
 * one package above core and the families (which depend on core), so the edges to the families are
 * declared here and nowhere else. Entry points import it once: the CLI, the kernel workers, the test setup.
 */
import { installFamilyLoaders } from '@qbench/core';
import { FAMILY_LOADERS } from './generated/family-loaders.ts';

installFamilyLoaders(FAMILY_LOADERS);

export { goldenClaimant, loadFamily, loadFormat, resolveSpec } from '@qbench/core';
export { FAMILY_LOADERS };
