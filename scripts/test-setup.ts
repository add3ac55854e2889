/**
 * Test and benchmark setup: install the format registry, as the CLI's entry point does, so tests of any
 * package can load formats by id through @qbench/core.
 */
import '@qbench/formats';
