// ruvec info: the header, sections and statistics of an index (.rvx), as text or JSON.
#include "commands.hpp"
#include "common.hpp"
#include "file_source.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "ruvec/error.hpp"
#include "ruvec/index.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/sequence_search.hpp"

#include <cinttypes>
#include <cstdio>
#include <vector>

namespace ruvec::cli {

namespace {

constexpr unsigned info_common = opt_output;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

struct InfoCli {
    CommonOptions common;
    bool json = false; // --json
    std::vector<std::string> operands;
};

CommandSpec info_spec(InfoCli& cli) {
    return {"info",
            {"[options] <db.rvx>"},
            "Validates an index (every checksum and link) and prints its parameters,\n"
            "sections and graph statistics.\n",
            {{"Options:", {flag("--json", cli.json, "one JSON object instead of text")}, ""},
             general_options(cli.common, info_common)},
            "inputs",
            &cli.operands};
}

} // namespace

void info_usage(std::FILE* out) {
    InfoCli cli;
    print_usage(out, info_spec(cli));
}

int info_main(int argc, char** argv) {
    InfoCli cli;
    parse_arguments(info_spec(cli), argc, argv);
    const CommonOptions& common = cli.common;
    const std::vector<std::string>& operands = cli.operands;
    const bool json = cli.json;
    if (common.help || argc <= 1) {
        info_usage(stdout);
        return 0;
    }
    if (operands.size() != 1) throw Error(ErrorKind::usage, "give one index file");
    const std::string& path = operands[0];
    const FileSource source(path);
    const Index index = Index::load(source, path);

    // Index::load has validated the table; read it again to show it, unknown sections included.
    const RvxLayout layout = read_rvx_layout(source, path);
    const RvxHeader& header = layout.header;
    const std::vector<RvxSection>& sections = layout.sections;

    const EmbedParams& e = index.embed_params();
    const GraphParams& g = index.graph_params();
    const GraphStats stats = index.graph_stats();
    const IndexMemory memory = index.memory();
    // Where the float vectors are while the index is searched.
    const char* floats_held = !index.has_float_vectors()     ? "dropped"
                              : memory.float_vectors_mapped  ? "mapped"
                              : memory.float_vectors_in_file ? "file"
                              : memory.float_bytes           ? "memory"
                                                             : "graph";
    const std::vector<std::string> provenance = lines_of(index.provenance());
    std::string text;
    char tag[12];
    if (json) {
        text += "{\"file\":\"" + json_escape(path) + "\"";
        text += printf_string(",\"format_version\":%u,\"file_bytes\":%" PRIu64, header.version,
                              source.size());
        text +=
            printf_string(",\"embedding\":{\"k\":%u,\"dims\":%u,\"canonical\":%s,\"exact\":%s,"
                          "\"weight\":\"%s\",\"hash_id\":%u,\"hash_seed\":%" PRIu64
                          ",\"window\":%" PRIu64 ",\"step\":%" PRIu64 "}",
                          e.k, e.dims, e.canonical ? "true" : "false", e.exact ? "true" : "false",
                          weight_name(e.weight), e.hash_id, e.hash_seed, e.window, e.step);
        // An index of the read search alone has no graph; its metric still gives the
        // similarity column.
        text += printf_string(",\"metric\":\"%s\",\"graph\":", metric_name(g.metric));
        if (index.has_vectors()) {
            text += printf_string(
                "{\"metric\":\"%s\",\"M\":%u,\"ef_construction\":%u,"
                "\"seed\":%" PRIu64 ",\"top_level\":%u,\"entry_point\":%u,"
                "\"mean_links_level0\":%.3f,\"unreachable_rows\":%" PRIu64
                ",\"nodes_per_level\":[",
                metric_name(g.metric), g.M, g.ef_construction, g.seed, header.max_level,
                header.entry_point, stats.mean_links_level0, stats.unreachable_rows);
            for (size_t l = 0; l < stats.nodes_per_level.size(); ++l)
                text += printf_string("%s%" PRIu64, l ? "," : "", stats.nodes_per_level[l]);
            text += "]}";
        } else {
            text += "null";
        }
        text += ",\"shard\":";
        if (const ShardInfo& sh = index.shard(); sh.shard != 0)
            text += printf_string("{\"shard\":%u,\"count\":%u,\"first_record\":%" PRIu64
                                  ",\"records\":%" PRIu64 ",\"total_records\":%" PRIu64 "}",
                                  sh.shard, sh.count, sh.first_record + 1, sh.records,
                                  sh.total_records);
        else
            text += "null";
        text += ",\"quantization\":";
        if (const Quantizer* q = index.quantizer())
            text += printf_string("{\"type\":\"%s\",\"code_bytes\":%zu,\"float_vectors\":%s,"
                                  "\"pq_subspaces\":%u,\"binary_centre\":%s,\"train_rows\":%" PRIu64
                                  ",\"seed\":%" PRIu64 "}",
                                  quant_kind_name(q->kind()), q->code_bytes(),
                                  index.has_float_vectors() ? "true" : "false",
                                  q->params().pq_subspaces,
                                  q->params().binary_centre ? "true" : "false",
                                  q->params().train_rows, q->params().seed);
        else
            text += "null";
        text += ",\"read_search\":";
        if (const SequenceSearch* r = index.sequence_search()) {
            const SamplerParams& p = r->sampler();
            text += printf_string(
                "{\"sampler\":\"%s\",\"k\":%u,\"w\":%u,\"s\":%u,\"t\":%u,\"c\":%u,"
                "\"sequences\":%u,\"bases\":%" PRIu64 ",\"postings\":%" PRIu64
                ",\"sequence_bytes\":%" PRIu64 ",\"kmer_index_bytes\":%" PRIu64 "}",
                sampler_kind_name(p.kind), p.k, p.w, p.s, p.t, p.c, r->sequences().records(),
                r->sequences().total_bases(), r->kmers().postings(),
                r->sequences().memory_bytes(), r->kmers().memory_bytes());
        } else {
            text += "null";
        }
        text +=
            printf_string(",\"memory\":{\"graph_bytes\":%" PRIu64 ",\"code_bytes\":%" PRIu64
                          ",\"float_bytes\":%" PRIu64 ",\"float_vectors\":\"%s\"}",
                          memory.graph_bytes, memory.code_bytes, memory.float_bytes, floats_held);
        text += printf_string(",\"rows\":%" PRIu64 ",\"live_rows\":%" PRIu64
                              ",\"deleted_rows\":%" PRIu64 ",\"names\":%" PRIu64 ",\"sections\":[",
                              index.rows(), index.live_rows(), index.deleted_rows(), index.names());
        for (size_t i = 0; i < sections.size(); ++i)
            text += printf_string("%s{\"tag\":\"%s\",\"offset\":%" PRIu64 ",\"length\":%" PRIu64
                                  ",\"checksum\":\"%016" PRIx64 "\",\"optional\":%s,\"known\":%s}",
                                  i ? "," : "", rvx_tag_name(sections[i].tag, tag),
                                  sections[i].offset, sections[i].length, sections[i].checksum,
                                  sections[i].flags & rvx_section_optional ? "true" : "false",
                                  rvx_tag_known(sections[i].tag) ? "true" : "false");
        text += "],\"provenance\":[";
        for (size_t i = 0; i < provenance.size(); ++i)
            text += std::string(i ? "," : "") + "\"" + json_escape(provenance[i]) + "\"";
        text += "]}\n";
    } else {
        text += "file\t" + path + "\n";
        text += printf_string("format\trvx %u, %" PRIu64 " bytes\n", header.version, source.size());
        text += printf_string(
            "embedding\tk %u, dims %u, %s, %s, weight %s, hash %u seed 0x%016" PRIx64 ", ", e.k,
            e.dims, e.canonical ? "canonical" : "not canonical",
            e.exact ? "exact profile" : "hashed", weight_name(e.weight), e.hash_id, e.hash_seed);
        text += e.window ? printf_string("window %" PRIu64 " step %" PRIu64 "\n", e.window, e.step)
                         : std::string("one vector per record\n");
        if (index.has_vectors()) {
            text += printf_string("graph\tHNSW, metric %s, M %u, ef_construction %u, seed %" PRIu64
                                  "\n",
                                  metric_name(g.metric), g.M, g.ef_construction, g.seed);
            text += printf_string("vectors\t%" PRIu64 " (%" PRIu64 " live, %" PRIu64
                                  " deleted) of %" PRIu64 " sequences\n",
                                  index.rows(), index.live_rows(), index.deleted_rows(),
                                  index.names());
            text += printf_string("levels\ttop %u, entry point row %u; rows per level:",
                                  header.max_level, header.entry_point);
            for (uint64_t count : stats.nodes_per_level) text += printf_string(" %" PRIu64, count);
            text += printf_string("\nlinks\t%.2f per row on level 0 (at most %u); %" PRIu64
                                  " rows unreachable\n",
                                  stats.mean_links_level0, 2 * g.M, stats.unreachable_rows);
        } else {
            text += printf_string("graph\tnone: the read search alone (similarity by metric %s, "
                                  "from each window's bases)\n",
                                  metric_name(g.metric));
            text += printf_string("windows\t%" PRIu64 " (%" PRIu64 " live, %" PRIu64
                                  " deleted) of %" PRIu64 " sequences, no vectors\n",
                                  index.rows(), index.live_rows(), index.deleted_rows(),
                                  index.names());
        }
        if (const ShardInfo& sh = index.shard(); sh.shard != 0)
            text += printf_string("shard\t%u/%u: records %" PRIu64 "-%" PRIu64 " of %" PRIu64
                                  " in the inputs\n",
                                  sh.shard, sh.count, sh.first_record + 1,
                                  sh.first_record + sh.records, sh.total_records);
        if (const Quantizer* q = index.quantizer()) {
            text += printf_string("quantization\t%s, %zu bytes per vector",
                                  quant_kind_name(q->kind()), q->code_bytes());
            if (q->kind() == QuantKind::pq)
                text += printf_string(", %u sub-spaces", q->params().pq_subspaces);
            if (q->kind() == QuantKind::binary && q->params().binary_centre)
                text += ", signs around the mean";
            text += index.has_float_vectors() ? "; float vectors kept for re-ranking\n"
                                              : "; float vectors dropped\n";
        } else {
            text += "quantization\tnone\n";
        }
        if (const SequenceSearch* r = index.sequence_search()) {
            const SamplerParams& p = r->sampler();
            text += printf_string("read search\t%s k %u", sampler_kind_name(p.kind), p.k);
            if (p.kind == SamplerKind::syncmer) text += printf_string(" s %u t %u", p.s, p.t);
            if (p.kind == SamplerKind::minimizer) text += printf_string(" w %u", p.w);
            if (p.kind == SamplerKind::fracminhash) text += printf_string(" c %u", p.c);
            text += printf_string("; %u sequences of %" PRIu64 " bases (%s); %" PRIu64
                                  " postings (%s)\n",
                                  r->sequences().records(), r->sequences().total_bases(),
                                  human_bytes(static_cast<double>(r->sequences().memory_bytes())).c_str(),
                                  r->kmers().postings(),
                                  human_bytes(static_cast<double>(r->kmers().memory_bytes())).c_str());
        }
        // Memory a search holds: links (with the float vectors unless quantized) and codes.
        if (index.has_vectors())
            text += "memory\tgraph " + human_bytes(static_cast<double>(memory.graph_bytes));
        else
            text += "memory\tthe read search's sequences and k-mer index, as above";
        if (memory.code_bytes)
            text += ", codes " + human_bytes(static_cast<double>(memory.code_bytes));
        if (memory.float_vectors_mapped)
            text += ", float vectors " + human_bytes(static_cast<double>(memory.float_bytes)) +
                    " mapped from the file (one copy for every process searching it)";
        else if (memory.float_vectors_in_file)
            text += "; float vectors left in the file, read as re-ranking needs them";
        else if (memory.float_bytes)
            text += ", float vectors " + human_bytes(static_cast<double>(memory.float_bytes));
        text += "\n";
        for (const RvxSection& s : sections)
            text += printf_string("section\t%s offset %" PRIu64 " length %" PRIu64
                                  " xxh64 %016" PRIx64 "%s%s\n",
                                  rvx_tag_name(s.tag, tag), s.offset, s.length, s.checksum,
                                  s.flags & rvx_section_optional ? ", optional" : "",
                                  rvx_tag_known(s.tag) ? "" : ", not known to this ruvec: skipped");
        for (const std::string& line : provenance) text += "provenance\t" + line + "\n";
    }
    OutputFile output(common.output);
    output.write(text);
    output.commit();
    return 0;
}

} // namespace ruvec::cli
