// ruvec search: nearest neighbours of query sequences (or .rvec vectors) in an index, streamed
// as TSV (or JSON Lines) in query order.
#include "commands.hpp"
#include "common.hpp"
#include "embed_options.hpp"
#include "file_source.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "ruvec/error.hpp"
#include "ruvec/hits.hpp"
#include "ruvec/index.hpp"
#include "ruvec/search_policy.hpp"
#include "ruvec/sequence_search.hpp"
#include "vector_inputs.hpp"

#include <chrono>
#include <cstdio>
#include <exception>

namespace ruvec::cli {

namespace {

constexpr unsigned search_common = opt_threads | opt_output | opt_list | opt_messages;
// Queries searched together: enough to keep every thread busy, few enough to stream.
constexpr size_t queries_per_round = 4096;

struct SearchCli {
    CommonOptions common;
    EmbedOptions embed;
    SearchOptions options;
    std::string format = "tsv";          // --format
    bool no_header = false;              // --no-header
    bool full_precision = false;         // --full-precision
    bool unmatched = false;              // --unmatched
    std::string min_similarity = "auto"; // --min-sim: a number, auto or none
    bool ef_given = false, rerank_given = false, hamming_given = false;
    std::vector<std::string> operands;
};

CommandSpec search_spec(SearchCli& cli) {
    const SearchOptions d;
    SearchOptions& o = cli.options;
    OptionGroup embedding = embedding_options(cli.embed, /*exact_profile=*/false);
    embedding.note =
        std::string(usage_help_column, ' ') + "(the index fixes them all: given ones must agree)\n";
    return {
        "search",
        {"[options] <db.rvx> <query.fa|query.fq|query.rvec|-> [...]"},
        "Nearest neighbours of every query record (or window) in an index. An index with\n"
        "k-mers (index --content kmers or both) takes each query record whole, however long,\n"
        "and ranks the windows of the regions it matches by the exact k-mers they share (the\n"
        "read search); otherwise each window of a query is embedded with the index's\n"
        "parameters and searched by vector. Embedding options, if given, must agree.\n"
        "One line per hit, in query order, nearest first; coordinates are 1-based, inclusive.\n"
        "Columns: query query_start query_end target target_start target_end rank\n"
        "         similarity distance identity (the read search: and shared_kmers copies)\n"
        "identity: the read search's from the k-mers the query shares with the region it\n"
        "matches; the vector search's estimated from the similarity and k, 0 when the\n"
        "similarity is within hashing noise (see man ruvec-search).\n",
        {{"Search options:",
          {option("-n,--top", "INT", o.top, "neighbours per query [" + std::to_string(d.top) + "]")
               .check(not_negative()),
           option("--ef", "INT", o.ef,
                  "HNSW candidate list size; larger is slower and finds more of the\n"
                  "true neighbours [" +
                      std::to_string(d.ef) +
                      ": recall@10 >= 0.95 measured on real genomes;\n"
                      "without --ef, brute force when ef x 2M >= vectors]")
               .check(not_negative())
               .given(&cli.ef_given),
           option("--min-sim", "FLOAT", cli.min_similarity,
                  "report only hits with at least this similarity; auto: above\n"
                  "hashing noise, 5/sqrt(dims) for cosine k-mer indexes of 26 or\n"
                  "more dims (0.110 at 2048), else none; none: every hit. The read\n"
                  "search (an index with k-mers, index --content) compares it with\n"
                  "the identity column instead, from exact shared k-mers, and auto\n"
                  "is none there [auto]"),
           option("--rerank", "INT", o.rerank,
                  "quantized index (ruvec quantize): the best INT candidates found\n"
                  "by codes are ranked again by float distance; 0: report code\n"
                  "distances [" +
                      std::to_string(d.rerank) + "]")
               .check(not_negative())
               .given(&cli.rerank_given),
           flag("--hamming", o.binary_hamming,
                "binary codes: binarise the query too and compare bits by Hamming\n"
                "distance (popcount): faster, coarser than the query in floats")
               .given(&cli.hamming_given),
           flag("--exact", o.exact,
                "brute force over every vector instead of the graph (over the\n"
                "codes when the index has no float vectors)"),
           flag("--per-target", o.per_target,
                "the best window per target sequence (which genome, not which\n"
                "windows of it)"),
           option("--format", "STR", cli.format, "tsv or jsonl (one JSON object per hit) [tsv]"),
           flag("--no-header", cli.no_header, "leave out the TSV header line"),
           flag("--unmatched", cli.unmatched,
                "a line for each query without a hit: target '*', rank 0 (as\n"
                "minimap2 --paf-no-hit), so ruvec merge can join shards that found\n"
                "different queries"),
           flag("--full-precision", cli.full_precision,
                "\nsimilarity and distance with 9 significant digits (the float\n"
                "exactly): for ruvec merge of the searches of shards")},
          ""},
         embedding,
         general_options(cli.common, search_common)},
        "inputs",
        &cli.operands};
}

} // namespace

void search_usage(std::FILE* out) {
    SearchCli cli;
    print_usage(out, search_spec(cli));
}

int search_main(int argc, char** argv) {
    const auto start = std::chrono::steady_clock::now();
    SearchCli cli;
    parse_arguments(search_spec(cli), argc, argv);
    const CommonOptions& common = cli.common;
    std::vector<std::string>& operands = cli.operands;
    if (common.help || argc <= 1) {
        search_usage(stdout);
        return 0;
    }
    if (operands.empty()) throw Error(ErrorKind::usage, "give an index file and queries");
    const std::string db_path = operands[0];
    operands.erase(operands.begin());
    const std::vector<std::string> inputs = gather_inputs(operands, common.list_files);
    if (inputs.empty())
        throw Error(ErrorKind::usage, "no queries: give FILE or '-' for standard input");
    if (cli.format != "tsv" && cli.format != "jsonl")
        throw Error(ErrorKind::usage, "unknown --format '" + cli.format + "' (tsv or jsonl)");
    if (cli.options.top == 0) throw Error(ErrorKind::usage, "--top must be at least 1");
    if (cli.options.ef == 0 || cli.options.ef > max_ef)
        throw Error(ErrorKind::usage, "--ef must be 1.." + std::to_string(max_ef));
    if (cli.options.rerank > max_ef)
        throw Error(ErrorKind::usage, "--rerank must be 0.." + std::to_string(max_ef));
    MinSimilarity min_similarity;
    if (!parse_min_similarity(cli.min_similarity, min_similarity))
        throw Error(ErrorKind::usage,
                    "--min-sim must be a number, auto or none, not '" + cli.min_similarity + "'");
    const Messages messages("search", common.verbosity());
    install_cleanup_signal_handlers();

    const Index index = Index::load(FileSource(db_path), db_path);
    const EmbedParams params = index.embed_params();
    check_embed_options_agree(cli.embed, params, db_path);
    // An index with a k-mer index is searched by the queries' bases (the read search), but for
    // .rvec queries, which hold none.
    bool by_bases = index.sequence_search() != nullptr;
    for (const std::string& input : inputs) by_bases = by_bases && !is_rvec_file(input);
    if (by_bases) {
        const SamplerParams& s = index.sequence_search()->sampler();
        messages.info(std::string("read search: candidates from the k-mer index (") +
                      sampler_kind_name(s.kind) + ", k " + std::to_string(s.k) +
                      "), ranked by the exact k-mers they share with each query");
    } else if (!index.has_vectors()) {
        throw Error(ErrorKind::usage, db_path + " holds the read search's k-mer index, no "
                                                "vectors: give the queries as sequences "
                                                "(FASTA/FASTQ), not .rvec");
    } else if (index.sequence_search()) {
        messages.info("vector search: .rvec queries hold no bases for the k-mer index");
    }
    // The vector search's knobs do nothing on the read search: say so rather than ignore them.
    if (by_bases)
        for (const auto& [given, flag] : {std::pair{cli.ef_given, "--ef"},
                                          std::pair{cli.options.exact, "--exact"},
                                          std::pair{cli.rerank_given, "--rerank"},
                                          std::pair{cli.hamming_given, "--hamming"}})
            if (given)
                messages.warning(std::string(flag) +
                                 " has no effect: the read search ranks its candidates by exact "
                                 "shared k-mers");

    bool chose_brute_force = false;
    cli.options = plan_search(index, cli.options, min_similarity, cli.ef_given, &chose_brute_force,
                              by_bases);
    if (index.live_rows() == 0) messages.warning(db_path + ": every vector is deleted");
    if (index.quantizer() && !index.has_float_vectors())
        messages.warning(db_path +
                         " has no float vectors: similarity, distance and identity "
                         "are estimated from its " +
                         quant_kind_name(index.quantizer()->kind()) + " codes");
    if (!by_bases && cli.hamming_given && !(index.quantizer() && index.quantizer()->kind() == QuantKind::binary))
        messages.warning("--hamming has no effect: " + db_path + " has no binary codes");
    if (!by_bases && cli.rerank_given && !(index.quantizer() && index.has_float_vectors()))
        messages.warning(
            "--rerank has no effect: " + db_path +
            (index.quantizer() ? " has no float vectors to re-rank with" : " is not quantized"));
    if (chose_brute_force && !by_bases)
        messages.info("brute force: the graph search at ef " + std::to_string(cli.options.ef) +
                      " would compare each query with about as many of the " +
                      std::to_string(index.live_rows()) + " vectors");

    OutputFile output(common.output);
    const bool tsv = cli.format == "tsv";
    if (tsv && !cli.no_header)
        output.write(by_bases ? hits_tsv_read_search_header : hits_tsv_header);
    const HitsFormat format = tsv ? HitsFormat::tsv : HitsFormat::jsonl;

    std::vector<VecRow> queries;
    std::vector<float> vectors;
    std::vector<std::string> query_bases; // by_bases: each query's bases
    bool record_has_row = false;          // by_bases: the record being read has a valid k-mer
    std::vector<std::vector<SearchHit>> results;
    uint64_t searched = 0, hits_written = 0;
    const int threads = common.threads + 1;
    std::string text;
    auto search_by_bases = [&] {
        index.search_bases_many(query_bases, cli.options, threads, results);
        query_bases.clear();
    };
    auto search_round = [&] {
        const size_t n = queries.size();
        if (n == 0) return;
        if (by_bases)
            search_by_bases();
        else
            index.search_many(vectors.data(), n, cli.options, threads, results);
        text.clear();
        for (size_t i = 0; i < n; ++i) {
            append_hits(text, queries[i], results[i], index, format, cli.full_precision);
            if (cli.unmatched && results[i].empty())
                append_unmatched(text, queries[i], format, by_bases);
            hits_written += results[i].size();
        }
        output.write(text);
        output.flush(); // hits reach a pipe as each round ends
        searched += n;
        queries.clear();
        vectors.clear();
    };

    // The read search takes each query whole, however long (Index::search_bases): one row per
    // record, not embedded here (search_bases embeds what it reports).
    EmbedParams query_params = params;
    if (by_bases) query_params.window = query_params.step = 0;
    const InputRowStats stats = read_input_rows(
        inputs, query_params, db_path, common.threads, messages, /*show_progress=*/true,
        [&](const VecRow& row, const float* vector) {
            if (by_bases) {
                record_has_row = true;
                return;
            }
            queries.push_back(row);
            vectors.insert(vectors.end(), vector, vector + params.dims);
            if (queries.size() == queries_per_round) search_round();
        },
        search_round, {},
        by_bases ? RecordDone([&](const SeqRecord& record) {
            if (!record_has_row) return; // no valid k-mer: warned about, not searched
            record_has_row = false;
            queries.push_back({record.name, 0, record.seq.size()});
            query_bases.push_back(record.seq);
            if (queries.size() == queries_per_round) search_round();
        })
                 : RecordDone(),
        /*embed_vectors=*/!by_bases);
    search_round();
    output.commit();

    const ResourceUsage usage = resource_usage(start);
    messages.info(std::to_string(searched) + " queries (" + std::to_string(stats.embedded.records) +
                  " records), " + std::to_string(hits_written) + " hits; " + describe(usage));
    return 0;
}

} // namespace ruvec::cli
