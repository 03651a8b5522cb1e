#include "embed_options.hpp"

#include "ruvec/error.hpp"

namespace ruvec::cli {

OptionGroup embedding_options(EmbedOptions& options, bool exact_profile) {
    const EmbedParams d;
    EmbedParams& p = options.params;
    EmbedOptions::Given& given = options.given;
    OptionGroup group{"Embedding options:", {}, ""};
    std::vector<Option>& o = group.options;
    // not_negative: CLI11 would otherwise wrap "-5" into a huge unsigned value.
    o.push_back(option("-k", "INT", p.k,
                       "k-mer length, " + std::to_string(min_k) + "-" + std::to_string(max_k) +
                           " [" + std::to_string(d.k) + "]")
                    .alias("--kmer")
                    .check(not_negative())
                    .given(&given.k));
    o.push_back(option("-d,--dims", "INT", p.dims,
                       "vector length, " + std::to_string(min_dims) + "-" +
                           std::to_string(max_dims) + " [" + std::to_string(d.dims) + "]")
                    .check(not_negative())
                    .given(&given.dims));
    o.push_back(flag("--no-canonical", options.no_canonical,
                     "count a k-mer and its reverse complement apart")
                    .given(&given.no_canonical));
    if (exact_profile)
        o.push_back(
            flag("--exact", p.exact,
                 "exact k-mer profile instead of hashing (k <= " + std::to_string(max_exact_k) +
                     "; -k 4 gives the 136-dim\n"
                     "tetranucleotide profile)")
                .given(&given.exact));
    o.push_back(option("--weight", "STR", options.weight,
                       std::string("per k-mer weight: count, log (1+count) or binary [") +
                           weight_name(d.weight) + "]")
                    .given(&given.weight));
    o.push_back(option("-w,--window", "INT", p.window,
                       "one vector per window of INT bases [" +
                           (options.default_window ? std::to_string(options.default_window)
                                                   : std::string("0: one per record")) +
                           "]")
                    .check(not_negative())
                    .given(&given.window));
    o.push_back(option("--step", "INT", p.step,
                       "distance between window starts [" +
                           (options.default_step ? std::to_string(options.default_step) +
                                                       " with the default window; "
                                                 : std::string()) +
                           "the window length]")
                    .check(not_negative())
                    .given(&given.step));
    return group;
}

EmbedParams resolve_embed_options(const EmbedOptions& options) {
    EmbedParams p = options.params;
    if (!options.given.window) { // --step alone steps the default window
        p.window = options.default_window;
        if (!options.given.step) p.step = options.default_step;
    }
    if (!parse_weight(options.weight, p.weight))
        throw Error(ErrorKind::usage,
                    "unknown --weight '" + options.weight + "' (count, log or binary)");
    p.canonical = !options.no_canonical;
    if (p.exact && options.given.dims && p.k >= min_k && p.k <= max_exact_k &&
        p.dims != exact_profile_dims(p.k, p.canonical))
        throw Error(ErrorKind::usage, "--exact with -k " + std::to_string(p.k) + " has " +
                                          std::to_string(exact_profile_dims(p.k, p.canonical)) +
                                          " dims; leave out -d");
    finalize_params(p);
    return p;
}

bool any_embed_option_given(const EmbedOptions& options) {
    const EmbedOptions::Given& g = options.given;
    return g.k || g.dims || g.no_canonical || g.exact || g.weight || g.window || g.step;
}

void check_embed_options_agree(const EmbedOptions& options, const EmbedParams& fixed,
                               const std::string& what) {
    if (!any_embed_option_given(options)) return;
    // The fixed parameters with the typed flags laid over them: any difference is a conflict.
    const EmbedParams typed = options.params;
    const EmbedOptions::Given& given = options.given;
    EmbedParams merged = fixed;
    if (given.k) merged.k = typed.k;
    if (given.exact) merged.exact = typed.exact;
    if (given.dims) merged.dims = typed.dims;
    if (given.no_canonical) merged.canonical = !options.no_canonical;
    if (given.weight && !parse_weight(options.weight, merged.weight))
        throw Error(ErrorKind::usage,
                    "unknown --weight '" + options.weight + "' (count, log or binary)");
    if (given.window) merged.window = typed.window;
    if (given.step) merged.step = typed.step;
    if (given.window && !given.step) merged.step = 0;
    finalize_params(merged);
    const std::string difference = embed_params_difference(fixed, merged);
    if (!difference.empty())
        throw Error(ErrorKind::usage, what + " was made with " + difference +
                                          " given; leave the embedding options out");
}

} // namespace ruvec::cli
