/**
 * @qbench/suite-throughput: times every kernel of @qbench/kernels that passes conformance, beside the
 * memory-copy bandwidth of the memory it works in (suite.ts).
 */
import { throughputSuite } from './suite.ts';

export default throughputSuite;
