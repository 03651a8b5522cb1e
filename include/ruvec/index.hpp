// HNSW indexes of embeddings (hnswlib), saved as one validated .rvx file (index_format.hpp).
//
// Building is deterministic: the graph depends on the rows, their order and the parameters,
// never on the thread count (rows are inserted in batches whose neighbour searches run in
// parallel against the graph as it stood before the batch, and whose links are then made in row
// order). Searching is thread-safe.
#pragma once

#include "ruvec/embed.hpp"
#include "ruvec/graph_params.hpp"
#include "ruvec/io.hpp"
#include "ruvec/kmer_sampler.hpp"
#include "ruvec/metric.hpp"
#include "ruvec/quantize.hpp"
#include "ruvec/vecfile.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ruvec {

// Default ef of search: the smallest value measured to reach recall@10 >= 0.95 against exact
// search on ../shared/data (29 genomes in 1 kbp windows every 500 bp, 64278 vectors; 150 bp
// simulated reads and real honey-bee reads as queries): scripts/measure-default-ef.sh, README
// "Choosing --ef". k-mer vectors of unrelated windows are nearly orthogonal, so the graph offers
// a search little to follow and needs a long candidate list.
inline constexpr uint32_t default_search_ef = 2048;

// True when a graph search with `ef` would compare a query with about as many vectors as brute
// force does (ef x 2M >= live vectors: each of ef candidates has up to 2M links): brute force is
// then no more work, reads memory in order, and is exact.
bool brute_force_is_no_more_work(uint64_t live_rows, const GraphParams& graph, size_t ef);

// Throws Error(usage) naming the parameter out of range.
void check_graph_params(const GraphParams& params);

// Candidates of a search by quantized codes whose exact float distances are computed to rank
// them, when the index keeps its float vectors: scripts/measure-rerank.sh on ../shared/data
// (390 reads, ef 512) found sq8 at its best from 16, pq still gaining at 256 (recall@10 0.55 at
// 64, 0.64 at 256), and no measurable cost in queries/s up to 256.
inline constexpr size_t default_rerank = 256;

struct SearchOptions {
    size_t top = 5;                // neighbours per query
    size_t ef = default_search_ef; // HNSW candidate list size (raised to `top` if smaller)
    // Quantized index with float vectors: the best `rerank` of the `ef` candidates by code
    // distance (at least `top`; all of them with per_target) are ranked again by float
    // distance; 0: hits keep their code distances.
    size_t rerank = default_rerank;
    bool binary_hamming = false; // binary codes: binarise the query, compare by Hamming distance
    bool exact = false;          // brute force over every row instead of the graph
    // With exact, a quantized index that keeps its float vectors: brute force over the codes
    // instead, their best `rerank` then ranked by float distance as the graph's candidates are
    // (what the codes alone lose, without the graph's error: ruvec quantize reports it).
    bool exact_by_codes = false;
    bool per_target = false;     // best row per sequence name, not per row
    float min_similarity = -std::numeric_limits<float>::infinity(); // drop weaker hits
};

// One neighbour of a query.
struct SearchHit {
    uint32_t row;     // row of the index
    float distance;   // in the index's metric (Euclidean for l2, 1 - similarity otherwise)
    float similarity; // cosine or inner product; 1 - distance^2 / 2 for l2 (cosine of unit vectors)
    // The read search's identity, from the exact k-mers the query shares with the row's window
    // (shared_kmers.hpp); negative for hits of the vector search, whose identity is estimated
    // from the similarity (estimate_identity).
    float identity = -1.0f;
    // The read search's rank: the distinct k-mers the whole query shares with the region the
    // hit's window lies in, then the region's copies, the regions of its sequence that share
    // as many (itself included): hits come in decreasing order of the two. 0 for the vector
    // search.
    uint64_t shared_kmers = 0;
    uint32_t copies = 0;
};

// Which part of a larger collection an index holds (ruvec index --shard): shard `shard` of
// `count` is the contiguous block of `records` input records starting at `first_record`, in
// the order of all `total_records` records of the inputs.
struct ShardInfo {
    uint32_t shard = 0; // 1-based; 0: the index is not a shard
    uint32_t count = 0;
    uint64_t first_record = 0;
    uint64_t records = 0;
    uint64_t total_records = 0;
};

// Throws Error(usage) unless `shard` describes a shard (1 <= shard <= count, at least one record,
// within the total).
void check_shard_info(const ShardInfo& shard);

// What a loaded index holds in memory, for `ruvec info`.
struct IndexMemory {
    uint64_t graph_bytes = 0;           // links (and, unless quantized, float vectors) in hnswlib
    uint64_t code_bytes = 0;            // quantized codes
    uint64_t float_bytes = 0;           // float vectors held apart from the graph (or mapped)
    bool float_vectors_in_file = false; // a quantized index's float vectors, read as re-ranked
    bool float_vectors_mapped = false;  // read from the mapped file, shared between processes
};

// Bytes an index of `rows` rows holds in memory while it is built and saved: the float vectors,
// the graph's links (2 M on the bottom level, M on each level above, which 1 row in M - 1
// reaches on average), hnswlib's bookkeeping per row, and the row table. Names are not
// counted. ruvec index --max-memory compares it with the limit as rows arrive.
uint64_t index_build_bytes(const EmbedParams& embed, const GraphParams& graph, uint64_t rows);
// The same for an index without vectors (keep_sequences): the row table, the bases packed 2
// bits each, and the k-mer samples of the default sampler (about 1 base in 16) as they are
// collected (16 bytes each) and then indexed (12 bytes each), both held while they are sorted.
uint64_t sequence_index_build_bytes(uint64_t rows, uint64_t bases);

// Statistics for `ruvec info`.
struct GraphStats {
    std::vector<uint64_t> nodes_per_level; // [l]: rows whose top level is l
    double mean_links_level0 = 0;          // mean out-degree on level 0
    uint64_t unreachable_rows = 0;         // rows no search can reach from the entry point
};

class HnswGraph;  // src/graph/hnsw_graph.hpp: the one place that includes hnswlib
class SequenceSearch; // ruvec/sequence_search.hpp
class FloatStore; // src/vector_store.hpp
class CodeStore;

class Index {
public:
    // An empty index; `embed` must have passed finalize_params.
    Index(const EmbedParams& embed, const GraphParams& graph);
    ~Index();
    Index(Index&&) noexcept;
    Index& operator=(Index&&) noexcept;

    // Reads and validates a whole .rvx file. Errors name `source_name`: Error(format) for a file
    // that is not .rvx or of another format version, Error(corrupt) for damage or truncation,
    // Error(resource) when it cannot be held in memory. The float vectors of a quantized index
    // are needed only to re-rank and to link new rows: they are checksummed, then left in the
    // file when `source` can be shared (RandomAccessSource::share), so that memory holds the
    // links and the codes; re-ranking then reads the candidates' vectors from the file. The
    // file must not be changed in place while the index is in use (ruvec replaces files by
    // renaming new ones over them, which leaves the open one intact).
    static Index load(const RandomAccessSource& source, const std::string& source_name);
    // Writes the whole file; rows added since the last insert_pending() are inserted first.
    void save(ByteSink& out);

    const EmbedParams& embed_params() const noexcept { return embed_; }
    const GraphParams& graph_params() const noexcept { return graph_; }
    uint64_t rows() const noexcept { return rows_.size(); }
    uint64_t deleted_rows() const noexcept { return deleted_rows_; }
    uint64_t live_rows() const noexcept { return rows_.size() - deleted_rows_; }
    uint64_t names() const noexcept { return names_.size(); }
    const std::string& provenance() const noexcept { return provenance_; }
    // Adds a line "ruvec <version>\t<command line>" to the provenance (a newline is appended).
    void add_provenance(std::string_view line);
    // The shard this index holds (saved in the header; shard 0 when it is not one).
    const ShardInfo& shard() const noexcept { return shard_; }
    void set_shard(const ShardInfo& shard); // check_shard_info first

    const std::string& row_name(uint32_t row) const { return names_[rows_[row].name]; }
    Window row_window(uint32_t row) const { return {rows_[row].start, rows_[row].end}; }
    bool row_deleted(uint32_t row) const { return rows_[row].flags & 1u; }
    // dims floats, as stored (unit for cosine); nullptr once the float vectors are dropped,
    // and while those of a loaded quantized index are left in its file unmapped (float_row
    // reads them)
    const float* row_vector(uint32_t row) const;
    // The same, read into `scratch` (dims floats) if it is not in memory; nullptr once dropped.
    const float* float_row(uint32_t row, float* scratch) const;

    // Quantization. quantize() trains a quantizer on the live rows and encodes every row;
    // searches then walk the graph comparing the query with codes, and re-rank with the float
    // vectors. Rows added later are encoded with the same quantizer. Replaces an earlier one.
    // Rows in `held_out` are left out of the training (they are still encoded), so they can
    // measure the quantizer as unseen data would.
    void quantize(const QuantParams& params, int threads,
                  const std::vector<uint32_t>& held_out = {});
    // Forgets the float vectors of a quantized index: a compact index searched by codes alone,
    // which can no longer re-rank nor link new rows (add() refuses them).
    void drop_float_vectors();
    const Quantizer* quantizer() const noexcept; // null: not quantized
    bool has_float_vectors() const noexcept { return floats_ != nullptr; }
    const uint8_t* row_code(uint32_t row) const; // quantizer()->code_bytes() bytes

    // Queues one row. The windows of one sequence come together, starts increasing; any other
    // row whose name already has live rows is refused (Error(input)), so names identify
    // sequences for --remove and --per-target.
    // Throws Error(input) for a vector with a non-finite value, or all zeros under cosine.
    // `vector` is null exactly when the index holds no vectors (has_vectors).
    void add(const VecRow& row, const float* vector);
    // Links the queued rows into the graph with `threads` threads (the result does not depend
    // on it), then makes sure every row can be reached by a search. With
    // `complete_batches_only` the last rows may stay queued (up to 1023 of them, to be linked
    // with the rows that follow), so linking as rows arrive builds the same graph as linking
    // them all at the end. `progress`, if set, is called with the number of rows linked so far.
    void insert_pending(int threads, const std::function<void(uint64_t)>& progress = {},
                        bool complete_batches_only = false);
    uint64_t pending_rows() const noexcept { return pending_rows_; }

    // Marks every row of each name deleted, so searches never return them. Returns, per name,
    // the rows newly deleted; names not in the index are reported by `missing` (may be null).
    std::vector<uint64_t> remove(const std::vector<std::string>& names,
                                 std::vector<std::string>* missing);

    // Neighbours of `query` (dims floats, normalised here under cosine), nearest first; ties
    // in distance go to the lower row, so results do not depend on the thread count.
    void search(const float* query, const SearchOptions& options,
                std::vector<SearchHit>& hits) const;

    // search() for `count` queries (count x dims floats) on `threads` threads; hits[i] are
    // exactly what search() gives query i. Brute force compares blocks of rows that stay in
    // cache with many queries, so each row is read from memory once per block of queries rather
    // than once per query.
    void search_many(const float* queries, size_t count, const SearchOptions& options, int threads,
                     std::vector<std::vector<SearchHit>>& hits) const;

    // The read search (sequence_search.hpp, index_sequences.cpp). keep_sequences, on an index
    // without rows, makes it keep each sequence's bases, 2 bits a base, with a k-mer index of
    // their samples (the SEQS, KIDX and RECS sections). add_sequence then gives the bases of
    // the sequence whose rows were added since the previous call (none: a sequence whose every
    // window lacked a valid k-mer); every row must be so covered before the index is saved.
    // Without `keep_vectors` the index holds no vectors and no graph, only the rows (windows
    // with a valid k-mer, has_valid_kmer), each added with a null vector: its file is a
    // fraction of the size, it is searched by bases only (search() refuses it), and the
    // similarity of a hit is that of the window's vector computed again from its bases.
    void keep_sequences(const SamplerParams& sampler, bool keep_vectors = true);
    // Whether the index holds vectors (float vectors or codes) linked in a graph: false only
    // for a read-search index made by keep_sequences without vectors.
    bool has_vectors() const noexcept { return has_vectors_; }
    void add_sequence(std::string_view bases);
    // Samples the sequences added since the last call into the k-mer index, on `threads`
    // threads (the same index at any count); save() does it on one if it is still to do.
    void index_sequences(int threads);
    const SequenceSearch* sequence_search() const noexcept { return sequences_.get(); }
    // Neighbours of a query by its bases, through the k-mer index, the query taken whole
    // whatever its length: the candidate regions of the collection ranked by the exact k-mers
    // the whole query shares with each (SearchHit::shared_kmers; equal ones by their copies,
    // then in sequence order), so that a fragment or long read is told from a strain 99.9%
    // alike by the few k-mers where they differ (not window by window); then, region by region,
    // the live windows overlapping it, by the k-mers each shares with the query within the
    // region (ties: the window whose centre is nearest the region's, the one the match lies in
    // the middle of, then the lower row). A window is a hit of the best region it overlaps; its
    // identity is the whole query's to that region (shared_kmers.hpp), and min_similarity
    // applies to it: hits of a lower identity are left out. Hits of a shard's index keep this
    // order in one of all the shards (ruvec merge). The similarity and distance are those of
    // the query's vector to the window's, both embedded here from their bases (and normalised
    // as add() and search() normalise them), so they are the numbers ruvec embed's vectors give
    // whether or not the index keeps vectors. --per-target applies as it does to search().
    // Thread-safe; needs keep_sequences.
    void search_bases(std::string_view bases, const SearchOptions& options,
                      std::vector<SearchHit>& hits) const;
    // search_bases of every query on `threads` threads, results[i] for queries[i], each thread
    // reusing its space from query to query: the same hits at any thread count. Throws the
    // error of a failing query.
    void search_bases_many(const std::vector<std::string>& queries, const SearchOptions& options,
                           int threads, std::vector<std::vector<SearchHit>>& results) const;

    GraphStats graph_stats() const;
    IndexMemory memory() const;

private:
    struct RowInfo {
        uint64_t start;
        uint64_t end;
        uint32_t name;  // index into names_
        uint32_t flags; // rvx_row_deleted
    };
    struct SearchPlan; // index_search.cpp

    void build_name_lookup();
    bool names_unique() const; // after build_name_lookup: no name repeated
    // Rebuilds the graph from its own links, holding the float vectors (read from floats_) or
    // links only; deleted rows stay deleted.
    void relink_graph(bool with_vectors);
    // Reads float vectors that are mapped or left in the file into memory (to train on every
    // one of them).
    void hold_float_vectors();
    // Encodes rows [first, graph size) into the codes.
    void encode_rows(uint64_t first, int threads);
    SearchPlan plan_search(const SearchOptions& options) const;
    // Brute force for queries [first, first + count) of already normalised `queries`.
    void search_exact_block(const float* queries, size_t first, size_t count,
                            const SearchOptions& options,
                            std::vector<std::vector<SearchHit>>& hits) const;
    struct BasesScratch; // search_bases's space, one per thread (index_sequences.cpp)
    void search_bases_with(std::string_view bases, const SearchOptions& options,
                           std::vector<SearchHit>& hits, BasesScratch& scratch) const;
    void to_hits(std::vector<std::pair<float, uint32_t>>& found, const SearchOptions& options,
                 std::vector<SearchHit>& hits) const;

    EmbedParams embed_;
    GraphParams graph_;
    std::string provenance_;
    ShardInfo shard_;
    std::vector<std::string> names_;
    std::vector<RowInfo> rows_;
    uint64_t deleted_rows_ = 0;
    std::vector<uint64_t> live_rows_of_name_; // per name: rows not deleted
    struct NameLookup;
    std::unique_ptr<NameLookup> name_lookup_; // name -> index into names_
    uint32_t last_added_name_ = UINT32_MAX;   // rows of one sequence arrive together
    std::vector<float> pending_vectors_;      // rows queued by add(), not yet in the graph
    uint64_t pending_rows_ = 0;
    bool graph_changed_ = false; // rows linked since the last connect_unreachable
    std::unique_ptr<HnswGraph> graph_impl_;
    // The vector stores (src/vector_store.hpp). The float vectors: in the graph while it is
    // built; in a loaded index mapped from the file (shared by the processes searching it),
    // or, quantized, left in the file (read to re-rank) or held in memory when the source
    // cannot be shared; null once dropped. The codes: null when not quantized.
    std::unique_ptr<FloatStore> floats_;
    std::unique_ptr<CodeStore> codes_;
    // The read search: null unless keep_sequences. record_first_row_[r] is the first row of
    // sequence r; rows [sequenced_rows_, rows) await their sequence (add_sequence).
    std::unique_ptr<SequenceSearch> sequences_;
    std::vector<uint64_t> record_first_row_;
    uint64_t sequenced_rows_ = 0;
    // False for a read-search index without vectors: then floats_ and codes_ are null and the
    // graph stays empty (it still gives distance(), the metric's one definition).
    bool has_vectors_ = true;
};

// Estimated per-base identity between a query and a target from the similarity of their k-mer
// vectors (count or binary weight), as Mash turns a Jaccard index into a distance. If the
// shorter of the two lies within the longer one and a fraction c of its k-mers is shared, the
// cosine is c * sqrt(n_short / n_long) (n: k-mers in each), so c = similarity *
// sqrt(n_long / n_short), clipped to [0, 1]; with independent substitutions at rate d a k-mer
// survives with probability (1 - d)^k, giving identity = c^(1/k).
// Hashing k-mers into `dims` signed buckets makes unrelated sequences score about
// N(0, 1/dims); a similarity below 5 / sqrt(dims) (0.110 at 2048 dims) is not told apart from
// that noise and gives identity 0. Valid when k-mers are mostly distinct and the shorter
// sequence is contained in the longer (a read within a window; one straddling two windows
// scores lower); most accurate for near-identical sequences (identity above about 0.9).
double estimate_identity(double similarity, uint64_t query_bases, uint64_t target_bases, uint32_t k,
                         uint32_t dims);

// The similarity below which estimate_identity reports 0: 5 / sqrt(dims).
double identity_noise_floor(uint32_t dims);

// What search reports by default (`--min-sim auto`): hits at or above the noise floor, so a
// query unrelated to everything in the index gets no hits instead of the least unrelated ones.
// Cosine indexes of hashed k-mers only; l2, ip, exact profiles and fewer than 26 dims (where
// the floor reaches 1) have no floor (-inf).
float default_min_similarity(const EmbedParams& params, Metric metric);

} // namespace ruvec
