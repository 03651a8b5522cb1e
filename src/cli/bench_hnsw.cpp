// ruvec bench hnsw: the HNSW index on seeded synthetic vectors (bench_data.hpp), so any machine
// can repeat the run. Ground truth is exact search over the same index in the same run; every QPS
// is reported with its speed-up over that exact search at the same thread count.
#include "bench_hnsw.hpp"

#include "bench_data.hpp"
#include "embed_pipeline.hpp"
#include "file_source.hpp"
#include "index_inputs.hpp" // link_every_bytes: the build measured is the one users get
#include "output.hpp"
#include "progress.hpp"
#include "temp_dir.hpp"
#include "ruvec/error.hpp"
#include "ruvec/recall.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/version.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <random>
#include <unistd.h>

namespace ruvec::cli {

namespace {

std::string describe(const HnswBenchOptions& o) {
    return o.data == "input" ? o.input_description : describe_bench_data(o.data, o.data_seed);
}

// The rows (or queries) of a run: Gaussian, DNA families embedded with `embed`, or the input's.
std::unique_ptr<BenchRows> bench_rows(const HnswBenchOptions& o, const EmbedParams& embed,
                                      bool queries) {
    if (o.data == "input")
        return std::make_unique<HeldOutRows>(o.input_vectors, o.input_names, o.dim, o.input_stride,
                                             queries);
    if (o.data == "dna")
        return std::make_unique<DnaFamilyRows>(
            embed, o.data_seed, std::max<uint64_t>(1, o.rows / DnaFamilyRows::family_size),
            queries);
    return std::make_unique<GaussianRows>(o.dim, queries ? o.data_seed + 1 : o.data_seed);
}

// Queries per second (the spread of `repeats` timed passes) and, for graph searches on one
// thread, the latency of single queries over all passes (NaN otherwise).
struct SearchTiming {
    Spread qps;
    double p50_ms = std::nan(""), p99_ms = std::nan("");
};

// The `fraction` quantile of `values` (nearest rank).
double quantile(std::vector<double> values, double fraction) {
    std::sort(values.begin(), values.end());
    const size_t rank =
        static_cast<size_t>(std::ceil(fraction * static_cast<double>(values.size())));
    return values[std::min(values.size(), std::max<size_t>(rank, 1)) - 1];
}

SearchTiming time_searches(const Index& index, const std::vector<float>& queries, uint64_t count,
                           const SearchOptions& search, int threads, int repeats,
                           HitLists& results) {
    // One thread, one query at a time: what search_many does then, with each query timed.
    const bool per_query = threads == 1 && !search.exact;
    std::vector<double> qps, latencies;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        if (per_query) {
            results.resize(count);
            const size_t dims = queries.size() / count;
            for (uint64_t q = 0; q < count; ++q) {
                const auto query_start = std::chrono::steady_clock::now();
                index.search(&queries[q * dims], search, results[q]);
                latencies.push_back(seconds_since(query_start));
            }
        } else {
            // As ruvec search does: graph searches spread over threads, brute force in blocks.
            index.search_many(queries.data(), count, search, threads, results);
        }
        qps.push_back(static_cast<double>(count) / seconds_since(start));
    }
    SearchTiming timing{spread(qps)};
    if (per_query) {
        timing.p50_ms = quantile(latencies, 0.50) * 1e3;
        timing.p99_ms = quantile(latencies, 0.99) * 1e3;
    }
    return timing;
}

// One ef of the sweep.
struct EfPoint {
    uint32_t ef;
    double recall, recall1;  // recall@10, recall@1
    Spread qps_one, qps_all; // 1 thread, all threads
    double p50_ms, p99_ms;   // latency of one query on 1 thread
};

// Loads `path` `repeats` times (from a warm page cache) into `index`: the spread of the times.
Spread timed_loads(const FileSource& source, const std::string& path, int repeats,
                   std::optional<Index>& index) {
    std::vector<double> seconds;
    for (int r = 0; r < repeats; ++r) {
        index.reset();
        const auto start = std::chrono::steady_clock::now();
        index.emplace(Index::load(source, path));
        seconds.push_back(seconds_since(start));
    }
    return spread(seconds);
}

// CPU seconds of every thread of the process.
double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// The 1-minute load average, or -1 if unknown: on a shared machine, other work slows the figures.
double load_average() {
    double load = -1;
    return getloadavg(&load, 1) == 1 ? load : -1;
}

} // namespace

void embed_hnsw_input(HnswBenchOptions& o, const std::vector<std::string>& inputs,
                      const EmbedParams& params, int threads, const Messages& quiet) {
    auto vectors = std::make_shared<std::vector<float>>();
    auto names = std::make_shared<std::vector<VecRow>>();
    embed_inputs(inputs, params, threads, quiet, false, [&](const VecRow& row, const float* v) {
        names->push_back(row);
        vectors->insert(vectors->end(), v, v + params.dims);
    });
    const uint64_t total = names->size();
    if (total < 2)
        throw Error(ErrorKind::usage, "the hnsw suite needs at least 2 vectors of --input, not " +
                                          std::to_string(total));
    o.input_stride = HeldOutRows::stride_for(total, o.queries);
    o.queries = HeldOutRows::held_out(total, o.input_stride); // --queries at most
    o.rows = total - o.queries;
    o.input_vectors = std::move(vectors);
    o.input_names = std::move(names);
    std::string how = "-k " + std::to_string(params.k) + " -d " + std::to_string(params.dims) +
                      (params.exact ? " --exact" : "") + " --weight " + weight_name(params.weight);
    if (params.window)
        how += " -w " + std::to_string(params.window) + " --step " + std::to_string(params.step);
    o.input_description = "k-mer vectors of " + join_words(inputs) + " (" + how + "), every " +
                          std::to_string(o.input_stride) + "th held out as a query";
}

HnswBenchReport hnsw_suite(const HnswBenchOptions& o, const Messages& messages,
                           std::vector<Figure>& figures) {
    const std::string isa = simd::isa_name(simd::active_isa());
    const int all = std::max(o.threads, 1);
    std::vector<int> thread_counts = {1};
    if (all > 1) thread_counts.push_back(all);
    const size_t dim = o.dim;
    // Index memory in search: links, codes, and float vectors unless left in the file.
    auto memory_bytes = [](const Index& i) {
        const IndexMemory m = i.memory();
        return static_cast<double>(m.graph_bytes + m.code_bytes + m.float_bytes);
    };
    const std::string what =
        std::to_string(o.rows) + " x " + std::to_string(dim) + "-d " + metric_name(o.graph.metric);
    auto add = [&](const std::string& name, int threads, const Spread& s, const char* unit,
                   double ratio, uint32_t ef = 0) {
        figures.push_back(
            {"hnsw", name, isa, threads, dim, s.median, s.min, s.max, unit, ratio, ef});
    };
    const double no_ratio = std::nan("");
    const double load_at_start = load_average();

    double build_seconds = 0, build_cpu = 0;
    std::optional<Index> index;
    auto start = std::chrono::steady_clock::now();
    std::optional<TempDir> temp;
    std::string path = o.existing;
    if (o.existing.empty()) {
        // Build: construction, add and linking are timed; drawing the random numbers is not.
        // Gaussian rows are not embeddings: their embedding parameters are only a label.
        EmbedParams embed = o.data != "gaussian" ? o.embed : EmbedParams();
        embed.dims = o.dim;
        finalize_params(embed);
        if (embed.dims != o.dim)
            throw Error(ErrorKind::usage,
                        "--dim " + std::to_string(o.dim) + " is not a vector size");
        check_graph_params(o.graph);
        messages.info("index: building " + what + " with " + std::to_string(all) + " thread(s)");
        const std::unique_ptr<BenchRows> base_rows = bench_rows(o, embed, false);
        std::vector<float> chunk;
        const uint64_t chunk_rows = std::max<uint64_t>(1, link_every_bytes / (uint64_t{o.dim} * 4));
        start = std::chrono::steady_clock::now();
        double cpu_start = cpu_seconds();
        index.emplace(embed, o.graph);
        build_seconds += seconds_since(start);
        build_cpu += cpu_seconds() - cpu_start;
        for (uint64_t done = 0; done < o.rows;) {
            const uint64_t n = std::min(chunk_rows, o.rows - done);
            base_rows->fill(chunk, n);
            start = std::chrono::steady_clock::now();
            cpu_start = cpu_seconds();
            for (uint64_t i = 0; i < n; ++i)
                index->add(base_rows->name(done + i), &chunk[i * o.dim]);
            index->insert_pending(all);
            build_seconds += seconds_since(start);
            build_cpu += cpu_seconds() - cpu_start;
            done += n;
            messages.info("index: " + std::to_string(done) + " vectors linked, " +
                          printf_string("%.0f/s", static_cast<double>(done) / build_seconds));
        }
        const double build_rate = static_cast<double>(o.rows) / build_seconds;
        add("build", all, {build_rate, build_rate, build_rate}, "vectors/s", no_ratio);
        // ru_maxrss covers the whole process: the index, the names, and one chunk of the generator.
        const double peak_rss =
            static_cast<double>(resource_usage(std::chrono::steady_clock::now()).peak_rss_bytes);
        add("peak_rss", all, {peak_rss, peak_rss, peak_rss}, "bytes", no_ratio);
        std::vector<float>().swap(chunk);

        // Save, then load the file again and again from the (warm) page cache.
        if (o.keep.empty()) temp.emplace(o.tmpdir);
        path = o.keep.empty() ? temp->file("bench.rvx") : o.keep;
        {
            OutputFile out(path);
            // A kept file says what it holds: its embedding parameters are only labels.
            index->add_provenance(std::string("ruvec ") + RUVEC_VERSION +
                                  "\tbench hnsw: " + std::to_string(o.rows) + " " + describe(o) +
                                  (o.data == "gaussian" ? ", not k-mer embeddings" : ""));
            index->save(out);
            out.commit();
        }
        index.reset();
    }
    const FileSource source(path);
    const double file_bytes = static_cast<double>(source.size());
    add("file_size", 1, {file_bytes, file_bytes, file_bytes}, "bytes", no_ratio);
    const Spread load = timed_loads(source, path, o.repeats, index);
    add("load", 1, load, "s", no_ratio);
    const double float_memory = memory_bytes(*index);
    add("memory", 1, {float_memory, float_memory, float_memory}, "bytes", no_ratio);
    messages.info("index: " + printf_string("%.0f bytes saved, loaded in %.3f s (warm page cache)",
                                            file_bytes, load.median));

    // Ground truth: exact top-10 of every query; the pass also warms up the searches.
    std::vector<float> queries;
    const std::unique_ptr<BenchRows> query_rows = bench_rows(o, index->embed_params(), true);
    query_rows->fill(queries, o.queries);
    SearchOptions exact;
    exact.top = HnswBenchOptions::top;
    exact.exact = true;
    HitLists truth, found;
    messages.info("index: exact search of " + std::to_string(o.queries) + " queries");
    index->search_many(queries.data(), o.queries, exact, all, truth);
    // DNA families: how many of each query's true 10 nearest are its planted relatives.
    std::string relatives_found;
    double relatives_share = -1;
    if (const auto* families = dynamic_cast<const DnaFamilyRows*>(query_rows.get())) {
        uint64_t relatives = 0, neighbours = 0;
        for (size_t q = 0; q < truth.size(); ++q)
            for (const SearchHit& hit : truth[q]) {
                relatives += hit.row / DnaFamilyRows::family_size == families->family_of(q);
                ++neighbours;
            }
        relatives_share =
            static_cast<double>(relatives) / static_cast<double>(std::max<uint64_t>(neighbours, 1));
        relatives_found = printf_string(
            "exact search: %.4f of the true 10 nearest rows are the query's planted relatives",
            relatives_share);
    }
    std::vector<double> exact_qps; // median, per entry of thread_counts
    for (int threads : thread_counts) {
        const Spread s =
            time_searches(*index, queries, o.queries, exact, threads, o.repeats, found).qps;
        exact_qps.push_back(s.median);
        add("exact", threads, s, "queries/s", 1.0);
    }

    // A sweep: recall@10 and QPS per ef, until recall reaches the stop, for one way of
    // searching (`variant` names it in the figures: "hnsw" for float vectors).
    auto sweep = [&](const Index& searched, const std::string& variant, size_t rerank) {
        std::vector<EfPoint> points;
        const std::string suffix = variant == "hnsw" ? "" : " " + variant;
        for (uint32_t ef : hnsw_bench_efs) {
            SearchOptions hnsw;
            hnsw.top = HnswBenchOptions::top;
            hnsw.ef = ef;
            hnsw.rerank = rerank;
            EfPoint p{ef, 0, 0, {}, {}, 0, 0};
            const SearchTiming one =
                time_searches(searched, queries, o.queries, hnsw, 1, o.repeats, found);
            p.qps_one = one.qps;
            p.p50_ms = one.p50_ms;
            p.p99_ms = one.p99_ms;
            p.recall = recall(found, truth);
            p.recall1 = recall_at_1(found, truth);
            p.qps_all = p.qps_one;
            if (all > 1) {
                p.qps_all =
                    time_searches(searched, queries, o.queries, hnsw, all, o.repeats, found).qps;
                if (recall(found, truth) != p.recall) // searches must not depend on the threads
                    messages.warning("index: " + variant + " ef " + std::to_string(ef) +
                                     ": recall differs between 1 and " + std::to_string(all) +
                                     " threads");
            }
            add("recall@10" + suffix, 1, {p.recall, p.recall, p.recall}, "recall", no_ratio, ef);
            add("recall@1" + suffix, 1, {p.recall1, p.recall1, p.recall1}, "recall", no_ratio, ef);
            add(variant + " p50", 1, {p.p50_ms, p.p50_ms, p.p50_ms}, "ms", no_ratio, ef);
            add(variant + " p99", 1, {p.p99_ms, p.p99_ms, p.p99_ms}, "ms", no_ratio, ef);
            add(variant, 1, p.qps_one, "queries/s", p.qps_one.median / exact_qps[0], ef);
            if (all > 1)
                add(variant, all, p.qps_all, "queries/s", p.qps_all.median / exact_qps[1], ef);
            messages.info(
                "index: " + variant + " ef " + std::to_string(ef) +
                printf_string(": recall@10 %.4f, %.0f queries/s", p.recall, p.qps_one.median));
            points.push_back(p);
            if (p.recall >= hnsw_bench_stop_recall) break;
            if (p.qps_one.median < exact_qps[0]) {
                messages.info("index: the graph is now slower than exact search; the sweep stops");
                break;
            }
        }
        return points;
    };
    const std::vector<EfPoint> points = sweep(*index, "hnsw", 0);

    // The summary: the smallest ef reaching each recall target.
    HnswBenchReport report;
    const double exact_all = exact_qps.back();
    const double load_at_end = load_average();
    report.text = "index " + what + ", " + std::to_string(o.queries) + " queries, M " +
                  std::to_string(o.graph.M) + ", ef-construction " +
                  std::to_string(o.graph.ef_construction) + ", " + std::to_string(all) +
                  " thread(s); " + describe(o) + "; load times from a warm page cache\n";
    if (!relatives_found.empty()) report.text += "  " + relatives_found + "\n";
    if (o.existing.empty())
        report.text += printf_string("  build %.1f s wall, %.1f s CPU", build_seconds, build_cpu);
    else
        report.text += "  index " + o.existing + " (not built in this run)";
    report.text += printf_string("; 1-minute load average %.2f at the start, %.2f at the end",
                                 load_at_start, load_at_end);
    report.text +=
        printf_string(" (%.0f cores online)\n", static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)));
    report.text += printf_string(
        "  file %.0f bytes, %.0f bytes in memory; exact search %.1f queries/s at 1 thread",
        file_bytes, float_memory, exact_qps[0]);
    if (all > 1) report.text += printf_string(", %.1f at %d threads", exact_all, all);
    report.text += "\n";
    // Per recall target, the smallest ef reaching it: lines of text and a JSON array.
    auto summarize = [&](const std::string& indent, const std::vector<EfPoint>& swept,
                         std::string& text) {
        std::string json;
        for (double target : hnsw_bench_recall_targets) {
            const auto hit = std::find_if(swept.begin(), swept.end(),
                                          [&](const EfPoint& p) { return p.recall >= target; });
            text += indent + printf_string("QPS at recall@10 >= %.2f: ", target);
            if (!json.empty()) json += ", ";
            json += printf_string("{\"recall_target\": %.2f, ", target);
            if (hit == swept.end()) {
                const EfPoint& last = swept.back();
                text +=
                    printf_string("not reached (recall@10 %.4f at ef %u)\n", last.recall, last.ef);
                json += "\"ef\": null}";
                continue;
            }
            text += printf_string("ef %u, recall@10 %.4f (@1 %.3f), %.0f queries/s at 1 thread "
                                  "(%.1fx exact; latency p50 %.3g ms, p99 %.3g ms)",
                                  hit->ef, hit->recall, hit->recall1, hit->qps_one.median,
                                  hit->qps_one.median / exact_qps[0], hit->p50_ms, hit->p99_ms);
            if (all > 1)
                text += printf_string(", %.0f at %d threads (%.1fx exact)", hit->qps_all.median,
                                      all, hit->qps_all.median / exact_all);
            text += "\n";
            json += printf_string("\"ef\": %u, \"recall\": %.4f, \"recall_at_1\": %.4f, "
                                  "\"qps_1_thread\": %.6g, \"latency_p50_ms\": %.6g, "
                                  "\"latency_p99_ms\": %.6g, ",
                                  hit->ef, hit->recall, hit->recall1, hit->qps_one.median,
                                  hit->p50_ms, hit->p99_ms) +
                    printf_string("\"speedup_1_thread\": %.4g, \"qps_all_threads\": %.6g, "
                                  "\"speedup_all_threads\": %.4g}",
                                  hit->qps_one.median / exact_qps[0], hit->qps_all.median,
                                  hit->qps_all.median / exact_all);
        }
        return json;
    };
    const std::string targets_json = summarize("  ", points, report.text);
    // ann-benchmarks rows: recall@10 as k-nn, 1-thread QPS and latency, build seconds (empty
    // when the index was not built here) and memory in kB as its indexsize.
    const char* metric_word = o.graph.metric == Metric::l2       ? "euclidean"
                              : o.graph.metric == Metric::cosine ? "angular"
                                                                 : "dot";
    const std::string dataset =
        o.data + "-" + std::to_string(dim) + "-" + metric_word + "-" + std::to_string(o.rows);
    auto ann_rows = [&](const std::vector<EfPoint>& swept, const std::string& algorithm,
                        double memory) {
        for (const EfPoint& p : swept)
            report.ann_benchmarks_csv += printf_string(
                "%s,\"%s(M=%u,efc=%u,ef=%u)\",%zu,%.6g,%.6g,%.6g,%.6g,%s,%.0f,%s\n",
                algorithm.c_str(), algorithm.c_str(), o.graph.M, o.graph.ef_construction, p.ef,
                HnswBenchOptions::top, p.recall, p.qps_one.median, p.p50_ms, p.p99_ms,
                o.existing.empty() ? printf_string("%.6g", build_seconds).c_str() : "",
                memory / 1024, dataset.c_str());
    };
    ann_rows(points, "ruvec-hnsw", float_memory);

    // Quantized variants: the same graph walked by codes, with and without re-ranking, each
    // saved and loaded again as ruvec search would load it (its float vectors left in the file).
    if (!o.quantize.empty() && !temp) temp.emplace(o.tmpdir);
    std::string variants_json;
    for (QuantKind kind : o.quantize) {
        QuantParams params;
        params.kind = kind;
        const std::string name = quant_kind_name(kind);
        messages.info("index: quantizing as " + name);
        start = std::chrono::steady_clock::now();
        index->quantize(params, all);
        const double quantize_seconds = seconds_since(start);
        const size_t code_bytes = index->quantizer()->code_bytes();
        const std::string variant_path = temp->file("bench-" + name + ".rvx");
        {
            OutputFile out(variant_path);
            index->save(out);
            out.commit();
        }
        const FileSource variant_source(variant_path);
        const double variant_file_bytes = static_cast<double>(variant_source.size());
        std::optional<Index> variant;
        const Spread variant_load = timed_loads(variant_source, variant_path, o.repeats, variant);
        const double variant_memory = memory_bytes(*variant);
        add(name + " file_size", 1, {variant_file_bytes, variant_file_bytes, variant_file_bytes},
            "bytes", no_ratio);
        add(name + " load", 1, variant_load, "s", no_ratio);
        add(name + " memory", 1, {variant_memory, variant_memory, variant_memory}, "bytes",
            float_memory / variant_memory);
        const std::string rerank_name = name + "+rerank" + std::to_string(default_rerank);
        const std::vector<EfPoint> plain = sweep(*variant, name, 0);
        const std::vector<EfPoint> reranked = sweep(*variant, rerank_name, default_rerank);
        ann_rows(plain, "ruvec-hnsw-" + name, variant_memory);
        ann_rows(reranked, "ruvec-hnsw-" + name + "-rerank" + std::to_string(default_rerank),
                 variant_memory);
        variant.reset();
        report.text += "  " + name +
                       printf_string(": %.0f code bytes per vector (%.2fx smaller than floats), "
                                     "trained and encoded in %.1f s; file %.0f bytes, loaded in "
                                     "%.3f s; %.0f bytes in memory (%.2fx less than floats)\n",
                                     static_cast<double>(code_bytes),
                                     dim * 4.0 / static_cast<double>(code_bytes), quantize_seconds,
                                     variant_file_bytes, variant_load.median, variant_memory,
                                     float_memory / variant_memory);
        report.text += "    walked by codes, no re-ranking:\n";
        const std::string plain_json = summarize("      ", plain, report.text);
        report.text += printf_string("    walked by codes, best %.0f re-ranked by floats read "
                                     "from the file:\n",
                                     static_cast<double>(default_rerank));
        const std::string reranked_json = summarize("      ", reranked, report.text);
        if (!variants_json.empty()) variants_json += ", ";
        variants_json += "{\"quantization\": \"" + name +
                         "\", \"code_bytes\": " + std::to_string(code_bytes) +
                         printf_string(", \"quantize_seconds\": %.6g", quantize_seconds) +
                         printf_string(", \"file_bytes\": %.0f, \"load_seconds\": %.6g, "
                                       "\"memory_bytes\": %.0f",
                                       variant_file_bytes, variant_load.median, variant_memory) +
                         ", \"rerank\": " + std::to_string(default_rerank) + ", \"at_recall\": [" +
                         plain_json + "], \"at_recall_reranked\": [" + reranked_json + "]}";
    }
    report.json = "{\"rows\": " + std::to_string(o.rows) + ", \"dim\": " + std::to_string(dim) +
                  ", \"queries\": " + std::to_string(o.queries) + ", \"metric\": \"" +
                  metric_name(o.graph.metric) + "\", \"M\": " + std::to_string(o.graph.M) +
                  ", \"ef_construction\": " + std::to_string(o.graph.ef_construction) +
                  ", \"threads\": " + std::to_string(all) + ", \"data\": \"" + o.data +
                  "\", \"data_description\": \"" + json_escape(describe(o)) +
                  "\", \"data_seed\": " + std::to_string(o.data_seed) +
                  (relatives_share >= 0
                       ? printf_string(", \"relatives_in_true_top10\": %.4f", relatives_share)
                       : std::string()) +
                  ", \"query_seed\": " + std::to_string(o.data_seed + 1) +
                  printf_string(", \"build_seconds\": %.6g, \"build_cpu_seconds\": %.6g",
                                build_seconds, build_cpu) +
                  printf_string(", \"load_average_start\": %.2f, \"load_average_end\": %.2f",
                                load_at_start, load_at_end) +
                  ", \"load_cache\": \"warm\", \"file_bytes\": " + std::to_string(source.size()) +
                  printf_string(", \"memory_bytes\": %.0f", float_memory) + ", \"at_recall\": [" +
                  targets_json + "], \"quantized\": [" + variants_json + "]}";
    return report;
}

} // namespace ruvec::cli
