// The one file that includes CLI11: a CommandSpec becomes a CLI11 parse, and its usage text.
#include "options.hpp"

#include <CLI/CLI.hpp>
#include <utility>

namespace ruvec::cli {

namespace {

template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type {};

std::string reject_negative(const std::string& value) {
    return !value.empty() && value[0] == '-' ? "must not be negative" : "";
}

CLI::Validator validator(const Check& check) {
    if (check.kind == Check::range)
        return check.is_signed
                   ? CLI::Range(check.min, check.max)
                   : CLI::Range(static_cast<uint64_t>(check.min), static_cast<uint64_t>(check.max));
    return CLI::Validator(
        [validate = check.validate](std::string& value) { return validate(value); }, "");
}

CLI::Option* add_option(CLI::App& app, const Option& option) {
    const std::string names =
        option.aliases.empty() ? option.names : option.names + "," + option.aliases;
    CLI::Option* added = std::visit(
        [&](auto* target) -> CLI::Option* {
            using T = std::remove_pointer_t<decltype(target)>;
            if constexpr (std::is_same_v<T, bool>) {
                return app.add_flag(names, *target);
            } else {
                if constexpr (std::is_same_v<T, int>)
                    if (option.is_flag) return app.add_flag(names, *target); // -v: repeats
                CLI::Option* value = app.add_option(names, *target);
                if constexpr (is_vector<T>::value) {
                    // One value per occurrence (repeat the option for more), so that in
                    // `-l names.txt in.fa` in.fa stays an operand.
                    value->allow_extra_args(false);
                    if (option.delimiter != 0) value->delimiter(option.delimiter);
                }
                return value;
            }
        },
        option.target);
    if (option.validation.kind != Check::none) added->check(validator(option.validation));
    return added;
}

// "  -d, --dims INT     vector length...": names from column 2 (long-only ones from 6, under
// the long names of options that have a short one), help from usage_help_column, or two spaces
// after names that reach it.
std::string option_lines(const Option& option) {
    std::string text = option.names.rfind("--", 0) == 0 ? "      " : "  ";
    for (char c : option.names) text += c == ',' ? std::string(", ") : std::string(1, c);
    if (!option.value_name.empty()) text += " " + option.value_name;
    size_t start = 0;
    if (!option.help.empty() && option.help[0] == '\n') {
        start = 1;
        text += "\n" + std::string(usage_help_column, ' ');
    } else {
        text += text.size() < usage_help_column ? std::string(usage_help_column - text.size(), ' ')
                                                : "  ";
    }
    for (size_t i = start; i < option.help.size(); ++i) {
        text += option.help[i];
        if (option.help[i] == '\n') text += std::string(usage_help_column, ' ');
    }
    return text + "\n";
}

} // namespace

Check not_negative() {
    return {Check::custom, false, 0, 0, reject_negative};
}

void parse_arguments(const CommandSpec& spec, int argc, char** argv) {
    CLI::App app("ruvec " + spec.name);
    app.set_help_flag(); // ruvec prints its own usage, from the spec (-h is a general option)
    std::vector<std::pair<bool*, const CLI::Option*>> given;
    for (const OptionGroup& group : spec.groups)
        for (const Option& option : group.options) {
            const CLI::Option* added = add_option(app, option);
            if (option.given_out != nullptr) given.emplace_back(option.given_out, added);
        }
    if (spec.operands != nullptr) app.add_option(spec.operands_name, *spec.operands);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        throw UsageError(e.what());
    }
    for (const auto& [out, option] : given) *out = option->count() > 0;
}

std::string usage_text(const CommandSpec& spec) {
    std::string text = "\n";
    for (size_t i = 0; i < spec.synopsis.size(); ++i)
        text += (i == 0 ? "Usage: ruvec " : "       ruvec ") + spec.name + " " + spec.synopsis[i] +
                "\n";
    text += "\n" + spec.description + "\n";
    for (const OptionGroup& group : spec.groups) {
        text += group.title + "\n";
        for (const Option& option : group.options) text += option_lines(option);
        text += group.note + "\n";
    }
    return text;
}

} // namespace ruvec::cli
