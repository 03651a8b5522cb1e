// ruvec quantize: trains a quantizer on an index's float vectors, stores the codes in the index
// (format 2) so that searches walk the graph by codes, and reports what that gains and costs:
// bytes per vector, and recall@10 against exact float search for rows held out of training.
#include "commands.hpp"
#include "common.hpp"
#include "file_source.hpp"
#include "index_inputs.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "ruvec/error.hpp"
#include "ruvec/index.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/quantize.hpp"
#include "ruvec/recall.hpp"
#include "ruvec/version.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>

namespace ruvec::cli {

namespace {

constexpr unsigned quantize_common = opt_threads | opt_output | opt_messages;

struct QuantizeCli {
    CommonOptions common;
    QuantParams params;
    std::string type;         // -t
    bool no_centre = false;   // --no-centre
    bool drop_float = false;  // --drop-float
    uint64_t held_out = 1000; // --eval: rows held out of training to measure recall
    SearchOptions search;     // --ef, --rerank: the graph search measured
    bool json = false;        // --json
    std::vector<std::string> operands;
};

// `count` live rows drawn as the quantizer draws its training sample, in increasing row order.
std::vector<uint32_t> pick_rows(const Index& index, uint64_t count, uint64_t seed) {
    std::vector<uint32_t> live;
    for (uint32_t row = 0; row < index.rows(); ++row)
        if (!index.row_deleted(row)) live.push_back(row);
    std::vector<uint32_t> picked;
    for (uint64_t i : sample_rows(live.size(), count, seed)) picked.push_back(live[i]);
    std::sort(picked.begin(), picked.end());
    return picked;
}

constexpr size_t recall_k = 10; // recall@10

std::string describe_codes(const Quantizer& q) {
    switch (q.kind()) {
    case QuantKind::sq8:
        return "int8 per dimension, one scale per vector";
    case QuantKind::pq:
        return printf_string("%u sub-spaces of %u dimensions, 256 centroids each",
                             q.params().pq_subspaces, q.dims() / q.params().pq_subspaces);
    default:
        return q.params().binary_centre ? "one bit per dimension, signs around the mean"
                                        : "one bit per dimension, signs";
    }
}

CommandSpec quantize_spec(QuantizeCli& cli) {
    const QuantizeCli d;
    return {"quantize",
            {"[options] -t sq8|pq|binary -o out.rvx <in.rvx|in.rvec>"},
            "Compresses the vectors of an index into codes that searches then use: the graph is\n"
            "walked comparing the query with codes, and the best candidates are ranked again with\n"
            "the float vectors (ruvec search --rerank). Prints bytes per vector and recall@10\n"
            "against exact float search, for rows held out of training (their nearest rows other\n"
            "than themselves). An .rvec (ruvec embed) is indexed first with the defaults of\n"
            "ruvec index.\n"
            "  sq8     int8 per dimension, a scale per vector (about 4x smaller)\n"
            "  pq      product quantization: -m sub-spaces, 256 centroids each (k-means)\n"
            "  binary  one bit per dimension (32x smaller), compared by Hamming distance\n",
            {{"Quantize options:",
              {option("-t,--type", "STR", cli.type, "sq8, pq or binary (required)"),
               option("-m", "INT", cli.params.pq_subspaces,
                      "pq: sub-spaces, dividing the dimensions [dims / 8]")
                   .check(range(1u, 1u << 16)),
               flag("--no-centre", cli.no_centre,
                    "binary: signs of the values, not of their difference from the\n"
                    "per-dimension mean"),
               option("--train", "INT", cli.params.train_rows,
                      "rows sampled to train pq and the binary centre [" +
                          std::to_string(d.params.train_rows) + "]")
                   .check(range(uint64_t{1}, rvx_max_rows)),
               option("--iterations", "INT", cli.params.iterations,
                      "pq: k-means iterations [" + std::to_string(d.params.iterations) + "]")
                   .check(range(1u, max_train_iterations)),
               option("--seed", "INT", cli.params.seed,
                      "seed of the training sample and the held-out rows [" +
                          std::to_string(d.params.seed) + "]")
                   .check(not_negative()),
               flag("--drop-float", cli.drop_float,
                    "leave the float vectors out: a compact index searched by codes\n"
                    "alone (no re-ranking, no --add)"),
               option("--eval", "INT", cli.held_out,
                      "rows held out of training to measure recall (0: none) [" +
                          std::to_string(d.held_out) + "]")
                   .check(range(uint64_t{0}, uint64_t{1} << 20)),
               option("--ef", "INT", cli.search.ef,
                      "ef of the graph search measured [" + std::to_string(d.search.ef) + "]")
                   .check(range(size_t{1}, size_t{max_ef})),
               option("--rerank", "INT", cli.search.rerank,
                      "candidates re-ranked by float distance in that search [" +
                          std::to_string(d.search.rerank) + "]")
                   .check(range(size_t{0}, size_t{max_ef})),
               flag("--json", cli.json, "the report as one JSON object")},
              ""},
             general_options(cli.common, quantize_common)},
            "input",
            &cli.operands};
}

} // namespace

void quantize_usage(std::FILE* out) {
    QuantizeCli cli;
    print_usage(out, quantize_spec(cli));
}

int quantize_main(int argc, char** argv) {
    const auto start = std::chrono::steady_clock::now();
    QuantizeCli cli;
    cli.common.output.clear(); // no default: an index is a file
    parse_arguments(quantize_spec(cli), argc, argv);
    const CommonOptions& common = cli.common;
    const std::vector<std::string>& operands = cli.operands;
    if (common.help || argc <= 1) {
        quantize_usage(stdout);
        return 0;
    }
    if (cli.type.empty())
        throw Error(ErrorKind::usage, "give the quantization with -t sq8|pq|binary");
    if (!parse_quant_kind(cli.type, cli.params.kind) || cli.params.kind == QuantKind::none)
        throw Error(ErrorKind::usage, "unknown -t '" + cli.type + "' (sq8, pq or binary)");
    if (cli.params.pq_subspaces && cli.params.kind != QuantKind::pq)
        throw Error(ErrorKind::usage, "-m is for -t pq");
    if (cli.no_centre && cli.params.kind != QuantKind::binary)
        throw Error(ErrorKind::usage, "--no-centre is for -t binary");
    cli.params.binary_centre = !cli.no_centre;
    if (operands.size() != 1)
        throw Error(ErrorKind::usage, "give one index (.rvx) or vector file (.rvec)");
    if (common.output.empty())
        throw Error(ErrorKind::usage, "give the output index with -o out.rvx");
    if (common.output == "-")
        throw Error(ErrorKind::usage, "an index is a file: give -o out.rvx, not standard output");
    const std::string& input = operands[0];
    const int threads = common.threads + 1;
    const Messages messages("quantize", common.verbosity());
    install_cleanup_signal_handlers();

    // An .rvec is indexed first, as ruvec index would with its default graph parameters.
    const bool from_rvec = is_rvec_file(input);
    const uint64_t input_bytes = FileSource(input).size(); // before -o may replace it
    Index index = [&] {
        if (!from_rvec) return Index::load(FileSource(input), input);
        EmbedParams params;
        first_rvec_params({input}, params);
        Index built(params, GraphParams{});
        messages.info("indexing " + input + " (ruvec index defaults)");
        add_inputs_to_index(built, {input}, input, common.threads, messages,
                            memory_limit_option(""));
        built.add_provenance(std::string("ruvec ") + RUVEC_VERSION +
                             "\t(ruvec quantize: index of " + input +
                             " with the defaults of ruvec index)");
        return built;
    }();
    if (!index.has_vectors())
        throw Error(ErrorKind::usage, input + " holds the read search's k-mer index, no vectors "
                                              "to quantize: build it with --content vectors or "
                                              "both");
    if (!index.has_float_vectors())
        throw Error(ErrorKind::usage, input + " holds codes without float vectors (--drop-float): "
                                              "quantize the index it was made from");
    check_quant_params(cli.params, index.embed_params().dims);
    OutputFile output(common.output); // fails now, not after the work, if it cannot be written
    const size_t dims = index.embed_params().dims;
    // Held-out rows: at most half of the live rows, and none when fewer than 2 x 11 are live.
    const uint64_t live = index.live_rows();
    const std::vector<uint32_t> held_out = live >= 2 * (recall_k + 1)
                                               ? pick_rows(index, std::min(cli.held_out, live / 2),
                                                           cli.params.seed ^ 0x68656c646f7574ULL)
                                               : std::vector<uint32_t>();

    messages.info("training " + cli.type + " on " + std::to_string(live - held_out.size()) +
                  " vectors");
    const auto train_start = std::chrono::steady_clock::now();
    index.quantize(cli.params, threads, held_out);
    const double train_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - train_start).count();
    const Quantizer& q = *index.quantizer();

    // Recall@10 of each way of ranking, against exact float search.
    struct Measure {
        std::string what;
        double recall;
    };
    std::vector<Measure> measures;
    if (!held_out.empty()) {
        messages.info("measuring recall@10 on " + std::to_string(held_out.size()) +
                      " held-out vectors");
        std::vector<float> queries(held_out.size() * dims);
        for (size_t i = 0; i < held_out.size(); ++i)
            std::copy_n(index.row_vector(held_out[i]), dims, &queries[i * dims]);
        SearchOptions exact;
        exact.top = recall_k + 1;
        exact.exact = true;
        std::vector<std::vector<SearchHit>> hits;
        index.search_many(queries.data(), held_out.size(), exact, threads, hits);
        const HitLists truth = hits_without_rows(hits, held_out, recall_k);
        // Every live row ranked by its code (no graph): the quantization's own error, alone and
        // with the best `rerank` ranked again by float distance. One more candidate than that
        // makes room for the query's own row, which the ranking by floats then puts first.
        SearchOptions by_codes = exact;
        by_codes.exact_by_codes = true;
        by_codes.rerank = 0;
        index.search_many(queries.data(), held_out.size(), by_codes, threads, hits);
        measures.push_back({"codes alone, every vector ranked",
                            recall(hits_without_rows(hits, held_out, recall_k), truth)});
        const size_t rerank = std::max(cli.search.rerank, recall_k);
        by_codes.rerank = rerank + 1;
        index.search_many(queries.data(), held_out.size(), by_codes, threads, hits);
        measures.push_back({"codes, best " + std::to_string(rerank) + " re-ranked by floats",
                            recall(hits_without_rows(hits, held_out, recall_k), truth)});
        SearchOptions graph = cli.search;
        graph.top = recall_k + 1;
        for (size_t r : {size_t{0}, cli.search.rerank}) {
            graph.rerank = r;
            index.search_many(queries.data(), held_out.size(), graph, threads, hits);
            measures.push_back({"graph by codes, ef " + std::to_string(graph.ef) +
                                    (r ? ", best " + std::to_string(std::max(r, graph.top)) +
                                             " re-ranked by floats"
                                       : ", no re-ranking"),
                                recall(hits_without_rows(hits, held_out, recall_k), truth)});
            if (cli.search.rerank == 0) break;
        }
    }

    if (cli.drop_float) index.drop_float_vectors();
    index.add_provenance(std::string("ruvec ") + RUVEC_VERSION + "\t" +
                         quoted_command_line(argc, argv));
    index.save(output);
    output.commit();
    const uint64_t file_bytes = FileSource(common.output).size();

    const double float_bytes = dims * 4.0;
    const double code_bytes = static_cast<double>(q.code_bytes());
    std::string report;
    if (cli.json) {
        report = printf_string(
            "{\"quantization\":\"%s\",\"codes\":\"%s\",\"dims\":%zu,\"metric\":\"%s\","
            "\"vectors\":%" PRIu64 ",\"trained_on\":%" PRIu64
            ",\"held_out\":%zu,\"float_bytes_per_vector\":%zu,"
            "\"code_bytes_per_vector\":%zu,\"compression\":%.4g,"
            "\"float_vectors_kept\":%s,\"input_file_bytes\":%" PRIu64
            ",\"output_file_bytes\":%" PRIu64 ",\"train_encode_seconds\":%.4g,",
            quant_kind_name(q.kind()), json_escape(describe_codes(q)).c_str(), dims,
            metric_name(index.graph_params().metric), index.rows(),
            q.params().train_rows ? q.params().train_rows : live - held_out.size(), held_out.size(),
            dims * 4, q.code_bytes(), float_bytes / code_bytes, cli.drop_float ? "false" : "true",
            input_bytes, file_bytes, train_seconds);
        report += "\"recall_at_10\":[";
        for (size_t i = 0; i < measures.size(); ++i)
            report += printf_string("%s{\"ranking\":\"%s\",\"recall\":%.4f}", i ? "," : "",
                                    json_escape(measures[i].what).c_str(), measures[i].recall);
        report += "]}\n";
    } else {
        report += printf_string("quantization\t%s: %s\n", quant_kind_name(q.kind()),
                                describe_codes(q).c_str());
        report +=
            printf_string("vectors\t%" PRIu64 " of %zu dimensions (%s); trained on %" PRIu64
                          ", %zu held out to measure recall\n",
                          index.rows(), dims, metric_name(index.graph_params().metric),
                          q.params().train_rows ? q.params().train_rows : live - held_out.size(),
                          held_out.size());
        report += printf_string("bytes per vector\tfloat %.0f, code %.0f: %.2fx smaller%s\n",
                                float_bytes, code_bytes, float_bytes / code_bytes,
                                cli.drop_float ? " (float vectors dropped)"
                                               : " (float vectors kept for re-ranking)");
        if (from_rvec)
            report +=
                printf_string("file\t%" PRIu64 " bytes (indexed from the .rvec)\n", file_bytes);
        else
            report += printf_string(
                "file\t%" PRIu64 " bytes in, %" PRIu64 " bytes out (%.2fx)\n", input_bytes,
                file_bytes, static_cast<double>(input_bytes) / static_cast<double>(file_bytes));
        for (const Measure& m : measures)
            report += printf_string("recall@10\t%.4f\t%s\n", m.recall, m.what.c_str());
        if (held_out.empty())
            report += "recall@10\tnot measured (--eval 0, or fewer than 22 live vectors)\n";
        report += printf_string("time\t%.2f s to train and encode\n", train_seconds);
    }
    std::fputs(report.c_str(), stdout);
    messages.info(describe(resource_usage(start)));
    return 0;
}

} // namespace ruvec::cli
