// ruvec: the table of subcommands (as samtools' bamtk.c), and the one place where errors become
// messages and exit statuses.
#include "commands.hpp"
#include "common.hpp"
#include "output.hpp"
#include "ruvec/error.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/version.hpp"

#include <htslib/hts.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace {

using namespace ruvec::cli;

struct Command {
    const char* name;
    const char* group;   // heading in the usage text
    const char* summary; // one line in the usage text
    int (*run)(int argc, char** argv);
    void (*usage)(std::FILE* out);
};

const Command commands[] = {
    {"embed", "Embedding", "FASTA/FASTQ records or windows to vectors (.rvec, .npy, TSV)",
     embed_main, embed_usage},
    {"index", "Indexing", "HNSW index (.rvx) of sequences or vectors; --add, --remove", index_main,
     index_usage},
    {"quantize", "Indexing", "int8, product or binary codes that searches walk the graph by",
     quantize_main, quantize_usage},
    {"info", "Indexing", "parameters, sections and statistics of an index (validates it)",
     info_main, info_usage},
    {"search", "Searching", "nearest neighbours of query sequences in an index, as TSV",
     search_main, search_usage},
    {"merge", "Searching", "searches of the shards of an index merged into one ranking", merge_main,
     merge_usage},
    {"bench", "Measuring", "throughput of embedding vs parsing, SIMD kernel speed-ups", bench_main,
     bench_usage},
};

const Command* find_command(const char* name) {
    for (const Command& command : commands)
        if (std::strcmp(command.name, name) == 0) return &command;
    return nullptr;
}

void usage(std::FILE* out) {
    std::fprintf(out,
                 "\n"
                 "Program: ruvec (DNA sequences to vectors, and nearest-neighbour search)\n"
                 "Version: %s\n"
                 "\n"
                 "Usage:   ruvec <command> [options]\n",
                 RUVEC_VERSION);
    const char* group = nullptr;
    for (const Command& command : commands) {
        if (group == nullptr || std::strcmp(group, command.group) != 0) {
            group = command.group;
            std::fprintf(out, "\n  -- %s\n", group);
        }
        std::fprintf(out, "     %-12s %s\n", command.name, command.summary);
    }
    std::fprintf(
        out, "\n"
             "  -- Help\n"
             "     help CMD     usage of a command (also: ruvec CMD --help; man ruvec-CMD)\n"
             "     --version    versions of ruvec, htslib and zstd, and the SIMD ISA in use\n"
             "\n"
             "Environment: RUVEC_ISA=scalar|sse2|sse4_2|avx2|avx512bw forces a lower SIMD ISA.\n"
             "\n");
}

// Exit statuses a scheduler can act on: 0 success; 1 the command or its input is wrong (usage,
// malformed input, a ruvec file of another version or damaged), so running it again fails
// again; 2 the system failed it (I/O: a missing or unreadable file, a full disk; resources:
// memory), so it may succeed elsewhere or later.
constexpr int exit_bad_input = 1;
constexpr int exit_system = 2;

int exit_status(ruvec::ErrorKind kind) {
    switch (kind) {
    case ruvec::ErrorKind::io:
    case ruvec::ErrorKind::resource:
        return exit_system;
    case ruvec::ErrorKind::usage:
    case ruvec::ErrorKind::input:
    case ruvec::ErrorKind::format:
    case ruvec::ErrorKind::corrupt:
        break;
    }
    return exit_bad_input;
}

// RUVEC_ISA picks a lower SIMD ISA than the best, for tests and benchmarks.
void apply_isa_environment() {
    const char* name = std::getenv("RUVEC_ISA");
    if (name == nullptr || *name == '\0') return;
    ruvec::simd::Isa isa;
    if (!ruvec::simd::parse_isa(name, isa))
        throw ruvec::Error(ruvec::ErrorKind::usage,
                           std::string("RUVEC_ISA=") + name +
                               ": unknown ISA (scalar, sse2, sse4_2, avx2 or avx512bw)");
    try {
        ruvec::simd::select_isa(isa);
    } catch (const ruvec::simd::IsaUnavailable& e) {
        throw ruvec::Error(ruvec::ErrorKind::usage, e.what());
    }
}

} // namespace

int main(int argc, char** argv) {
    hts_set_log_level(HTS_LOG_OFF); // ruvec reports htslib's failures itself, in one line
    install_mapped_file_handler();
    const char* name = argc > 1 ? argv[1] : nullptr;
    const Command* command = nullptr;
    try {
        apply_isa_environment();
        if (name == nullptr || std::strcmp(name, "-h") == 0 || std::strcmp(name, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (std::strcmp(name, "--version") == 0 || std::strcmp(name, "version") == 0) {
            print_version(stdout);
            return 0;
        }
        if (std::strcmp(name, "help") == 0) {
            if (argc < 3) {
                usage(stdout);
                return 0;
            }
            const Command* topic = find_command(argv[2]);
            if (topic == nullptr) {
                std::fprintf(stderr, "ruvec help: no command '%s'\n", argv[2]);
                return exit_bad_input;
            }
            topic->usage(stdout);
            return 0;
        }
        command = find_command(name);
        if (command == nullptr) {
            std::fprintf(stderr, "ruvec: unknown command '%s'\n", name);
            usage(stderr);
            return exit_bad_input;
        }
        return command->run(argc - 1, argv + 1);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "ruvec %s: %s\n", command ? command->name : "", e.what());
        if (command) command->usage(stderr);
        return exit_bad_input;
    } catch (const ruvec::Error& e) {
        if (command)
            std::fprintf(stderr, "ruvec %s: %s\n", command->name, e.what());
        else
            std::fprintf(stderr, "ruvec: %s\n", e.what());
        return exit_status(e.kind());
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "ruvec%s%s: out of memory\n", command ? " " : "",
                     command ? command->name : "");
        return exit_system;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ruvec%s%s: %s\n", command ? " " : "", command ? command->name : "",
                     e.what());
        return 1;
    }
}
