#!/usr/bin/env node
// The web backends against each other and against the native CLI, on the same input in one run:
// k-mer embedding (Mbp/s), 1-vs-N dot products (ns per pair), HNSW build and search (queries/s
// and recall@10), as web/bench.js measures them, in node and (with --browser) in headless
// Chromium; the native figures come from `ruvec bench` and from `ruvec index`/`ruvec search` run
// on the very vectors and graph the WebAssembly build made.
//   scripts/bench-web.mjs [--ruvec build/ruvec] [--input FILE]... [--repeats 5] [--browser]
//                         [--json out.json]
// Without --input, the genomes and reads of test-data/ (0.95 Mbp). Run `make wasm` first.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { benchBackend } from '../web/bench.js';

const root = new URL('../', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
};
const inputs = args.flatMap((a, i) => (args[i - 1] === '--input' ? [a] : []));
const ruvec = option('--ruvec', join(root, 'build/ruvec'));
const repeats = Number(option('--repeats', '5'));
const jsonOut = option('--json', null);
const inBrowser = args.includes('--browser');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

const work = mkdtempSync(join(tmpdir(), 'ruvec-bench-web-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const median = (values) => {
    const s = [...values].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// One plain FASTA/FASTQ file of every input (gzip undone), the same bytes for every runner.
const defaultInputs = [
    ...['influenza_pdH1N1_NA.fa.gz', 'lambda_NEB3011.fa.gz', 'mt_finwhale.fa.gz', 'mt_human.fa.gz',
        'phage_lambda.fa.gz', 'phage_phiX174.fa', 'plasmid_ssonnei_E.fa.gz', 'virus_dwv.fa.gz',
        'virus_hiv1.fa.gz', 'virus_vdv1.fa.gz'].map((f) => join(root, 'test-data/genomes', f)),
];
const sources = inputs.length ? inputs : defaultInputs;
const text = sources.map((p) => {
    const raw = readFileSync(p);
    return p.endsWith('.gz') ? gunzipSync(raw) : raw;
});
const inputPath = join(work, 'input.fa');
writeFileSync(inputPath, Buffer.concat(text));
const sequences = new Uint8Array(readFileSync(inputPath));
const sizes = { repeats };

// --- web backends in node ---------------------------------------------------------------------
const rows = [];
const note = (m) => process.stderr.write(`bench-web: ${m}\n`);
let files = null;
for (const backend of ['wasm-simd', 'wasm', 'js']) {
    note(`node, ${backend}`);
    const r = await benchBackend(backend, { sequences, name: 'input.fa', ...sizes });
    if (r.files && !files) files = r.files;
    delete r.files;
    rows.push({ runner: `node ${process.versions.node} (V8 ${process.versions.v8})`, ...r });
}

// --- the same in Chromium ---------------------------------------------------------------------
if (inBrowser) {
    const require = createRequire(join(root, 'test/web/package.json'));
    const { chromium } = require('playwright-core');
    const { serveWeb } = await import('../test/web/static-server.mjs');
    const server = await serveWeb(join(root, 'web'), { '/bench-input.fa': inputPath });
    const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const page = await browser.newPage();
    await page.goto(`${server.url}index.html`);
    const version = browser.version();
    for (const backend of ['wasm-simd', 'wasm', 'js']) {
        note(`chromium ${version}, ${backend}`);
        const r = await page.evaluate(async ({ backend, sizes }) => {
            const { benchBackend } = await import('./bench.js');
            const sequences = new Uint8Array(await (await fetch('./bench-input.fa')).arrayBuffer());
            const r = await benchBackend(backend, { sequences, name: 'input.fa', ...sizes });
            delete r.files;
            return r;
        }, { backend, sizes });
        rows.push({ runner: `chromium ${version}`, ...r });
    }
    await browser.close();
    server.close();
}

// --- native ----------------------------------------------------------------------------------
note('native ruvec bench kmer / distance');
const benchJson = (...a) => JSON.parse(execFileSync(ruvec, ['bench', '-@', '0', '-r', String(repeats), '--json', ...a], { encoding: 'utf8' }));
const kmerJson = benchJson('--input', inputPath, 'kmer');
const kmer = kmerJson.results;
const best = kmerJson.best_isa;
const first = rows[0];
const distance = benchJson('--dim', String(first.distance.dims), '--rows', String(first.distance.rows), 'distance').results;
const distanceCache = benchJson('--dim', String(first.distance.dims), '--rows', String(first.distanceCache.rows), 'distance').results;
const figure = (results, name, isa) => results.find((r) => r.name === name && r.isa === isa)?.median;

// Build and search on the WebAssembly build's own vectors and graph: its .rvx (the same file the
// CLI would build) and its queries as .rvec.
const rvx = join(work, 'wasm.rvx');
const queries = join(work, 'queries.rvec');
const empty = join(work, 'empty.fa');
writeFileSync(rvx, files.index);
writeFileSync(queries, files.queries);
writeFileSync(empty, '');
const wall = (argv) => {
    const t = process.hrtime.bigint();
    const run = spawnSync(ruvec, argv, { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (run.status !== 0) throw new Error(`ruvec ${argv.join(' ')}: ${run.stderr}`);
    return Number(process.hrtime.bigint() - t) / 1e9;
};
const nativeSearch = {};
const load = median(Array.from({ length: repeats }, () => wall(['search', '-@', '0', '--exact', rvx, empty])));
for (const [kind, flags] of [['exact', ['--exact']], ['graph', ['--ef', String(first.search.graph?.ef ?? 64)]]]) {
    const seconds = median(Array.from({ length: repeats }, () => wall(['search', '-@', '0', '-n', '10', ...flags, '-o', join(work, 'hits.tsv'), rvx, queries])));
    nativeSearch[kind] = { qps: first.search.exact.queries / Math.max(1e-9, seconds - load), seconds, loadSeconds: load };
}
// The native graph's recall, against the native brute force.
const hits = (flags) => {
    const out = execFileSync(ruvec, ['search', '-@', '0', '-n', '10', '--no-header', ...flags, rvx, queries], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const per = new Map();
    for (const line of out.trim().split('\n')) {
        const f = line.split('\t');
        if (!per.has(f[0])) per.set(f[0], []);
        per.get(f[0]).push(f[3]);
    }
    return per;
};
const truth = hits(['--exact']);
const graph = hits(['--ef', String(first.search.graph?.ef ?? 64)]);
let found = 0, total = 0;
for (const [q, list] of truth) {
    const set = new Set(list);
    total += list.length;
    found += (graph.get(q) || []).filter((t) => set.has(t)).length;
}
nativeSearch.graph.recall10 = found / total;
// The build: `ruvec index` on the same rows (the wasm build's, as .rvec) with the same graph
// parameters, one thread as in the browser.
const baseRvec = join(work, 'base.rvec');
writeFileSync(baseRvec, files.base);
const nativeBuild = {
    seconds: median(Array.from({ length: Math.min(3, repeats) }, () =>
        wall(['index', '-@', '0', '-M', '16', '--ef-construction', '200', '-o', join(work, 'native.rvx'), baseRvec]))),
};

const native = (isa) => ({
    runner: `native ${basename(ruvec)}`,
    backend: `native ${isa}`,
    kernels: isa,
    embed: { mbps: figure(kmer, 'embed', isa) },
    distance: { nsPerPair: figure(distance, 'dot_batch per pair', isa) },
    distanceCache: { nsPerPair: figure(distanceCache, 'dot_batch per pair', isa) },
});
const nativeRows = [...new Set([best, 'sse4_2', 'scalar'])].map(native);
nativeRows[0].search = nativeSearch;
nativeRows[0].build = nativeBuild;

// --- report ----------------------------------------------------------------------------------
const all = [...nativeRows, ...rows];
const fmt = (v, digits = 1) => (v === undefined || v === null || Number.isNaN(v) ? '-' : v.toFixed(digits));
const lines = [
    `input: ${sources.length} file(s), ${first.embed.bases} bases in ${first.embed.records} records; k 21, 1024 dims, per record`,
    `1-vs-N: ${first.distance.rows} rows (memory) and ${first.distanceCache.rows} rows (cache) x ${first.distance.dims} dims; search: ${first.search.exact.queries} queries, ${first.build.rows} rows x ${first.build.dims} dims, M 16, ef_construction 200, top 10; medians of ${repeats}`,
    '',
    ['runner', 'backend', 'embed Mbp/s', '1-vs-N ns/pair', 'in cache', 'build s', 'graph q/s', 'recall@10', 'exact q/s'].join('\t'),
];
for (const r of all)
    lines.push([r.runner, r.backend, fmt(r.embed?.mbps), fmt(r.distance?.nsPerPair), fmt(r.distanceCache?.nsPerPair), fmt(r.build?.seconds, 2),
        fmt(r.search?.graph?.qps, 0), fmt(r.search?.graph?.recall10, 3), fmt(r.search?.exact?.qps, 0)].join('\t'));
lines.push('');
const ratio = (a, b, get) => {
    const x = get(a), y = get(b);
    return x && y ? (x / y).toFixed(2) : '-';
};
for (const runner of [...new Set(rows.map((r) => r.runner))]) {
    const of = (b) => rows.find((r) => r.runner === runner && r.backend === b);
    const [simd, plain, js] = [of('wasm-simd'), of('wasm'), of('js')];
    lines.push(`${runner}: wasm-simd / js: embed ${ratio(simd, js, (r) => r.embed.mbps)}x, 1-vs-N ${ratio(js, simd, (r) => r.distance.nsPerPair)}x (in cache ${ratio(js, simd, (r) => r.distanceCache.nsPerPair)}x), exact search ${ratio(simd, js, (r) => r.search.exact.qps)}x; ` +
        `wasm / js: embed ${ratio(plain, js, (r) => r.embed.mbps)}x, 1-vs-N ${ratio(js, plain, (r) => r.distance.nsPerPair)}x (in cache ${ratio(js, plain, (r) => r.distanceCache.nsPerPair)}x); ` +
        `native ${best} / wasm-simd: embed ${ratio(nativeRows[0], simd, (r) => r.embed.mbps)}x, 1-vs-N ${ratio(simd, nativeRows[0], (r) => r.distance.nsPerPair)}x (in cache ${ratio(simd, nativeRows[0], (r) => r.distanceCache.nsPerPair)}x), graph search ${ratio(nativeRows[0], simd, (r) => r.search?.graph?.qps)}x`);
}
console.log(lines.join('\n'));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ rows: all }, null, 2));
