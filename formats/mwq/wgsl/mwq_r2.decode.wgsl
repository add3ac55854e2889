// mwq_r2 decode: the constant aliases of the family's whole-shader decode, which the loader appends
// (decode.body.wgsl says what it does). The matvec uses the tensor include (mwq_r2.tensor.wgsl).

const BITS = MWQ_R2_PARAM_BITS;
const MASTER_BITS = MWQ_R2_PARAM_MASTER_BITS;
const GROUP_SIZE = MWQ_R2_PARAM_GROUP_SIZE;
// one uint8 zero point per group after the scales
const ZERO_BYTES = 1u;

// @append decode.body.wgsl
