// web/fallback.js against the native CLI (build/ruvec): the same vectors bit for bit, the same
// search TSV byte for byte, the same parser and parameter messages.
//   node --test test/web/fallback.test.mjs        (build the CLI first: make)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import * as ruvec from '../../web/fallback.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = process.env.RUVEC || path.join(root, 'build/ruvec');
const data = path.join(root, 'test-data');
const badInputs = path.join(root, 'test/bad-input/files');
const skip = fs.existsSync(cli) ? false : 'build/ruvec is not built (make)';

let tmp;
before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvec-fallback-'));
});
after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

function run(args) {
    const result = spawnSync(cli, args, { encoding: 'buffer', maxBuffer: 1 << 30 });
    if (result.error) throw result.error;
    return result;
}

function runOk(args) {
    const result = run(args);
    assert.equal(result.status, 0, `ruvec ${args.join(' ')} failed: ${result.stderr}`);
    return result;
}

// The message of a failed CLI run, without its "ruvec <cmd>: " prefix.
function cliError(command, args) {
    const result = run([command, ...args]);
    assert.notEqual(result.status, 0, `ruvec ${command} ${args.join(' ')} should fail`);
    const lines = result.stderr.toString().trim().split('\n');
    const prefix = `ruvec ${command}: `;
    const last = lines[lines.length - 1];
    assert.ok(last.startsWith(prefix), `unexpected stderr: ${result.stderr}`);
    return last.slice(prefix.length);
}

function readInput(file) {
    const bytes = fs.readFileSync(file);
    return file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes;
}

// A float32 .npy written by `ruvec embed`: { rows, dims, values }.
function readNpy(file) {
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.subarray(0, 6).toString('latin1'), '\x93NUMPY');
    const headerLength = bytes.readUInt16LE(8);
    const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
    assert.match(header, /'descr': '<f4'/);
    const shape = /'shape': \((\d+), (\d+)\)/.exec(header);
    const rows = Number(shape[1]), dims = Number(shape[2]);
    const start = 10 + headerLength;
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start,
        bytes.byteOffset + start + rows * dims * 4));
    return { rows, dims, values };
}

// FILE.npy.names.tsv: sequence name, 1-based inclusive start and end of each row.
function readNames(file) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(lines[0], 'name\tsequence\tstart\tend');
    return lines.slice(1).map((line) => {
        const [, sequence, start, end] = line.split('\t');
        return { name: sequence, start: Number(start) - 1, end: Number(end) };
    });
}

// Embeds whole files with the fallback, in batches of `batch` records.
function embedFiles(files, params, batch = 64) {
    const embedder = new ruvec.SequenceEmbedder();
    assert.equal(embedder.configure(params), '');
    const dims = embedder.params().dims;
    const rows = [];
    const chunks = [];
    let skipped = 0;
    for (const file of files) {
        assert.equal(embedder.open(readInput(file), file), '');
        for (;;) {
            assert.equal(embedder.next(batch), '');
            if (embedder.records() === 0) break;
            const names = embedder.names(), starts = embedder.starts(), ends = embedder.ends();
            for (let i = 0; i < embedder.rows(); ++i)
                rows.push({ name: names[i], start: starts[i], end: ends[i] });
            chunks.push(embedder.vectors());
        }
        skipped += embedder.skipped();
    }
    const values = new Float32Array(rows.length * dims);
    let offset = 0;
    for (const chunk of chunks) {
        values.set(chunk, offset);
        offset += chunk.length;
    }
    return { rows, dims, values, skipped };
}

function assertSameBits(actual, expected, dims, what) {
    assert.equal(actual.length, expected.length, `${what}: number of floats`);
    const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
    const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
    for (let i = 0; i < a.length; ++i) {
        if (a[i] !== e[i])
            assert.fail(`${what}: row ${Math.floor(i / dims)} column ${i % dims}: ` +
                `${actual[i]} (0x${a[i].toString(16)}) != CLI ${expected[i]} ` +
                `(0x${e[i].toString(16)})`);
    }
}

const genome = (name) => path.join(data, 'genomes', name);
const reads = path.join(data, 'reads/honeybee_2k.fq.gz');
const queries = path.join(data, 'formats/queries.fa');

// ---------------------------------------------------------------------------------------------
// Vectors

describe('vectors are the CLI\'s bits', { skip }, () => {
    const files = [
        genome('phage_phiX174.fa'), genome('virus_hiv1.fa.gz'), genome('mt_human.fa.gz'),
        genome('phage_lambda.fa.gz'), genome('influenza_pdH1N1_NA.fa.gz'), reads,
    ];
    const cases = [
        { name: 'defaults (k 21, 2048 dims, per record)', args: [], params: {} },
        { name: '-w 1000 --step 500', args: ['-w', '1000', '--step', '500'],
            params: { window: 1000, step: 500 } },
        { name: '--weight log', args: ['--weight', 'log'], params: { weight: 'log' } },
        { name: '--weight binary', args: ['--weight', 'binary'], params: { weight: 'binary' } },
        { name: '-k 15 --no-canonical -d 256', args: ['-k', '15', '--no-canonical', '-d', '256'],
            params: { k: 15, canonical: false, dims: 256 } },
        { name: '--exact -k 4', args: ['--exact', '-k', '4'], params: { exact: true, k: 4 } },
        { name: '-k 31 -w 5000 --weight log (62-bit k-mers)',
            args: ['-k', '31', '-w', '5000', '--weight', 'log'],
            params: { k: 31, window: 5000, weight: 'log' } },
        { name: '-k 16 -d 1000 --weight binary (32-bit k-mers, dims not a power of 2)',
            args: ['-k', '16', '-d', '1000', '--weight', 'binary'],
            params: { k: 16, dims: 1000, weight: 'binary' } },
        { name: '-k 17 -d 8 -w 300 --step 77',
            args: ['-k', '17', '-d', '8', '-w', '300', '--step', '77'],
            params: { k: 17, dims: 8, window: 300, step: 77 } },
        { name: '--exact -k 7 --no-canonical --weight log',
            args: ['--exact', '-k', '7', '--no-canonical', '--weight', 'log'],
            params: { exact: true, k: 7, canonical: false, weight: 'log' } },
    ];
    for (const c of cases) {
        test(c.name, () => {
            const out = path.join(tmp, 'vectors.npy');
            runOk(['embed', '--quiet', ...c.args, '-o', out, ...files]);
            const expected = readNpy(out);
            const names = readNames(out + '.names.tsv');
            const actual = embedFiles(files, c.params);
            assert.equal(actual.dims, expected.dims);
            assert.equal(actual.rows.length, expected.rows, 'rows');
            assert.deepEqual(actual.rows, names);
            assertSameBits(actual.values, expected.values, expected.dims, c.name);
        });
    }

    test('Windows line endings, blank lines, lower case and IUPAC codes', () => {
        const text = readInput(reads).toString('latin1').split('\n').slice(0, 400);
        const crlf = path.join(tmp, 'crlf.fq');
        fs.writeFileSync(crlf, text.join('\r\n') + '\r\n', 'latin1');
        const mixed = path.join(tmp, 'mixed.fa');
        const lambda = readInput(genome('phage_lambda.fa.gz')).toString('latin1').split('\n');
        const body = lambda.slice(1, 200).map((line, i) =>
            i % 3 === 0 ? line.toLowerCase()
                : i % 7 === 0 ? line.replace(/A/g, 'N') + ' \t'
                : line);
        fs.writeFileSync(mixed, '\n\n>  spaced name and comment\n' + body.join('\n') +
            '\n>empty\n>rna\nACGUACGUUUGGCCAAUUGGACGUACGUUUGGCCAA\n>short\nACG', 'latin1');
        for (const params of [{ k: 11, window: 500 }, { weight: 'log', k: 9 }]) {
            const args = ['-k', String(params.k)];
            if (params.window) args.push('-w', String(params.window));
            if (params.weight) args.push('--weight', params.weight);
            const out = path.join(tmp, 'mixed.npy');
            runOk(['embed', '--quiet', ...args, '-o', out, crlf, mixed]);
            const expected = readNpy(out);
            const actual = embedFiles([crlf, mixed], params, 7);
            assert.deepEqual(actual.rows, readNames(out + '.names.tsv'));
            assertSameBits(actual.values, expected.values, expected.dims, JSON.stringify(params));
            assert.ok(actual.skipped >= 1); // 'short' has no k-mer ('empty' has no window)
        }
    });
});

// ---------------------------------------------------------------------------------------------
// Search

describe('search hits are the CLI\'s text', { skip }, () => {
    const targets = [
        genome('phage_phiX174.fa'), genome('virus_dwv.fa.gz'), genome('virus_vdv1.fa.gz'),
        genome('virus_hiv1.fa.gz'), genome('phage_lambda.fa.gz'), genome('lambda_NEB3011.fa.gz'),
        genome('plasmid_ssonnei_E.fa.gz'), genome('mt_human.fa.gz'), genome('mt_finwhale.fa.gz'),
        genome('influenza_pdH1N1_NA.fa.gz'),
    ];
    let queryFiles;
    before(() => {
        // Queries: the three cut from genomes, 100 reads (mostly noise-level hits), and 40
        // influenza segments, many identical to others (ties broken by the lower row).
        const someReads = path.join(tmp, 'reads100.fq');
        fs.writeFileSync(someReads,
            readInput(reads).toString('latin1').split('\n').slice(0, 400).join('\n') + '\n');
        const flu = readInput(genome('influenza_pdH1N1_NA.fa.gz')).toString('latin1');
        const someFlu = path.join(tmp, 'flu40.fa');
        fs.writeFileSync(someFlu, flu.split('\n>').slice(0, 40).join('\n>') + '\n');
        queryFiles = [queries, someReads, someFlu];
    });

    // Targets and queries embedded by the fallback (the same parameters for every index).
    const embedded = new Map();
    function embedAll(params) {
        const key = JSON.stringify(params);
        if (!embedded.has(key))
            embedded.set(key,
                { target: embedFiles(targets, params), query: embedFiles(queryFiles, params) });
        return embedded.get(key);
    }
    const bytes = (v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

    // The fallback's index of `targets`.
    function fallbackIndex(embedParams, graphParams) {
        const index = new ruvec.IndexHandle();
        assert.equal(index.create(embedParams, graphParams), '');
        const { target } = embedAll(index.embedParams());
        assert.equal(index.add(target.rows.map((r) => r.name), target.rows.map((r) => r.start),
            target.rows.map((r) => r.end), bytes(target.values)), '');
        let linked = -1;
        assert.equal(index.build((n) => { linked = n; }), '');
        assert.equal(linked, target.rows.length);
        return index;
    }

    function fallbackSearch(index, options) {
        const { query } = embedAll(index.embedParams());
        assert.equal(index.search(bytes(query.values), query.rows.map((r) => r.name),
            query.rows.map((r) => r.start), query.rows.map((r) => r.end), options), '');
    }

    const indexes = [
        { metric: 'cosine', args: [] },
        { metric: 'l2', args: ['--metric', 'l2'] },
        { metric: 'ip', args: ['--metric', 'ip'] },
    ];
    for (const { metric, args } of indexes) {
        test(`--metric ${metric}: -n 5, --per-target, -n 12 --min-sim 0.2`, () => {
            const db = path.join(tmp, `${metric}.rvx`);
            // 512 dimensions: the comparison does not depend on them, the time does.
            runOk(['index', '--content', 'vectors', '--quiet', ...args, '-d', '512', '-w', '1000', '--step', '500', '-o', db,
                ...targets]);
            const embed = { dims: 512, window: 1000, step: 500 };
            const searches = [
                { flags: ['-n', '5'], options: { top: 5 } },
                { flags: ['-n', '5', '--per-target'], options: { top: 5, perTarget: true } },
                { flags: ['-n', '12', '--min-sim', '0.2'], options: { top: 12, minSim: 0.2 } },
            ];
            const index = fallbackIndex(embed, { metric });
            for (const s of searches) {
                const expected = runOk(['search', '--quiet', '--exact', ...s.flags, db,
                    ...queryFiles]).stdout.toString();
                fallbackSearch(index, s.options);
                const tsv = index.hitsTsv();
                assert.equal(tsv, expected, `${metric} ${s.flags.join(' ')}`);
                const counts = index.hitCounts();
                const total = counts.reduce((a, b) => a + b, 0);
                assert.equal(total, tsv.split('\n').length - 2);
                assert.equal(index.hitRows().length, total);
                assert.equal(index.hitSimilarities().length, total);
                assert.equal(index.hitDistances().length, total);
            }
        });
    }

    // Dimensions that are not a multiple of the kernels' 32 lanes.
    const oddDims = [
        { metric: 'cosine', args: ['--exact', '-k', '4'], embed: { exact: true, k: 4 } },
        { metric: 'l2', args: ['--metric', 'l2', '-k', '15', '-d', '1000'],
            embed: { k: 15, dims: 1000 } },
    ];
    for (const { metric, args, embed } of oddDims) {
        test(`${args.join(' ')}: -n 7 --per-target`, () => {
            const db = path.join(tmp, 'odd.rvx');
            runOk(['index', '--content', 'vectors', '--quiet', ...args, '-w', '1000', '--step', '500', '-o', db,
                ...targets]);
            const expected = runOk(['search', '--quiet', '--exact', '-n', '7', '--per-target', db,
                ...queryFiles]).stdout.toString();
            const index = fallbackIndex({ ...embed, window: 1000, step: 500 }, { metric });
            fallbackSearch(index, { top: 7, perTarget: true });
            assert.equal(index.hitsTsv(), expected);
        });
    }

    test('index checks and accessors', () => {
        const index = new ruvec.IndexHandle();
        assert.equal(index.add([], [], [], new Uint8Array(0)),
            'no index: create() or load() first');
        assert.equal(index.create({ k: 40 }, {}), 'k must be 1..31, not 40');
        assert.equal(index.create({}, { M: 1 }), '-M must be 2..512, not 1');
        assert.equal(index.create({}, { efConstruction: 0 }),
            '--ef-construction must be 1..1048576, not 0');
        assert.equal(index.create({}, { metric: 'hamming' }),
            "unknown metric 'hamming' (cosine, l2 or ip)");
        assert.equal(index.create({ dims: 8 }, { metric: 'cosine' }), '');
        const v = new Float32Array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        const bytes = new Uint8Array(v.buffer);
        assert.equal(index.add(['a'], [0], [10], bytes), 'expected 1 x 8 floats, got 64 bytes');
        assert.equal(index.add(['a', 'b'], [0], [10, 10], bytes),
            'names, starts and ends differ in length');
        assert.equal(index.add(['a', 'a'], [0, 5], [10, 15], bytes), '');
        assert.equal(index.add(['a'], [20], [30], bytes.subarray(0, 32)), ''); // a next window
        assert.equal(index.add(['a'], [3], [13], bytes.subarray(0, 32)),
            "sequence name 'a' is already in the index: names must be unique (remove it first " +
            'to replace it)');
        assert.equal(index.add([''], [0], [1], bytes.subarray(0, 32)),
            'sequence names must be 1..65535 bytes long');
        assert.equal(index.add(['z'], [0], [1], new Uint8Array(32)),
            "'z': an all-zero vector has no cosine similarity");
        const nan = new Uint8Array(new Float32Array(8).fill(NaN).buffer);
        assert.equal(index.add(['n'], [0], [1], nan),
            "'n': the vector has a value that is not finite");
        assert.equal(index.rows(), 3);
        assert.equal(index.rowName(1), 'a');
        assert.equal(index.rowStart(1), 5);
        assert.equal(index.rowEnd(1), 15);
        assert.equal(index.rowName(7), '');
        assert.deepEqual(index.graphParams(),
            { metric: 'cosine', M: 16, efConstruction: 200, seed: 100 });
        assert.equal(index.embedParams().hashSeed, (0x7275766563000001n).toString());
        assert.equal(index.search(bytes.subarray(0, 32), ['q'], [0], [10], { top: 0 }),
            'top must be at least 1');
        assert.equal(index.search(bytes.subarray(0, 32), ['q'], [0], [10], { ef: 0 }),
            'ef must be 1..1048576');
        assert.equal(index.search(bytes.subarray(0, 32), ['q'], [0], [10], {}), '');
        assert.deepEqual([...index.hitRows()], [0, 2, 1]); // ties: the lower row first
        assert.equal(index.quantization(), 'none');
        assert.match(index.save(), /needs WebAssembly/);
        assert.equal(index.saved().length, 0);
        // The read search is WebAssembly's; a flat index holds vectors and says so.
        assert.match(index.createReadSearch({}, {}), /the read search .* needs WebAssembly/);
        assert.match(index.searchSequences('>q\nACGT\n', 'q.fa', {}), /the read search .* needs WebAssembly/);
        assert.equal(index.readSearch(), false);
        assert.equal(index.hasVectors(), true);
    });
});

// ---------------------------------------------------------------------------------------------
// Messages

describe('parser messages are the CLI\'s', { skip }, () => {
    function fallbackError(file, params = {}) {
        const embedder = new ruvec.SequenceEmbedder();
        assert.equal(embedder.configure(params), '');
        assert.equal(embedder.open(fs.readFileSync(file), file), '');
        for (;;) {
            const message = embedder.next(3);
            if (message !== '') return message;
            if (embedder.records() === 0) return '';
        }
    }

    const files = fs.readdirSync(badInputs).sort();
    for (const name of files) {
        test(name, () => {
            const file = path.join(badInputs, name);
            const expected = cliError('embed', ['-o', path.join(tmp, 'x.tsv'), file]);
            assert.equal(fallbackError(file), expected);
        });
    }

    test('generated bad inputs', () => {
        const cases = {
            'binary.bin': Buffer.concat([
                Buffer.from('\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0', 'latin1'),
                Buffer.alloc(4096, 0xff)]),
            'binary-after-header.fa': Buffer.from('>x\n\x01\x02\x03\xff\xfe', 'latin1'),
            'header-after-fastq.fq': Buffer.from('@r1 c\nACGT\n+r1 c\nIIII\nxyz\n', 'latin1'),
            'truncated-plus.fq': Buffer.from('@r1\nACGT\nAC', 'latin1'),
            'quality-multi-line.fq': Buffer.from('@r1\nAC\nGT\n+\nII\nI\n@r2\nA\n+\nI\n', 'latin1'),
            'bad-quality.fq': Buffer.from('@r1\nACGT\n+\nII\x7fI\n', 'latin1'),
            'utf8-name.fa': Buffer.from('>caf\u00e9\nAC\u00e9GT\n', 'utf8'),
            'delete-in-header.fa': Buffer.from('>a\x7fb\nACGT\n', 'latin1'),
        };
        for (const [name, bytes] of Object.entries(cases)) {
            const file = path.join(tmp, name);
            fs.writeFileSync(file, bytes);
            const expected = cliError('embed', ['-o', path.join(tmp, 'x.tsv'), file]);
            assert.equal(fallbackError(file), expected, name);
        }
    });

    test('batches and counters', () => {
        const embedder = new ruvec.SequenceEmbedder();
        assert.equal(embedder.configure({ k: 3, dims: 8 }), '');
        const text = '>a first\nAC\n>b\nACGT\nAC\n>c\nNNNN\n';
        assert.equal(embedder.open(text, 'mem.fa'), '');
        assert.equal(embedder.next(1), '');
        assert.deepEqual([embedder.records(), embedder.rows(), embedder.skipped()], [1, 0, 1]);
        assert.deepEqual([embedder.recordsRead(), embedder.basesRead()], [1, 2]);
        assert.equal(embedder.next(5), '');
        assert.deepEqual([embedder.records(), embedder.rows(), embedder.skipped()], [2, 1, 2]);
        assert.deepEqual(embedder.names(), ['b']);
        assert.deepEqual([...embedder.starts(), ...embedder.ends()], [0, 6]);
        assert.equal(embedder.vectors().length, 8);
        assert.deepEqual([embedder.recordsRead(), embedder.basesRead()], [3, 12]);
        assert.equal(embedder.bytesRead(), text.length);
        assert.equal(embedder.next(5), '');
        assert.equal(embedder.records(), 0);
    });

    test('empty input: no records, no error', () => {
        const file = path.join(tmp, 'empty.fa');
        fs.writeFileSync(file, '');
        runOk(['embed', '--quiet', '-o', path.join(tmp, 'x.tsv'), file]);
        const embedder = new ruvec.SequenceEmbedder();
        assert.equal(embedder.configure({}), '');
        assert.equal(embedder.open(new Uint8Array(0), file), '');
        assert.equal(embedder.next(10), '');
        assert.equal(embedder.records(), 0);
        assert.equal(embedder.recordsRead(), 0);
        assert.equal(embedder.rows(), 0);
    });

    test('parameter messages', () => {
        const phix = genome('phage_phiX174.fa');
        const cases = [
            [['-k', '0'], { k: 0 }],
            [['-k', '40'], { k: 40 }],
            [['-d', '4'], { dims: 4 }],
            [['--exact', '-k', '9'], { exact: true, k: 9 }],
            [['--step', '10'], { step: 10 }],
            [['-w', '10', '-k', '21'], { window: 10, k: 21 }],
        ];
        for (const [args, params] of cases) {
            const expected = cliError('embed', [...args, '-o', path.join(tmp, 'x.tsv'), phix]);
            assert.equal(new ruvec.SequenceEmbedder().configure(params), expected, args.join(' '));
        }
        const embedder = new ruvec.SequenceEmbedder();
        assert.equal(embedder.open('>a\nACGT\n', 'a.fa'), 'configure() first');
        assert.equal(embedder.configure({ weight: 'tfidf' }),
            "unknown weight 'tfidf' (count, log or binary)");
        assert.equal(embedder.configure({ window: 1.5 }), 'window must be a whole number >= 0');
        assert.equal(embedder.configure({ k: 2 ** 32 }), 'k is too large');
        assert.equal(embedder.next(1), 'open() first');
        assert.equal(embedder.configure({ exact: true, k: 4, window: 100, hashSeed: '42' }), '');
        assert.deepEqual(embedder.params(), {
            k: 4, dims: 136, canonical: true, exact: true, weight: 'count', hashId: 1,
            hashSeed: '42', window: 100, step: 100,
        });
    });
});

// ---------------------------------------------------------------------------------------------
// Numbers

test('printf-exact formatting and the identity estimate', () => {
    const f = ruvec.formatFixed;
    assert.equal(f(0.0078125, 6), '0.007812'); // a tie: to even, as printf
    assert.equal(f(0.0234375, 6), '0.023438');
    assert.equal(f(0.03125, 4), '0.0312');
    assert.equal(f(0.09375, 4), '0.0938');
    assert.equal(f(1, 6), '1.000000');
    assert.equal(f(-0, 6), '-0.000000');
    assert.equal(f(-1e-9, 6), '-0.000000');
    assert.equal(f(0.1, 6), '0.100000');
    assert.equal(f(2.5, 0), '2');
    assert.equal(f(NaN, 6), 'nan');
    assert.equal(ruvec.estimateIdentity(0.1, 300, 1000, 21, 1024), 0); // below 5 / sqrt(1024)
    assert.equal(ruvec.estimateIdentity(1, 300, 300, 21, 1024), 1);
    assert.equal(ruvec.version(), fs.readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8')
        .match(/project\(ruvec VERSION ([0-9.]+)/)[1]);
    assert.equal(ruvec.kernels(), 'js');
});

test('the log weight has the bits of the core\'s log1p_count (test_embed.cpp checks the same)', () => {
    const bits = (v) => {
        const view = new DataView(new ArrayBuffer(8));
        view.setFloat64(0, v, true);
        return view.getBigUint64(0, true).toString(16);
    };
    assert.equal(ruvec.log1pCount(0), 0);
    const expected = { 1: '3fe62e42fefa39ef', 2: '3ff193ea7aad030b', 175: '4014ae935b3cb89d',
        184: '4014e1a4f518c72b', 43259: '4025599776a56e86', 1000000: '402ba18abb1dedc8' };
    for (const [n, hex] of Object.entries(expected)) assert.equal(bits(ruvec.log1pCount(Number(n))), hex, `count ${n}`);
});

test('an index keeps its provenance lines', () => {
    const index = new ruvec.IndexHandle();
    assert.equal(index.create({}, {}), '');
    assert.equal(index.addProvenance('ruvec 0.1.0\tweb page'), '');
    assert.equal(index.provenance(), 'ruvec 0.1.0\tweb page\n');
});
