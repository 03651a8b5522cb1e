// ruvec in JavaScript: the same core as the `ruvec` command, compiled to WebAssembly, with a
// plain-JS fallback for engines without WebAssembly. Works in browsers (main thread or worker)
// and in node.
//
//   import { load } from './ruvec.js';
//   const ruvec = await load();                 // picks 'wasm-simd', 'wasm' or 'js'
//   const refs = ruvec.embed(bytes, 'genomes.fa', { window: 1000, step: 500 });
//   const index = ruvec.buildIndex([refs]);
//   const found = index.search(ruvec.embed(readBytes, 'reads.fq', index.params), { top: 3 });
//   found.tsv                                   // what `ruvec search` prints
//
// Every backend gives the native CLI's bits: the same vectors, hits and files.

// The smallest module that uses a SIMD instruction (i8x16.splat): engines without WebAssembly
// SIMD refuse to validate it. Written out rather than taken from a package: it is these 29 bytes.
const simdProbe = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, //       type 0: () -> v128
    0x03, 0x02, 0x01, 0x00, //                         one function of type 0
    0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b, // i32.const 0; i8x16.splat
]);

export const backends = ['wasm-simd', 'wasm', 'js'];

export class RuvecError extends Error {
    constructor(message) {
        super(message);
        this.name = 'RuvecError';
    }
}

// The best backend this engine runs: 'wasm-simd', 'wasm' or 'js'.
export function detectBackend() {
    if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return 'js';
    try {
        return WebAssembly.validate(simdProbe) ? 'wasm-simd' : 'wasm';
    } catch {
        return 'wasm';
    }
}

const isNode = typeof process === 'object' && process.versions != null && process.versions.node != null;

async function instantiate(backend) {
    if (backend === 'js') return import('./fallback.js');
    if (isNode) {
        // The CommonJS copy built for node (-sENVIRONMENT=node); its loader would fetch() the
        // .wasm by path, which node's fetch refuses, so the bytes are handed over.
        const { createRequire } = await import('node:module');
        const { readFileSync } = await import('node:fs');
        const require = createRequire(import.meta.url);
        const glue = new URL(`./dist/node/ruvec-${backend}.cjs`, import.meta.url);
        const wasm = new URL(`./dist/node/ruvec-${backend}.wasm`, import.meta.url);
        const factory = require(glue.pathname);
        return factory({ wasmBinary: readFileSync(wasm) });
    }
    const { default: factory } = await import(`./dist/ruvec-${backend}.mjs`);
    return factory({ locateFile: (file) => new URL(`./dist/${file}`, import.meta.url).href });
}

let current = null;

// Loads a backend: 'auto' (the best this engine runs) or one of `backends`. A backend the engine
// cannot run is refused, not silently replaced.
export async function load({ backend = 'auto' } = {}) {
    const wanted = backend === 'auto' ? detectBackend() : backend;
    if (!backends.includes(wanted)) throw new RuvecError(`unknown backend '${backend}' (${backends.join(', ')} or auto)`);
    const detected = detectBackend();
    if (backends.indexOf(wanted) < backends.indexOf(detected))
        throw new RuvecError(`this engine cannot run the '${wanted}' backend (best: '${detected}')`);
    current = new Ruvec(await instantiate(wanted), wanted);
    return current;
}

// The backend of the last load(): 'wasm-simd' | 'wasm' | 'js' (null before any load).
export function getBackend() {
    return current ? current.backend : null;
}

function check(message) {
    if (message) throw new RuvecError(message);
}

function bytesOf(floats) {
    return new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
}

const utf8 = new TextEncoder();

function passBytes(module, bytes, call) {
    if (!module._malloc) return call(bytes);
    const data = typeof bytes === 'string' ? utf8.encode(bytes) : bytes;
    // >>> 0: addresses past 2 GiB come back from wasm as negative 32-bit integers.
    const address = module._malloc(Math.max(1, data.length)) >>> 0;
    if (!address) throw new RuvecError('out of memory: the browser gave this page no more');
    try {
        module.HEAPU8.set(data, address);
        return call(address, data.length);
    } finally {
        module._free(address);
    }
}

function release(handle) {
    if (handle && typeof handle.delete === 'function') handle.delete();
}

// Joins several embed() results (files) into one set of rows, in order.
export function concatEmbedded(parts) {
    if (!Array.isArray(parts)) return parts;
    if (parts.length === 1) return parts[0];
    const rows = parts.reduce((n, p) => n + p.names.length, 0);
    const dims = parts.length ? parts[0].params.dims : 0;
    const out = {
        params: parts.length ? parts[0].params : null,
        names: [],
        starts: new Float64Array(rows),
        ends: new Float64Array(rows),
        vectors: new Float32Array(rows * dims),
        records: 0,
        bases: 0,
        skipped: 0,
        sources: [],
    };
    let row = 0;
    for (const p of parts) {
        for (const n of p.names) out.names.push(n);
        out.starts.set(p.starts, row);
        out.ends.set(p.ends, row);
        out.vectors.set(p.vectors, row * dims);
        out.records += p.records;
        out.bases += p.bases;
        out.skipped += p.skipped;
        out.sources.push({ name: p.source, firstRow: row, rows: p.names.length });
        row += p.names.length;
    }
    return out;
}

export class Ruvec {
    constructor(module, backend) {
        this.module = module;
        this.backend = backend;
    }

    // Calls call(...bytes-arguments): (address, length) of a copy in the WebAssembly module's
    // memory, made with one HEAPU8.set (embind would copy a Uint8Array byte by byte in JS), or
    // the bytes themselves for the plain-JS fallback.
    withBytes(bytes, call) {
        return passBytes(this.module, bytes, call);
    }

    get version() {
        return this.module.version();
    }

    // 'sse4_2' (xsimd's SSE code lowered to WebAssembly SIMD), 'scalar', or 'js'.
    get kernels() {
        return this.module.kernels();
    }

    // Embeds every record (or window) of one FASTA/FASTQ file held in memory (Uint8Array or
    // string), as `ruvec embed` does. params: {k, dims, window, step, weight, canonical, exact,
    // hashSeed}; absent ones take the CLI's defaults. onProgress({records, bases, bytes,
    // totalBytes}) is called after each batch of `batchRecords` records. Throws RuvecError with
    // the CLI's message ("reads.fq:12: quality length 2 != sequence length 4").
    embed(bytes, source, params = {}, { batchRecords = 512, onProgress } = {}) {
        const embedder = new this.module.SequenceEmbedder();
        try {
            check(embedder.configure(params));
            const finalized = embedder.params();
            check(this.withBytes(bytes, (...data) => embedder.open(...data, source)));
            const names = [];
            const starts = [], ends = [], vectors = [];
            let rows = 0;
            for (;;) {
                check(embedder.next(batchRecords));
                if (embedder.records() === 0) break;
                for (const n of embedder.names()) names.push(n);
                starts.push(embedder.starts());
                ends.push(embedder.ends());
                vectors.push(embedder.vectors());
                rows += embedder.rows();
                if (onProgress)
                    onProgress({
                        records: embedder.recordsRead(),
                        bases: embedder.basesRead(),
                        bytes: embedder.bytesRead(),
                        totalBytes: bytes.length,
                    });
            }
            const join = (parts, Type, width) => {
                const out = new Type(rows * width);
                let at = 0;
                for (const p of parts) {
                    out.set(p, at);
                    at += p.length;
                }
                return out;
            };
            return {
                source,
                params: finalized,
                names,
                starts: join(starts, Float64Array, 1),
                ends: join(ends, Float64Array, 1),
                vectors: join(vectors, Float32Array, finalized.dims),
                records: embedder.recordsRead(),
                bases: embedder.basesRead(),
                skipped: embedder.skipped(),
            };
        } finally {
            release(embedder);
        }
    }

    // An index of embedded rows (one embed() result or an array of them, added in order), built
    // as `ruvec index` builds it. graph: {metric, M, efConstruction, seed}; onProgress(rowsLinked).
    buildIndex(embedded, { graph = {}, provenance, onProgress } = {}) {
        const rows = concatEmbedded(embedded);
        const handle = new this.module.IndexHandle();
        try {
            check(handle.create(rows.params, graph));
            check(this.withBytes(bytesOf(rows.vectors), (...data) => handle.add(rows.names, rows.starts, rows.ends, ...data)));
            check(handle.build(onProgress || null));
            if (provenance) check(handle.addProvenance(provenance));
            return new RuvecIndex(handle, this.module);
        } catch (e) {
            release(handle);
            throw e;
        }
    }

    // An index of the read search, built as `ruvec index --content kmers` builds it from the
    // same files in the same order: each file {bytes, source} (FASTA/FASTQ, Uint8Array or
    // string) adds its records' windows as rows and their bases, then the k-mer index of their
    // samples is built. params: the embedding's {k, window, step, ...} (the rows' windows; the
    // similarity column is from vectors of these params); graph: {metric}. WebAssembly only.
    buildReadSearchIndex(files, { params = {}, graph = {}, provenance } = {}) {
        const handle = new this.module.IndexHandle();
        try {
            check(handle.createReadSearch(params, graph));
            let skipped = 0;
            for (const f of files) {
                check(this.withBytes(f.bytes, (...data) => handle.addSequences(...data, f.source)));
                skipped += handle.skipped();
            }
            check(handle.build(null));
            if (provenance) check(handle.addProvenance(provenance));
            const index = new RuvecIndex(handle, this.module);
            index.skipped = skipped;
            return index;
        } catch (e) {
            release(handle);
            throw e;
        }
    }

    // Reads and validates an .rvx file (Uint8Array), as `ruvec search` does.
    loadIndex(bytes, source) {
        const handle = new this.module.IndexHandle();
        try {
            check(this.withBytes(bytes, (...data) => handle.load(...data, source)));
            return new RuvecIndex(handle, this.module);
        } catch (e) {
            release(handle);
            throw e;
        }
    }

    // The rows as an .rvec file, what `ruvec embed -o x.rvec` writes (WebAssembly only).
    encodeRvec(embedded, provenance = '') {
        const rows = concatEmbedded(embedded);
        if (!this.module.RvecEncoder) throw new RuvecError('writing .rvec needs WebAssembly, which this browser does not offer');
        const encoder = new this.module.RvecEncoder();
        try {
            check(this.withBytes(bytesOf(rows.vectors), (...data) =>
                encoder.encode(rows.params, rows.names, rows.starts, rows.ends, ...data, provenance)));
            return encoder.file();
        } finally {
            release(encoder);
        }
    }

    estimateIdentity(similarity, queryBases, targetBases, k, dims) {
        return this.module.estimateIdentity(similarity, queryBases, targetBases, k, dims);
    }
}

export class RuvecIndex {
    constructor(handle, module) {
        this.handle = handle;
        this.module = module;
        this.params = handle.embedParams();
        this.graph = handle.graphParams();
    }

    get rows() {
        return this.handle.rows();
    }
    get liveRows() {
        return this.handle.liveRows();
    }
    get quantization() {
        return this.handle.quantization();
    }
    get provenance() {
        return this.handle.provenance();
    }
    // Whether the index has a k-mer index (searchSequences finds reads and fragments by the
    // k-mers they share, as `ruvec search` does on such an index), and whether it has vectors
    // (search, quantize).
    get readSearch() {
        return this.handle.readSearch();
    }
    get hasVectors() {
        return this.handle.hasVectors();
    }
    rowName(row) {
        return this.handle.rowName(row);
    }
    rowWindow(row) {
        return { start: this.handle.rowStart(row), end: this.handle.rowEnd(row) };
    }

    // Neighbours of embedded queries (rows made with this index's params): {counts, rows,
    // similarities, distances, tsv} with counts[q] hits for query q, rank order. options: {top,
    // ef, exact, perTarget, minSim, rerank}; without ef, brute force replaces a graph search
    // that would compare each query with about as many rows, as `ruvec search` does.
    search(queries, options = {}) {
        const rows = concatEmbedded(queries);
        const h = this.handle;
        check(passBytes(this.module, bytesOf(rows.vectors), (...data) => h.search(...data, rows.names, rows.starts, rows.ends, options)));
        return this.lastHits();
    }

    // The last search's hits, as search() and searchSequences() return them.
    lastHits() {
        const h = this.handle;
        return {
            counts: h.hitCounts(),
            rows: h.hitRows(),
            similarities: h.hitSimilarities(),
            distances: h.hitDistances(),
            tsv: h.hitsTsv(),
        };
    }

    // The read search of every record of one FASTA/FASTQ file (Uint8Array or string), each
    // taken whole, as `ruvec search` runs it on an index with a k-mer index: {counts, rows,
    // similarities, distances, tsv, skipped} (tsv with the read search's 12 columns; skipped:
    // records without a valid k-mer, left out). options: {top, perTarget, minSim}.
    searchSequences(bytes, source, options = {}) {
        const h = this.handle;
        check(passBytes(this.module, bytes, (...data) => h.searchSequences(...data, source, options)));
        return { ...this.lastHits(), skipped: h.skipped() };
    }

    // sq8, pq or binary codes, as `ruvec quantize` (WebAssembly only).
    quantize(kind, pqSubspaces = 0) {
        check(this.handle.quantize(kind, pqSubspaces));
    }

    // The whole .rvx file (Uint8Array), loadable by the CLI (WebAssembly only).
    save() {
        check(this.handle.save());
        return this.handle.saved();
    }

    delete() {
        release(this.handle);
        this.handle = null;
    }
}

async function inflate(bytes) {
    const chunks = [];
    let total = 0;
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
    for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        total += value.length;
    }
    return { chunks, total };
}

// The sizes of the BGZF blocks `bytes` is made of (each a gzip member whose header says its
// length: extra subfield 'BC'), or null when it is not BGZF.
function bgzfBlocks(bytes) {
    const sizes = [];
    for (let at = 0; at < bytes.length; ) {
        const flags = bytes[at + 3];
        // After a first block, anything else is a damaged block (inflating it will say so).
        const damaged = () => (sizes.length ? [...sizes, bytes.length - at] : null);
        if (at + 18 > bytes.length || bytes[at] !== 0x1f || bytes[at + 1] !== 0x8b || !(flags & 4))
            return damaged();
        const extraLength = bytes[at + 10] | (bytes[at + 11] << 8);
        let size = 0;
        for (let x = at + 12; x + 4 <= at + 12 + extraLength; ) {
            const length = bytes[x + 2] | (bytes[x + 3] << 8);
            if (bytes[x] === 66 && bytes[x + 1] === 67 && length === 2) size = (bytes[x + 4] | (bytes[x + 5] << 8)) + 1;
            x += 4 + length;
        }
        if (size === 0) return damaged();
        sizes.push(Math.min(size, bytes.length - at));
        at += size;
    }
    return sizes;
}

// Bytes of a dropped file, gunzipped when they are gzip, with DecompressionStream. Chromium's
// reads one gzip member and refuses what follows, so BGZF (bgzip, samtools: many members) is
// cut into its blocks, which say their own length. Other multi-member gzip cannot be cut without
// inflating it, and is reported. Throws RuvecError naming the file when the data is damaged.
export async function gunzipIfNeeded(bytes, name) {
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
    if (typeof DecompressionStream !== 'function')
        throw new RuvecError(`${name}: gzip needs DecompressionStream, which this browser does not offer`);
    const blocks = bgzfBlocks(bytes);
    const pieces = [];
    let total = 0;
    try {
        if (blocks) {
            let at = 0;
            for (const size of blocks) {
                const piece = await inflate(bytes.subarray(at, at + size));
                pieces.push(...piece.chunks);
                total += piece.total;
                at += size;
            }
        } else {
            const whole = await inflate(bytes);
            pieces.push(...whole.chunks);
            total = whole.total;
        }
    } catch {
        throw new RuvecError(
            blocks
                ? `${name}: truncated or damaged BGZF data`
                : `${name}: truncated or damaged gzip data (or gzip of several members, which this page reads only as BGZF)`,
        );
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of pieces) {
        out.set(c, at);
        at += c.length;
    }
    return out;
}

const rvxMagic = [0x89, 0x52, 0x56, 0x58, 0x0d, 0x0a, 0x1a, 0x0a];

// True when the bytes start like an .rvx index.
export function isRvx(bytes) {
    return bytes.length >= 8 && rvxMagic.every((b, i) => bytes[i] === b);
}
