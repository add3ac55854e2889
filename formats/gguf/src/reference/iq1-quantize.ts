import { QbenchError } from '@qbench/core';
export function quantizeRowIq1S(_x: Float32Array, _q: Uint8Array, _imatrix?: Float32Array): void {
  throw new QbenchError('format.unimplemented', 'quantizeRowIq1S: encoder not yet ported');
}
export function quantizeRowIq1M(_x: Float32Array, _q: Uint8Array, _imatrix?: Float32Array): void {
  throw new QbenchError('format.unimplemented', 'quantizeRowIq1M: encoder not yet ported');
}
