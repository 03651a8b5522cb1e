// The page in a real browser: headless Debian Chromium, driven by playwright-core, loads web/
// from a local server, gets files dropped on it, and must show what the native CLI prints. Also
// with WebAssembly switched off (the plain-JS fallback) and with bad files.
//   node --test test/web/browser.test.mjs    (RUVEC=build/ruvec CHROMIUM=/usr/bin/chromium;
//   screenshots go to $WEB_TEST_OUT, default build/web-test)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium } from 'playwright-core';

import { serveWeb } from './static-server.mjs';

const root = new URL('../../', import.meta.url).pathname;
const cli = process.env.RUVEC || join(root, 'build/ruvec');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const out = process.env.WEB_TEST_OUT || join(root, 'build/web-test');
mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'ruvec-browser-test-'));
const genomesDir = join(root, 'test-data/genomes');
const genomes = readdirSync(genomesDir).filter((f) => /\.fa(\.gz)?$/.test(f)).sort().map((f) => join(genomesDir, f));
const reads = join(root, 'test-data/reads/honeybee_2k.fq.gz'); // BGZF: many gzip members

const ruvecCli = (...args) => execFileSync(cli, args, { encoding: 'utf8', maxBuffer: 1 << 28 });

let base, server;
let browser, noWasmBrowser;
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

before(async () => {
    server = await serveWeb(join(root, 'web'));
    base = server.url;
    browser = await chromium.launch({ executablePath: browserPath, args: launchArgs });
    // V8 without the WebAssembly object: the page must fall back to plain JS.
    noWasmBrowser = await chromium.launch({ executablePath: browserPath, args: [...launchArgs, '--js-flags=--noexpose_wasm'] });
});
after(async () => {
    await browser?.close();
    await noWasmBrowser?.close();
    server?.close();
    rmSync(work, { recursive: true, force: true });
});

async function openPage(which, query = '') {
    const page = await which.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    await page.goto(base + query);
    await page.waitForSelector('body[data-backend]', { timeout: 30000 });
    return { page, problems };
}

// Drops files on a drop zone as a person would: a DataTransfer of Files in a drop event. The
// bytes cross into the page as base64: as an array of numbers a 10 MB index took 155 s.
async function drop(page, zone, paths, names = paths.map((p) => p.split('/').pop())) {
    const files = paths.map((p, i) => ({ name: names[i], base64: readFileSync(p).toString('base64') }));
    const transfer = await page.evaluateHandle((files) => {
        const dt = new DataTransfer();
        for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
        return dt;
    }, files);
    await page.dispatchEvent(zone, 'drop', { dataTransfer: transfer });
}

async function setParams(page, values) {
    for (const [id, value] of Object.entries(values)) {
        if (typeof value === 'boolean') await page.setChecked(`#${id}`, value);
        else await page.fill(`#${id}`, String(value));
    }
}

// A copy of `bytes` with one bit flipped near the end (in the last section of an .rvx).
function flipped(bytes) {
    const copy = Buffer.from(bytes);
    copy[copy.length - 20] ^= 1;
    return copy;
}

async function clear(page) {
    for (const button of ['#ref-clear', '#query-clear']) if (await page.isEnabled(button)) await page.click(button);
}

async function finish(page) {
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 120000 });
    return page.getAttribute('body', 'data-state');
}

async function downloaded(page, button) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const path = join(work, download.suggestedFilename());
    await download.saveAs(path);
    return path;
}

// The table's rows as the TSV's fields: query, target, rank and similarity.
async function tableRows(page) {
    return page.$$eval('#results tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent.trim())));
}

// The backends are compared with the CLI at 512 dimensions, a quarter of the default's work; the
// demo test runs the page's defaults.
const dims = 512;

describe('page', () => {
    let expectedTsv;
    before(() => {
        const rvx = join(work, 'cli.rvx');
        ruvecCli('index', '--content', 'vectors', '-d', String(dims), '-w', '1000', '--step', '500', '-o', rvx, ...genomes);
        expectedTsv = ruvecCli('search', '--per-target', '-n', '3', rvx, reads);
    });

    for (const [backend, which] of [['wasm-simd', () => browser], ['wasm', () => browser], ['js', () => noWasmBrowser]]) {
        test(`dropped files give the CLI's hits (${backend})`, async () => {
            const { page, problems } = await openPage(which(), backend === 'wasm-simd' ? '' : `?backend=${backend}`);
            assert.equal(await page.getAttribute('body', 'data-backend'), backend, 'backend detected');
            await drop(page, '#ref-drop', genomes);
            await drop(page, '#query-drop', [reads]);
            await setParams(page, { dims, window: 1000, step: 500, top: 3, 'per-target': true });
            await page.click('#run');
            assert.equal(await finish(page), 'done', await page.textContent('#error').catch(() => ''));
            const tsv = readFileSync(await downloaded(page, '#download-tsv'), 'utf8');
            assert.equal(tsv, expectedTsv, 'downloaded TSV = ruvec search --per-target -n 3');

            // The table shows the same hits: every query, target and similarity of the first rows.
            const rows = await tableRows(page);
            const lines = expectedTsv.trim().split('\n').slice(1);
            assert.ok(rows.length >= Math.min(lines.length, 1000), `${rows.length} rows in the table`);
            const shown = new Set(rows.map((r) => r.join(' ')));
            for (const line of lines.slice(0, 50)) {
                const f = line.split('\t');
                const match = rows.find((r) => r[0] === f[0] && r.includes(f[3]) && r.includes(f[6]) && r.some((c) => c === f[7] || Number(c) === Number(f[7])));
                assert.ok(match, `row for ${f[0]} -> ${f[3]} rank ${f[6]} similarity ${f[7]} (${shown.size} rows)`);
            }
            if (backend !== 'js') {
                // The index built in the page is the CLI's: it searches the same.
                const rvx = await downloaded(page, '#download-rvx');
                assert.equal(ruvecCli('search', '--per-target', '-n', '3', rvx, reads), expectedTsv, 'page .rvx searched by the CLI');
            } else {
                assert.ok(await page.isDisabled('#download-rvx'), '.rvx download needs WebAssembly');
            }
            await page.screenshot({ path: join(out, `page-${backend}.png`), fullPage: true });
            assert.deepEqual(problems, []);
            await page.close();
        });
    }

    test('an .rvx built by the CLI, dropped as the references, gives the CLI\'s hits', async () => {
        const { page, problems } = await openPage(browser);
        await drop(page, '#ref-drop', [join(work, 'cli.rvx')]);
        await drop(page, '#query-drop', [reads]);
        await setParams(page, { top: 3, 'per-target': true });
        await page.click('#run');
        assert.equal(await finish(page), 'done');
        assert.equal(readFileSync(await downloaded(page, '#download-tsv'), 'utf8'), expectedTsv);
        assert.deepEqual(problems, []);
        await page.close();
    });

    test('an .rvx of the read search built by the CLI, dropped as the references, gives the CLI\'s hits', async () => {
        const rvx = join(work, 'cli-kmers.rvx');
        ruvecCli('index', '--content', 'kmers', '-d', String(dims), '-w', '1000', '--step', '500', '-o', rvx, ...genomes);
        const queries = join(work, 'pieces.fa');
        const phix = readFileSync(join(genomesDir, 'phage_phiX174.fa'), 'latin1').split('\n').filter((l) => !l.startsWith('>')).join('');
        writeFileSync(queries, `>read\n${phix.slice(1000, 1150)}\n>fragment\n${phix.slice(2000, 4500)}\n`);
        const expected = ruvecCli('search', '--per-target', '-n', '3', rvx, reads, queries);
        assert.match(expected.split('\n')[0], /\tshared_kmers\tcopies$/);
        const { page, problems } = await openPage(browser);
        await drop(page, '#ref-drop', [rvx]);
        await drop(page, '#query-drop', [reads, queries]);
        await setParams(page, { top: 3, 'per-target': true });
        await page.click('#run');
        assert.equal(await finish(page), 'done', await page.textContent('#error').catch(() => ''));
        assert.equal(readFileSync(await downloaded(page, '#download-tsv'), 'utf8'), expected);
        assert.deepEqual(problems, []);
        await page.close();
    });

    test('the demo button runs the shipped sequences and draws both pictures', async () => {
        const { page, problems } = await openPage(browser);
        await page.click('#demo');
        assert.equal(await finish(page), 'done');
        const manifest = JSON.parse(readFileSync(join(root, 'web/demo/manifest.json'), 'utf8'));
        const demo = (f) => join(root, 'web/demo', f);
        const rvx = join(work, 'demo.rvx');
        ruvecCli('index', '--content', 'vectors', '-w', String(manifest.params.window), '--step', String(manifest.params.step), '-o', rvx,
            ...manifest.references.map(demo));
        const expected = ruvecCli('search', '--per-target', '-n', String(manifest.params.top), rvx, ...manifest.queries.map(demo));
        assert.equal(readFileSync(await downloaded(page, '#download-tsv'), 'utf8'), expected);
        // Both canvases hold a picture: many distinct colours, not a blank.
        for (const id of ['#heatmap', '#pca']) {
            const colours = await page.$eval(id, (canvas) => {
                const c = canvas.tagName === 'CANVAS' ? canvas : canvas.querySelector('canvas');
                const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
                const seen = new Set();
                for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
                return seen.size;
            });
            assert.ok(colours > 20, `${id}: ${colours} colours`);
        }
        await page.screenshot({ path: join(out, 'page-demo.png'), fullPage: true });
        assert.deepEqual(problems, []);
        await page.close();
    });

    test('bad files show a clear message and the page keeps working', async () => {
        const { page } = await openPage(browser);
        const gz = readFileSync(genomes.find((g) => g.endsWith('.gz')));
        const cases = [
            ['truncated.fa.gz', gz.subarray(0, gz.length - 40), /truncated\.fa\.gz: truncated or damaged gzip data/],
            ['bad.fq', Buffer.from('@r1\nACGT\n+\nIII\n'), /bad\.fq:4: quality length 3 != sequence length 4/],
            ['binary.fa', Buffer.from([0, 1, 2, 3, 255, 254, 10, 0]), /binary\.fa:1: /],
            ['empty.fa', Buffer.alloc(0), /empty\.fa: empty file/],
            ['damaged.rvx', flipped(readFileSync(join(work, 'cli.rvx'))), /damaged\.rvx: .*(checksum|damaged)/],
            ['notes.txt', Buffer.from('just some words\n'), /notes\.txt:1: /],
        ];
        for (const [name, bytes, message] of cases) {
            const path = join(work, name);
            writeFileSync(path, bytes);
            await clear(page);
            await drop(page, '#ref-drop', [path]);
            await drop(page, '#query-drop', [genomes[0]]);
            await page.click('#run');
            assert.equal(await finish(page), 'error', name);
            assert.match(await page.textContent('#error'), message);
        }
        // After the errors, a good run still works.
        await clear(page);
        await drop(page, '#ref-drop', genomes.slice(0, 3));
        await drop(page, '#query-drop', [genomes[0]]);
        await page.click('#run');
        assert.equal(await finish(page), 'done');
        await page.close();
    });
});
