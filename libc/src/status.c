/* Status sentences and version queries. */
#include "fusedrnn.h"

#define FRNN_STR2(x) #x
#define FRNN_STR(x) FRNN_STR2(x)

const char *fusedrnn_status_message(int status)
{
    switch (status) {
    case FUSEDRNN_OK: return "Success.";
    case FUSEDRNN_ERR_NULL_POINTER: return "A required pointer is NULL.";
    case FUSEDRNN_ERR_BAD_STRUCT_SIZE: return "The struct_size field is not one this library recognises.";
    case FUSEDRNN_ERR_BAD_MODE: return "The mode is not a known RNN mode.";
    case FUSEDRNN_ERR_BAD_HIDDEN_SIZE: return "The hidden size must be at least 1.";
    case FUSEDRNN_ERR_BAD_NUM_LAYERS: return "The number of layers (or layer index) is out of range.";
    case FUSEDRNN_ERR_BAD_INPUT_SIZE: return "The input size must be at least 1.";
    case FUSEDRNN_ERR_BAD_DROPOUT: return "The dropout probability must be in [0, 1).";
    case FUSEDRNN_ERR_BAD_PROJECTION: return "The projection size must be 0, or in (0, hidden size) for LSTM.";
    case FUSEDRNN_ERR_BAD_CLIP: return "Cell-state clipping needs LSTM, finite bounds and clip_min <= clip_max.";
    case FUSEDRNN_ERR_BAD_DTYPE: return "The dtype is not a known element type.";
    case FUSEDRNN_ERR_BAD_LAYOUT: return "The layout is not a known layout.";
    case FUSEDRNN_ERR_BAD_BACKEND: return "The backend is not a known backend.";
    case FUSEDRNN_ERR_BACKEND_UNAVAILABLE: return "The requested backend is not available in this build.";
    case FUSEDRNN_ERR_BAD_FLAG: return "A flag field has a value outside its allowed range.";
    case FUSEDRNN_ERR_BAD_SEQ_LEN: return "The sequence length must be at least 1.";
    case FUSEDRNN_ERR_BAD_BATCH: return "The batch size must be at least 1.";
    case FUSEDRNN_ERR_BAD_LENGTHS: return "A sequence length is negative or greater than the sequence length.";
    case FUSEDRNN_ERR_MISSING_LENGTHS: return "Sequence lengths are required but were not given.";
    case FUSEDRNN_ERR_UNEXPECTED_LENGTHS: return "Sequence lengths were given but use_sequence_length is not set.";
    case FUSEDRNN_ERR_UNEXPECTED_CELL_STATE: return "A cell state was given for a mode without one.";
    case FUSEDRNN_ERR_OVERFLOW: return "A size computation overflows.";
    case FUSEDRNN_ERR_TOO_LARGE: return "A matrix dimension exceeds the range of the BLAS integer type.";
    case FUSEDRNN_ERR_WORKSPACE_TOO_SMALL: return "The workspace is smaller than fusedrnn_workspace_size requires.";
    case FUSEDRNN_ERR_RESERVE_TOO_SMALL: return "The reserve is smaller than fusedrnn_reserve_size requires.";
    case FUSEDRNN_ERR_OUT_OF_MEMORY: return "Out of memory.";
    case FUSEDRNN_ERR_THREAD: return "A worker thread could not be started.";
    case FUSEDRNN_ERR_OVERLAP: return "An output buffer overlaps an input or another output.";
    case FUSEDRNN_ERR_NOT_IMPLEMENTED: return "This feature is not implemented in this build.";
    default: return "Unknown status code.";
    }
}

int fusedrnn_version(void)
{
    return FUSEDRNN_VERSION;
}

const char *fusedrnn_version_string(void)
{
    return FRNN_STR(FUSEDRNN_VERSION_MAJOR) "." FRNN_STR(FUSEDRNN_VERSION_MINOR) "."
           FRNN_STR(FUSEDRNN_VERSION_PATCH);
}
