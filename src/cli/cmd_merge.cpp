// ruvec merge: the searches of several shards (ruvec index --shard) merged into the top n hits
// per query that one search over one index of all the shards prints.
#include "commands.hpp"
#include "common.hpp"
#include "hts_source.hpp"
#include "output.hpp"
#include "ruvec/error.hpp"
#include "ruvec/hits.hpp"
#include "ruvec/merge.hpp"

#include <cmath>
#include <memory>

namespace ruvec::cli {

namespace {

constexpr unsigned merge_common = opt_output | opt_list | opt_messages;

std::string query_label(const HitLine& hit) {
    std::string range = hit.query_range;
    range[range.find('\t')] = '-';
    return "'" + hit.query + "' " + range;
}

struct MergeCli {
    CommonOptions common;
    MergeOptions options;
    bool top_given = false;   // -n: otherwise what the inputs hold
    bool no_header = false;   // --no-header
    bool allow_empty = false; // --allow-empty
    std::vector<std::string> operands;
};

CommandSpec merge_spec(MergeCli& cli) {
    MergeOptions& o = cli.options;
    return {"merge",
            {"[options] <hits1.tsv> <hits2.tsv> [...]"},
            "Merges the TSV of ruvec search run on each shard of an index (ruvec index --shard)\n"
            "with the same queries into the top hits per query, ranked as one search over one\n"
            "index of all the shards ranks them: by distance (the read search's hits, with\n"
            "their 11th and 12th columns: by shared_kmers, then copies), ties to the earlier\n"
            "input (give the shards in order), then to the earlier rank. Ranks are\n"
            "renumbered; other columns are kept. Inputs may be gzipped; '-' is standard input.\n"
            "For the same bytes as one search, search the shards with --full-precision (6\n"
            "decimals can make unequal distances equal), the same -n (or more), with\n"
            "--min-sim none and --unmatched (every query must be in every non-empty input:\n"
            "give --min-sim here), and with --exact (the graph is approximate, shard by shard).\n"
            "The read search's candidate filters work shard by shard (man ruvec-merge).\n",
            {{"Merge options:",
              {option("-n,--top", "INT", o.top,
                      "hits per query [the most any input has for its first query\n"
                      "with hits; the read search's: required]")
                   .check(not_negative())
                   .given(&cli.top_given),
               option("--min-sim", "FLOAT", o.min_similarity,
                      "report only hits with at least this similarity (the read\n"
                      "search's: identity, as search applies it)"),
               flag("--per-target", o.per_target,
                    "the best hit per target name (as search --per-target)"),
               flag("--full-precision", o.full_precision,
                    "\nsimilarity and distance (and the read search's identity) as\n"
                    "the inputs give them, for merging merged files again [6 decimals,\n"
                    "the identity 4, as ruvec search]"),
               flag("--unmatched", o.unmatched,
                    "a line for each query left without hits, as search --unmatched\n"
                    "prints it (the inputs' own such lines are read, never copied)"),
               flag("--no-header", cli.no_header, "leave out the TSV header line"),
               flag("--allow-empty", cli.allow_empty,
                    "accept inputs without any hit (shards whose vectors were all\n"
                    "removed); otherwise an error, as from a failed search")},
              ""},
             general_options(cli.common, merge_common)},
            "inputs",
            &cli.operands};
}

} // namespace

void merge_usage(std::FILE* out) {
    MergeCli cli;
    print_usage(out, merge_spec(cli));
}

int merge_main(int argc, char** argv) {
    MergeCli cli;
    cli.options.top = 0; // 0: the most hits any input has for its first query
    parse_arguments(merge_spec(cli), argc, argv);
    const CommonOptions& common = cli.common;
    MergeOptions& options = cli.options;
    if (common.help || argc <= 1) {
        merge_usage(stdout);
        return 0;
    }
    const std::vector<std::string> inputs = gather_inputs(cli.operands, common.list_files);
    if (inputs.empty()) throw Error(ErrorKind::usage, "give the search outputs to merge");
    if (cli.top_given && options.top == 0)
        throw Error(ErrorKind::usage, "--top must be at least 1");
    if (std::isnan(options.min_similarity))
        throw Error(ErrorKind::usage, "--min-sim must be a number");
    size_t stdin_inputs = 0;
    for (const std::string& input : inputs) stdin_inputs += input == "-";
    if (stdin_inputs > 1) throw Error(ErrorKind::usage, "standard input ('-') can be read once");
    const Messages messages("merge", common.verbosity());
    install_cleanup_signal_handlers();

    std::vector<std::unique_ptr<HtsSource>> sources;
    std::vector<HitsTsvReader> readers;
    readers.reserve(inputs.size());
    for (const std::string& input : inputs) {
        sources.push_back(std::make_unique<HtsSource>(input));
        readers.emplace_back(*sources.back(), input);
    }
    OutputFile output(common.output);
    // The header of the inputs' search (the read search's has 12 columns), once the first
    // query says which; with no query at all, the vector search's.
    bool header_written = cli.no_header;

    // Lock-step: each input holds the same queries in the same order. An input without any hit
    // (a shard whose vectors were all removed, with --allow-empty) sits out.
    std::vector<QueryHits> current(inputs.size());
    std::vector<char> active(inputs.size(), 1);
    std::vector<const QueryHits*> gathered;
    std::vector<uint64_t> queries_read(inputs.size(), 0);
    // Hits of each input's first and last query: a file cut at a line boundary inside its last
    // query looks like a query with fewer hits, which a search of every query with -n rarely is.
    std::vector<size_t> first_hits(inputs.size(), 0), last_hits(inputs.size(), 0);
    size_t most_hits = 0;
    bool top_unset = options.top == 0; // -n not given: the first query with hits sets it
    bool read_search_inputs = false;   // hits of the read search (12 columns)
    uint64_t queries = 0, hits_written = 0;
    std::string text;
    for (;;) {
        gathered.clear();
        size_t leader = inputs.size(); // the first input that had this query
        size_t ended = inputs.size();  // an input that ended before the others
        for (size_t i = 0; i < inputs.size(); ++i) {
            if (!active[i]) continue;
            if (!readers[i].next(current[i])) {
                active[i] = 0;
                if (queries_read[i] != 0 || !cli.allow_empty) ended = i;
                continue;
            }
            ++queries_read[i];
            // An unmatched line (rank 0) is not a hit, and cannot be cut short.
            const size_t hits = current[i].hits[0].rank == 0 ? 0 : current[i].hits.size();
            if (first_hits[i] == 0) first_hits[i] = hits;
            last_hits[i] = hits > 0 ? hits : SIZE_MAX;
            if (leader == inputs.size()) {
                leader = i;
            } else {
                const HitLine& a = current[leader].hits[0];
                const HitLine& b = current[i].hits[0];
                if (a.query != b.query || a.query_range != b.query_range)
                    throw Error(ErrorKind::input,
                                inputs[i] + ":" + std::to_string(current[i].first_line) +
                                    ": query " + query_label(b) + " where " + inputs[leader] + ":" +
                                    std::to_string(current[leader].first_line) + " has " +
                                    query_label(a) +
                                    ": the inputs must be searches of the same queries, each "
                                    "in every one (search with --min-sim none --unmatched to "
                                    "merge)");
                if ((a.shared_kmers >= 0) != (b.shared_kmers >= 0))
                    throw Error(ErrorKind::input,
                                inputs[i] + ":" + std::to_string(current[i].first_line) +
                                    ": hits of the " +
                                    (b.shared_kmers >= 0 ? "read search (12 columns)"
                                                         : "vector search (10 columns)") +
                                    " where " + inputs[leader] + " has those of the " +
                                    (a.shared_kmers >= 0 ? "read search" : "vector search") +
                                    ": search every shard alike");
            }
            gathered.push_back(&current[i]);
            most_hits = std::max(most_hits, hits);
        }
        if (ended != inputs.size() && leader != inputs.size()) {
            if (queries_read[ended] == 0)
                throw Error(ErrorKind::input,
                            inputs[ended] + ": no hits, where " + inputs[leader] + ":" +
                                std::to_string(current[leader].first_line) + " has query " +
                                query_label(current[leader].hits[0]) +
                                " (a failed search? --allow-empty for a shard with no vectors)");
            throw Error(ErrorKind::input,
                        inputs[ended] + ": ends after " + std::to_string(queries_read[ended]) +
                            " queries, where " + inputs[leader] + ":" +
                            std::to_string(current[leader].first_line) + " goes on with query " +
                            query_label(current[leader].hits[0]) + " (truncated?)");
        }
        if (leader == inputs.size()) break;
        if (top_unset && most_hits > 0) { // what the shards were searched with
            options.top = most_hits;
            top_unset = false;
        }
        if (top_unset && current[leader].hits[0].shared_kmers >= 0)
            throw Error(ErrorKind::usage,
                        "give -n, the -n the shards were searched with: the read search's queries "
                        "have the hits they find, so their count does not say it");
        read_search_inputs = current[leader].hits[0].shared_kmers >= 0;
        if (!header_written) {
            output.write(read_search_inputs ? hits_tsv_read_search_header : hits_tsv_header);
            header_written = true;
        }
        text.clear();
        hits_written += merge_query_hits(gathered, options, text);
        output.write(text);
        ++queries;
    }
    if (!header_written) output.write(hits_tsv_header);
    output.commit();
    for (size_t i = 0; i < inputs.size(); ++i)
        if (queries_read[i] > 1 && last_hits[i] < first_hits[i] && last_hits[i] != SIZE_MAX)
            messages.warning(inputs[i] + ": its last query has " + std::to_string(last_hits[i]) +
                             " hits, its first " + std::to_string(first_hits[i]) +
                             ": truncated at the end of a line?");
    // (The read search's queries have the hits they find: fewer than -n says nothing there.)
    if (cli.top_given && options.top > most_hits && queries > 0 && !read_search_inputs)
        messages.warning("-n " + std::to_string(options.top) + " but the inputs hold at most " +
                         std::to_string(most_hits) +
                         " hits per query: hits the shards did not report are missing");
    messages.info(std::to_string(inputs.size()) + " inputs, " + std::to_string(queries) +
                  " queries, " + std::to_string(hits_written) + " hits");
    return 0;
}

} // namespace ruvec::cli
