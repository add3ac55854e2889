import { QbenchError } from '@qbench/core';
export function quantizeRowIq2Xxs(_x: Float32Array, _q: Uint8Array, _imatrix?: Float32Array): void {
  throw new QbenchError('format.unimplemented', 'quantizeRowIq2Xxs: encoder not yet ported');
}
export function quantizeRowIq2Xs(_x: Float32Array, _q: Uint8Array, _imatrix?: Float32Array): void {
  throw new QbenchError('format.unimplemented', 'quantizeRowIq2Xs: encoder not yet ported');
}
