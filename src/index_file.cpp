// Index::save and Index::load: the .rvx file of index_format.hpp. Loading checks every field and
// count before it is used or sizes anything.
#include "ruvec/index.hpp"

#include "finite.hpp"
#include "graph/hnsw_graph.hpp"
#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/sequence_search.hpp"
#include "ruvec/vecfile.hpp"
#include "vector_store.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <unordered_map>

namespace ruvec {

// Every graph the graph layer can build fits the file's fields, and every file that validates
// fits the graph.
static_assert(hnsw_max_level == rvx_max_level && hnsw_max_rows == rvx_max_rows);

namespace {

uint64_t align_up(uint64_t offset) {
    return (offset + rvx_section_alignment - 1) / rvx_section_alignment * rvx_section_alignment;
}

} // namespace

// ------------------------------------------------------------------------------------------
// Saving

void Index::save(ByteSink& out) {
    insert_pending(1);
    if (rows_.empty()) throw Error(ErrorKind::input, "no rows to index");

    std::string names_bytes;
    for (const std::string& name : names_) {
        names_bytes.append(name);
        names_bytes.push_back('\0');
    }
    std::string rows_bytes(rows_.size() * rvx_row_size, '\0');
    for (size_t i = 0; i < rows_.size(); ++i) {
        unsigned char* p = reinterpret_cast<unsigned char*>(&rows_bytes[i * rvx_row_size]);
        put_u64(p, rows_[i].start);
        put_u64(p + 8, rows_[i].end);
        put_u32(p + 16, rows_[i].name);
        put_u32(p + 20, rows_[i].flags);
    }
    const bool quantized = codes_ != nullptr;
    const std::string quantizer_bytes = quantized ? codes_->quantizer().serialize() : std::string();
    // The read search's sections are encoded as they are written (EmitSink below): held in
    // memory they would double a large index's peak (1.6 GB at 1 Gbp).
    std::string records_bytes;
    if (sequences_) {
        if (sequenced_rows_ != rows_.size())
            throw Error(ErrorKind::usage, "rows without their sequence (add_sequence)");
        index_sequences(1);
        records_bytes.resize(8 * (record_first_row_.size() + 1));
        unsigned char* p = reinterpret_cast<unsigned char*>(records_bytes.data());
        for (size_t r = 0; r < record_first_row_.size(); ++r) put_u64(p + 8 * r, record_first_row_[r]);
        put_u64(p + 8 * record_first_row_.size(), rows_.size());
    }
    uint32_t tags[rvx_known_sections];
    RvxContent content;
    content.vectors = has_vectors_;
    content.quantized = quantized;
    content.floats_dropped = has_vectors_ && !floats_;
    content.sequences = sequences_ != nullptr;
    const uint32_t count = rvx_sections(content, tags);
    // Hands the bytes of the section `tag` to `emit`, in pieces: once to measure and checksum
    // them, once to write them.
    using Emit = std::function<void(const char*, size_t)>;
    // What a codec writes, handed to `emit`.
    class EmitSink : public ByteSink {
    public:
        explicit EmitSink(const Emit& emit) : emit_(emit) {}
        void write(const char* data, size_t size) override { emit_(data, size); }

    private:
        const Emit& emit_;
    };
    auto stream_section = [&](uint32_t tag, const Emit& emit) {
        switch (tag) {
        case rvx_tag_provenance:
            return emit(provenance_.data(), provenance_.size());
        case rvx_tag_names:
            return emit(names_bytes.data(), names_bytes.size());
        case rvx_tag_rows:
            return emit(rows_bytes.data(), rows_bytes.size());
        case rvx_tag_vectors:
            if (graph_impl_->holds_vectors()) return graph_impl_->write_vectors(emit);
            { // held apart, perhaps in the file: in pieces
                const uint64_t total = rows_.size() * embed_.dims * sizeof(float);
                std::vector<char> piece(static_cast<size_t>(std::min(total, uint64_t{16} << 20)));
                for (uint64_t at = 0; at < total; at += piece.size()) {
                    const size_t size =
                        static_cast<size_t>(std::min<uint64_t>(total - at, piece.size()));
                    floats_->read_bytes(at, piece.data(), size);
                    emit(piece.data(), size);
                }
                return;
            }
        case rvx_tag_graph:
            return graph_impl_->write_graph(emit);
        case rvx_tag_quantizer:
            return emit(quantizer_bytes.data(), quantizer_bytes.size());
        case rvx_tag_sequences: {
            EmitSink sink(emit);
            return sequences_->sequences().encode(sink);
        }
        case rvx_tag_kmers: {
            EmitSink sink(emit);
            return sequences_->kmers().encode(sink);
        }
        case rvx_tag_records:
            return emit(records_bytes.data(), records_bytes.size());
        default: // rvx_tag_codes
            return emit(reinterpret_cast<const char*>(codes_->codes().data()),
                        codes_->codes().size());
        }
    };
    RvxSection sections[rvx_known_sections];
    for (uint32_t i = 0; i < count; ++i) {
        StreamingChecksum64 sum;
        uint64_t length = 0;
        stream_section(tags[i], [&](const char* data, size_t size) {
            sum.update(data, size);
            length += size;
        });
        sections[i] = {tags[i], rvx_known_tag_flags(tags[i]), 0, length, sum.digest()};
    }
    const size_t head_bytes = rvx_header_size + count * rvx_section_entry_size + 8;
    uint64_t offset = head_bytes;
    for (uint32_t i = 0; i < count; ++i) {
        sections[i].offset = align_up(offset);
        offset = sections[i].offset + sections[i].length;
    }

    RvxHeader header{};
    std::memcpy(header.magic, rvx_magic, 8);
    header.version = rvx_format_version; // the sections say what the file holds
    header.header_size = rvx_header_size;
    set_rvx_embed_fields(header, embed_);
    header.metric = static_cast<uint8_t>(graph_.metric);
    header.rows = rows_.size();
    header.deleted_rows = deleted_rows_;
    header.names = names_.size();
    header.M = graph_.M;
    header.ef_construction = graph_.ef_construction;
    header.seed = graph_.seed;
    header.max_level = has_vectors_ ? graph_impl_->max_level() : 0;
    header.entry_point = has_vectors_ ? graph_impl_->entry_point() : 0;
    header.section_count = count;
    header.vector_type = rvx_vector_float32;
    header.quantization =
        static_cast<uint8_t>(quantized ? codes_->quantizer().kind() : QuantKind::none);
    header.quant_flags = content.floats_dropped ? rvx_floats_dropped : 0;
    header.shard = shard_.shard;
    header.shard_count = shard_.count;
    header.shard_first_record = shard_.first_record;
    header.shard_records = shard_.records;
    header.total_records = shard_.total_records;
    unsigned char head[rvx_header_size + rvx_known_sections * rvx_section_entry_size + 8];
    encode_rvx_header(header, head);
    unsigned char* table = head + rvx_header_size;
    for (size_t i = 0; i < count; ++i)
        encode_rvx_section(sections[i], table + i * rvx_section_entry_size);
    put_u64(table + count * rvx_section_entry_size,
            checksum64(table, count * rvx_section_entry_size));

    uint64_t written = head_bytes;
    out.write(reinterpret_cast<const char*>(head), head_bytes);
    const char zeros[rvx_section_alignment] = {};
    auto emit = [&](const char* data, size_t size) {
        out.write(data, size);
        written += size;
    };
    for (uint32_t i = 0; i < count; ++i) {
        out.write(zeros, static_cast<size_t>(sections[i].offset - written));
        written = sections[i].offset;
        stream_section(tags[i], emit);
    }
}

// ------------------------------------------------------------------------------------------
// Loading: every field and count is checked before it is used or sized anything.

Index Index::load(const RandomAccessSource& source, const std::string& source_name) {
    auto error = [&](ErrorKind kind, const std::string& message) {
        return Error(kind, source_name + ": " + message);
    };
    auto damaged = [&](const std::string& message) {
        return error(ErrorKind::corrupt, message + ": the file is damaged");
    };
    const RvxLayout layout = read_rvx_layout(source, source_name);
    const RvxHeader& h = layout.header;
    const bool quantized = layout.quantized, floats_dropped = layout.floats_dropped;
    ShardInfo shard;
    if (layout.shard) {
        shard = {h.shard, h.shard_count, h.shard_first_record, h.shard_records, h.total_records};
        try {
            check_shard_info(shard);
        } catch (const Error& e) {
            throw damaged(std::string("bad shard fields in the header (") + e.what() + ")");
        }
    }
    EmbedParams embed;
    const std::string embed_fault = embed_params_from_stored(rvx_embed_fields(h), embed);
    if (!embed_fault.empty())
        throw damaged("bad parameters in the header (" + embed_fault + ")");
    GraphParams graph;
    graph.metric = static_cast<Metric>(h.metric);
    graph.M = h.M;
    graph.ef_construction = h.ef_construction;
    graph.seed = h.seed;
    try {
        check_graph_params(graph);
    } catch (const Error& e) {
        throw damaged(std::string("bad parameters in the header (") + e.what() + ")");
    }
    // read_rvx_layout has checked that the file holds each section its content needs.
    auto section = [&](uint32_t tag) -> const RvxSection& { return *layout.find(tag); };
    const uint64_t rows = h.rows, dims = h.dims;
    const RvxSection* prov = layout.find(rvx_tag_provenance); // optional

    const RvxSection& names_section = section(rvx_tag_names);
    const RvxSection& rows_section = section(rvx_tag_rows);
    const RvxSection* graph_section = layout.vectors ? &section(rvx_tag_graph) : nullptr;
    if (prov && prov->length > rvx_max_provenance) throw damaged("provenance section is too large");
    if (rows_section.length != rows * rvx_row_size)
        throw damaged("rows section has " + std::to_string(rows_section.length) + " bytes for " +
                      std::to_string(rows) + " rows");
    if (layout.vectors && !floats_dropped && section(rvx_tag_vectors).length != rows * dims * sizeof(float))
        throw damaged("vectors section has " + std::to_string(section(rvx_tag_vectors).length) +
                      " bytes for " + std::to_string(rows) + " rows of " + std::to_string(dims) +
                      " floats");
    if (names_section.length < 2 * h.names)
        throw damaged("names section is too short for " + std::to_string(h.names) + " names");
    const uint64_t list0 = 4 + 8 * static_cast<uint64_t>(h.M);
    if (graph_section && graph_section->length < rows * (list0 + 1))
        throw damaged("graph section is too short for " + std::to_string(rows) + " rows");
    // The quantizer section holds at most the centroids of 256 codes per dimension.
    if (quantized && section(rvx_tag_quantizer).length > 64 + dims * pq_centroids * sizeof(float))
        throw damaged("quantizer section is too large");

    auto read_section = [&](const RvxSection& s) {
        std::string bytes(static_cast<size_t>(s.length), '\0');
        source.read_at(s.offset, bytes.data(), bytes.size());
        if (!checksum_matches(checksum64(bytes.data(), bytes.size()), s.checksum))
            throw damaged("checksum mismatch in section " + rvx_section_title(s.tag));
        return bytes;
    };

    Index index(embed, graph);
    if (prov) index.provenance_ = read_section(*prov);
    index.shard_ = shard;

    const std::string names_bytes = read_section(names_section);
    index.names_.reserve(h.names);
    for (size_t pos = 0; pos < names_bytes.size();) {
        const size_t nul = names_bytes.find('\0', pos);
        if (nul == std::string::npos) throw damaged("names section does not end with NUL");
        if (nul == pos || nul - pos > rvec_max_name || index.names_.size() == h.names)
            throw damaged("bad name in the names section");
        index.names_.emplace_back(names_bytes, pos, nul - pos);
        pos = nul + 1;
    }
    if (index.names_.size() != h.names)
        throw damaged("names section holds " + std::to_string(index.names_.size()) +
                      " names, the header says " + std::to_string(h.names));
    index.build_name_lookup();
    if (!index.names_unique()) throw damaged("names section repeats a name");

    const std::string rows_bytes = read_section(rows_section);
    index.rows_.resize(rows);
    index.live_rows_of_name_.assign(h.names, 0);
    for (uint64_t i = 0; i < rows; ++i) {
        const unsigned char* p =
            reinterpret_cast<const unsigned char*>(&rows_bytes[i * rvx_row_size]);
        RowInfo& row = index.rows_[i];
        row = {get_u64(p), get_u64(p + 8), get_u32(p + 16), get_u32(p + 20)};
        if (row.start > row.end || row.name >= h.names || (row.flags & ~rvx_row_deleted) != 0)
            throw damaged("row " + std::to_string(i) + " is malformed");
        if (row.flags & rvx_row_deleted)
            ++index.deleted_rows_;
        else
            ++index.live_rows_of_name_[row.name];
    }
    if (index.deleted_rows_ != h.deleted_rows)
        throw damaged("rows section marks " + std::to_string(index.deleted_rows_) +
                      " rows deleted, the header says " + std::to_string(h.deleted_rows));

    if (!layout.vectors) { // the read search alone: rows without vectors, an empty graph
        index.has_vectors_ = false;
        index.floats_.reset();
    }
    const RvxSection* vectors_section =
        floats_dropped || !layout.vectors ? nullptr : &section(rvx_tag_vectors);
    // The float vectors are checksummed and checked finite as they are read, however held.
    StreamingChecksum64 vectors_sum;
    bool vectors_finite = true;
    auto read_vectors = [&](uint64_t offset, char* buffer, size_t size) {
        source.read_at(vectors_section->offset + offset, buffer, size);
        vectors_sum.update(buffer, size);
        vectors_finite =
            vectors_finite && all_finite(reinterpret_cast<const float*>(buffer), size / 4);
    };
    // An index that is not quantized is searched through its float vectors. Mapped from the
    // file, they are shared by every process searching it (one copy in the page cache, not
    // one per job); otherwise the graph holds a copy.
    const std::shared_ptr<const RandomAccessSource> shared =
        quantized || !vectors_section ? nullptr : source.share();
    const char* mapped = shared ? shared->map() : nullptr;
    if (mapped) {
        index.graph_impl_ = std::make_unique<HnswGraph>(embed.dims, graph, rows, false);
        index.graph_impl_->load_vectors(rows, {});
        const char* vectors = mapped + vectors_section->offset;
        index.floats_ = mapped_float_store(shared, reinterpret_cast<const float*>(vectors), rows,
                                           embed.dims);
        const uint64_t length = vectors_section->length, chunk = uint64_t{16} << 20;
        for (uint64_t at = 0; at < length; at += chunk) {
            const size_t size = static_cast<size_t>(std::min(chunk, length - at));
            vectors_sum.update(vectors + at, size);
            vectors_finite = vectors_finite &&
                             all_finite(reinterpret_cast<const float*>(vectors + at), size / 4);
        }
    } else if (!layout.vectors) {
        // nothing to hold: the read search recomputes a window's vector from its bases
    } else if (!quantized) {
        index.graph_impl_->load_vectors(rows, read_vectors); // the store of the graph's floats
    } else {
        // Searches walk the codes: the graph holds links only, and the float vectors (if kept)
        // stay apart, in the file when its source can be shared, read into memory otherwise.
        index.graph_impl_ = std::make_unique<HnswGraph>(embed.dims, graph, rows, false);
        index.graph_impl_->load_vectors(rows, {});
        index.floats_.reset();
        if (vectors_section) {
            const uint64_t length = vectors_section->length, chunk = uint64_t{16} << 20;
            // Left in the file when the source can be shared: read here only to be checked.
            std::shared_ptr<const RandomAccessSource> file = source.share();
            std::vector<char> scratch;
            std::vector<float> held;
            if (file)
                scratch.resize(static_cast<size_t>(std::min(chunk, length)));
            else
                held.resize(rows * dims);
            for (uint64_t at = 0; at < length; at += chunk)
                read_vectors(at, file ? scratch.data() : reinterpret_cast<char*>(held.data()) + at,
                             static_cast<size_t>(std::min(chunk, length - at)));
            index.floats_ = file ? file_float_store(file, vectors_section->offset, embed.dims)
                                 : held_float_store(std::move(held), embed.dims);
        }
    }
    if (vectors_section) {
        if (!checksum_matches(vectors_sum.digest(), vectors_section->checksum))
            throw damaged("checksum mismatch in section vectors");
        if (!vectors_finite) throw damaged("vectors section holds a value that is not finite");
    }
    if (graph_section) {
        const std::string graph_bytes = read_section(*graph_section);
        try {
            index.graph_impl_->load_graph(
                graph_section->length, h.max_level, h.entry_point,
                [&](uint64_t offset, char* buffer, size_t size) {
                    if (offset > graph_bytes.size() || size > graph_bytes.size() - offset)
                        throw Error(ErrorKind::corrupt, "graph section is too short");
                    std::memcpy(buffer, graph_bytes.data() + offset, size);
                });
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::corrupt) throw;
            throw damaged(e.what());
        }
    }
    for (uint64_t i = 0; graph_section && i < rows; ++i)
        if (index.rows_[i].flags & rvx_row_deleted)
            index.graph_impl_->mark_deleted(static_cast<uint32_t>(i));
    if (quantized) {
        const std::string bytes = read_section(section(rvx_tag_quantizer));
        try {
            index.codes_ = std::make_unique<CodeStore>(
                Quantizer::parse(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                                 embed.dims, graph.metric));
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::corrupt) throw;
            throw damaged(e.what());
        }
        const Quantizer& quantizer = index.codes_->quantizer();
        if (static_cast<uint8_t>(quantizer.kind()) != h.quantization)
            throw damaged("the quantizer section is not of the header's quantization");
        const RvxSection& codes = section(rvx_tag_codes);
        const size_t code_bytes = quantizer.code_bytes();
        std::vector<uint8_t>& codes_read = index.codes_->codes();
        if (codes.length != rows * code_bytes)
            throw damaged("codes section has " + std::to_string(codes.length) + " bytes for " +
                          std::to_string(rows) + " rows of " + std::to_string(code_bytes));
        codes_read.resize(codes.length);
        StreamingChecksum64 sum;
        const uint64_t chunk = uint64_t{16} << 20;
        for (uint64_t offset = 0; offset < codes.length; offset += chunk) {
            const size_t size = static_cast<size_t>(std::min(chunk, codes.length - offset));
            char* at = reinterpret_cast<char*>(codes_read.data()) + offset;
            source.read_at(codes.offset + offset, at, size);
            sum.update(at, size);
        }
        if (!checksum_matches(sum.digest(), codes.checksum))
            throw damaged("checksum mismatch in section codes");
        for (uint64_t row = 0; row < rows; ++row)
            if (!quantizer.code_valid(codes_read.data() + row * code_bytes))
                throw damaged("the code of row " + std::to_string(row) + " is malformed");
    }
    if (layout.sequences) {
        auto as_bytes = [](const std::string& s) {
            return reinterpret_cast<const unsigned char*>(s.data());
        };
        // The two large sections are read straight into place, checked on the way: a copy of
        // their bytes would double the search's peak memory.
        auto reader = [&](const RvxSection& s) {
            return SectionReader(source, s.offset, s.length, s.checksum,
                                 damaged("checksum mismatch in section " + rvx_section_title(s.tag))
                                     .what());
        };
        SectionReader sequences_reader = reader(section(rvx_tag_sequences));
        PackedSequences sequences = PackedSequences::decode(sequences_reader, source_name);
        SectionReader kmers_reader = reader(section(rvx_tag_kmers));
        KmerIndex kmers = KmerIndex::decode(kmers_reader, source_name);
        std::string bytes;
        index.sequences_ =
            std::make_unique<SequenceSearch>(std::move(sequences), std::move(kmers), source_name);
        const PackedSequences& held = index.sequences_->sequences();
        // RECS: the first row of each sequence, then the row count; each sequence's rows of one
        // name and inside it.
        bytes = read_section(section(rvx_tag_records));
        const uint64_t records = held.records();
        if (bytes.size() != 8 * (records + 1))
            throw damaged("records section has " + std::to_string(bytes.size()) + " bytes for " +
                          std::to_string(records) + " sequences");
        index.record_first_row_.resize(records);
        uint64_t previous = 0;
        for (uint64_t r = 0; r <= records; ++r) {
            const uint64_t first = get_u64(as_bytes(bytes) + 8 * r);
            if (first < previous || (r == 0 && first != 0) || (r == records && first != rows))
                throw damaged("records section: the sequences' first rows are out of order");
            if (r > 0)
                for (uint64_t row = previous; row < first; ++row) {
                    const RowInfo& info = index.rows_[row];
                    if (info.name != index.rows_[previous].name || info.end > held.length(r - 1))
                        throw damaged("records section: row " + std::to_string(row) +
                                      " does not lie in sequence " + std::to_string(r));
                    // Windows in order, as the read search looks them up (windows_of).
                    const RowInfo& before = index.rows_[row > previous ? row - 1 : row];
                    if (row > previous && (info.start <= before.start || info.end < before.end))
                        throw damaged("records section: the rows of sequence " +
                                      std::to_string(r) + " are out of order");
                }
            if (r < records) index.record_first_row_[r] = first;
            previous = first;
        }
        index.sequenced_rows_ = rows;
    }
    return index;
}

} // namespace ruvec
