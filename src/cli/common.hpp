// What every subcommand shares: the common options (defined once, as samtools' sam_opts.h),
// messages on stderr, input lists, and the mapping of errors to exit statuses.
#pragma once

#include "options.hpp"
#include "ruvec/json.hpp" // json_escape, used by most commands

#include <cstdio>
#include <string>
#include <vector>

namespace ruvec::cli {

// Options shared by subcommands; which ones a subcommand takes is a set of CommonOption bits.
struct CommonOptions {
    int threads = 0;                     // -@: additional threads (0: one thread in all)
    std::string output = "-";            // -o: output file, "-" for standard output
    std::vector<std::string> list_files; // -l: files of input names, one per line
    int verbose = 0;                     // -v: repeat for more messages
    bool quiet = false;                  // --quiet: errors only, no progress
    bool help = false;                   // -h/--help

    // 0 quiet, 1 warnings (default), 2 and more: also the summary line (-v).
    int verbosity() const { return quiet ? 0 : 1 + verbose; }
};

enum CommonOption : unsigned {
    opt_threads = 1u << 0,
    opt_output = 1u << 1,
    opt_list = 1u << 2,
    opt_messages = 1u << 3, // -v and --quiet
};

// The "General options:" group: the chosen common options, and -h/--help always.
OptionGroup general_options(CommonOptions& options, unsigned which);

// The inputs named on the command line followed by those listed in -l files (blank lines and
// lines starting with '#' skipped). Throws Error(io) if a list cannot be read.
std::vector<std::string> gather_inputs(const std::vector<std::string>& operands,
                                       const std::vector<std::string>& list_files);

// The words separated by single spaces (file names in a description).
std::string join_words(const std::vector<std::string>& words);

bool is_terminal(std::FILE* stream);

// printf into a std::string (of any length).
std::string printf_string(const char* pattern, ...) __attribute__((format(printf, 1, 2)));

// Messages on stderr, prefixed "ruvec <command>: ", shown according to the verbosity.
class Messages {
public:
    Messages(std::string command, int verbosity)
        : command_(std::move(command)), verbosity_(verbosity) {}
    void warning(const std::string& message) const; // shown unless --quiet
    void info(const std::string& message) const;    // shown with -v
    int verbosity() const { return verbosity_; }
    const std::string& command() const { return command_; }

private:
    std::string command_;
    int verbosity_;
};

// The command line as one shell-quoted string, stored in output files as provenance. Thread and
// message options are left out, so output stays byte-identical whatever the thread count.
std::string quoted_command_line(int argc, char** argv);

} // namespace ruvec::cli
