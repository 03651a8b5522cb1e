// The page: files in, parameters, a worker that does all the work (web/worker.js), results out.
// The main thread only reads files, talks to the worker and draws; nothing heavy runs here, so
// the page never freezes. For headless tests: body[data-state] is idle | running | done | error
// and body[data-backend] names the worker's backend once it is ready.

import { heatmap, scatter } from './plots.js';

const $ = (selector) => document.querySelector(selector);
const ROWS_SHOWN = 2000; // rows of the results table in the page; downloads have them all
const ROWS_PER_TASK = 200; // rows added to the table per task
const RVX_MAGIC = [0x89, 0x52, 0x56, 0x58, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89RVX\r\n\x1a\n"
const STAGES = { reading: 'Reading', embedding: 'Embedding', indexing: 'Indexing', searching: 'Searching', plotting: 'Preparing the pictures' };
const EMBED_INPUTS = ['k', 'dims', 'window', 'step', 'weight']; // fixed by an .rvx reference

const DEFAULTS = { k: 21, dims: 2048, window: 1000, step: 500, weight: 'count', top: 3, perTarget: false, exact: false };

const requestedBackend = new URLSearchParams(location.search).get('backend') || 'auto';

const files = { ref: [], query: [] }; // {file: File, rvx: bool}
let worker = null;
let workerReady = null; // a promise of the 'ready' message
let generation = 0; // counts workers started; a result's downloads live in its worker only
let backend = null;
let workerFailed = false; // the worker did not start, or died
let runCounter = 0;
let currentRun = 0; // the id of the run under way (0: none)
let runFromIndex = false; // its reference is an .rvx index
let result = null; // the last 'result' message, with its worker's generation
let sortState = { key: null, descending: false };
let order = []; // hit indexes in display order

const heat = heatmap($('#heatmap'), $('#heatmap').nextElementSibling, $('#heatmap-legend'));
const pca = scatter($('#pca'), $('#pca').nextElementSibling, $('#pca-legend'));

// ---- state, progress, errors ------------------------------------------------------------------

function setState(state) {
    document.body.dataset.state = state;
    const running = state === 'running';
    $('#cancel').disabled = !running;
    $('#run').textContent = running ? 'Restart' : 'Run';
}

function progress(stage, done = 0, total = 0, label = '') {
    const bar = $('#progress');
    if (total > 0) {
        bar.max = total;
        bar.value = Math.min(done, total);
    } else if (stage === 'done' || stage === 'idle') {
        bar.max = 1;
        bar.value = stage === 'done' ? 1 : 0;
    } else {
        bar.removeAttribute('value'); // indeterminate
    }
    const count = total > 0 ? `${done.toLocaleString()} / ${total.toLocaleString()}` : done > 0 ? done.toLocaleString() : '';
    const words = STAGES[stage] || stage;
    // The worker's labels often carry their own counts ("144 of 1210 rows linked").
    const counted = count && !/\d/.test(label) ? ` (${count})` : '';
    $('#progress-label').textContent = stage === 'done' || stage === 'idle' ? label : `${words}${label ? `: ${label}` : ''}${counted}…`;
}

function showError(message) {
    $('#error-text').textContent = message;
    $('#error').hidden = false;
}

function clearError() {
    $('#error').hidden = true;
    $('#error-text').textContent = '';
}

function fail(message) {
    currentRun = 0;
    showError(message);
    progress('idle', 0, 0, 'Stopped.');
    setState('error');
}

// ---- the worker -------------------------------------------------------------------------------

function startWorker() {
    generation++;
    backend = null;
    workerFailed = false;
    delete document.body.dataset.backend;
    $('#backend').textContent = 'starting…';
    $('#kernels').textContent = '';
    updateDownloads();
    let settle;
    workerReady = new Promise((resolve, reject) => (settle = { resolve, reject }));
    workerReady.catch(() => {}); // reported through fail(); awaited by runs
    try {
        worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    } catch (error) {
        settle.reject(error);
        workerFailed = true;
        $('#backend').textContent = 'unavailable';
        fail(`The worker could not start: ${error.message}`);
        return;
    }
    const mine = worker;
    mine.onmessage = ({ data }) => {
        if (mine !== worker) return;
        if (data.type === 'ready') {
            backend = data.backend;
            document.body.dataset.backend = backend;
            $('#backend').textContent = backend;
            $('#kernels').textContent = data.kernels ? `(kernels: ${data.kernels})` : '';
            $('#version').textContent = data.version ? `· ruvec ${data.version}` : '';
            updateDownloads();
            settle.resolve(data);
        } else if (data.type === 'error' && !backend) {
            settle.reject(new Error(data.message));
            workerFailed = true;
            $('#backend').textContent = 'unavailable';
            fail(`The engine could not start: ${data.message}`);
        } else {
            onMessage(data);
        }
    };
    mine.onerror = (event) => {
        if (mine !== worker) return;
        event.preventDefault();
        const message = event.message || 'web/worker.js failed to load';
        settle.reject(new Error(message));
        workerFailed = true;
        $('#backend').textContent = 'unavailable';
        fail(backend ? `The worker stopped: ${message}` : `The worker could not start: ${message}`);
    };
    mine.onmessageerror = () => mine === worker && fail('A message from the worker could not be read.');
    mine.postMessage({ type: 'init', backend: requestedBackend });
}

// Stops the run under way by replacing the worker (a running WebAssembly call cannot be
// interrupted any other way).
function cancel() {
    currentRun = 0;
    if (worker) worker.terminate();
    startWorker();
    progress('idle', 0, 0, 'Cancelled.');
    setState('idle');
}

function onMessage(message) {
    switch (message.type) {
        case 'progress':
            if (message.id === currentRun) progress(message.stage, message.done || 0, message.total || 0, message.label || '');
            break;
        case 'result':
            if (message.id === currentRun) showResult(message);
            break;
        case 'file':
            save(message.bytes, message.name || `references.${message.what}`, message.mime);
            updateDownloads();
            break;
        case 'error':
            if (message.id === currentRun && !message.what) fail(message.message);
            else if (result && (message.what || message.id === result.id)) showError(message.message); // a download
            break;
    }
}

// ---- files ------------------------------------------------------------------------------------

async function isRvx(file) {
    if (/\.rvx$/i.test(file.name)) return true;
    const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
    return head.length === 8 && RVX_MAGIC.every((b, i) => head[i] === b);
}

async function addFiles(which, list) {
    const added = [];
    for (const file of list) added.push({ file, rvx: await isRvx(file) });
    if (!added.length) return;
    clearError();
    const rvx = added.filter((f) => f.rvx);
    if (which === 'query' && rvx.length) return showError(`${rvx[0].file.name} is an .rvx index: drop it under References.`);
    if (which === 'ref') {
        const mixed = rvx.length > 1 || (rvx.length && (added.length > 1 || files.ref.length)) || files.ref.some((f) => f.rvx);
        if (mixed)
            return showError('An .rvx index is the whole reference: use either one .rvx file or FASTA/FASTQ files (Clear the references first).');
    }
    const kept = files[which].filter((f) => !added.some((a) => a.file.name === f.file.name));
    files[which] = [...kept, ...added];
    renderFiles(which);
}

function clearFiles(which) {
    files[which] = [];
    renderFiles(which);
}

function size(bytes) {
    const units = ['bytes', 'KB', 'MB', 'GB'];
    let u = 0;
    while (bytes >= 1000 && u < units.length - 1) {
        bytes /= 1000;
        u++;
    }
    return `${u ? bytes.toFixed(bytes < 10 ? 1 : 0) : bytes} ${units[u]}`;
}

function renderFiles(which) {
    const list = $(`#${which}-files`);
    list.replaceChildren(
        ...files[which].map(({ file, rvx }, i) => {
            const item = document.createElement('li');
            const name = document.createElement('span');
            name.className = 'name';
            name.textContent = file.name;
            const meta = document.createElement('span');
            meta.className = 'size';
            meta.textContent = `${size(file.size)}${rvx ? ' · index' : ''}`;
            const remove = document.createElement('button');
            remove.type = 'button';
            remove.className = 'quiet remove';
            remove.textContent = '×';
            remove.setAttribute('aria-label', `Remove ${file.name}`);
            remove.addEventListener('click', () => {
                files[which].splice(i, 1);
                renderFiles(which);
            });
            item.append(name, meta, remove);
            return item;
        }),
    );
    $(`#${which}-clear`).disabled = files[which].length === 0;
    if (which === 'ref') setRvxMode(files.ref.some((f) => f.rvx));
}

// An .rvx reference fixes the embedding: its inputs are disabled and show the index's values
// after a run; the visitor's own values come back when the index is removed.
let savedEmbed = null;
function setRvxMode(on) {
    if (on && !savedEmbed) savedEmbed = Object.fromEntries(EMBED_INPUTS.map((id) => [id, $(`#${id}`).value]));
    if (!on && savedEmbed) {
        applyParams(savedEmbed);
        savedEmbed = null;
    }
    for (const id of EMBED_INPUTS) $(`#${id}`).disabled = on;
    $('#rvx-note').hidden = !on;
}

function wireDrop(which) {
    const zone = $(`#${which}-drop`), input = $(`#${which}-input`);
    input.addEventListener('change', async () => {
        await addFiles(which, [...input.files]);
        input.value = ''; // the same file can be chosen again after Clear
    });
    zone.addEventListener('dragover', (event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        zone.classList.add('over');
    });
    zone.addEventListener('dragleave', (event) => {
        if (!zone.contains(event.relatedTarget)) zone.classList.remove('over');
    });
    zone.addEventListener('drop', (event) => {
        event.preventDefault();
        zone.classList.remove('over');
        addFiles(which, [...(event.dataTransfer?.files || [])]);
    });
    $(`#${which}-clear`).addEventListener('click', () => clearFiles(which));
}

// ---- parameters -------------------------------------------------------------------------------

function integer(id, lo, hi, what) {
    const text = $(`#${id}`).value.trim();
    const value = Number(text);
    if (text === '' || !Number.isInteger(value) || value < lo || value > hi)
        throw new RangeError(`${what} must be a whole number from ${lo} to ${hi.toLocaleString('en')}`);
    return value;
}

function readParams() {
    const big = 2 ** 31 - 1;
    return {
        params: {
            k: integer('k', 1, 31, 'k (k-mer size)'),
            dims: integer('dims', 8, 65536, 'dims'),
            window: integer('window', 0, big, 'window'),
            step: integer('step', 0, big, 'step'),
            weight: $('#weight').value,
        },
        search: { top: integer('top', 1, 1000, 'hits per query'), perTarget: $('#per-target').checked, exact: $('#exact').checked },
    };
}

function applyParams(p) {
    for (const [key, value] of Object.entries(p)) {
        const input = $(`#${key === 'perTarget' ? 'per-target' : key}`);
        if (!input) continue;
        if (input.type === 'checkbox') input.checked = Boolean(value);
        else input.value = String(value);
    }
}

// ---- a run ------------------------------------------------------------------------------------

// Run pressed: a run under way is cancelled first (its worker replaced).
function run() {
    prepare();
    start();
}

function prepare() {
    if (currentRun || document.body.dataset.state === 'running') cancel();
    else if (workerFailed) startWorker(); // try again: the error may have been passing
    clearError();
}

async function start() {
    let settings;
    try {
        settings = readParams();
    } catch (error) {
        return fail(error.message);
    }
    if (!files.ref.length) return fail('Add reference files (FASTA/FASTQ, or one .rvx index) first, or try the demo.');
    if (!files.query.length) return fail('Add query files (FASTA/FASTQ) to search the references with.');
    const id = ++runCounter;
    currentRun = id;
    runFromIndex = files.ref.some((f) => f.rvx);
    setState('running');
    const all = [...files.ref.map((f) => ['ref', f.file]), ...files.query.map((f) => ['query', f.file])];
    const references = [], queries = [], transfer = [];
    for (const [i, [which, file]] of all.entries()) {
        progress('reading', i, all.length, file.name);
        let bytes;
        try {
            bytes = await file.arrayBuffer();
        } catch (error) {
            if (currentRun === id) fail(`${file.name}: could not be read (${error.message})`);
            return;
        }
        if (currentRun !== id) return;
        (which === 'ref' ? references : queries).push({ name: file.name, bytes });
        transfer.push(bytes);
    }
    progress('reading', all.length, all.length, 'waiting for the engine');
    try {
        await workerReady;
    } catch (error) {
        if (currentRun === id) fail(`The worker could not start: ${error.message}`);
        return;
    }
    if (currentRun !== id) return;
    worker.postMessage({ type: 'run', id, references, queries, ...settings }, transfer);
}

async function demo() {
    prepare();
    const id = ++runCounter;
    currentRun = id;
    setState('running');
    progress('reading', 0, 0, 'the demo files');
    try {
        const manifest = await fetchOk('demo/manifest.json').then((r) => r.json());
        const names = [...manifest.references.map((n) => ['ref', n]), ...manifest.queries.map((n) => ['query', n])];
        const got = { ref: [], query: [] };
        for (const [i, [which, name]] of names.entries()) {
            progress('reading', i, names.length, 'the demo files');
            const blob = await fetchOk(`demo/${encodeURIComponent(name)}`).then((r) => r.blob());
            if (currentRun !== id) return;
            got[which].push({ file: new File([blob], name), rvx: false });
        }
        files.ref = got.ref;
        files.query = got.query;
        renderFiles('ref');
        renderFiles('query');
        // The CLI's defaults, then the demo's own settings: the same demo every time.
        applyParams({ ...DEFAULTS, ...(manifest.params || {}) });
    } catch (error) {
        if (currentRun === id) fail(`The demo could not be loaded: ${error.message}`);
        return;
    }
    if (currentRun !== id) return;
    start();
}

async function fetchOk(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
    return response;
}

// ---- results ----------------------------------------------------------------------------------

const COLUMNS = [
    { key: 'query', label: 'query', text: true },
    { key: 'queryStart', label: 'query start–end', show: (h) => `${h.queryStart}–${h.queryEnd}` },
    { key: 'target', label: 'target', text: true },
    { key: 'targetStart', label: 'target start–end', show: (h) => `${h.targetStart}–${h.targetEnd}` },
    { key: 'rank', label: 'rank' },
    { key: 'similarity', label: 'similarity', show: (h) => fixed(h.similarity, 6) },
    { key: 'distance', label: 'distance', show: (h) => fixed(h.distance, 6) },
    { key: 'identity', label: 'identity', show: (h) => fixed(h.identity, 4) },
];
const collator = new Intl.Collator(undefined, { numeric: true });

function fixed(v, digits) {
    return typeof v === 'number' ? v.toFixed(digits) : String(v ?? '');
}

function buildHeader() {
    const row = $('#results thead tr');
    row.replaceChildren(
        ...COLUMNS.map((column) => {
            const th = document.createElement('th');
            th.scope = 'col';
            th.dataset.key = column.key;
            if (!column.text) th.className = 'num';
            const button = document.createElement('button');
            button.type = 'button';
            button.textContent = column.label;
            button.addEventListener('click', () => sortBy(column.key));
            th.append(button);
            return th;
        }),
    );
}

function sortBy(key) {
    if (!result) return;
    sortState = { key, descending: sortState.key === key ? !sortState.descending : false };
    const column = COLUMNS.find((c) => c.key === key);
    const hits = result.hits;
    const sign = sortState.descending ? -1 : 1;
    order = hits.map((_, i) => i);
    order.sort((a, b) => {
        const x = hits[a][key], y = hits[b][key];
        const c = column.text ? collator.compare(String(x), String(y)) : (Number(x) || 0) - (Number(y) || 0);
        return sign * c || a - b;
    });
    for (const th of document.querySelectorAll('#results th'))
        if (th.dataset.key === key) th.setAttribute('aria-sort', sortState.descending ? 'descending' : 'ascending');
        else th.removeAttribute('aria-sort');
    renderRows();
}

// Fills the table in slices of ROWS_PER_TASK, yielding between them: laying out 2,000 table rows
// at once can hold the page for a third of a second. Resolves when the rows are in (or when a
// newer call took over).
let renderToken = 0;
async function renderRows() {
    const token = ++renderToken;
    const hits = result ? result.hits : [];
    const shown = Math.min(order.length, ROWS_SHOWN);
    const tbody = $('#results tbody');
    if (shown === 0) tbody.replaceChildren();
    const hidden = order.length - shown;
    $('#hidden-rows').hidden = hidden <= 0;
    $('#hidden-rows').textContent = hidden > 0
        ? `Showing the first ${shown.toLocaleString()} of ${order.length.toLocaleString()} hits (${hidden.toLocaleString()} not shown; the TSV download has them all).`
        : '';
    for (let first = 0; first < shown; first += ROWS_PER_TASK) {
        if (first > 0) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            if (token !== renderToken) return;
        }
        const fragment = document.createDocumentFragment();
        for (let r = first; r < Math.min(shown, first + ROWS_PER_TASK); r++) {
            const hit = hits[order[r]];
            const tr = document.createElement('tr');
            for (const column of COLUMNS) {
                const td = document.createElement('td');
                if (!column.text) td.className = 'num';
                td.textContent = column.show ? column.show(hit) : String(hit[column.key] ?? '');
                tr.append(td);
            }
            fragment.append(tr);
        }
        if (first === 0) tbody.replaceChildren(fragment); // no empty flash when re-sorting
        else tbody.append(fragment);
    }
}

function updateDownloads() {
    const live = result && result.generation === generation && backend !== null;
    const binary = live && result.backend !== 'js';
    $('#download-tsv').disabled = !(result && typeof result.tsv === 'string');
    $('#download-rvx').disabled = !binary;
    $('#download-rvec').disabled = !binary || result.fromIndex;
    const why = result && result.backend === 'js' ? 'The plain-JavaScript engine cannot write .rvx or .rvec files.' : '';
    $('#download-rvx').title = why;
    $('#download-rvec').title = why || (result && result.fromIndex ? 'The references were an index: it holds no .rvec embeddings to download.' : '');
}

function save(bytes, name, mime) {
    const url = URL.createObjectURL(new Blob([bytes], { type: mime || 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function download(what) {
    if (!result) return;
    clearError();
    if (what === 'tsv') return save(result.tsv, 'hits.tsv', 'text/tab-separated-values');
    worker.postMessage({ type: 'download', id: result.id, what });
}

function seconds(s) {
    return Number.isFinite(s) ? `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s` : '–';
}

async function showResult(message) {
    currentRun = 0;
    const runs = runCounter;
    result = { ...message, generation, fromIndex: runFromIndex };
    const c = message.counts || {};
    const n = (v) => (Number(v) || 0).toLocaleString();
    const many = (v, word) => `${n(v)} ${word}${Number(v) === 1 ? '' : 's'}`;
    const t = message.seconds || {};
    const rows = c.referenceRows !== c.referenceRecords ? ` in ${many(c.referenceRows, 'window')}` : '';
    const qrows = c.queryRows !== c.queryRecords ? ` in ${many(c.queryRows, 'window')}` : '';
    const refs = c.referenceRecords == null ? `an index of ${many(c.referenceRows, 'row')}` : `${many(c.referenceRecords, 'reference record')}${rows}`;
    $('#summary').textContent =
        `${refs}; ${many(c.queryRecords, 'query record')}${qrows}; ${many(c.hits, 'hit')}. ` +
        `Embedding ${seconds(t.embed)}, index ${seconds(t.index)}, search ${seconds(t.search)}, total ${seconds(t.total)} (${message.backend}).`;
    const warnings = message.warnings || [];
    $('#warnings').hidden = warnings.length === 0;
    $('#warnings').replaceChildren(...warnings.map((w) => Object.assign(document.createElement('li'), { textContent: w })));
    if (runFromIndex && files.ref.some((f) => f.rvx) && message.params) applyParams(pick(message.params, EMBED_INPUTS));

    sortState = { key: null, descending: false };
    for (const th of document.querySelectorAll('#results th')) th.removeAttribute('aria-sort');
    order = (message.hits || []).map((_, i) => i);
    result.hits = message.hits || [];
    updateDownloads();

    $('#pictures').hidden = false;
    const hasHeat = Boolean(message.heat && message.heat.names);
    $('#heatmap').closest('.figure').hidden = !hasHeat;
    if (hasHeat) {
        const fileNames = message.heat.fileNames || (message.pca && message.pca.files) || [];
        heat.show({ heat: message.heat, fileNames });
        const drawn = message.heat.names.length, all = c.referenceRecords;
        $('#heatmap-note').textContent = `Cosine similarity of one vector per record${all > drawn ? ` (${drawn.toLocaleString()} of ${all.toLocaleString()} records: the first ones of each file)` : ''}; ` +
            'the colours run from the lowest value to 1. Hover for the pair and value.';
    } else heat.clear();
    if (message.pca && message.pca.x) pca.show(message.pca);
    else pca.clear();

    await renderRows();
    if (runs !== runCounter) return; // a new run started meanwhile
    progress('done', 1, 0, `Done in ${seconds(t.total)}.`);
    setState('done');
}

function pick(object, keys) {
    return Object.fromEntries(keys.filter((k) => object[k] != null).map((k) => [k, object[k]]));
}

// ---- start ------------------------------------------------------------------------------------

buildHeader();
wireDrop('ref');
wireDrop('query');
// A file dropped beside the zones must not make the browser leave the page to open it.
for (const type of ['dragover', 'drop']) window.addEventListener(type, (event) => event.preventDefault());
$('#params').addEventListener('submit', (event) => {
    event.preventDefault();
    run();
});
$('#cancel').addEventListener('click', cancel);
$('#demo').addEventListener('click', demo);
$('#error-close').addEventListener('click', clearError);
for (const what of ['tsv', 'rvx', 'rvec']) $(`#download-${what}`).addEventListener('click', () => download(what));
setState('idle');
startWorker();
