// Every option of a subcommand declared once, in a table: the parser (CLI11) is driven from it
// and the usage text is printed from it, as samtools prints its usage from its option lists and
// Mash declares each option with its type, default and bounds. Only options.cpp includes CLI11:
// its header costs seconds of compile time in each file that includes it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace ruvec::cli {

// The variables an option can set; CLI11 converts the typed text to the variable's own type.
// size_t options bind as uint64_t, which it is on the LP64 Linux the CLI is built for.
static_assert(std::is_same_v<size_t, uint64_t>, "size_t options are bound as uint64_t");
using Target = std::variant<bool*, int*, uint32_t*, uint64_t*, float*, std::string*,
                            std::vector<std::string>*, std::vector<uint64_t>*>;

// What a value must satisfy before it is converted; a failure is a usage error naming the option.
struct Check {
    enum Kind { none, range, custom } kind = none;
    // range: min..max inclusive, the text read as a signed or unsigned 64-bit number as the bounds
    // were typed (CLI::Range's semantics: "-18446744073709551615" wraps into an unsigned range).
    bool is_signed = false;
    int64_t min = 0, max = 0;
    // custom: the error for a value, or "" when it is good.
    std::string (*validate)(const std::string& value) = nullptr;
};

template <class T> Check range(T min, T max) {
    static_assert(std::is_integral_v<T>, "ranges are of integers");
    return {Check::range, std::is_signed_v<T>, static_cast<int64_t>(min), static_cast<int64_t>(max),
            nullptr};
}
// For unsigned options without a range: CLI11 would wrap "-5" into a huge number.
Check not_negative();

// One option: the names it is listed by in the usage ("-d,--dims" prints "-d, --dims"), names it
// is also accepted by, its value and help, the variable it sets and whether it was typed.
struct Option {
    std::string names;      // CLI11 style, comma-separated: "-n,--top", "--rows,--n", "-M"
    std::string aliases;    // accepted but not listed: "--kmer" for -k
    std::string value_name; // INT, FILE, ...; empty for a flag
    // Lines separated by '\n', the first beside the names (a leading '\n': below them).
    std::string help;
    Target target;
    bool is_flag = false; // no value: a bool set, or an int counting repeats (-vv)
    Check validation;
    bool* given_out = nullptr; // set after parsing: whether the option was typed
    char delimiter = 0;        // a vector option's values may also come as "a,b,c"

    Option& check(Check c) {
        validation = c;
        return *this;
    }
    Option& alias(std::string more) {
        aliases = std::move(more);
        return *this;
    }
    Option& given(bool* out) {
        given_out = out;
        return *this;
    }
    Option& split_on(char c) {
        delimiter = c;
        return *this;
    }
};

// An option taking a value (INT, FILE, ...) into `target`; a vector target takes one per
// occurrence.
template <class T>
Option option(std::string names, std::string value_name, T& target, std::string help) {
    Option o;
    o.names = std::move(names);
    o.value_name = std::move(value_name);
    o.help = std::move(help);
    o.target = &target;
    return o;
}
// An option without a value: it sets a bool, or counts its repeats into an int (-vv).
template <class T> Option flag(std::string names, T& target, std::string help) {
    static_assert(std::is_same_v<T, bool> || std::is_same_v<T, int>, "flags set bool or int");
    Option o;
    o.names = std::move(names);
    o.help = std::move(help);
    o.target = &target;
    o.is_flag = true;
    return o;
}

// A titled block of the usage text ("Search options:"); `note` is printed after its options.
struct OptionGroup {
    std::string title;
    std::vector<Option> options;
    std::string note;
};

// A subcommand's command line: its usage lines, description, option groups and operands. The
// options are registered with CLI11 in the order they are printed, which is also the order their
// values are checked in: of two bad values, the one listed first is reported.
struct CommandSpec {
    std::string name;                  // "search": "Usage: ruvec search ..."
    std::vector<std::string> synopsis; // each after "ruvec <name> "
    std::string description;           // lines ending in '\n'
    std::vector<OptionGroup> groups;
    std::string operands_name; // the CLI11 name of the operands
    std::vector<std::string>* operands = nullptr;
};

// A bad option or operand: main prints the message and the command's usage on stderr.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses argv (argv[0] the subcommand) into the spec's variables and sets the `given` flags;
// throws UsageError with CLI11's message for a bad option or value.
void parse_arguments(const CommandSpec& spec, int argc, char** argv);

// The column the help of each option starts at (lines of a group's note can align with it).
inline constexpr size_t usage_help_column = 21;

// The samtools-style usage text: synopsis, description, then each group's options with their
// help at usage_help_column.
std::string usage_text(const CommandSpec& spec);
inline void print_usage(std::FILE* out, const CommandSpec& spec) {
    std::fputs(usage_text(spec).c_str(), out);
}

} // namespace ruvec::cli
