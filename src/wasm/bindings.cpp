// The JavaScript face of the core for the WebAssembly build (embind): FASTA/FASTQ bytes to
// vectors, HNSW indexes and read-search indexes (sequences and their k-mer index) built, loaded,
// searched and saved as .rvx, and .rvec files written. The
// page reaches it through web/ruvec.js, never directly.
//
// No C++ exception crosses into JavaScript: emscripten 3.1.6 hands a thrown exception to JS as a
// bare pointer without its message. Every call that can fail returns "" or the error's message,
// and results are read afterwards through getters.
//
// Bytes (files, vectors) arrive as (address, length) in the module's memory, where ruvec.js
// copies them with one HEAPU8.set into a _malloc'd block: embind's std::string conversion
// copies a Uint8Array byte by byte in JavaScript, which cost more than parsing the file.
#include "ruvec/embed.hpp"
#include "ruvec/embed_stream.hpp"
#include "ruvec/error.hpp"
#include "ruvec/hits.hpp"
#include "ruvec/index.hpp"
#include "ruvec/io.hpp"
#include "ruvec/kmer_sampler.hpp"
#include "ruvec/quantize.hpp"
#include "ruvec/search_policy.hpp"
#include "ruvec/seq.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/vecfile.hpp"
#include "ruvec/version.hpp"

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

namespace ruvec::wasm {

using emscripten::val;

namespace {

// Runs `work`, turning any exception into its message ("" when it succeeds).
template <class Work> std::string guarded(Work&& work) {
    try {
        work();
        return {};
    } catch (const std::bad_alloc&) {
        return "out of memory: the browser gave this page no more (WebAssembly has 4 GiB at most)";
    } catch (const std::exception& e) {
        return e.what();
    }
}

// A field of a JS parameter object, or `fallback` when it is absent.
template <class T> T field(const val& object, const char* name, T fallback) {
    const val v = object[name];
    if (v.isUndefined() || v.isNull()) return fallback;
    return v.as<T>();
}

// Window lengths and seeds arrive as JS numbers (exact up to 2^53) or, for the 64-bit seed, as
// a decimal string.
uint64_t field_u64(const val& object, const char* name, uint64_t fallback) {
    const val v = object[name];
    if (v.isUndefined() || v.isNull()) return fallback;
    if (v.isString()) return std::stoull(v.as<std::string>());
    const double d = v.as<double>();
    if (!(d >= 0) || d > 9007199254740992.0 || d != std::floor(d))
        throw Error(ErrorKind::usage, std::string(name) + " must be a whole number >= 0");
    return static_cast<uint64_t>(d);
}

uint32_t field_u32(const val& object, const char* name, uint32_t fallback) {
    const uint64_t v = field_u64(object, name, fallback);
    if (v > std::numeric_limits<uint32_t>::max())
        throw Error(ErrorKind::usage, std::string(name) + " is too large");
    return static_cast<uint32_t>(v);
}

EmbedParams embed_params_from(const val& object) {
    EmbedParams p;
    p.k = field_u32(object, "k", p.k);
    p.dims = field_u32(object, "dims", p.dims);
    p.canonical = field<bool>(object, "canonical", p.canonical);
    p.exact = field<bool>(object, "exact", p.exact);
    const std::string weight = field<std::string>(object, "weight", weight_name(p.weight));
    if (!parse_weight(weight, p.weight))
        throw Error(ErrorKind::usage, "unknown weight '" + weight + "' (count, log or binary)");
    p.hash_seed = field_u64(object, "hashSeed", p.hash_seed);
    p.window = field_u64(object, "window", p.window);
    p.step = field_u64(object, "step", p.step);
    finalize_params(p);
    return p;
}

val embed_params_to_js(const EmbedParams& p) {
    val object = val::object();
    object.set("k", p.k);
    object.set("dims", p.dims);
    object.set("canonical", p.canonical);
    object.set("exact", p.exact);
    object.set("weight", std::string(weight_name(p.weight)));
    object.set("hashId", p.hash_id);
    object.set("hashSeed", std::to_string(p.hash_seed));
    object.set("window", static_cast<double>(p.window));
    object.set("step", static_cast<double>(p.step));
    return object;
}

GraphParams graph_params_from(const val& object) {
    GraphParams g;
    const std::string metric = field<std::string>(object, "metric", metric_name(g.metric));
    if (!parse_metric(metric, g.metric))
        throw Error(ErrorKind::usage, "unknown metric '" + metric + "' (cosine, l2 or ip)");
    g.M = field_u32(object, "M", g.M);
    g.ef_construction = field_u32(object, "efConstruction", g.ef_construction);
    g.seed = field_u64(object, "seed", g.seed);
    check_graph_params(g);
    return g;
}

// A copy of `bytes` as a JS Uint8Array (views into wasm memory go stale when it grows).
val copy_to_js(const void* bytes, size_t size) {
    const val view =
        val(emscripten::typed_memory_view(size, static_cast<const unsigned char*>(bytes)));
    return val::global("Uint8Array").new_(view);
}

template <class T> val copy_array_to_js(const std::vector<T>& values, const char* type) {
    const val view = val(emscripten::typed_memory_view(values.size(), values.data()));
    return val::global(type).new_(view);
}

// Rows described by JS arrays: names (strings), starts and ends (numbers, 0-based half-open).
std::vector<VecRow> rows_from(const val& names, const val& starts, const val& ends) {
    const auto n = names["length"].as<size_t>();
    if (starts["length"].as<size_t>() != n || ends["length"].as<size_t>() != n)
        throw Error(ErrorKind::usage, "names, starts and ends differ in length");
    std::vector<VecRow> rows(n);
    for (size_t i = 0; i < n; ++i) {
        rows[i].name = names[i].as<std::string>();
        rows[i].start = static_cast<uint64_t>(starts[i].as<double>());
        rows[i].end = static_cast<uint64_t>(ends[i].as<double>());
    }
    return rows;
}

// `size` bytes at `address` in the module's memory (see the top of this file).
std::string_view bytes_at(uintptr_t address, size_t size) {
    return {reinterpret_cast<const char*>(address), size};
}

// Vectors arrive as the bytes of a Float32Array.
const float* vectors_of(std::string_view bytes, size_t rows, uint32_t dims) {
    if (bytes.size() != rows * dims * sizeof(float))
        throw Error(ErrorKind::usage, "expected " + std::to_string(rows) + " x " +
                                          std::to_string(dims) + " floats, got " +
                                          std::to_string(bytes.size()) + " bytes");
    if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(float) != 0)
        throw Error(ErrorKind::usage, "vectors must be 4-byte aligned in memory");
    return reinterpret_cast<const float*>(bytes.data());
}

// Counts the bytes handed to the parser, for a progress bar.
class CountingSource : public ByteSource {
public:
    explicit CountingSource(std::string_view bytes) : source_(bytes) {}
    size_t read(char* buffer, size_t capacity) override {
        const size_t n = source_.read(buffer, capacity);
        consumed_ += n;
        return n;
    }
    uint64_t consumed() const noexcept { return consumed_; }

private:
    MemorySource source_;
    uint64_t consumed_ = 0;
};

} // namespace

// Parses one FASTA/FASTQ file held in memory and embeds its records (or their windows) in
// batches, exactly as `ruvec embed` does with the same parameters: same rows, same vectors, and
// rows without a valid k-mer skipped.
class SequenceEmbedder {
public:
    std::string configure(val params) {
        return guarded([&] {
            params_ = embed_params_from(params);
            embedder_ = std::make_unique<RecordEmbedder>(params_, 1);
        });
    }
    val params() const { return embed_params_to_js(params_); }

    // Starts reading `bytes`; `source_name` prefixes error messages ("reads.fq:12: ...").
    std::string open(uintptr_t address, size_t size, std::string source_name) {
        return guarded([&] {
            if (!embedder_) throw Error(ErrorKind::usage, "configure() first");
            bytes_.assign(bytes_at(address, size));
            reader_.reset();
            source_ = std::make_unique<CountingSource>(bytes_);
            reader_ = std::make_unique<SeqReader>(*source_, source_name);
            skipped_ = 0;
        });
    }

    // Embeds up to `max_records` more records; "" on success (records() is 0 at the end).
    std::string next(uint32_t max_records) {
        rows_.clear();
        vectors_.clear();
        batch_records_ = 0;
        return guarded([&] {
            if (!reader_) throw Error(ErrorKind::usage, "open() first");
            const uint32_t dims = params_.dims;
            selected_.clear();
            while (batch_records_ < max_records) {
                if (records_.size() <= batch_records_) records_.emplace_back();
                if (!reader_->next(records_[batch_records_])) break;
                selected_.push_back(batch_records_++);
            }
            // The records -> windows -> rows of `ruvec embed`, from the same core function.
            embedder_->embed(
                records_.data(), selected_,
                [&](size_t record, const Window& w, const float* vector) {
                    rows_.push_back({records_[record].name, w.start, w.end});
                    vectors_.insert(vectors_.end(), vector, vector + dims);
                },
                [&](size_t, const Window&) { ++skipped_; });
        });
    }

    uint32_t records() const { return batch_records_; } // in the last batch
    double recordsRead() const {
        return reader_ ? static_cast<double>(reader_->records_read()) : 0;
    }
    double basesRead() const { return reader_ ? static_cast<double>(reader_->bases_read()) : 0; }
    double bytesRead() const { return source_ ? static_cast<double>(source_->consumed()) : 0; }
    double skipped() const { return static_cast<double>(skipped_); }
    uint32_t rows() const { return static_cast<uint32_t>(rows_.size()); }

    val names() const {
        val out = val::array();
        for (size_t i = 0; i < rows_.size(); ++i) out.set(i, rows_[i].name);
        return out;
    }
    val starts() const {
        std::vector<double> v(rows_.size());
        for (size_t i = 0; i < rows_.size(); ++i) v[i] = static_cast<double>(rows_[i].start);
        return copy_array_to_js(v, "Float64Array");
    }
    val ends() const {
        std::vector<double> v(rows_.size());
        for (size_t i = 0; i < rows_.size(); ++i) v[i] = static_cast<double>(rows_[i].end);
        return copy_array_to_js(v, "Float64Array");
    }
    val vectors() const { return copy_array_to_js(vectors_, "Float32Array"); }

private:
    EmbedParams params_;
    std::unique_ptr<RecordEmbedder> embedder_;
    std::string bytes_; // the file, alive while reader_ parses it
    std::unique_ptr<CountingSource> source_;
    std::unique_ptr<SeqReader> reader_;
    std::vector<SeqRecord> records_; // the last batch's (kept for their buffers)
    std::vector<uint32_t> selected_; // 0 .. batch_records_ - 1
    std::vector<VecRow> rows_;
    std::vector<float> vectors_;
    uint32_t batch_records_ = 0;
    uint64_t skipped_ = 0;
};

namespace {

// The search options of a JS object: top, ef, exact, perTarget, minSim, rerank, hamming;
// absent ones take the CLI's defaults, and the search is planned as `ruvec search` plans it
// (the same function).
SearchOptions search_options_from(const Index& index, const val& options, bool by_bases) {
    SearchOptions o;
    o.top = field_u32(options, "top", static_cast<uint32_t>(o.top));
    o.ef = field_u32(options, "ef", static_cast<uint32_t>(o.ef));
    o.rerank = field_u32(options, "rerank", static_cast<uint32_t>(o.rerank));
    o.exact = field<bool>(options, "exact", o.exact);
    o.per_target = field<bool>(options, "perTarget", o.per_target);
    o.binary_hamming = field<bool>(options, "hamming", o.binary_hamming);
    // minSim: a number, 'none', or absent / 'auto' (the CLI's default).
    const val min_sim = options["minSim"];
    MinSimilarity min_similarity; // automatic
    if (min_sim.isString() && min_sim.as<std::string>() == "none")
        min_similarity.kind = MinSimilarity::Kind::none;
    else if (!min_sim.isUndefined() && !min_sim.isNull() &&
             !(min_sim.isString() && min_sim.as<std::string>() == "auto"))
        min_similarity = {MinSimilarity::Kind::value, min_sim.as<float>()};
    if (o.top == 0) throw Error(ErrorKind::usage, "top must be at least 1");
    if (o.ef == 0 || o.ef > max_ef)
        throw Error(ErrorKind::usage, "ef must be 1.." + std::to_string(max_ef));
    return plan_search(index, o, min_similarity, !options["ef"].isUndefined(), nullptr, by_bases);
}

} // namespace

// An .rvx index: built from rows (an index of vectors) or from sequences (the read search), or
// loaded from a file's bytes; searched; saved.
class IndexHandle {
public:
    std::string create(val embed_params, val graph_params) {
        return guarded([&] {
            index_ = std::make_unique<Index>(embed_params_from(embed_params),
                                             graph_params_from(graph_params));
        });
    }

    // An empty index of the read search alone (ruvec index --content kmers): the sequences
    // and the k-mer index of their samples with the CLI's default sampler, rows without vectors.
    std::string createReadSearch(val embed_params, val graph_params) {
        return guarded([&] {
            index_ = std::make_unique<Index>(embed_params_from(embed_params),
                                             graph_params_from(graph_params));
            index_->keep_sequences(default_sampler(index_->embed_params().k),
                                   /*keep_vectors=*/false);
        });
    }

    // Adds every record of one FASTA/FASTQ file held in memory to an index of the read search,
    // as `ruvec index --content kmers` adds its inputs: each record's windows with a valid
    // k-mer as rows (not embedded), then its bases. skipped() counts windows left out.
    std::string addSequences(uintptr_t address, size_t size, std::string source_name) {
        return guarded([&] {
            Index& index = need_index();
            if (!index.sequence_search() || index.has_vectors())
                throw Error(ErrorKind::usage, "addSequences needs an index of the read search "
                                              "alone (createReadSearch)");
            const EmbedParams& params = index.embed_params();
            RecordEmbedder rows(params, 1, /*vectors=*/false);
            MemorySource source(bytes_at(address, size));
            SeqReader reader(source, source_name);
            SeqRecord record;
            const std::vector<uint32_t> first = {0};
            skipped_ = 0;
            while (reader.next(record)) {
                rows.embed(
                    &record, first,
                    [&](size_t, const Window& w, const float*) {
                        index.add({record.name, w.start, w.end}, nullptr);
                    },
                    [&](size_t, const Window&) { ++skipped_; });
                index.add_sequence(record.seq);
            }
        });
    }

    // Reads and validates a whole .rvx, as `ruvec search` does.
    std::string load(uintptr_t address, size_t size, std::string source_name) {
        return guarded([&] {
            index_.reset();
            const MemoryRandomSource source(bytes_at(address, size));
            index_ = std::make_unique<Index>(Index::load(source, source_name));
        });
    }

    std::string add(val names, val starts, val ends, uintptr_t address, size_t size) {
        return guarded([&] {
            Index& index = need_index();
            const std::vector<VecRow> rows = rows_from(names, starts, ends);
            const uint32_t dims = index.embed_params().dims;
            const float* vectors = vectors_of(bytes_at(address, size), rows.size(), dims);
            for (size_t i = 0; i < rows.size(); ++i) index.add(rows[i], vectors + i * dims);
        });
    }

    // Links the rows added so far (`progress(rowsLinked)` is called as it goes), and builds
    // the k-mer index of the sequences added, if the index keeps them.
    std::string build(val progress) {
        return guarded([&] {
            std::function<void(uint64_t)> report;
            if (progress.typeOf().as<std::string>() == "function")
                report = [&](uint64_t linked) { progress(static_cast<double>(linked)); };
            need_index().insert_pending(1, report);
            need_index().index_sequences(1);
        });
    }

    // Whether the index has a k-mer index (the read search: searchSequences), and vectors
    // (search, quantize).
    bool readSearch() const { return index_ && index_->sequence_search(); }
    bool hasVectors() const { return index_ && index_->has_vectors(); }

    std::string quantize(std::string kind, uint32_t pq_subspaces) {
        return guarded([&] {
            QuantParams q;
            if (!parse_quant_kind(kind, q.kind) || q.kind == QuantKind::none)
                throw Error(ErrorKind::usage,
                            "unknown quantization '" + kind + "' (sq8, pq or binary)");
            q.pq_subspaces = pq_subspaces;
            need_index().quantize(q, 1);
        });
    }

    std::string addProvenance(std::string line) {
        return guarded([&] { need_index().add_provenance(line); });
    }

    // Writes the whole .rvx into saved(); rows still queued are linked first.
    std::string save() {
        return guarded([&] {
            StringSink sink;
            need_index().save(sink);
            saved_ = std::move(sink.bytes);
        });
    }
    val saved() const { return copy_to_js(saved_.data(), saved_.size()); }

    // Searches `count` query vectors (the bytes of a Float32Array) named by names/starts/ends.
    // options: top, ef, exact, perTarget, minSim, rerank; absent ones take the CLI's defaults.
    std::string search(uintptr_t address, size_t size, val names, val starts, val ends,
                       val options) {
        return guarded([&] {
            const Index& index = need_index();
            if (!index.has_vectors())
                throw Error(ErrorKind::usage, "this index holds the read search alone, no "
                                              "vectors: search it by sequence (searchSequences)");
            queries_ = rows_from(names, starts, ends);
            const float* vectors =
                vectors_of(bytes_at(address, size), queries_.size(), index.embed_params().dims);
            const SearchOptions o = search_options_from(index, options, /*by_bases=*/false);
            read_search_hits_ = false;
            index.search_many(vectors, queries_.size(), o, 1, hits_);
        });
    }

    // The read search, as `ruvec search` runs it on an index with a k-mer index: every record
    // of one FASTA/FASTQ file held in memory is a query, taken whole; records without a valid
    // k-mer are left out (skipped() counts them). Options as search's.
    std::string searchSequences(uintptr_t address, size_t size, std::string source_name,
                                val options) {
        return guarded([&] {
            const Index& index = need_index();
            if (!index.sequence_search())
                throw Error(ErrorKind::usage, "this index has no k-mer index: search it by "
                                              "vector (search)");
            const SearchOptions o = search_options_from(index, options, /*by_bases=*/true);
            MemorySource source(bytes_at(address, size));
            SeqReader reader(source, source_name);
            SeqRecord record;
            std::vector<std::string> bases;
            queries_.clear();
            skipped_ = 0;
            const uint32_t k = index.embed_params().k;
            while (reader.next(record)) {
                if (!has_valid_kmer(record.seq, {0, record.seq.size()}, k)) {
                    ++skipped_;
                    continue;
                }
                queries_.push_back({record.name, 0, record.seq.size()});
                bases.push_back(record.seq);
            }
            read_search_hits_ = true;
            index.search_bases_many(bases, o, 1, hits_);
        });
    }
    double skipped() const { return static_cast<double>(skipped_); }

    // The last search's hits, query by query: counts[q] hits each, rank order.
    val hitCounts() const {
        std::vector<uint32_t> counts(hits_.size());
        for (size_t q = 0; q < hits_.size(); ++q)
            counts[q] = static_cast<uint32_t>(hits_[q].size());
        return copy_array_to_js(counts, "Uint32Array");
    }
    val hitRows() const {
        return flat_hits([](const SearchHit& h) { return h.row; }, "Uint32Array");
    }
    val hitSimilarities() const {
        return flat_hits([](const SearchHit& h) { return h.similarity; }, "Float32Array");
    }
    val hitDistances() const {
        return flat_hits([](const SearchHit& h) { return h.distance; }, "Float32Array");
    }
    // The last search's hits as `ruvec search` prints them (TSV, header line first).
    std::string hitsTsv() const {
        std::string text = read_search_hits_ ? hits_tsv_read_search_header : hits_tsv_header;
        for (size_t q = 0; q < hits_.size(); ++q)
            append_hits(text, queries_[q], hits_[q], *index_, HitsFormat::tsv);
        return text;
    }

    double rows() const { return index_ ? static_cast<double>(index_->rows()) : 0; }
    double liveRows() const { return index_ ? static_cast<double>(index_->live_rows()) : 0; }
    std::string rowName(uint32_t row) const {
        return checked_row(row) ? index_->row_name(row) : "";
    }
    double rowStart(uint32_t row) const {
        return checked_row(row) ? static_cast<double>(index_->row_window(row).start) : 0;
    }
    double rowEnd(uint32_t row) const {
        return checked_row(row) ? static_cast<double>(index_->row_window(row).end) : 0;
    }
    val embedParams() const {
        return index_ ? embed_params_to_js(index_->embed_params()) : val::null();
    }
    val graphParams() const {
        if (!index_) return val::null();
        const GraphParams& g = index_->graph_params();
        val object = val::object();
        object.set("metric", std::string(metric_name(g.metric)));
        object.set("M", g.M);
        object.set("efConstruction", g.ef_construction);
        object.set("seed", static_cast<double>(g.seed));
        return object;
    }
    std::string quantization() const {
        return index_ && index_->quantizer() ? quant_kind_name(index_->quantizer()->kind())
                                             : "none";
    }
    std::string provenance() const { return index_ ? index_->provenance() : ""; }

private:
    Index& need_index() const {
        if (!index_) throw Error(ErrorKind::usage, "no index: create() or load() first");
        return *index_;
    }
    bool checked_row(uint32_t row) const { return index_ && row < index_->rows(); }
    template <class Get> val flat_hits(Get get, const char* type) const {
        using T = decltype(get(SearchHit{}));
        std::vector<T> values;
        for (const auto& hits : hits_)
            for (const SearchHit& h : hits) values.push_back(get(h));
        return copy_array_to_js(values, type);
    }

    std::unique_ptr<Index> index_;
    std::string saved_;
    std::vector<VecRow> queries_;
    std::vector<std::vector<SearchHit>> hits_;
    bool read_search_hits_ = false; // the last search was searchSequences
    uint64_t skipped_ = 0;          // records or windows without a valid k-mer, last call
};

// Vectors as an .rvec file (what `ruvec embed -o x.rvec` writes), to download and use with the
// CLI. The bytes land in file(); "" or the error.
class RvecEncoder {
public:
    std::string encode(val params, val names, val starts, val ends, uintptr_t address, size_t size,
                       std::string provenance) {
        return guarded([&] {
            const EmbedParams p = embed_params_from(params);
            const std::vector<VecRow> rows = rows_from(names, starts, ends);
            const float* vectors = vectors_of(bytes_at(address, size), rows.size(), p.dims);
            StringSink sink;
            const auto writer = make_rvec_writer(sink, p, provenance);
            for (size_t i = 0; i < rows.size(); ++i) writer->add(rows[i], vectors + i * p.dims);
            writer->finish();
            file_ = std::move(sink.bytes);
        });
    }
    val file() const { return copy_to_js(file_.data(), file_.size()); }

private:
    std::string file_;
};

// Rows kept in wasm memory for the distance benchmark: 1-vs-N dot products through the active
// kernels, the work a brute-force search does per query.
class DistanceRows {
public:
    std::string set(uintptr_t address, size_t size, uint32_t rows, uint32_t dims) {
        return guarded([&] {
            const float* v = vectors_of(bytes_at(address, size), rows, dims);
            rows_.assign(v, v + static_cast<size_t>(rows) * dims);
            n_rows_ = rows;
            dims_ = dims;
            out_.assign(rows, 0.0f);
        });
    }
    // dot(query, row) for every row, `repeats` times; returns the sum of the last pass (so the
    // work cannot be optimised away, and JS can compare it with its own).
    double dotAll(uintptr_t address, size_t size, uint32_t repeats) {
        if (size != dims_ * sizeof(float) || address % alignof(float) != 0) return std::nan("");
        const auto* query = reinterpret_cast<const float*>(address);
        const simd::Kernels& kernels = simd::active();
        for (uint32_t r = 0; r < repeats; ++r)
            kernels.dot_batch(query, rows_.data(), n_rows_, dims_, out_.data());
        double sum = 0;
        for (float d : out_) sum += d;
        return sum;
    }
    val scores() const { return copy_array_to_js(out_, "Float32Array"); }

private:
    std::vector<float> rows_, out_;
    uint32_t n_rows_ = 0, dims_ = 0;
};

std::string version() {
    return RUVEC_VERSION;
}
// "sse4_2" when the kernels are the WebAssembly SIMD ones (xsimd's SSE code lowered), "scalar"
// in the module built without SIMD.
std::string kernels() {
    return simd::isa_name(simd::active_isa());
}
double estimateIdentity(double similarity, double query_bases, double target_bases, uint32_t k,
                        uint32_t dims) {
    return estimate_identity(similarity, static_cast<uint64_t>(query_bases),
                             static_cast<uint64_t>(target_bases), k, dims);
}

EMSCRIPTEN_BINDINGS(ruvec) {
    using namespace emscripten;
    function("version", &version);
    function("kernels", &kernels);
    function("estimateIdentity", &estimateIdentity);
    class_<SequenceEmbedder>("SequenceEmbedder")
        .constructor<>()
        .function("configure", &SequenceEmbedder::configure)
        .function("params", &SequenceEmbedder::params)
        .function("open", &SequenceEmbedder::open)
        .function("next", &SequenceEmbedder::next)
        .function("records", &SequenceEmbedder::records)
        .function("recordsRead", &SequenceEmbedder::recordsRead)
        .function("basesRead", &SequenceEmbedder::basesRead)
        .function("bytesRead", &SequenceEmbedder::bytesRead)
        .function("skipped", &SequenceEmbedder::skipped)
        .function("rows", &SequenceEmbedder::rows)
        .function("names", &SequenceEmbedder::names)
        .function("starts", &SequenceEmbedder::starts)
        .function("ends", &SequenceEmbedder::ends)
        .function("vectors", &SequenceEmbedder::vectors);
    class_<IndexHandle>("IndexHandle")
        .constructor<>()
        .function("create", &IndexHandle::create)
        .function("createReadSearch", &IndexHandle::createReadSearch)
        .function("addSequences", &IndexHandle::addSequences)
        .function("readSearch", &IndexHandle::readSearch)
        .function("hasVectors", &IndexHandle::hasVectors)
        .function("searchSequences", &IndexHandle::searchSequences)
        .function("skipped", &IndexHandle::skipped)
        .function("load", &IndexHandle::load)
        .function("add", &IndexHandle::add)
        .function("build", &IndexHandle::build)
        .function("quantize", &IndexHandle::quantize)
        .function("addProvenance", &IndexHandle::addProvenance)
        .function("save", &IndexHandle::save)
        .function("saved", &IndexHandle::saved)
        .function("search", &IndexHandle::search)
        .function("hitCounts", &IndexHandle::hitCounts)
        .function("hitRows", &IndexHandle::hitRows)
        .function("hitSimilarities", &IndexHandle::hitSimilarities)
        .function("hitDistances", &IndexHandle::hitDistances)
        .function("hitsTsv", &IndexHandle::hitsTsv)
        .function("rows", &IndexHandle::rows)
        .function("liveRows", &IndexHandle::liveRows)
        .function("rowName", &IndexHandle::rowName)
        .function("rowStart", &IndexHandle::rowStart)
        .function("rowEnd", &IndexHandle::rowEnd)
        .function("embedParams", &IndexHandle::embedParams)
        .function("graphParams", &IndexHandle::graphParams)
        .function("quantization", &IndexHandle::quantization)
        .function("provenance", &IndexHandle::provenance);
    class_<RvecEncoder>("RvecEncoder")
        .constructor<>()
        .function("encode", &RvecEncoder::encode)
        .function("file", &RvecEncoder::file);
    class_<DistanceRows>("DistanceRows")
        .constructor<>()
        .function("set", &DistanceRows::set)
        .function("dotAll", &DistanceRows::dotAll)
        .function("scores", &DistanceRows::scores);
}

} // namespace ruvec::wasm
