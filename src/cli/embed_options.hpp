// The embedding options (-k, -d, --weight, -w, ...), defined once for every subcommand that
// embeds sequences (embed now; index and search embed on the fly with the same flags).
#pragma once

#include "options.hpp"
#include "ruvec/embed.hpp"

#include <string>

namespace ruvec::cli {

struct EmbedOptions {
    EmbedParams params; // filled by the flags, defaults from EmbedParams
    std::string weight = weight_name(EmbedParams{}.weight); // --weight, as typed
    bool no_canonical = false;                              // --no-canonical
    // The window when -w is not typed, and the step when neither is (index: windows of
    // references).
    uint64_t default_window = 0, default_step = 0;
    // Which flags were typed: an explicit -d, -w or --step changes what the others mean, and
    // parameters fixed by a file must agree with each typed one.
    struct Given {
        bool k = false, dims = false, no_canonical = false, exact = false, weight = false,
             window = false, step = false;
    } given;

    EmbedOptions() = default;
    EmbedOptions(uint64_t window, uint64_t step) : default_window(window), default_step(step) {}
};

// The "Embedding options:" group, with the real defaults (the window and step: the command's).
// `exact_profile`: whether --exact (exact k-mer profiles) is one of them; search uses --exact
// for brute-force search instead.
OptionGroup embedding_options(EmbedOptions& options, bool exact_profile = true);
// Checks the flags together and returns the parameters to embed with; throws Error(usage).
EmbedParams resolve_embed_options(const EmbedOptions& options);
// True when any embedding option was typed on the command line.
bool any_embed_option_given(const EmbedOptions& options);
// Where the parameters are fixed by a file (an index, an .rvec), the typed flags must agree:
// throws Error(usage) "<what> was made with -k 21 vs 15 given" when one does not.
void check_embed_options_agree(const EmbedOptions& options, const EmbedParams& fixed,
                               const std::string& what);

} // namespace ruvec::cli
