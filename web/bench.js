// The same work on every backend of web/ruvec.js, timed: k-mer embedding of a FASTA/FASTQ file
// in memory, 1-vs-N dot products through the search kernel, and nearest-neighbour search (the
// HNSW graph in WebAssembly; brute force, all the plain-JS fallback has). No node or DOM API, so
// scripts/bench-web.mjs runs it in node and in Chromium alike.
import { load } from './ruvec.js';

const now = () => performance.now();
const median = (values) => {
    const s = [...values].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Unit vectors from a seeded generator (the same on every backend and run).
export function randomUnitRows(rows, dims, seed) {
    let state = seed >>> 0 || 1;
    const next = () => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return (state >>> 0) / 4294967296 - 0.5;
    };
    const v = new Float32Array(rows * dims);
    for (let r = 0; r < rows; ++r) {
        let norm = 0;
        for (let d = 0; d < dims; ++d) {
            const x = next();
            v[r * dims + d] = x;
            norm += x * x;
        }
        const scale = 1 / Math.sqrt(norm);
        for (let d = 0; d < dims; ++d) v[r * dims + d] *= scale;
    }
    return v;
}

// Rows as an embed() result, named r0, r1, ... (so they can be indexed and searched).
export function rowsAsEmbedded(vectors, dims, prefix = 'r') {
    const n = vectors.length / dims;
    return {
        params: { k: 21, dims, window: 0, step: 0 },
        names: Array.from({ length: n }, (_, i) => `${prefix}${i}`),
        starts: new Float64Array(n),
        ends: new Float64Array(n).fill(1000),
        vectors,
    };
}

const bytesOf = (floats) => new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);

// Times one backend. sequences: bytes of a FASTA/FASTQ file; the rest sizes the work.
export async function benchBackend(backend, {
    sequences, name = 'input', repeats = 5,
    distanceRows = 10000, cacheRows = 500, distanceDims = 1024,
    graphRows = 5000, graphDims = 256, graphQueries = 500, ef = 64, M = 16, efConstruction = 200,
} = {}) {
    const ruvec = await load({ backend });
    const result = { backend, kernels: ruvec.kernels, repeats };

    // Embedding: records per record, k 21, 1024 dims (the CLI's defaults). A first pass untimed:
    // engines compile WebAssembly with a baseline compiler first and optimise hot code later.
    let embedded = ruvec.embed(sequences, name, {});
    const embedTimes = [];
    for (let r = 0; r < repeats; ++r) {
        const t = now();
        embedded = ruvec.embed(sequences, name, {});
        embedTimes.push(now() - t);
    }
    result.embed = { bases: embedded.bases, records: embedded.records, ms: median(embedTimes),
        mbps: embedded.bases / median(embedTimes) / 1e3 };

    // 1-vs-N: one query against every row, with the rows in memory (distanceRows) and in cache
    // (cacheRows, 2 MB at 1024 dims).
    const oneVsN = (n) => {
        const rows = randomUnitRows(n, distanceDims, 7);
        const query = bytesOf(randomUnitRows(1, distanceDims, 11));
        const store = new ruvec.module.DistanceRows();
        if (ruvec.withBytes(bytesOf(rows), (...data) => store.set(...data, n, distanceDims)))
            throw new Error('DistanceRows.set failed');
        const passes = Math.max(1, Math.round(2e8 / (n * distanceDims) / (backend === 'js' ? 10 : 1)));
        const dotAll = () => ruvec.withBytes(query, (...data) => store.dotAll(...data, passes));
        dotAll(); // warm up
        const times = [];
        let checksum = 0;
        for (let r = 0; r < repeats; ++r) {
            const t = now();
            checksum = dotAll();
            times.push((now() - t) / passes);
        }
        if (store.delete) store.delete();
        return { rows: n, dims: distanceDims, nsPerPair: (median(times) * 1e6) / n, checksum };
    };
    result.distance = oneVsN(distanceRows);
    result.distanceCache = oneVsN(cacheRows);

    // Search: graphQueries queries against graphRows rows, top 10.
    const base = rowsAsEmbedded(randomUnitRows(graphRows, graphDims, 3), graphDims);
    const queries = rowsAsEmbedded(randomUnitRows(graphQueries, graphDims, 5), graphDims, 'q');
    let t = now();
    const index = ruvec.buildIndex(base, { graph: { M, efConstruction } });
    result.build = { rows: graphRows, dims: graphDims, seconds: (now() - t) / 1000 };
    const exact = index.search(queries, { top: 10, exact: true });
    const searches = { exact: { top: 10, exact: true } };
    if (backend !== 'js') searches.graph = { top: 10, ef };
    result.search = {};
    for (const [kind, options] of Object.entries(searches)) {
        const times = [];
        let found = index.search(queries, options); // warm up
        for (let r = 0; r < repeats; ++r) {
            t = now();
            found = index.search(queries, options);
            times.push(now() - t);
        }
        // recall@10 against brute force on the same backend
        let hit = 0;
        for (let q = 0; q < graphQueries; ++q) {
            const truth = new Set(exact.rows.subarray(q * 10, q * 10 + 10));
            for (let i = 0; i < 10; ++i) hit += truth.has(found.rows[q * 10 + i]) ? 1 : 0;
        }
        result.search[kind] = { queries: graphQueries, qps: graphQueries / (median(times) / 1000),
            recall10: hit / (graphQueries * 10), ef: options.ef ?? null };
    }
    if (backend !== 'js') {
        result.files = {
            index: index.save(),
            base: ruvec.encodeRvec(base, 'ruvec bench-web rows\n'),
            queries: ruvec.encodeRvec(queries, 'ruvec bench-web queries\n'),
        };
    }
    index.delete();
    return result;
}
