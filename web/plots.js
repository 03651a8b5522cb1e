// The page's two pictures, drawn on <canvas> with no library: the reference records' cosine
// similarity heat map and the 2-D PCA scatter of the embeddings. Each plot keeps its data, redraws
// when its box changes width, and shows the value under the pointer in a tooltip.

const HEAT_MAX = 1000; // records drawn in the heat map (the worker sends fewer)
const POINTS_MAX = 6000; // points drawn in the scatter
const FONT = '12px system-ui, sans-serif';

// Reference files: Okabe-Ito, then Paul Tol's muted scheme, then golden-angle hues. Query files
// get dark colours of their own, so their crosses stand out from any reference file.
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#332288', '#999933',
    '#882255', '#44aa99', '#aa4499', '#6699cc', '#888888'];
const QUERY_PALETTE = ['#111111', '#b2182b', '#5e3c99', '#7f3b08', '#01665e'];

// The colour of reference file number i, the same in both plots and their legends.
export function fileColour(i) {
    return i < PALETTE.length ? PALETTE[i] : `hsl(${(i * 137.508) % 360} 60% 45%)`;
}

// Colours for the scatter: reference files by their number, query files (files with query
// points only) in order from QUERY_PALETTE.
function scatterColours(pca) {
    const queryOnly = new Map();
    for (let i = 0; i < pca.x.length; i++) {
        const f = pca.file[i];
        queryOnly.set(f, (queryOnly.get(f) ?? true) && Boolean(pca.kind[i]));
    }
    const colours = new Map();
    let q = 0;
    for (const f of [...queryOnly.keys()].sort((a, b) => a - b))
        colours.set(f, queryOnly.get(f) ? QUERY_PALETTE[q++ % QUERY_PALETTE.length] : fileColour(f));
    return colours;
}

// Viridis at five stops, interpolated into a 256-entry table.
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const LUT = (() => {
    const lut = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) {
        const t = (i / 255) * (VIRIDIS.length - 1);
        const k = Math.min(VIRIDIS.length - 2, Math.floor(t));
        const f = t - k;
        for (let c = 0; c < 3; c++) lut[i * 3 + c] = VIRIDIS[k][c] + f * (VIRIDIS[k + 1][c] - VIRIDIS[k][c]);
    }
    return lut;
})();
const lutIndex = (v) => (Number.isFinite(v) ? Math.round(Math.max(0, Math.min(1, v)) * 255) : 0);
const lutColour = (i) => `rgb(${LUT[i * 3]},${LUT[i * 3 + 1]},${LUT[i * 3 + 2]})`;

// Sizes the canvas for its CSS box and the screen's pixel ratio; returns a context in CSS pixels.
function prepare(canvas, width, height) {
    const ratio = window.devicePixelRatio || 1;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = FONT;
    ctx.textBaseline = 'middle';
    return ctx;
}

function shorten(ctx, text, width) {
    if (ctx.measureText(text).width <= width) return text;
    let lo = 0, hi = text.length;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ctx.measureText(text.slice(0, mid) + '…').width <= width) lo = mid;
        else hi = mid - 1;
    }
    return text.slice(0, lo) + '…';
}

// The common plumbing: redraw on width changes, tooltip on hover.
function plot(canvas, tooltip, draw, hit) {
    let data = null, width = 0, frame = 0, layout = null;
    const redraw = () => {
        frame = 0;
        width = canvas.parentElement.clientWidth;
        if (data && width > 0) layout = draw(canvas, data, Math.max(260, width));
    };
    const schedule = () => {
        if (!frame) frame = requestAnimationFrame(redraw);
    };
    new ResizeObserver(() => {
        if (canvas.parentElement.clientWidth !== width) schedule();
    }).observe(canvas.parentElement);
    const hide = () => (tooltip.hidden = true);
    canvas.addEventListener('pointerleave', hide);
    canvas.addEventListener('pointermove', (event) => {
        const text = data && layout ? hit(layout, data, event.offsetX, event.offsetY) : null;
        if (!text) return hide();
        tooltip.textContent = text;
        tooltip.hidden = false;
        const box = canvas.parentElement.clientWidth;
        const left = Math.min(event.offsetX + 14, Math.max(0, box - tooltip.offsetWidth - 4));
        tooltip.style.left = `${left}px`;
        tooltip.style.top = `${event.offsetY + 16}px`;
    });
    return {
        show(value) {
            data = value;
            hide();
            redraw();
        },
        clear() {
            data = layout = null;
            hide();
            const ctx = canvas.getContext('2d');
            ctx.clearRect(0, 0, canvas.width, canvas.height);
        },
    };
}

// Fills an HTML legend: one entry per file (colour, name, count), `marks` says reference or query.
function fillLegend(list, entries) {
    list.replaceChildren(
        ...entries.map(({ colour, name, count, mark }) => {
            const item = document.createElement('li');
            const swatch = document.createElement('span');
            swatch.className = `swatch ${mark}`;
            swatch.style.setProperty('--c', colour);
            swatch.setAttribute('aria-hidden', 'true');
            item.append(swatch, `${name}${count == null ? '' : ` (${count.toLocaleString()})`}`);
            return item;
        }),
    );
}

// ---- heat map ---------------------------------------------------------------------------------

// heat: {names, files (file index per name), matrix (n*n)}; fileNames: names of the file indexes.
export function heatmap(canvas, tooltip, legend) {
    return plot(
        canvas,
        tooltip,
        (canvas, { heat, fileNames }, width) => {
            const total = heat.names.length;
            const n = Math.min(total, HEAT_MAX);
            const m = Math.sqrt(heat.matrix.length) | 0; // the matrix's own row length
            const counts = new Map();
            for (let i = 0; i < n; i++) counts.set(heat.files[i], (counts.get(heat.files[i]) || 0) + 1);
            fillLegend(legend, [...counts].map(([file, count]) => ({ colour: fileColour(file), name: fileNames[file] ?? `file ${file + 1}`, count, mark: 'box' })));
            canvas.setAttribute('aria-label', `Cosine similarity of ${total.toLocaleString()} reference record${total === 1 ? '' : 's'}` +
                (n < total ? ` (the first ${n} drawn)` : ''));
            if (n === 0) {
                const ctx = prepare(canvas, width, 60);
                ctx.fillStyle = '#555';
                ctx.fillText('No reference records to compare.', 8, 30);
                return null;
            }
            const legendWidth = 70, strip = 8;
            let ctx = prepare(canvas, width, 10);
            let labelWidth = 0;
            if (n <= 80) {
                for (let i = 0; i < n; i++) labelWidth = Math.max(labelWidth, ctx.measureText(heat.names[i]).width);
                labelWidth = Math.min(150, Math.ceil(labelWidth) + 6);
            }
            const fit = (labels) => Math.max(60, Math.min(720, width - labels - strip - 6 - legendWidth));
            let size = fit(labelWidth);
            if (labelWidth && size / n < 11) {
                labelWidth = 0; // too crowded: names only in the tooltip
                size = fit(0);
            }
            const origin = labelWidth + strip + 6;
            const cell = size / n;
            ctx = prepare(canvas, width, origin + size + 10);

            // The colour scale runs from the lowest value (rounded down to a tenth) to 1, so that
            // a set of close relatives still shows its structure.
            let min = 1;
            for (let i = 0; i < n; i++)
                for (let j = 0; j < n; j++) {
                    const v = heat.matrix[i * m + j];
                    if (v < min) min = v;
                }
            const lo = Math.min(0.9, Math.floor(Math.max(-1, min) * 10 + 1e-9) / 10);
            const scale = (v) => (v - lo) / (1 - lo);

            // The matrix, one pixel per pair, scaled up without smoothing.
            const image = new ImageData(n, n);
            for (let i = 0; i < n; i++)
                for (let j = 0; j < n; j++) {
                    const k = lutIndex(scale(heat.matrix[i * m + j])) * 3, p = (i * n + j) * 4;
                    image.data[p] = LUT[k];
                    image.data[p + 1] = LUT[k + 1];
                    image.data[p + 2] = LUT[k + 2];
                    image.data[p + 3] = 255;
                }
            const pixels = document.createElement('canvas');
            pixels.width = pixels.height = n;
            pixels.getContext('2d').putImageData(image, 0, 0);
            ctx.imageSmoothingEnabled = false;
            ctx.drawImage(pixels, origin, origin, size, size);

            // Which file each record comes from, along both edges; names when they fit.
            for (let i = 0; i < n; i++) {
                ctx.fillStyle = fileColour(heat.files[i]);
                const at = origin + i * cell;
                ctx.fillRect(origin - strip - 3, at, strip, Math.max(cell, 0.5));
                ctx.fillRect(at, origin - strip - 3, Math.max(cell, 0.5), strip);
            }
            if (labelWidth) {
                ctx.fillStyle = '#222';
                ctx.textAlign = 'right';
                for (let i = 0; i < n; i++)
                    ctx.fillText(shorten(ctx, heat.names[i], labelWidth - 4), labelWidth - 2, origin + (i + 0.5) * cell);
                ctx.save();
                ctx.rotate(-Math.PI / 2);
                ctx.textAlign = 'left';
                for (let j = 0; j < n; j++)
                    ctx.fillText(shorten(ctx, heat.names[j], labelWidth - 4), -(labelWidth - 2), origin + (j + 0.5) * cell);
                ctx.restore();
            }

            // The colour scale.
            const barX = origin + size + 14, barW = 12;
            for (let y = 0; y < size; y++) {
                ctx.fillStyle = lutColour(Math.round((1 - y / Math.max(1, size - 1)) * 255));
                ctx.fillRect(barX, origin + y, barW, 1.5);
            }
            ctx.strokeStyle = '#666';
            ctx.strokeRect(barX - 0.5, origin - 0.5, barW + 1, size + 1);
            ctx.fillStyle = '#222';
            ctx.textAlign = 'left';
            for (let t = 0; t <= 4; t++) {
                const v = lo + ((1 - lo) * t) / 4;
                const y = origin + (1 - t / 4) * size;
                ctx.fillRect(barX + barW, y - 0.5, 3, 1);
                ctx.fillText(String(Number(v.toFixed(3))), barX + barW + 5, Math.min(Math.max(y, origin + 6), origin + size - 6));
            }
            ctx.textAlign = 'center';
            if (origin > 12) ctx.fillText('cosine', barX + barW / 2 + 8, origin - 8);
            return { origin, cell, n, m };
        },
        ({ origin, cell, n, m }, { heat }, x, y) => {
            const i = Math.floor((y - origin) / cell), j = Math.floor((x - origin) / cell);
            if (i < 0 || j < 0 || i >= n || j >= n) return null;
            const v = heat.matrix[i * m + j];
            return `${heat.names[i]} × ${heat.names[j]}: ${Number.isFinite(v) ? v.toFixed(4) : 'n/a'}`;
        },
    );
}

// ---- PCA scatter ------------------------------------------------------------------------------

// Up to `count` tick values from lo to hi at a round step.
function ticks(lo, hi, count) {
    const raw = (hi - lo) / count;
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((s) => s * power).find((s) => raw <= s) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return { values: out, digits: Math.max(0, -Math.floor(Math.log10(step))) };
}

function range(values, picked) {
    let lo = Infinity, hi = -Infinity;
    for (const i of picked) {
        const v = values[i];
        if (Number.isFinite(v)) {
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
    }
    if (!(lo <= hi)) return [-1, 1];
    if (hi - lo < 1e-9) return [lo - 1, hi + 1];
    const pad = (hi - lo) * 0.05;
    return [lo - pad, hi + pad];
}

// pca: {x, y, file, kind, files, explained, names?}
export function scatter(canvas, tooltip, legend) {
    return plot(
        canvas,
        tooltip,
        (canvas, pca, width) => {
            const count = pca.x.length;
            const stride = Math.max(1, Math.ceil(count / POINTS_MAX));
            // References first, queries drawn over them.
            const drawn = [];
            for (const kind of [0, 1]) for (let i = 0; i < count; i += stride) if ((pca.kind[i] || 0) === kind) drawn.push(i);
            const colours = scatterColours(pca);
            const tally = new Map();
            for (let i = 0; i < count; i++) {
                const key = `${pca.kind[i] || 0}:${pca.file[i]}`;
                tally.set(key, (tally.get(key) || 0) + 1);
            }
            fillLegend(legend, [...tally].map(([key, n]) => {
                const [kind, file] = key.split(':').map(Number);
                return { colour: colours.get(file), name: `${pca.files[file] ?? `file ${file + 1}`} — ${kind ? 'queries' : 'references'}`, count: n, mark: kind ? 'cross' : 'dot' };
            }));
            const pct = (f) => `${(100 * (Number.isFinite(f) ? f : 0)).toFixed(1)} %`;
            canvas.setAttribute('aria-label', `PCA of ${count.toLocaleString()} embeddings` +
                (stride > 1 ? ` (${drawn.length.toLocaleString()} drawn)` : '') +
                `: PC1 explains ${pct(pca.explained[0])}, PC2 ${pct(pca.explained[1])} of the variance`);

            const height = Math.round(Math.max(240, Math.min(520, width * 0.68)));
            const ctx = prepare(canvas, width, height);
            const left = 56, right = 12, top = 12, bottom = 44;
            const w = width - left - right, h = height - top - bottom;
            const [x0, x1] = range(pca.x, drawn), [y0, y1] = range(pca.y, drawn);
            const sx = (v) => left + ((v - x0) / (x1 - x0)) * w;
            const sy = (v) => top + h - ((v - y0) / (y1 - y0)) * h;

            ctx.strokeStyle = '#e3e3e3';
            ctx.fillStyle = '#444';
            ctx.lineWidth = 1;
            const tx = ticks(x0, x1, Math.max(2, Math.floor(w / 90)));
            ctx.textAlign = 'center';
            for (const v of tx.values) {
                const px = Math.round(sx(v)) + 0.5;
                ctx.beginPath();
                ctx.moveTo(px, top);
                ctx.lineTo(px, top + h);
                ctx.stroke();
                ctx.fillText(v.toFixed(tx.digits), px, top + h + 12);
            }
            const ty = ticks(y0, y1, Math.max(2, Math.floor(h / 60)));
            ctx.textAlign = 'right';
            for (const v of ty.values) {
                const py = Math.round(sy(v)) + 0.5;
                ctx.beginPath();
                ctx.moveTo(left, py);
                ctx.lineTo(left + w, py);
                ctx.stroke();
                ctx.fillText(v.toFixed(ty.digits), left - 6, py);
            }
            ctx.strokeStyle = '#888';
            ctx.strokeRect(left + 0.5, top + 0.5, w, h);
            ctx.textAlign = 'center';
            ctx.fillText(`PC1 (${pct(pca.explained[0])})`, left + w / 2, height - 10);
            ctx.save();
            ctx.translate(12, top + h / 2);
            ctx.rotate(-Math.PI / 2);
            ctx.fillText(`PC2 (${pct(pca.explained[1])})`, 0, 0);
            ctx.restore();

            const px = new Float32Array(drawn.length), py = new Float32Array(drawn.length);
            ctx.lineWidth = 1.5;
            ctx.globalAlpha = 0.75;
            drawn.forEach((i, k) => {
                const x = Number.isFinite(pca.x[i]) ? sx(pca.x[i]) : NaN, y = Number.isFinite(pca.y[i]) ? sy(pca.y[i]) : NaN;
                px[k] = x;
                py[k] = y;
                if (Number.isNaN(x) || Number.isNaN(y)) return;
                const colour = colours.get(pca.file[i]);
                if (pca.kind[i]) {
                    ctx.strokeStyle = colour;
                    ctx.beginPath();
                    ctx.moveTo(x - 3.5, y - 3.5);
                    ctx.lineTo(x + 3.5, y + 3.5);
                    ctx.moveTo(x - 3.5, y + 3.5);
                    ctx.lineTo(x + 3.5, y - 3.5);
                    ctx.stroke();
                } else {
                    ctx.fillStyle = colour;
                    ctx.beginPath();
                    ctx.arc(x, y, 3, 0, 2 * Math.PI);
                    ctx.fill();
                }
            });
            ctx.globalAlpha = 1;
            return { drawn, px, py };
        },
        ({ drawn, px, py }, pca, x, y) => {
            let best = -1, bestD = 100; // within 10 px
            for (let k = drawn.length - 1; k >= 0; k--) {
                const d = (px[k] - x) ** 2 + (py[k] - y) ** 2;
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            if (best < 0) return null;
            const i = drawn[best];
            const what = pca.names && pca.names[i] != null ? pca.names[i] : `${pca.kind[i] ? 'query' : 'reference'} point ${i + 1}`;
            return `${what} — ${pca.files[pca.file[i]] ?? ''} (PC1 ${pca.x[i].toFixed(3)}, PC2 ${pca.y[i].toFixed(3)})`;
        },
    );
}
