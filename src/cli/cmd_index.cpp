// ruvec index: builds an index (.rvx: the read search's k-mer index, vectors in an HNSW graph,
// or both) from sequences or .rvec files, adds to one, or marks sequences of one deleted. Every
// change rewrites the whole file under a temporary name.
#include "commands.hpp"
#include "common.hpp"
#include "embed_options.hpp"
#include "file_source.hpp"
#include "index_inputs.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "ruvec/error.hpp"
#include "ruvec/index.hpp"
#include "ruvec/version.hpp"
#include "shard_plan.hpp"
#include "vector_inputs.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>

namespace ruvec::cli {

namespace {

constexpr unsigned index_common = opt_threads | opt_output | opt_list | opt_messages;

struct GraphOptions {
    GraphParams params;
    std::string metric = metric_name(GraphParams{}.metric);
    bool M_given = false, ef_construction_given = false, metric_given = false, seed_given = false;
};

GraphParams resolve_graph_options(const GraphOptions& g) {
    GraphParams p = g.params;
    if (!parse_metric(g.metric, p.metric))
        throw Error(ErrorKind::usage, "unknown --metric '" + g.metric + "' (cosine, l2 or ip)");
    check_graph_params(p);
    return p;
}

// With --add the graph parameters are the index's; typed ones must agree.
void check_graph_options_agree(const GraphOptions& g, const GraphParams& fixed,
                               const std::string& what) {
    const GraphParams typed = resolve_graph_options(g);
    auto conflict = [&](const char* flag, const std::string& has, const std::string& given) {
        throw Error(ErrorKind::usage, what + " was built with " + flag + " " + has + ", not " +
                                          given + "; leave " + flag + " out");
    };
    if (g.M_given && typed.M != fixed.M)
        conflict("-M", std::to_string(fixed.M), std::to_string(typed.M));
    if (g.ef_construction_given && typed.ef_construction != fixed.ef_construction)
        conflict("--ef-construction", std::to_string(fixed.ef_construction),
                 std::to_string(typed.ef_construction));
    if (g.metric_given && typed.metric != fixed.metric)
        conflict("--metric", metric_name(fixed.metric), metric_name(typed.metric));
    if (g.seed_given && typed.seed != fixed.seed)
        conflict("--seed", std::to_string(fixed.seed), std::to_string(typed.seed));
}

// Sequence names, one per line (the first word of each; blank lines skipped); '-' is stdin.
std::vector<std::string> read_names(const std::string& path) {
    std::ifstream file;
    if (path != "-") {
        file.open(path);
        if (!file) throw Error(ErrorKind::io, path + ": " + std::strerror(errno));
    }
    std::istream& in = path == "-" ? std::cin : file;
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        const size_t begin = line.find_first_not_of(" \t\r");
        if (begin == std::string::npos) continue;
        names.push_back(line.substr(begin, line.find_first_of(" \t\r", begin) - begin));
    }
    if (in.bad()) throw Error(ErrorKind::io, path + ": read error");
    return names;
}

// What an index holds (--content).
struct IndexContent {
    bool kmers = false;   // the read search: sequences and their k-mer index
    bool vectors = false; // vectors in an HNSW graph
    bool operator!=(const IndexContent& other) const {
        return kmers != other.kmers || vectors != other.vectors;
    }
};

IndexContent parse_content(const std::string& name) {
    if (name == "kmers") return {true, false};
    if (name == "vectors") return {false, true};
    if (name == "both") return {true, true};
    throw Error(ErrorKind::usage, "unknown --content '" + name + "' (kmers, vectors or both)");
}

std::string content_name(const IndexContent& content) {
    return content.kmers ? (content.vectors ? "both k-mers and vectors" : "k-mers") : "vectors";
}

std::string provenance_line(int argc, char** argv) {
    return std::string("ruvec ") + RUVEC_VERSION + "\t" + quoted_command_line(argc, argv);
}

struct IndexCli {
    CommonOptions common;
    EmbedOptions embed{default_index_window, default_index_step};
    GraphOptions graph;
    std::string add_path, remove_path, shard_spec, max_memory; // --add, --remove, ...
    std::string content;                                       // --content
    std::vector<std::string> operands;
};

CommandSpec index_spec(IndexCli& cli) {
    const GraphParams d;
    GraphOptions& g = cli.graph;
    return {
        "index",
        {"[options] -o db.rvx <in.fa|in.fq|in.rvec|-> [...]",
         "--add db.rvx [options] <in.fa|in.fq|in.rvec|-> [...]", "--remove db.rvx <NAMES.txt|->"},
        "Builds an index of the windows of each record (records no longer than a window\n"
        "are one; -w 0: one per record). By default (--content kmers) it keeps each\n"
        "sequence, 2 bits a base, with a k-mer index of its sampled k-mers, which ruvec\n"
        "search finds reads and fragments by (the read search); --content vectors embeds\n"
        "each window into a vector linked in an HNSW graph (.rvec inputs, from ruvec embed,\n"
        "are used as stored and fix the embedding options). Sequence names must be unique.\n"
        "The index does not depend on -@.\n",
        {{"Index options:",
          {option("-M", "INT", g.params.M,
                  "links per node, 2 M on the bottom level, " + std::to_string(min_M) + "-" +
                      std::to_string(max_M) + " [" + std::to_string(d.M) + "]")
               .check(not_negative())
               .given(&g.M_given),
           option("--ef-construction", "INT", g.params.ef_construction,
                  "\ncandidates considered when linking a vector [" +
                      std::to_string(d.ef_construction) + "]")
               .check(not_negative())
               .given(&g.ef_construction_given),
           option("--metric", "STR", g.metric,
                  std::string("cosine, l2 or ip (inner product) [") + metric_name(d.metric) + "]")
               .given(&g.metric_given),
           option("--seed", "INT", g.params.seed,
                  "seed of the random node levels [" + std::to_string(d.seed) + "]")
               .check(not_negative())
               .given(&g.seed_given),
           option("--add", "FILE", cli.add_path,
                  "add the inputs to index FILE (names must be new); rewrites\n"
                  "FILE, or writes -o"),
           option("--remove", "FILE", cli.remove_path,
                  "mark every vector of the sequences named in the operand file\n"
                  "(one per line) deleted; rewrites FILE, or writes -o"),
           option("--shard", "I/N", cli.shard_spec,
                  "index only shard I of N: a contiguous block of the input records\n"
                  "holding about 1/N of the vectors, the same block whatever the\n"
                  "machine or -@ (the inputs are read twice, so not '-'); search\n"
                  "each shard and join the results with ruvec merge"),
           option("--content", "STR", cli.content,
                  "what the index holds: kmers (each sequence, 2 bits a base,\n"
                  "and a k-mer index of its open syncmers, about 1 k-mer in 11:\n"
                  "ruvec search finds reads and fragments by the k-mers they share,\n"
                  "FASTA/FASTQ inputs only), vectors (a vector per window linked in\n"
                  "an HNSW graph: quantize, .rvec queries) or both; --add keeps\n"
                  "the index's [kmers; vectors for .rvec inputs]"),
           option("--max-memory", "SIZE", cli.max_memory,
                  "stop with a message, before the index outgrows SIZE of\n"
                  "memory (K, M, G, T: powers of 1024) [the machine's memory, or\n"
                  "its container's limit]")},
          ""},
         embedding_options(cli.embed),
         general_options(cli.common, index_common)},
        "inputs",
        &cli.operands};
}

} // namespace

void index_usage(std::FILE* out) {
    IndexCli cli;
    print_usage(out, index_spec(cli));
}

int index_main(int argc, char** argv) {
    const auto start = std::chrono::steady_clock::now();
    IndexCli cli;
    cli.common.output.clear(); // no default: an index is a file
    parse_arguments(index_spec(cli), argc, argv);
    const CommonOptions& common = cli.common;
    const EmbedOptions& embed_options = cli.embed;
    const GraphOptions& graph_options = cli.graph;
    const std::string& add_path = cli.add_path;
    const std::string& remove_path = cli.remove_path;
    const std::string& shard_spec = cli.shard_spec;
    const std::vector<std::string>& operands = cli.operands;
    if (common.help || argc <= 1) {
        index_usage(stdout);
        return 0;
    }
    if (!add_path.empty() && !remove_path.empty())
        throw Error(ErrorKind::usage, "--add and --remove are separate runs");
    ShardInfo shard;
    if (!shard_spec.empty()) {
        if (!add_path.empty() || !remove_path.empty())
            throw Error(ErrorKind::usage, "--shard builds a new index; not with --add or --remove");
        parse_shard_spec(shard_spec, shard.shard, shard.count);
    }
    const std::string& existing = !add_path.empty() ? add_path : remove_path;
    const std::string output_path = !common.output.empty() ? common.output : existing;
    if (output_path.empty()) throw Error(ErrorKind::usage, "give the index file with -o db.rvx");
    if (output_path == "-")
        throw Error(ErrorKind::usage, "an index is a file: give -o db.rvx, not standard output");
    const Messages messages("index", common.verbosity());
    install_cleanup_signal_handlers();

    if (!remove_path.empty()) {
        if (operands.size() != 1 || !common.list_files.empty())
            throw Error(ErrorKind::usage, "--remove takes one file of names (or '-')");
        if (any_embed_option_given(embed_options))
            throw Error(ErrorKind::usage, "--remove takes no embedding options");
        const std::vector<std::string> names = read_names(operands[0]);
        Index index = Index::load(FileSource(remove_path), remove_path);
        check_graph_options_agree(graph_options, index.graph_params(), remove_path);
        std::vector<std::string> missing;
        const std::vector<uint64_t> removed = index.remove(names, &missing);
        if (!missing.empty())
            throw Error(ErrorKind::input, operands[0] + ": " + std::to_string(missing.size()) +
                                              " name(s) not in " + remove_path + ", first '" +
                                              missing[0] + "'; nothing changed");
        uint64_t total = 0;
        for (size_t i = 0; i < names.size(); ++i) {
            if (removed[i] == 0) messages.warning("'" + names[i] + "' was already removed");
            total += removed[i];
        }
        OutputFile output(output_path);
        index.add_provenance(provenance_line(argc, argv));
        index.save(output);
        output.commit();
        messages.info(std::to_string(names.size()) + " names, " + std::to_string(total) +
                      " vectors marked deleted; " + std::to_string(index.live_rows()) +
                      " remain; " + describe(resource_usage(start)));
        return 0;
    }

    const MemoryLimit memory_limit = memory_limit_option(cli.max_memory);
    const std::vector<std::string> inputs = gather_inputs(operands, common.list_files);
    if (inputs.empty())
        throw Error(ErrorKind::usage, "no input: give FILE or '-' for standard input");
    // The default: the read search for sequences, vectors for .rvec inputs (which hold no
    // bases). It is decided before the inputs are read, from the first one.
    // The first .rvec input's parameters, read once: they also fix a new index's embedding.
    EmbedParams rvec_params;
    const bool rvec_inputs = first_rvec_params(inputs, rvec_params);
    const IndexContent content =
        parse_content(!cli.content.empty() ? cli.content : rvec_inputs ? "vectors" : "kmers");

    // The index (new or loaded) fixes the parameters every input is embedded or checked with.
    Index index = [&] {
        if (!add_path.empty()) {
            Index loaded = Index::load(FileSource(add_path), add_path);
            check_embed_options_agree(embed_options, loaded.embed_params(), add_path);
            check_graph_options_agree(graph_options, loaded.graph_params(), add_path);
            const IndexContent held{loaded.sequence_search() != nullptr, loaded.has_vectors()};
            if (!cli.content.empty() && content != held)
                throw Error(ErrorKind::usage, add_path + " holds " + content_name(held) +
                                                  ", not " + cli.content +
                                                  ": leave --content out");
            return loaded;
        }
        EmbedParams params = rvec_params;
        if (rvec_inputs)
            check_embed_options_agree(embed_options, params, "the .rvec input");
        else
            params = resolve_embed_options(embed_options);
        Index created(params, resolve_graph_options(graph_options));
        if (content.kmers) created.keep_sequences(default_sampler(params.k), content.vectors);
        return created;
    }();
    const EmbedParams params = index.embed_params();
    const uint64_t rows_before = index.rows();
    OutputFile output(output_path); // fails now, not after the work, if it cannot be written

    if (shard.shard != 0) {
        shard = plan_shard(inputs, params, shard.shard, shard.count, common.threads);
        index.set_shard(shard);
        messages.info("shard " + shard_spec + ": records " +
                      std::to_string(shard.first_record + 1) + "-" +
                      std::to_string(shard.first_record + shard.records) + " of " +
                      std::to_string(shard.total_records));
    }
    const InputRowStats stats = add_inputs_to_index(
        index, inputs, add_path.empty() ? "the index" : add_path, common.threads, messages,
        memory_limit, shard.shard ? record_range(shard) : RecordRange{});
    if (index.rows() == rows_before)
        throw Error(ErrorKind::input, std::string("no vectors to index: the ") +
                                          (shard.shard ? "shard's records hold" : "inputs hold") +
                                          " no record with a valid " + std::to_string(params.k) +
                                          "-mer");
    index.add_provenance(provenance_line(argc, argv));
    index.save(output);
    output.commit();

    const ResourceUsage usage = resource_usage(start);
    const uint64_t added = index.rows() - rows_before;
    char rate[64];
    const char* what = index.has_vectors() ? "vectors" : "windows";
    std::snprintf(rate, sizeof rate, "%.0f %s/s", static_cast<double>(added) / usage.wall_seconds,
                  what);
    messages.info(std::to_string(added) + " " + what + " added (" +
                  std::to_string(stats.embedded.records) +
                  (index.has_vectors() ? " records embedded, " + std::to_string(stats.rvec_rows) +
                                             " vectors read), "
                                       : " records of " + std::to_string(stats.embedded.bases) +
                                             " bases), ") +
                  std::to_string(index.rows()) + " in the index; " + rate + "; " + describe(usage));
    return 0;
}

} // namespace ruvec::cli
