// The numbers behind the page's two pictures, as pure functions over Float32Array rows: a
// record-by-record cosine matrix and a 2-D PCA. No DOM, so the worker and node (the test in
// test/web/analysis.test.mjs) import the same file. Deterministic: the same input gives the same
// output on every engine (fixed seed, fixed order of every sum).

// Cosine similarity of every pair of rows. `vectors` holds n rows of `dims` floats, each of unit
// length (as ruvec writes them), so the cosine is the dot product. Sums run in doubles in one fixed
// order; the result is clipped to [-1, 1] and a row of zeros gives 0, never NaN.
export function similarityMatrix(vectors, n, dims) {
    checkShape(vectors, n, dims);
    const out = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
        const a = i * dims;
        for (let j = i; j < n; j++) {
            const b = j * dims;
            let dot = 0;
            for (let d = 0; d < dims; d++) dot += vectors[a + d] * vectors[b + d];
            const s = Number.isFinite(dot) ? Math.max(-1, Math.min(1, dot)) : 0;
            out[i * n + j] = s;
            out[j * n + i] = s;
        }
    }
    return out;
}

// Up to `max` row numbers out of n, deterministic for a seed, in increasing order (all rows when
// n <= max). Used to cap the points of the PCA and the records of the heat map.
export function pickRows(n, max, seed = 1) {
    if (!(max >= 1) || n <= max) return Uint32Array.from({ length: n }, (_, i) => i);
    const all = Uint32Array.from({ length: n }, (_, i) => i);
    const random = mulberry32(seed);
    for (let i = 0; i < max; i++) {
        // A partial Fisher-Yates shuffle: the first `max` places get a uniform sample.
        const j = i + Math.floor(random() * (n - i));
        const t = all[i];
        all[i] = all[j];
        all[j] = t;
    }
    return all.slice(0, max).sort();
}

// The first two principal components of n rows of `dims` floats: each row's coordinates on them
// (x, y), the fraction of the total variance each explains, and `picked`, the rows used (all of
// them, or `maxPoints` drawn with `seed` when there are more; x[i] belongs to row picked[i]).
// Rows are centred, then power iteration on the covariance, applied as X^T (X v) so each step
// costs O(n * dims) and the dims x dims matrix is never formed; the second component is found the
// same way with the first projected out (deflation). Signs are fixed so that each component's
// largest loading is positive. Fewer than two distinct rows, or no variance, give zeros.
export function pca2(vectors, n, dims, { maxPoints = 3000, seed = 1, maxIterations = 100, tolerance = 1e-10 } = {}) {
    checkShape(vectors, n, dims);
    const picked = pickRows(n, maxPoints, seed);
    const m = picked.length;
    const x = new Float32Array(m);
    const y = new Float32Array(m);
    const explained = [0, 0];
    if (m === 0 || dims === 0) return { x, y, explained, picked };

    // Centred copy of the picked rows, in doubles.
    const data = new Float64Array(m * dims);
    const mean = new Float64Array(dims);
    for (let i = 0; i < m; i++) {
        const row = picked[i] * dims;
        for (let d = 0; d < dims; d++) mean[d] += finite(vectors[row + d]);
    }
    for (let d = 0; d < dims; d++) mean[d] /= m;
    let total = 0;
    for (let i = 0; i < m; i++) {
        const row = picked[i] * dims;
        const at = i * dims;
        for (let d = 0; d < dims; d++) {
            const v = finite(vectors[row + d]) - mean[d];
            data[at + d] = v;
            total += v * v;
        }
    }
    if (!(total > 0)) return { x, y, explained, picked };

    const random = mulberry32(seed ^ 0x9e3779b9);
    const components = [];
    const scores = new Float64Array(m);
    for (let c = 0; c < 2; c++) {
        const v = new Float64Array(dims);
        for (let d = 0; d < dims; d++) v[d] = random() - 0.5;
        let lambda = 0;
        for (let iteration = 0; iteration < maxIterations; iteration++) {
            for (const u of components) orthogonalise(v, u);
            if (!normalise(v)) break;
            // w = X^T (X v)
            multiply(data, m, dims, v, scores);
            const w = new Float64Array(dims);
            for (let i = 0; i < m; i++) {
                const s = scores[i];
                if (s === 0) continue;
                const at = i * dims;
                for (let d = 0; d < dims; d++) w[d] += s * data[at + d];
            }
            for (const u of components) orthogonalise(w, u);
            const norm = Math.sqrt(dot(w, w));
            lambda = norm; // ||X^T X v|| -> the eigenvalue as v converges
            if (!(norm > total * 1e-12)) {
                lambda = 0;
                break;
            }
            let change = 0;
            for (let d = 0; d < dims; d++) {
                const next = w[d] / norm;
                change += (next - v[d]) * (next - v[d]);
                v[d] = next;
            }
            if (change < tolerance) break;
        }
        if (lambda === 0) break;
        fixSign(v);
        // The eigenvalue from the converged vector: ||X v||^2 (a Rayleigh quotient).
        multiply(data, m, dims, v, scores);
        let variance = 0;
        for (let i = 0; i < m; i++) variance += scores[i] * scores[i];
        explained[c] = Math.min(1, Math.max(0, variance / total));
        const target = c === 0 ? x : y;
        for (let i = 0; i < m; i++) target[i] = scores[i];
        components.push(v);
    }
    return { x, y, explained, picked };
}

function checkShape(vectors, n, dims) {
    if (!Number.isInteger(n) || n < 0 || !Number.isInteger(dims) || dims < 0)
        throw new RangeError(`bad shape: ${n} rows of ${dims}`);
    if (!vectors || vectors.length < n * dims)
        throw new RangeError(`${n} rows of ${dims} need ${n * dims} values, got ${vectors ? vectors.length : 0}`);
}

function finite(v) {
    return Number.isFinite(v) ? v : 0;
}

function dot(a, b) {
    let s = 0;
    for (let d = 0; d < a.length; d++) s += a[d] * b[d];
    return s;
}

// out[i] = row i of data . v
function multiply(data, m, dims, v, out) {
    for (let i = 0; i < m; i++) {
        const at = i * dims;
        let s = 0;
        for (let d = 0; d < dims; d++) s += data[at + d] * v[d];
        out[i] = s;
    }
}

// v -= (v . u) u, for a unit u
function orthogonalise(v, u) {
    const p = dot(v, u);
    for (let d = 0; d < v.length; d++) v[d] -= p * u[d];
}

// Scales v to unit length; false when it is (numerically) zero.
function normalise(v) {
    const norm = Math.sqrt(dot(v, v));
    if (!(norm > 1e-300)) return false;
    for (let d = 0; d < v.length; d++) v[d] /= norm;
    return true;
}

function fixSign(v) {
    let best = 0;
    for (let d = 1; d < v.length; d++) if (Math.abs(v[d]) > Math.abs(v[best]) + 1e-12) best = d;
    if (v[best] < 0) for (let d = 0; d < v.length; d++) v[d] = -v[d];
}

// A small seeded generator (mulberry32): the same numbers on every engine.
function mulberry32(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
