// The measurement behind sq8's one scale per vector (ruvec quantize): recall@10 of ranking the
// rows of an index by their int8 codes, against exact float search, for queries from an .rvec,
// with ruvec's per-vector codes and with per-dimension codes (each dimension's min..max over the
// rows mapped onto 256 levels, as FAISS's SQ8), the query kept in floats (asymmetric) or encoded
// the same way (symmetric). Built and run by scripts/sq8-scale-choice.sh.
#include "ruvec/index.hpp"
#include "ruvec/io.hpp"
#include "ruvec/quantize.hpp"
#include "ruvec/vecfile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

using namespace ruvec;

namespace {

std::string read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Mean over queries of |top 10 by `score` ∩ true top 10| / 10; lower scores rank first.
template <class Score>
double recall(const std::vector<std::vector<uint32_t>>& truth, size_t rows, Score score) {
    double total = 0;
    for (size_t q = 0; q < truth.size(); ++q) {
        std::vector<std::pair<float, uint32_t>> ranked(rows);
        for (uint32_t r = 0; r < rows; ++r) ranked[r] = {score(q, r), r};
        std::partial_sort(ranked.begin(), ranked.begin() + 10, ranked.end());
        const std::set<uint32_t> want(truth[q].begin(), truth[q].end());
        for (size_t i = 0; i < 10; ++i) total += want.count(ranked[i].second) / 10.0;
    }
    return total / static_cast<double>(truth.size());
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: sq8-scale-choice INDEX.rvx QUERIES.rvec\n");
        return 1;
    }
    const std::string index_bytes = read_file(argv[1]);
    MemoryRandomSource index_source(index_bytes);
    const Index index = Index::load(index_source, argv[1]);
    const size_t dims = index.embed_params().dims, rows = index.rows();
    if (index.graph_params().metric != Metric::cosine) {
        std::fprintf(stderr, "sq8-scale-choice: needs a cosine index\n");
        return 1;
    }
    const std::string query_bytes = read_file(argv[2]);
    MemorySource query_source(query_bytes);
    RvecReader reader(query_source, argv[2]);
    std::vector<float> queries, block;
    std::vector<VecRow> names;
    while (reader.next_block(names, block))
        queries.insert(queries.end(), block.begin(), block.end());
    const size_t n_queries = queries.size() / dims;
    for (size_t q = 0; q < n_queries; ++q) {
        double s = 0;
        for (size_t i = 0; i < dims; ++i)
            s += double{queries[q * dims + i]} * queries[q * dims + i];
        for (size_t i = 0; i < dims && s > 0; ++i) queries[q * dims + i] /= std::sqrt(s);
    }

    // Truth: exact cosine; the index stores unit vectors.
    SearchOptions exact;
    exact.top = 10;
    exact.exact = true;
    std::vector<std::vector<SearchHit>> hits;
    index.search_many(queries.data(), n_queries, exact, 1, hits);
    std::vector<std::vector<uint32_t>> truth(n_queries);
    for (size_t q = 0; q < n_queries; ++q)
        for (const SearchHit& h : hits[q]) truth[q].push_back(h.row);

    // ruvec's sq8: a scale per vector, the query encoded too.
    QuantParams params;
    params.kind = QuantKind::sq8;
    std::vector<float> stored(rows * dims);
    for (uint32_t r = 0; r < rows; ++r) std::copy_n(index.row_vector(r), dims, &stored[r * dims]);
    const Quantizer per_vector = Quantizer::train(stored.data(), rows, static_cast<uint32_t>(dims),
                                                  Metric::cosine, params, 1);
    std::vector<uint8_t> codes(rows * per_vector.code_bytes());
    per_vector.encode_many(stored.data(), rows, codes.data(), 1);
    std::vector<Quantizer::Query> prepared;
    for (size_t q = 0; q < n_queries; ++q)
        prepared.push_back(per_vector.prepare(&queries[q * dims]));
    const double r_vector = recall(truth, rows, [&](size_t q, uint32_t r) {
        return per_vector.distance(prepared[q], &codes[r * per_vector.code_bytes()]);
    });

    // Per dimension: min..max of each dimension over the rows, 256 levels.
    std::vector<float> low(dims, INFINITY), high(dims, -INFINITY);
    for (size_t r = 0; r < rows; ++r)
        for (size_t i = 0; i < dims; ++i) {
            low[i] = std::min(low[i], stored[r * dims + i]);
            high[i] = std::max(high[i], stored[r * dims + i]);
        }
    auto quantize_dim = [&](const float* v, float* decoded) {
        for (size_t i = 0; i < dims; ++i) {
            const float step = high[i] > low[i] ? (high[i] - low[i]) / 255 : 1;
            const float c = std::clamp(std::nearbyint((v[i] - low[i]) / step), 0.0f, 255.0f);
            decoded[i] = low[i] + c * step;
        }
    };
    std::vector<float> decoded(rows * dims), decoded_queries(n_queries * dims);
    for (size_t r = 0; r < rows; ++r) quantize_dim(&stored[r * dims], &decoded[r * dims]);
    for (size_t q = 0; q < n_queries; ++q)
        quantize_dim(&queries[q * dims], &decoded_queries[q * dims]);
    auto dot = [&](const float* a, const float* b) {
        double s = 0;
        for (size_t i = 0; i < dims; ++i) s += double{a[i]} * b[i];
        return static_cast<float>(s);
    };
    const double r_dim_asym = recall(truth, rows, [&](size_t q, uint32_t r) {
        return -dot(&queries[q * dims], &decoded[r * dims]);
    });
    const double r_dim_sym = recall(truth, rows, [&](size_t q, uint32_t r) {
        return -dot(&decoded_queries[q * dims], &decoded[r * dims]);
    });
    std::printf("%zu queries (%s) against %zu rows of %zu dims (%s); recall@10 by codes alone\n",
                n_queries, argv[2], rows, dims, argv[1]);
    std::printf("per vector (ruvec sq8, query encoded too)\t%.4f\n", r_vector);
    std::printf("per dimension, float query (asymmetric)\t%.4f\n", r_dim_asym);
    std::printf("per dimension, query encoded too\t%.4f\n", r_dim_sym);
    return 0;
}
