// The embedding options (-k, -d, --weight, -w, ...), defined once for every subcommand that
// embeds sequences (embed now; index and search embed on the fly with the same flags).
#pragma once

#include "ruvec/embed.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace ruvec::cli {

struct EmbedOptions {
    EmbedParams params; // filled by the flags, defaults from EmbedParams
    std::string weight = weight_name(EmbedParams{}.weight); // --weight, as typed
    bool no_canonical = false;                              // --no-canonical
    CLI::Option* dims_option = nullptr; // to tell an explicit -d from the default
};

void add_embed_options(CLI::App& app, EmbedOptions& options);
// The "Embedding options" block of a usage text, with the real defaults.
std::string embed_options_usage();
// Checks the flags together and returns the parameters to embed with; throws Error(usage).
EmbedParams resolve_embed_options(EmbedOptions& options);

} // namespace ruvec::cli
