// The WebAssembly modules against the native CLI on test-data: the same vectors bit for bit, the
// same hits, and .rvx / .rvec files that pass between them in both directions.
//   node --test test/web/wasm.test.mjs      (RUVEC=path/to/ruvec; default build/ruvec)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { load } from '../../web/ruvec.js';

const root = new URL('../../', import.meta.url).pathname;
const cli = process.env.RUVEC || join(root, 'build/ruvec');
const genomesDir = join(root, 'test-data/genomes');
const genomes = readdirSync(genomesDir).filter((f) => /\.fa(\.gz)?$/.test(f)).sort().map((f) => join(genomesDir, f));
const reads = join(root, 'test-data/reads/honeybee_2k.fq.gz');
const work = mkdtempSync(join(tmpdir(), 'ruvec-wasm-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

const ruvecCli = (...args) => execFileSync(cli, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
const fileBytes = (path) => {
    const raw = readFileSync(path);
    return new Uint8Array(path.endsWith('.gz') ? gunzipSync(raw) : raw);
};
const base = (path) => path.split('/').pop();

// The float32 matrix of an .npy file, as raw bytes (compared bit for bit).
function npyBytes(path) {
    const b = readFileSync(path);
    assert.equal(b.subarray(1, 6).toString('latin1'), 'NUMPY');
    const major = b[6];
    const headerLength = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
    const start = (major === 1 ? 10 : 12) + headerLength;
    assert.match(b.subarray(0, start).toString('latin1'), /'descr': '<f4'/);
    return new Uint8Array(b.subarray(start));
}

function embedAll(ruvec, paths, params) {
    return paths.map((p) => ruvec.embed(fileBytes(p), base(p), params));
}

function floatBytes(parts) {
    const total = parts.reduce((n, p) => n + p.vectors.byteLength, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
        out.set(new Uint8Array(p.vectors.buffer, p.vectors.byteOffset, p.vectors.byteLength), at);
        at += p.vectors.byteLength;
    }
    return out;
}

function assertSameBytes(actual, expected, what) {
    assert.equal(actual.length, expected.length, `${what}: ${actual.length} bytes vs ${expected.length}`);
    const first = actual.findIndex((b, i) => b !== expected[i]);
    assert.equal(first, -1, `${what}: first differing byte at ${first}`);
}

// Parameter sets as the CLI's flags and as the JS API's object.
const embedCases = [
    { flags: [], params: {} },
    { flags: ['-w', '1000', '--step', '500'], params: { window: 1000, step: 500 } },
    { flags: ['--weight', 'log', '-w', '2000'], params: { weight: 'log', window: 2000 } },
    { flags: ['--weight', 'binary', '-k', '15', '-d', '256'], params: { weight: 'binary', k: 15, dims: 256 } },
    { flags: ['-k', '11', '--no-canonical', '-d', '4096'], params: { k: 11, canonical: false, dims: 4096 } },
    { flags: ['--exact', '-k', '4'], params: { exact: true, k: 4 } },
];

for (const backend of ['wasm-simd', 'wasm']) {
    describe(`${backend} backend`, () => {
        let ruvec;
        before(async () => {
            ruvec = await load({ backend });
        });

        test('reports itself', () => {
            assert.equal(ruvec.backend, backend);
            assert.equal(ruvec.kernels, backend === 'wasm-simd' ? 'sse4_2' : 'scalar');
            assert.match(ruvecCli('--version'), new RegExp(ruvec.version.replace(/\./g, '\\.')));
        });

        for (const [i, c] of embedCases.entries()) {
            test(`vectors equal ruvec embed ${c.flags.join(' ') || '(defaults)'}`, () => {
                const npy = join(work, `${backend}-${i}.npy`);
                ruvecCli('embed', ...c.flags, '-o', npy, ...genomes, reads);
                const parts = embedAll(ruvec, [...genomes, reads], c.params);
                assertSameBytes(floatBytes(parts), npyBytes(npy), 'vectors');
                const names = readFileSync(`${npy}.names.tsv`, 'utf8').trim().split('\n').slice(1);
                const ours = parts.flatMap((p) => p.names.map((n, r) => `${n}\t${p.starts[r] + 1}\t${p.ends[r]}`));
                assert.deepEqual(ours, names.map((l) => l.split('\t').slice(1).join('\t')));
            });
        }

        test('an index built here is the CLI\'s file, byte for byte, and searches the same', () => {
            const rvx = join(work, `${backend}-cli.rvx`);
            // 512 dimensions: the graph build under scalar wasm is the test's time, not its point.
            ruvecCli('index', '--content', 'vectors', '-d', '512', '-w', '1000', '--step', '500', '-o', rvx, ...genomes);
            const cliIndex = ruvec.loadIndex(fileBytes(rvx), 'cli.rvx');
            const params = { dims: 512, window: 1000, step: 500 };
            const built = ruvec.buildIndex(embedAll(ruvec, genomes, params), {
                provenance: cliIndex.provenance.replace(/\n$/, ''),
            });
            const saved = built.save();
            assertSameBytes(saved, fileBytes(rvx), '.rvx');

            // Graph search (explicit ef) and brute force, best windows and best per target.
            const queries = ruvec.embed(fileBytes(reads), base(reads), cliIndex.params);
            for (const [flags, options] of [
                [['--ef', '64', '-n', '5'], { ef: 64, top: 5 }],
                [['-n', '3', '--per-target'], { top: 3, perTarget: true }],
                [['--exact', '-n', '10'], { exact: true, top: 10 }],
            ]) {
                const expected = ruvecCli('search', ...flags, rvx, reads);
                assert.equal(cliIndex.search(queries, options).tsv, expected, `CLI index, ${flags.join(' ')}`);
                assert.equal(built.search(queries, options).tsv, expected, `built index, ${flags.join(' ')}`);
            }
            cliIndex.delete();
            built.delete();
        });

        test('an index of the read search built here is the CLI\'s file, byte for byte, and searches as ruvec search does', () => {
            const rvx = join(work, `${backend}-kmers.rvx`);
            ruvecCli('index', '--content', 'kmers', '-d', '256', '-w', '1000', '--step', '500', '-o', rvx, ...genomes);
            const cliIndex = ruvec.loadIndex(fileBytes(rvx), 'kmers.rvx');
            assert.equal(cliIndex.readSearch, true);
            assert.equal(cliIndex.hasVectors, false);
            const built = ruvec.buildReadSearchIndex(genomes.map((p) => ({ bytes: fileBytes(p), source: base(p) })), {
                params: { dims: 256, window: 1000, step: 500 },
                provenance: cliIndex.provenance.replace(/\n$/, ''),
            });
            assertSameBytes(built.save(), fileBytes(rvx), 'read-search .rvx');

            // Queries: the honey-bee reads (mostly no hit here) and pieces of two genomes, a
            // 5 kbp fragment among them, each taken whole; a record without a valid k-mer is left out.
            const lambda = gunzipSync(readFileSync(join(genomesDir, 'phage_lambda.fa.gz'))).toString('latin1')
                .split('\n').filter((l) => !l.startsWith('>')).join('');
            const phix = readFileSync(join(genomesDir, 'phage_phiX174.fa'), 'latin1')
                .split('\n').filter((l) => !l.startsWith('>')).join('');
            const pieces = join(work, `${backend}-pieces.fa`);
            writeFileSync(pieces, `>read\n${phix.slice(1000, 1150)}\n>fragment\n${lambda.slice(20000, 25000)}\n>short\nACGTN\n`);
            for (const queries of [reads, pieces])
                for (const [flags, options] of [
                    [['-n', '5'], { top: 5 }],
                    [['-n', '3', '--per-target'], { top: 3, perTarget: true }],
                    [['-n', '4', '--min-sim', '0.99'], { top: 4, minSim: 0.99 }],
                ]) {
                    const expected = ruvecCli('search', ...flags, rvx, queries);
                    for (const [what, index] of [['CLI index', cliIndex], ['built index', built]]) {
                        const found = index.searchSequences(fileBytes(queries), base(queries), options);
                        assert.equal(found.tsv, expected, `${what}, ${base(queries)} ${flags.join(' ')}`);
                    }
                }
            const found = built.searchSequences(fileBytes(pieces), base(pieces), { top: 1 });
            assert.equal(found.skipped, 1);
            assert.deepEqual(Array.from(found.counts), [1, 1]);
            // An index without vectors is not searched by vector, and says how to search it.
            assert.throws(() => built.search(ruvec.embed(fileBytes(pieces), 'pieces.fa', built.params), {}), /search it by sequence/);
            cliIndex.delete();
            built.delete();
        });

        test('.rvx round trip: built here, read by the CLI; quantized too', () => {
            const params = { window: 1000, step: 500, k: 17, dims: 512 };
            const index = ruvec.buildIndex(embedAll(ruvec, genomes, params), { graph: { M: 8, metric: 'l2' } });
            const queries = ruvec.embed(fileBytes(reads), base(reads), index.params);
            const here = index.search(queries, { top: 4, exact: true }).tsv;
            const rvx = join(work, `${backend}-web.rvx`);
            writeFileSync(rvx, index.save());
            const info = JSON.parse(ruvecCli('info', '--json', rvx));
            assert.equal(info.rows, index.rows);
            assert.deepEqual([info.embedding.k, info.embedding.dims, info.embedding.window], [17, 512, 1000]);
            assert.deepEqual([info.graph.metric, info.graph.M], ['l2', 8]);
            assert.equal(ruvecCli('search', '--exact', '-n', '4', rvx, reads), here);

            index.quantize('sq8');
            writeFileSync(rvx, index.save());
            assert.equal(index.quantization, 'sq8');
            assert.equal(ruvecCli('search', '--ef', '32', '-n', '4', rvx, reads), index.search(queries, { top: 4, ef: 32 }).tsv);
            index.delete();
        });

        test('.rvec written here holds what ruvec embed -o x.rvec holds', () => {
            // zstd's bytes differ between library versions (Debian's against the one compiled
            // here), so the files are compared by what the CLI reads from them: the index it
            // builds from each, made under the same names, must be the same file.
            const rvec = join(work, `${backend}.rvec`);
            const rvx = join(work, `${backend}-from-rvec.rvx`);
            ruvecCli('embed', '-w', '1000', '-o', rvec, ...genomes);
            const cliBytes = fileBytes(rvec);
            const provenanceLength = Buffer.from(cliBytes).readUInt32LE(60);
            const provenance = Buffer.from(cliBytes.subarray(128, 128 + provenanceLength)).toString('utf8');
            ruvecCli('index', '-o', rvx, rvec);
            const fromCli = fileBytes(rvx);
            writeFileSync(rvec, ruvec.encodeRvec(embedAll(ruvec, genomes, { window: 1000 }), provenance));
            ruvecCli('index', '-o', rvx, rvec);
            assertSameBytes(fileBytes(rvx), fromCli, '.rvx from .rvec');
        });

        test('damaged indexes are refused with the CLI\'s message', () => {
            const rvx = join(work, `${backend}-damaged.rvx`);
            ruvecCli('index', '--content', 'vectors', '-o', rvx, genomes[0]);
            const bytes = fileBytes(rvx);
            for (const [what, damaged] of [
                ['truncated', bytes.subarray(0, bytes.length - 100)],
                ['flipped', Uint8Array.from(bytes, (b, i) => (i === bytes.length - 50 ? b ^ 1 : b))],
                ['not an index', new TextEncoder().encode('>seq\nACGT\n')],
            ]) {
                const path = join(work, 'bad.rvx');
                writeFileSync(path, damaged);
                const run = spawnSync(cli, ['search', path, genomes[0]], { encoding: 'utf8' });
                assert.notEqual(run.status, 0, what);
                const expected = run.stderr.trim().replace(/^ruvec search: /, '').replaceAll(path, 'bad.rvx');
                assert.throws(() => ruvec.loadIndex(damaged, 'bad.rvx'), (e) => e.message === expected, `${what}: ${expected}`);
            }
        });

        test('bad sequence files give the CLI\'s message', () => {
            const cases = {
                'qual.fq': '@r1\nACGT\n+\nIII\n',
                'noplus.fq': '@r1\nACGT\nIIII\n',
                'binary.fa': '\x1f\x8b\x08\x00garbage',
                'noname.fa': '>\nACGT\n',
            };
            for (const [name, text] of Object.entries(cases)) {
                const path = join(work, name);
                writeFileSync(path, text, 'latin1');
                const run = spawnSync(cli, ['embed', '--format', 'tsv', path], { encoding: 'utf8' });
                assert.notEqual(run.status, 0, name);
                const expected = run.stderr.trim().replace(/^ruvec embed: /, '').replaceAll(path, name);
                assert.throws(() => ruvec.embed(Buffer.from(text, 'latin1'), name, {}), (e) => e.message === expected, `${name}: ${expected}`);
            }
            assert.throws(() => ruvec.embed('>a\nACGT\n', 'a.fa', { k: 40 }), /k must be 1\.\.31, not 40/);
        });
    });
}

test('every backend this engine runs is detected, and the fallback gives the same vectors', async () => {
    const { detectBackend } = await import('../../web/ruvec.js');
    assert.equal(detectBackend(), 'wasm-simd');
    const simd = await load({ backend: 'wasm-simd' });
    const plain = await load({ backend: 'wasm' });
    const js = await load({ backend: 'js' });
    const bytes = fileBytes(genomes[0]);
    const a = simd.embed(bytes, 'g.fa', { window: 500 });
    for (const other of [plain, js]) {
        const b = other.embed(bytes, 'g.fa', { window: 500 });
        assertSameBytes(new Uint8Array(b.vectors.buffer), new Uint8Array(a.vectors.buffer), other.backend);
    }
});
