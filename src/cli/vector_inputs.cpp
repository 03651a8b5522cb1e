#include "vector_inputs.hpp"

#include "hts_source.hpp"
#include "ruvec/error.hpp"
#include "ruvec/vecfile.hpp"

#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace ruvec::cli {

bool is_rvec_file(const std::string& path) {
    if (path == "-") return false;
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
    std::ifstream in(path, std::ios::binary);
    char magic[sizeof rvec_magic] = {};
    in.read(magic, sizeof magic);
    return in.gcount() == sizeof magic && std::memcmp(magic, rvec_magic, sizeof magic) == 0;
}

bool first_rvec_params(const std::vector<std::string>& inputs, EmbedParams& params) {
    for (const std::string& input : inputs) {
        if (!is_rvec_file(input)) continue;
        HtsSource source(input);
        RvecReader reader(source, input);
        params = reader.params();
        return true;
    }
    return false;
}

void for_each_input_run(
    const std::vector<std::string>& inputs,
    const std::function<void(const std::vector<std::string>& paths)>& sequences,
    const std::function<void(const std::string& path, RvecReader& reader)>& rvec) {
    std::vector<std::string> run; // consecutive sequence inputs
    for (const std::string& input : inputs) {
        if (!is_rvec_file(input)) {
            run.push_back(input);
            continue;
        }
        if (!run.empty()) sequences(run);
        run.clear();
        HtsSource source(input);
        RvecReader reader(source, input);
        rvec(input, reader);
    }
    if (!run.empty()) sequences(run);
}

InputRowStats read_input_rows(const std::vector<std::string>& inputs, const EmbedParams& params,
                              const std::string& params_owner, int extra_threads,
                              const Messages& messages, bool show_progress,
                              const RowConsumer& consume, const std::function<void()>& batch_done,
                              RecordRange range, const RecordDone& record_done, bool embed_vectors) {
    InputRowStats stats;
    uint64_t records_before = 0; // records of the inputs already read
    std::vector<VecRow> rows;
    std::vector<float> vectors;
    for_each_input_run(
        inputs,
        [&](const std::vector<std::string>& sequences) {
            const EmbedStats s =
                embed_inputs(sequences, params, extra_threads, messages, show_progress, consume,
                             batch_done, range.after(records_before), record_done, embed_vectors);
            records_before += s.records + s.records_outside;
            stats.embedded.records += s.records;
            stats.embedded.bases += s.bases;
            stats.embedded.rows += s.rows;
            stats.embedded.skipped_rows += s.skipped_rows;
            stats.embedded.empty_inputs += s.empty_inputs;
        },
        [&](const std::string& input, RvecReader& reader) {
            if (record_done)
                throw Error(ErrorKind::usage,
                            input + ": an .rvec holds vectors, not the bases the k-mer index "
                                    "needs: give the sequences (FASTA/FASTQ)");
            const std::string difference = embed_params_difference(reader.params(), params);
            if (!difference.empty())
                throw Error(ErrorKind::format, input + ": made with " + difference + " in " +
                                                   params_owner +
                                                   "; vectors made with different "
                                                   "parameters cannot be compared");
            RvecRecords records;
            uint64_t record = 0; // the current row's, over all inputs
            while (reader.next_block(rows, vectors)) {
                for (size_t i = 0; i < rows.size(); ++i) {
                    if (records.starts_record(rows[i])) record = records_before++;
                    if (!range.contains(record)) continue;
                    consume(rows[i], &vectors[i * params.dims]);
                    ++stats.rvec_rows;
                }
                if (batch_done) batch_done();
            }
            if (reader.rows_read() == 0) messages.warning(input + ": no vectors");
        });
    return stats;
}

} // namespace ruvec::cli
