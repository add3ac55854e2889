// pvq_d32_k41_rht decode (with the inverse randomized Hadamard rotation): the constant aliases of the shared wide-index PVQ decode
// body, which the loader appends (wide-index.body.wgsl says what it does and what it reads).

const N = PVQ_D32_K41_RHT_PARAM_GROUP_SIZE;
const K = PVQ_D32_K41_RHT_PARAM_PULSES;
const GAIN_BITS = PVQ_D32_K41_RHT_PARAM_GAIN_BITS;
const INDEX_BITS = PVQ_D32_K41_RHT_PARAM_INDEX_BITS;
const BLOCK_ELEMENTS = PVQ_D32_K41_RHT_BLOCK_ELEMENTS;
const BLOCK_BYTES = PVQ_D32_K41_RHT_BLOCK_BYTES;
const GAIN_OFFSET = PVQ_D32_K41_RHT_GAIN_OFFSET;
const INDEX_OFFSET = PVQ_D32_K41_RHT_INDEX_OFFSET;
const HEADER = PVQ_D32_K41_RHT_GAIN_MAX_HEADER_OFFSET;
const ROTATE = true;
const SEED = PVQ_D32_K41_RHT_PARAM_ROTATION_SEED;

// @append wide-index.body.wgsl
