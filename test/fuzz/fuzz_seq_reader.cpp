// libFuzzer target: the FASTA/FASTQ reader, and the embedding of what it returns (windows over
// whatever residues a record holds). Any Error is a correct refusal; anything else is a bug.
#include "chunked_source.hpp"

#include "ruvec/embed.hpp"
#include "ruvec/error.hpp"
#include "ruvec/seq.hpp"

#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ruvec::fuzz::ChunkedSource source(data, size);
    ruvec::EmbedParams params;
    params.k = 5;
    params.dims = 16;
    params.window = 64;
    params.step = 40;
    ruvec::finalize_params(params);
    ruvec::Embedder embedder(params);
    std::vector<float> vector(params.dims);
    try {
        ruvec::SeqReader reader(source, "fuzz.fq");
        ruvec::SeqRecord record;
        while (reader.next(record)) {
            // What the reader promises of every record it returns.
            if (record.name.empty() ||
                (!record.qual.empty() && record.qual.size() != record.seq.size()))
                std::abort();
            for (const ruvec::Window& window : ruvec::windows_of(record.seq.size(), params))
                embedder.embed(record.seq, window, vector.data());
        }
    } catch (const ruvec::Error&) {
    }
    return 0;
}
