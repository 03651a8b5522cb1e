#include "common.hpp"

#include "ruvec/error.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace ruvec::cli {

OptionGroup general_options(CommonOptions& options, unsigned which) {
    const CommonOptions d;
    OptionGroup group{"General options:", {}, ""};
    std::vector<Option>& o = group.options;
    if (which & opt_output)
        o.push_back(option("-o", "FILE", options.output, "output file ['-': standard output]")
                        .alias("--output"));
    if (which & opt_list)
        o.push_back(option("-l", "FILE", options.list_files,
                           "also read input file names from FILE, one per line")
                        .alias("--list"));
    if (which & opt_threads)
        o.push_back(option("-@", "INT", options.threads,
                           "number of additional threads [" + std::to_string(d.threads) + "]")
                        .alias("--threads")
                        .check(range(0, 1024)));
    if (which & opt_messages) {
        o.push_back(flag("-v", options.verbose,
                         "more messages (repeat for more): a summary line at the end")
                        .alias("--verbose"));
        o.push_back(flag("--quiet", options.quiet, "errors only: no warnings, no progress"));
    }
    o.push_back(flag("-h,--help", options.help, "this help"));
    return group;
}

std::string join_words(const std::vector<std::string>& words) {
    std::string joined;
    for (const std::string& word : words) joined += (joined.empty() ? "" : " ") + word;
    return joined;
}

std::vector<std::string> gather_inputs(const std::vector<std::string>& operands,
                                       const std::vector<std::string>& list_files) {
    std::vector<std::string> inputs = operands;
    for (const std::string& list : list_files) {
        std::ifstream in(list);
        if (!in) throw Error(ErrorKind::io, list + ": " + std::strerror(errno));
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty() || line[0] == '#') continue;
            inputs.push_back(line);
        }
        if (in.bad()) throw Error(ErrorKind::io, list + ": read error");
    }
    return inputs;
}

bool is_terminal(std::FILE* stream) {
    return isatty(fileno(stream)) == 1;
}

void Messages::warning(const std::string& message) const {
    if (verbosity_ >= 1)
        std::fprintf(stderr, "ruvec %s: warning: %s\n", command_.c_str(), message.c_str());
}

void Messages::info(const std::string& message) const {
    if (verbosity_ >= 2) std::fprintf(stderr, "ruvec %s: %s\n", command_.c_str(), message.c_str());
}

namespace {
// Options that change how a run goes but not what it writes.
bool output_neutral(const std::string& arg) {
    return arg == "--quiet" || arg == "--verbose" || arg.rfind("--threads=", 0) == 0 ||
           (arg.size() > 2 && arg.rfind("-@", 0) == 0) ||
           (arg.size() >= 2 && arg[0] == '-' && arg.find_first_not_of('v', 1) == std::string::npos);
}
} // namespace

std::string printf_string(const char* pattern, ...) {
    va_list args;
    va_start(args, pattern);
    va_list again;
    va_copy(again, args);
    const int size = std::vsnprintf(nullptr, 0, pattern, args);
    va_end(args);
    std::string text(size > 0 ? static_cast<size_t>(size) : 0, '\0');
    if (size > 0) std::vsnprintf(text.data(), text.size() + 1, pattern, again);
    va_end(again);
    return text;
}

std::string quoted_command_line(int argc, char** argv) {
    std::string line = "ruvec";
    for (int i = 0; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-@" || arg == "--threads") {
            ++i; // and its value
            continue;
        }
        if (output_neutral(arg)) continue;
        line += ' ';
        const bool plain =
            !arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                  "0123456789-_./=:,+@%") == std::string::npos;
        if (plain) {
            line += arg;
            continue;
        }
        line += '\'';
        for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
        line += '\'';
    }
    return line;
}

} // namespace ruvec::cli
