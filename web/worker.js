// The page's worker: all the heavy work (gunzip, embedding, index, search, PCA) happens here so
// the tab never freezes. Speaks the message protocol described in web/README.md.
import { pca2, similarityMatrix } from './analysis.js';
import { RuvecError, concatEmbedded, gunzipIfNeeded, isRvx, load } from './ruvec.js';

let ruvec = null;
let requested = 'auto';
let last = null; // what the downloads are made from: {tsv, index, references}

const post = (message, transfer = []) => self.postMessage(message, transfer);

async function ensureLoaded() {
    // A WebAssembly abort (out of memory) leaves the module unusable: load a fresh one.
    if (!ruvec || ruvec.broken) ruvec = await load({ backend: requested });
    return ruvec;
}

// One-line message for anything thrown: ruvec's own errors as they are, others with their kind.
function messageOf(error) {
    if (error instanceof RuvecError) return error.message;
    if (error && /Aborted|out of memory|RangeError/i.test(String(error.message || error)))
        return 'out of memory: the file is too large for this browser tab';
    return String((error && error.message) || error);
}

function parseTsv(tsv) {
    const lines = tsv.split('\n');
    const hits = [];
    for (let i = 1; i < lines.length; ++i) {
        if (!lines[i]) continue;
        const f = lines[i].split('\t');
        hits.push({
            query: f[0],
            queryStart: Number(f[1]),
            queryEnd: Number(f[2]),
            target: f[3],
            targetStart: Number(f[4]),
            targetEnd: Number(f[5]),
            rank: Number(f[6]),
            similarity: Number(f[7]),
            distance: Number(f[8]),
            identity: Number(f[9]),
            // The read search's columns; absent from the vector search's hits.
            ...(f.length > 10 ? { sharedKmers: Number(f[10]), copies: Number(f[11]) } : {}),
        });
    }
    return hits;
}

async function readFiles(files, id, what) {
    const out = [];
    for (let i = 0; i < files.length; ++i) {
        const f = files[i];
        post({ type: 'progress', id, stage: 'reading', done: i, total: files.length, label: `${what}: ${f.name}` });
        const bytes = await gunzipIfNeeded(new Uint8Array(f.bytes), f.name);
        if (bytes.length === 0) throw new RuvecError(`${f.name}: empty file`);
        out.push({ name: f.name.replace(/\.gz$/i, ''), bytes });
    }
    return out;
}

function embedFiles(files, params, id, stage, warnings) {
    const parts = [];
    const totalBytes = files.reduce((n, f) => n + f.bytes.length, 0);
    let doneBytes = 0;
    for (const f of files) {
        if (isRvx(f.bytes)) throw new RuvecError(`${f.name}: an .rvx index can only be given alone, as the references`);
        const part = ruvec.embed(f.bytes, f.name, params, {
            onProgress: (p) =>
                post({
                    type: 'progress', id, stage, done: doneBytes + p.bytes, total: totalBytes,
                    label: `${f.name}: ${p.records} records`,
                }),
        });
        if (part.records === 0) throw new RuvecError(`${f.name}: no FASTA/FASTQ records`);
        if (part.skipped > 0)
            warnings.push(`${f.name}: ${part.skipped} records or windows without a valid ${part.params.k}-mer skipped`);
        doneBytes += f.bytes.length;
        parts.push(part);
    }
    const rows = concatEmbedded(parts);
    if (rows.names.length === 0) throw new RuvecError('no sequence has a valid k-mer: nothing to embed');
    if (!rows.sources) rows.sources = [{ name: parts[0].source, firstRow: 0, rows: rows.names.length }];
    return rows;
}

// The heat map's matrix: cosine similarity of whole reference records, at most
// `maxHeatRecords` of them shared between the files (the first records of each: a file of 400
// influenza segments must not fill the picture and hide the single-record genomes), embedded
// again per record when the index holds windows.
const maxHeatRecords = 150;
function recordQuotas(counts) {
    const share = Math.max(1, Math.ceil(maxHeatRecords / counts.length));
    return counts.map((n) => Math.min(n, share));
}

function analyseReferences(files, params, references) {
    const dims = references.params.dims;
    // Per file: its record rows (the whole records when the index holds records).
    let perFile;
    if (references.params.window === 0) {
        perFile = references.sources.map((src) => ({ first: src.firstRow, rows: src.rows, set: references }));
    } else {
        const whole = { ...params, window: 0, step: 0 };
        perFile = files.map((file) => {
            const set = ruvec.embed(file.bytes, file.name, whole);
            return { first: 0, rows: set.names.length, set };
        });
    }
    const quotas = recordQuotas(perFile.map((f) => f.rows));
    const n = quotas.reduce((a, b) => a + b, 0);
    const names = [], fileOf = [];
    const vectors = new Float32Array(n * dims);
    for (const [f, part] of perFile.entries())
        for (let r = part.first; r < part.first + quotas[f]; ++r) {
            vectors.set(part.set.vectors.subarray(r * dims, (r + 1) * dims), names.length * dims);
            names.push(part.set.names[r]);
            fileOf.push(f);
        }
    return { names, files: fileOf, matrix: similarityMatrix(vectors, n, dims) };
}

// PCA of reference and query rows, at most `maxPcaPoints` of them picked evenly in row order.
const maxPcaPoints = 3000;
function projectEmbeddings(references, queries, refFiles, queryFiles) {
    const sets = references ? [references, queries] : [queries];
    const total = sets.reduce((n, s) => n + s.names.length, 0);
    const n = Math.min(total, maxPcaPoints);
    const dims = queries.params.dims;
    const vectors = new Float32Array(n * dims);
    const file = new Uint16Array(n), kind = new Uint8Array(n);
    const names = [];
    const fileNames = [...(references ? refFiles : []), ...queryFiles].map((f) => f.name);
    for (let i = 0; i < n; ++i) {
        let row = Math.floor((i * total) / n);
        let s = 0;
        while (row >= sets[s].names.length) row -= sets[s++].names.length;
        const set = sets[s];
        vectors.set(set.vectors.subarray(row * dims, (row + 1) * dims), i * dims);
        const sourceIndex = set.sources.findIndex((src) => row >= src.firstRow && row < src.firstRow + src.rows);
        file[i] = (set === queries && references ? refFiles.length : 0) + sourceIndex;
        kind[i] = set === queries ? 1 : 0;
        names.push(set.params.window ? `${set.names[row]}:${set.starts[row] + 1}-${set.ends[row]}` : set.names[row]);
    }
    const { x, y, explained } = pca2(vectors, n, dims, { maxPoints: n, seed: 1 });
    return { x, y, file, kind, files: fileNames, explained, names };
}

async function run(message) {
    const { id } = message;
    const seconds = {};
    const warnings = [];
    const started = performance.now();
    await ensureLoaded();
    if (!message.references.length) throw new RuvecError('no references: drop FASTA/FASTQ files or an .rvx index');
    if (!message.queries.length) throw new RuvecError('no queries: drop FASTA/FASTQ files to search');
    const refFiles = await readFiles(message.references, id, 'references');
    const queryFiles = await readFiles(message.queries, id, 'queries');

    let index = null;
    let references = null;
    let t = performance.now();
    if (refFiles.length === 1 && isRvx(refFiles[0].bytes)) {
        post({ type: 'progress', id, stage: 'indexing', done: 0, total: 0, label: `loading ${refFiles[0].name}` });
        index = ruvec.loadIndex(refFiles[0].bytes, refFiles[0].name);
        seconds.embed = 0;
    } else {
        references = embedFiles(refFiles, message.params, id, 'embedding', warnings);
        seconds.embed = (performance.now() - t) / 1000;
        t = performance.now();
        const total = references.names.length;
        index = ruvec.buildIndex(references, {
            provenance: `ruvec ${ruvec.version}\tweb page (${ruvec.backend})`,
            onProgress: (done) => post({ type: 'progress', id, stage: 'indexing', done, total, label: `${done} of ${total} rows linked` }),
        });
    }
    seconds.index = (performance.now() - t) / 1000;

    t = performance.now();
    const queries = embedFiles(queryFiles, index.params, id, 'embedding', warnings);
    seconds.embed += (performance.now() - t) / 1000;
    t = performance.now();
    const options = { top: message.search.top, perTarget: message.search.perTarget, exact: message.search.exact };
    let tsv = '';
    // An index with a k-mer index (a CLI index of the read search) is searched as ruvec search
    // searches it: each query record whole, by the k-mers it shares; file by file, each file's
    // TSV after the first losing its header line. The queries' vectors are for the PCA only.
    if (index.readSearch) {
        for (const [i, f] of queryFiles.entries()) {
            post({ type: 'progress', id, stage: 'searching', done: i, total: queryFiles.length, label: `read search: ${f.name}` });
            const found = index.searchSequences(f.bytes, f.name, { top: options.top, perTarget: options.perTarget });
            tsv += i === 0 ? found.tsv : found.tsv.slice(found.tsv.indexOf('\n') + 1);
        }
    }
    // Otherwise queries go in rounds so the progress bar moves; each round's TSV loses its header line.
    const round = 2048;
    for (let first = 0; !index.readSearch && first < queries.names.length; first += round) {
        const end = Math.min(queries.names.length, first + round);
        post({ type: 'progress', id, stage: 'searching', done: first, total: queries.names.length, label: `${first} of ${queries.names.length} queries` });
        const dims = index.params.dims;
        const part = {
            params: index.params,
            names: queries.names.slice(first, end),
            starts: queries.starts.subarray(first, end),
            ends: queries.ends.subarray(first, end),
            vectors: queries.vectors.subarray(first * dims, end * dims),
        };
        const found = index.search(part, options);
        tsv += first === 0 ? found.tsv : found.tsv.slice(found.tsv.indexOf('\n') + 1);
    }
    seconds.search = (performance.now() - t) / 1000;

    post({ type: 'progress', id, stage: 'plotting', done: 0, total: 0, label: 'heat map and PCA' });
    const heat = references ? analyseReferences(refFiles, message.params, references) : null;
    const pca = projectEmbeddings(references, queries, refFiles, queryFiles);
    seconds.total = (performance.now() - started) / 1000;

    if (last && last.index) last.index.delete();
    last = { tsv, index, references };
    const hits = parseTsv(tsv);
    post({
        type: 'result', id, backend: ruvec.backend, seconds,
        counts: {
            referenceRecords: references ? references.records : null,
            referenceRows: index.rows,
            queryRecords: queries.records,
            queryRows: queries.names.length,
            hits: hits.length,
        },
        hits, tsv, heat, pca, params: index.params, warnings,
    });
}

function download(message) {
    const { id, what } = message;
    if (!last) throw new RuvecError('nothing to download yet: run a search first');
    let bytes, name, mime;
    if (what === 'tsv') {
        bytes = new TextEncoder().encode(last.tsv);
        name = 'hits.tsv';
        mime = 'text/tab-separated-values';
    } else if (what === 'rvx') {
        if (ruvec.backend === 'js') throw new RuvecError('an .rvx index needs WebAssembly, which this browser does not offer');
        bytes = last.index.save();
        name = 'references.rvx';
        mime = 'application/octet-stream';
    } else if (what === 'rvec') {
        if (!last.references) throw new RuvecError('the references were an index: there are no embeddings to download');
        bytes = ruvec.encodeRvec(last.references, `ruvec ${ruvec.version}\nweb page (${ruvec.backend})\n`);
        name = 'references.rvec';
        mime = 'application/octet-stream';
    } else {
        throw new RuvecError(`unknown download '${what}'`);
    }
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    post({ type: 'file', id, what, name, bytes: buffer, mime }, [buffer]);
}

self.onmessage = async (event) => {
    const message = event.data;
    try {
        if (message.type === 'init') {
            requested = message.backend || 'auto';
            await ensureLoaded();
            post({ type: 'ready', backend: ruvec.backend, kernels: ruvec.kernels, version: ruvec.version });
        } else if (message.type === 'run') {
            await run(message);
        } else if (message.type === 'download') {
            download(message);
        }
    } catch (error) {
        if (typeof WebAssembly === 'object' && error instanceof WebAssembly.RuntimeError && ruvec) ruvec.broken = true;
        post({ type: 'error', id: message.id, what: message.what, message: messageOf(error) });
    }
};
