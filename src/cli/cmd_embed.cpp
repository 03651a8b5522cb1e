// ruvec embed: FASTA/FASTQ records (or windows of them) to vectors in .rvec, .npy or TSV.
#include "commands.hpp"
#include "common.hpp"
#include "embed_options.hpp"
#include "embed_pipeline.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "ruvec/error.hpp"
#include "ruvec/vecfile.hpp"
#include "ruvec/version.hpp"

#include <chrono>
#include <memory>

namespace ruvec::cli {

namespace {

constexpr unsigned embed_common = opt_threads | opt_output | opt_list | opt_messages;

struct EmbedCli {
    CommonOptions common;
    EmbedOptions embed;
    std::string format; // --format, as typed
    std::vector<std::string> operands;
};

CommandSpec embed_spec(EmbedCli& cli) {
    return {"embed",
            {"[options] <in.fa|in.fq|-> [...]"},
            "Writes one vector per FASTA/FASTQ record, or per window of long records.\n"
            "Inputs may be plain, gzip or BGZF; '-' is standard input. Bases other than\n"
            "ACGT (any case) break k-mers; a record or window without a valid k-mer is\n"
            "skipped with a warning, never written as a zero vector.\n",
            {embedding_options(cli.embed),
             {"Output options:",
              {option("--format", "STR", cli.format,
                      "rvec, npy or tsv [from the -o suffix; tsv on stdout]\n"
                      "rvec: ruvec's checksummed file with every parameter\n"
                      "npy: NumPy float32 matrix FILE plus FILE.names.tsv\n"
                      "tsv: name, then the values, one line per vector")},
              ""},
             general_options(cli.common, embed_common)},
            "inputs",
            &cli.operands};
}

} // namespace

void embed_usage(std::FILE* out) {
    EmbedCli cli;
    print_usage(out, embed_spec(cli));
}

int embed_main(int argc, char** argv) {
    const auto start = std::chrono::steady_clock::now();
    EmbedCli cli;
    parse_arguments(embed_spec(cli), argc, argv);
    const CommonOptions& common = cli.common;
    const std::vector<std::string>& operands = cli.operands;
    const std::string& format_name = cli.format;
    if (common.help || argc <= 1) {
        embed_usage(stdout);
        return 0;
    }
    // Options but no input is a mistake (an empty list in a workflow), not a request for help.
    if (operands.empty() && common.list_files.empty())
        throw Error(ErrorKind::usage, "no input: give FILE or '-' for standard input");
    const EmbedParams params = resolve_embed_options(cli.embed);
    const Messages messages("embed", common.verbosity());

    VecFormat format = VecFormat::tsv;
    if (!format_name.empty()) {
        if (!parse_vec_format(format_name, format))
            throw Error(ErrorKind::usage,
                        "unknown --format '" + format_name + "' (rvec, npy or tsv)");
    } else if (common.output != "-" && !vec_format_from_path(common.output, format)) {
        throw Error(ErrorKind::usage, "cannot tell the format from the name '" + common.output +
                                          "': use --format rvec, npy or tsv");
    }
    if (format == VecFormat::npy && common.output == "-")
        throw Error(ErrorKind::usage, "npy output is a file and its .names.tsv: give -o FILE");
    if (format == VecFormat::rvec && common.output == "-" && is_terminal(stdout))
        throw Error(ErrorKind::usage,
                    "refusing to write binary rvec to a terminal: use -o FILE or a pipe");

    const std::vector<std::string> inputs = gather_inputs(operands, common.list_files);
    if (inputs.empty()) throw Error(ErrorKind::usage, "the -l lists name no input");
    install_cleanup_signal_handlers();

    OutputFile output(common.output);
    std::unique_ptr<OutputFile> names_output;
    std::unique_ptr<VectorWriter> writer;
    switch (format) {
    case VecFormat::rvec:
        writer = make_rvec_writer(output, params,
                                  std::string("ruvec ") + RUVEC_VERSION + "\n" +
                                      quoted_command_line(argc, argv) + "\n");
        break;
    case VecFormat::npy:
        names_output = std::make_unique<OutputFile>(common.output + ".names.tsv");
        writer = make_npy_writer(output, *names_output, params);
        break;
    case VecFormat::tsv:
        writer = make_tsv_writer(output, params);
        break;
    }

    const EmbedStats stats =
        embed_inputs(inputs, params, common.threads, messages, /*show_progress=*/true,
                     [&](const VecRow& row, const float* vector) { writer->add(row, vector); });
    writer->finish();
    if (names_output) names_output->commit();
    output.commit();

    if (stats.records == 0) messages.warning("no records in the input");
    const ResourceUsage usage = resource_usage(start);
    messages.info(std::to_string(stats.records) + " records, " +
                  human_bases(static_cast<double>(stats.bases)) + ", " +
                  std::to_string(stats.rows) + " vectors, " + std::to_string(stats.skipped_rows) +
                  " skipped; " + describe(usage));
    return 0;
}

} // namespace ruvec::cli
