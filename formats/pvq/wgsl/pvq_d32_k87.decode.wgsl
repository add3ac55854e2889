// pvq_d32_k87 decode (no rotation): the constant aliases of the shared wide-index PVQ decode
// body, which the loader appends (wide-index.body.wgsl says what it does and what it reads).

const N = PVQ_D32_K87_PARAM_GROUP_SIZE;
const K = PVQ_D32_K87_PARAM_PULSES;
const GAIN_BITS = PVQ_D32_K87_PARAM_GAIN_BITS;
const INDEX_BITS = PVQ_D32_K87_PARAM_INDEX_BITS;
const BLOCK_ELEMENTS = PVQ_D32_K87_BLOCK_ELEMENTS;
const BLOCK_BYTES = PVQ_D32_K87_BLOCK_BYTES;
const GAIN_OFFSET = PVQ_D32_K87_GAIN_OFFSET;
const INDEX_OFFSET = PVQ_D32_K87_INDEX_OFFSET;
const HEADER = PVQ_D32_K87_GAIN_MAX_HEADER_OFFSET;
const ROTATE = false; // no rotation: the shared body's rotation branch is left out at compile time
const SEED = 0u; // unused without ROTATE

// @append wide-index.body.wgsl
