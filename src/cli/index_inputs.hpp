// Filling an index from inputs (sequences or .rvec), linking rows into its graph as they arrive
// so memory holds at most one slice of unlinked vectors: what ruvec index does, shared with ruvec
// quantize for .rvec inputs.
#pragma once

#include "common.hpp"
#include "memory_limit.hpp"
#include "vector_inputs.hpp"
#include "ruvec/index.hpp"

#include <string>
#include <vector>

namespace ruvec::cli {

// Rows are linked into the graph each time this many bytes of vectors are queued.
inline constexpr uint64_t link_every_bytes = uint64_t{64} << 20;

// Adds every row of `inputs` to `index` and links them all (with `extra_threads` + 1 threads,
// which do not change the graph). Errors name `params_owner` as read_input_rows does. Shows a
// progress line of vectors linked when the messages' verbosity allows. Only the records in
// `range` are added (one shard). Throws Error(resource) before the index outgrows `limit`.
InputRowStats add_inputs_to_index(Index& index, const std::vector<std::string>& inputs,
                                  const std::string& params_owner, int extra_threads,
                                  const Messages& messages, const MemoryLimit& limit,
                                  RecordRange range = {});

} // namespace ruvec::cli
