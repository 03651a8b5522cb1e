// The embedding options (-k, -d, --weight, -w, ...), defined once for every subcommand that
// embeds sequences (embed now; index and search embed on the fly with the same flags).
#pragma once

#include "common.hpp" // CLI11 names
#include "ruvec/embed.hpp"

#include <string>
#include <vector>

namespace ruvec::cli {

struct EmbedOptions {
    EmbedParams params; // filled by the flags, defaults from EmbedParams
    std::string weight = weight_name(EmbedParams{}.weight); // --weight, as typed
    bool no_canonical = false;                              // --no-canonical
    CLI::Option* dims_option = nullptr; // to tell an explicit -d from the default
    CLI::Option* window_option = nullptr;
    CLI::Option* step_option = nullptr;
    // The window when -w is not typed, and the step when neither is (index: windows of
    // references).
    uint64_t default_window = 0, default_step = 0;
    std::vector<CLI::Option*> given; // every embedding option, to tell which were typed
};

// `exact_profile`: whether --exact (exact k-mer profiles) is one of them; search uses --exact
// for brute-force search instead.
void add_embed_options(CLI::App& app, EmbedOptions& options, bool exact_profile = true);
// The "Embedding options" block of a usage text, with the real defaults (`default_window`,
// `default_step`: those of the command).
std::string embed_options_usage(bool exact_profile = true, uint64_t default_window = 0,
                                uint64_t default_step = 0);
// Checks the flags together and returns the parameters to embed with; throws Error(usage).
EmbedParams resolve_embed_options(EmbedOptions& options);
// True when any embedding option was typed on the command line.
bool any_embed_option_given(const EmbedOptions& options);
// Where the parameters are fixed by a file (an index, an .rvec), the typed flags must agree:
// throws Error(usage) "<what> was made with -k 21 vs 15 given" when one does not.
void check_embed_options_agree(EmbedOptions& options, const EmbedParams& fixed,
                               const std::string& what);

} // namespace ruvec::cli
