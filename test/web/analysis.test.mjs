// Self-check of web/analysis.js (the heat map's and the PCA's numbers): node --test test/web/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pca2, pickRows, similarityMatrix } from '../../web/analysis.js';

// n unit rows of `dims` floats from a seeded generator.
function unitRows(n, dims, seed) {
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 4294967296) - 0.5;
    const v = new Float32Array(n * dims);
    for (let i = 0; i < n; i++) {
        let norm = 0;
        for (let d = 0; d < dims; d++) norm += (v[i * dims + d] = random()) ** 2;
        norm = Math.sqrt(norm);
        for (let d = 0; d < dims; d++) v[i * dims + d] /= norm;
    }
    return v;
}

const allFinite = (a) => Array.from(a).every(Number.isFinite);

test('similarity of unit vectors: 1 on the diagonal, symmetric, the dot product off it', () => {
    const v = new Float32Array([1, 0, 0, 0, 1, 0, Math.SQRT1_2, Math.SQRT1_2, 0]);
    const s = similarityMatrix(v, 3, 3);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(s[i * 3 + i] - 1) < 1e-6);
    assert.equal(s[0 * 3 + 1], 0);
    assert.ok(Math.abs(s[0 * 3 + 2] - Math.SQRT1_2) < 1e-6);
    assert.equal(s[2 * 3 + 0], s[0 * 3 + 2]);
    const r = similarityMatrix(unitRows(20, 64, 7), 20, 64);
    for (let i = 0; i < 20; i++)
        for (let j = 0; j < 20; j++) {
            assert.equal(r[i * 20 + j], r[j * 20 + i]);
            assert.ok(r[i * 20 + j] >= -1 && r[i * 20 + j] <= 1);
        }
});

test('similarity: zero rows and empty input give finite values', () => {
    const s = similarityMatrix(new Float32Array(2 * 4), 2, 4);
    assert.deepEqual(Array.from(s), [0, 0, 0, 0]);
    assert.equal(similarityMatrix(new Float32Array(0), 0, 8).length, 0);
    assert.throws(() => similarityMatrix(new Float32Array(3), 2, 4), RangeError);
});

test('PCA of points on a known plane recovers it', () => {
    // Points a*e1 + b*e2 + offset in 50 dimensions, e1 and e2 orthonormal but not axis-aligned:
    // all the variance lies in the plane, PC1 along the larger spread.
    const dims = 50, n = 400;
    const e1 = new Float64Array(dims), e2 = new Float64Array(dims);
    for (let d = 0; d < dims; d++) {
        e1[d] = Math.sin(d + 1);
        e2[d] = Math.cos(3 * d + 2);
    }
    const unit = (v) => { const s = Math.hypot(...v); for (let d = 0; d < dims; d++) v[d] /= s; };
    unit(e1);
    let p = 0;
    for (let d = 0; d < dims; d++) p += e1[d] * e2[d];
    for (let d = 0; d < dims; d++) e2[d] -= p * e1[d];
    unit(e2);
    const v = new Float32Array(n * dims);
    const a = [], b = [];
    for (let i = 0; i < n; i++) {
        // An ellipse sampled over whole periods: a and b uncorrelated, a spread 3x wider.
        a.push(3 * Math.cos((2 * Math.PI * i) / n));
        b.push(Math.sin((2 * Math.PI * 3 * i) / n));
        for (let d = 0; d < dims; d++) v[i * dims + d] = a[i] * e1[d] + b[i] * e2[d] + 0.25;
    }
    const r = pca2(v, n, dims, { seed: 3 });
    assert.equal(r.x.length, n);
    assert.ok(r.explained[0] + r.explained[1] > 0.999, `explained ${r.explained}`);
    assert.ok(r.explained[0] > r.explained[1]);
    // x and y reproduce the centred a and b, up to sign, and so every distance in the plane.
    const mean = (arr) => arr.reduce((s, t) => s + t, 0) / arr.length;
    const ma = mean(a), mb = mean(b);
    const sx = Math.sign(r.x[0] * (a[0] - ma)) || 1, sy = Math.sign(r.y[0] * (b[0] - mb)) || 1;
    for (let i = 0; i < n; i++) {
        assert.ok(Math.abs(sx * r.x[i] - (a[i] - ma)) < 1e-3, `x[${i}]`);
        assert.ok(Math.abs(sy * r.y[i] - (b[i] - mb)) < 1e-3, `y[${i}]`);
        const radius = Math.hypot(a[i] - ma, b[i] - mb);
        assert.ok(Math.abs(Math.hypot(r.x[i], r.y[i]) - radius) < 1e-3, `|p[${i}]|`);
    }
    // Deterministic: the same call gives the same bits.
    const again = pca2(v, n, dims, { seed: 3 });
    assert.deepEqual(Array.from(again.x), Array.from(r.x));
    assert.deepEqual(Array.from(again.y), Array.from(r.y));
});

test('PCA subsamples to maxPoints, the same rows every time, in order', () => {
    const v = unitRows(500, 16, 11);
    const r = pca2(v, 500, 16, { maxPoints: 100, seed: 5 });
    assert.equal(r.picked.length, 100);
    assert.equal(r.x.length, 100);
    for (let i = 1; i < 100; i++) assert.ok(r.picked[i] > r.picked[i - 1]);
    assert.deepEqual(Array.from(pca2(v, 500, 16, { maxPoints: 100, seed: 5 }).picked), Array.from(r.picked));
    assert.deepEqual(Array.from(pickRows(5, 10)), [0, 1, 2, 3, 4]);
    assert.ok(allFinite(r.x) && allFinite(r.y) && r.explained.every(Number.isFinite));
});

test('PCA of degenerate inputs gives finite output', () => {
    const cases = [
        [new Float32Array(0), 0, 8],                 // nothing
        [unitRows(1, 8, 1), 1, 8],                   // one point
        [unitRows(2, 8, 2), 2, 8],                   // two points: one direction
        [new Float32Array(5 * 8).fill(0.5), 5, 8],   // identical rows: no variance
        [new Float32Array(4 * 8), 4, 8],             // zeros
        [new Float32Array([1, NaN, 0, Infinity]), 2, 2],
        [new Float32Array(3), 3, 1],
    ];
    for (const [v, n, dims] of cases) {
        const r = pca2(v, n, dims);
        assert.equal(r.x.length, n);
        assert.equal(r.y.length, n);
        assert.ok(allFinite(r.x) && allFinite(r.y), `n=${n} dims=${dims}`);
        assert.ok(r.explained.every((e) => Number.isFinite(e) && e >= 0 && e <= 1));
    }
    const two = pca2(unitRows(2, 8, 2), 2, 8);
    assert.ok(Math.abs(two.explained[0] - 1) < 1e-9);
    assert.equal(two.explained[1], 0);
    assert.ok(Math.abs(two.x[0] + two.x[1]) < 1e-6); // symmetric about the mean
    const flat = pca2(new Float32Array(5 * 8).fill(0.5), 5, 8);
    assert.deepEqual(flat.explained, [0, 0]);
});
