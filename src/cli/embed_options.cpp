#include "embed_options.hpp"

#include "common.hpp"

#include "ruvec/error.hpp"

#include <CLI/CLI.hpp>

namespace ruvec::cli {

void add_embed_options(CLI::App& app, EmbedOptions& options, bool exact_profile) {
    EmbedParams& p = options.params;
    // not_negative: CLI11 would otherwise wrap "-5" into a huge unsigned value.
    options.given.push_back(app.add_option("-k,--kmer", p.k)->check(not_negative()));
    options.dims_option = app.add_option("-d,--dims", p.dims)->check(not_negative());
    options.given.push_back(options.dims_option);
    options.given.push_back(app.add_flag("--no-canonical", options.no_canonical));
    if (exact_profile) options.given.push_back(app.add_flag("--exact", p.exact));
    options.given.push_back(app.add_option("--weight", options.weight));
    options.window_option = app.add_option("-w,--window", p.window)->check(not_negative());
    options.given.push_back(options.window_option);
    options.step_option = app.add_option("--step", p.step)->check(not_negative());
    options.given.push_back(options.step_option);
}

std::string embed_options_usage(bool exact_profile, uint64_t default_window,
                                uint64_t default_step) {
    const EmbedParams d;
    const std::string exact_line =
        exact_profile ? "      --exact        exact k-mer profile instead of hashing (k <= " +
                            std::to_string(max_exact_k) +
                            "; -k 4 gives the 136-dim\n"
                            "                     tetranucleotide profile)\n"
                      : std::string();
    return "Embedding options:\n"
           "  -k INT             k-mer length, " +
           std::to_string(min_k) + "-" + std::to_string(max_k) + " [" + std::to_string(d.k) +
           "]\n"
           "  -d, --dims INT     vector length, " +
           std::to_string(min_dims) + "-" + std::to_string(max_dims) + " [" +
           std::to_string(d.dims) +
           "]\n"
           "      --no-canonical count a k-mer and its reverse complement apart\n" +
           exact_line + "      --weight STR   per k-mer weight: count, log (1+count) or binary [" +
           weight_name(d.weight) +
           "]\n"
           "  -w, --window INT   one vector per window of INT bases [" +
           (default_window ? std::to_string(default_window) : std::string("0: one per record")) +
           "]\n"
           "      --step INT     distance between window starts [" +
           (default_step ? std::to_string(default_step) + " with the default window; " : "") +
           "the window length]\n";
}

EmbedParams resolve_embed_options(EmbedOptions& options) {
    EmbedParams p = options.params;
    if (options.window_option->count() == 0) { // --step alone steps the default window
        p.window = options.default_window;
        if (options.step_option->count() == 0) p.step = options.default_step;
    }
    if (!parse_weight(options.weight, p.weight))
        throw Error(ErrorKind::usage,
                    "unknown --weight '" + options.weight + "' (count, log or binary)");
    p.canonical = !options.no_canonical;
    if (p.exact && options.dims_option != nullptr && options.dims_option->count() > 0 &&
        p.k >= min_k && p.k <= max_exact_k && p.dims != exact_profile_dims(p.k, p.canonical))
        throw Error(ErrorKind::usage, "--exact with -k " + std::to_string(p.k) + " has " +
                                          std::to_string(exact_profile_dims(p.k, p.canonical)) +
                                          " dims; leave out -d");
    finalize_params(p);
    return p;
}

bool any_embed_option_given(const EmbedOptions& options) {
    for (const CLI::Option* option : options.given)
        if (option->count() > 0) return true;
    return false;
}

void check_embed_options_agree(EmbedOptions& options, const EmbedParams& fixed,
                               const std::string& what) {
    if (!any_embed_option_given(options)) return;
    // The fixed parameters with the typed flags laid over them: any difference is a conflict.
    const EmbedParams typed = options.params;
    EmbedParams merged = fixed;
    auto given = [&](const char* name) {
        for (const CLI::Option* option : options.given)
            if (option->check_name(name)) return option->count() > 0;
        return false;
    };
    if (given("-k")) merged.k = typed.k;
    if (given("--exact")) merged.exact = typed.exact;
    if (given("-d")) merged.dims = typed.dims;
    if (given("--no-canonical")) merged.canonical = !options.no_canonical;
    if (given("--weight") && !parse_weight(options.weight, merged.weight))
        throw Error(ErrorKind::usage,
                    "unknown --weight '" + options.weight + "' (count, log or binary)");
    if (given("-w")) merged.window = typed.window;
    if (given("--step")) merged.step = typed.step;
    if (given("-w") && !given("--step")) merged.step = 0;
    finalize_params(merged);
    const std::string difference = embed_params_difference(fixed, merged);
    if (!difference.empty())
        throw Error(ErrorKind::usage, what + " was made with " + difference +
                                          " given; leave the embedding options out");
}

} // namespace ruvec::cli
