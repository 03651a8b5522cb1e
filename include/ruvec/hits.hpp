// Search hits as the text `ruvec search` prints. The WebAssembly page formats its table and its
// downloads with the same code, so they are the CLI's bytes.
#pragma once

#include "ruvec/index.hpp"
#include "ruvec/vecfile.hpp"

#include <string>
#include <vector>

namespace ruvec {

enum class HitsFormat { tsv, jsonl };

// The TSV header line, newline included.
extern const char* const hits_tsv_header;

// Appends one line per hit of `query` (rank 1 first): query and target with 1-based inclusive
// coordinates, rank, similarity, distance and the identity estimate (estimate_identity).
// Similarity and distance have 6 decimals, or with `full_precision` 9 significant digits, which
// read back as the same float (what ruvec merge needs to rank the hits of shards exactly).
void append_hits(std::string& out, const VecRow& query, const std::vector<SearchHit>& hits,
                 const Index& index, HitsFormat format, bool full_precision = false);

} // namespace ruvec
