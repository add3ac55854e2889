// dround_8_7 decode: the constant aliases of the family's whole-shader decode, which the loader appends
// (decode.body.wgsl says what it does). The matvec uses the tensor include (dround_8_7.tensor.wgsl).

const BITS = DROUND_8_7_PARAM_BITS;
const MASTER_BITS = DROUND_8_7_PARAM_MASTER_BITS;
const GROUP_SIZE = DROUND_8_7_PARAM_GROUP_SIZE;
// no zero-point bytes: the zero is 2^(MASTER_BITS − 1), the offset of the offset-binary codes
const ZERO_BYTES = 0u;

// @append decode.body.wgsl
