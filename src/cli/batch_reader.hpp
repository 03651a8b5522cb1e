// Reads FASTA/FASTQ records from a list of inputs on a background thread, in batches, so parsing
// and decompression overlap with the parallel work on the previous batch (the first step of
// minimap2's read-compute-write pipeline).
#pragma once

#include "ruvec/seq.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ruvec::cli {

// Records in input order, with the input each came from.
struct SeqBatch {
    std::vector<SeqRecord> records; // only the first `size` are valid (the rest are reused)
    std::vector<uint32_t> input_of; // index into the input list, per record
    size_t size = 0;
    uint64_t bases = 0;
};

class BatchReader {
public:
    // Starts reading `inputs` in order. A batch closes when it holds `batch_bases` bases or
    // `batch_records` records. `decompress_threads` helps with BGZF inputs.
    BatchReader(std::vector<std::string> inputs, uint64_t batch_bases, size_t batch_records,
                int decompress_threads);
    ~BatchReader(); // stops the reader thread
    BatchReader(const BatchReader&) = delete;
    BatchReader& operator=(const BatchReader&) = delete;

    // Swaps the next batch into `batch` (handing back the old one's memory for reuse); returns
    // false after the last. Rethrows, here, any error the reader thread met.
    bool next(SeqBatch& batch);

    const std::string& input(uint32_t index) const { return inputs_[index]; }
    // Records read from each input; complete once next() has returned false.
    std::vector<uint64_t> records_per_input() const;

private:
    struct Shared;
    std::vector<std::string> inputs_;
    std::shared_ptr<Shared> shared_; // shared with the thread, which may outlive this on errors
};

} // namespace ruvec::cli
