// The ruvec core in plain JavaScript, for browsers without WebAssembly: the interface of the embind
// classes in src/wasm/bindings.cpp (SequenceEmbedder, IndexHandle and the free functions), giving
// the native core's bits: the same records and parser messages (src/seq.cpp), the same float32
// vectors (src/embed.cpp), the same exact search hits (src/index.cpp with the fixed-order kernels
// of src/simd/kernels_scalar.cpp) and the same TSV text (src/hits.cpp).
//
// What makes it exact:
// - 64-bit k-mers and the MurmurHash3 finaliser run on pairs of 32-bit halves (Math.imul and
//   16-bit splits); BigInt would be exact too, but allocates per k-mer and is far too slow.
// - Every float32 operation of the kernels is rounded with Math.fround (or by a Float32Array
//   store). Computing + - * / sqrt of float32 operands in double and rounding once gives the
//   float32 result exactly (double has more than 2 x 24 + 2 bits), so this is not an approximation.
// - log1p is not correctly rounded in any libm: V8's Math.log1p differs from glibc's in the last
//   bit for some whole numbers (175, 184, 22550, ...: 145 below 4 million), and glibc's own FMA
//   variant from its generic one (43259, ...). The core's log weight is therefore its own
//   log1p_count, built from + - * / alone, and log1pCount here repeats it operation for operation.
// - printf's "%.6f" rounds exact decimal ties to even, toFixed away from zero: formatFixed.
// - Math.pow (identity estimate) may differ from glibc's pow in the last bit; that changes the
//   "%.4f" text only for a value within 1e-16 of a rounding boundary.
//
// An index here is flat: no HNSW graph, every search is brute force (exact), which is what
// `ruvec search --exact` computes. Reading and writing .rvx files needs the WebAssembly module.

// ---------------------------------------------------------------------------------------------
// Module functions

const RUVEC_VERSION = '0.1.0'; // project(ruvec VERSION ...) in CMakeLists.txt
const NEEDS_WASM = 'an .rvx index needs WebAssembly, which this browser does not offer';
const READ_SEARCH_NEEDS_WASM = 'the read search (an index of sequences and k-mers) needs WebAssembly, which this browser does not offer';

export function version() {
    return RUVEC_VERSION;
}

// Which kernels compute distances: the WebAssembly module says "scalar" or "sse4_2".
export function kernels() {
    return 'js';
}

// An error the C++ core would throw as ruvec::Error; its message reaches the caller as a string.
class RuvecError extends Error {}

function fail(message) {
    throw new RuvecError(message);
}

// Runs `work`; "" when it succeeds, else the error's message (no exception reaches the page).
function guarded(work) {
    try {
        work();
        return '';
    } catch (e) {
        if (e instanceof RangeError && /allocation failed|out of memory/i.test(e.message))
            return 'out of memory: the browser gave this page no more';
        if (e instanceof Error) return e.message;
        return String(e);
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes and text

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

// A copy of `bytes` (a string, ArrayBuffer or typed array) as a Uint8Array; strings become UTF-8,
// as embind turns a JS string into a std::string.
function bytesOf(bytes) {
    if (typeof bytes === 'string') return utf8Encoder.encode(bytes);
    if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes.slice(0));
    if (ArrayBuffer.isView(bytes))
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
    if (bytes === undefined || bytes === null) return new Uint8Array(0);
    fail('Cannot pass non-string to std::string');
}

// ---------------------------------------------------------------------------------------------
// FASTA/FASTQ reader: a port of src/seq.cpp, line for line where messages are made.

const READ_CHUNK = 1 << 20; // the C++ reader's buffer: bytesRead() advances in these steps

// What a byte may be inside a sequence line (make_sequence_classes).
const RESIDUE = 0, SKIPPED = 1, INVALID = 2;
const SEQUENCE_CLASSES = (() => {
    const classes = new Uint8Array(256).fill(INVALID);
    for (let c = 65; c <= 90; ++c) classes[c] = classes[c + 32] = RESIDUE;
    for (const c of '*-.') classes[c.charCodeAt(0)] = RESIDUE;
    for (const c of ' \t\r') classes[c.charCodeAt(0)] = SKIPPED;
    return classes;
})();

// Shows a byte in a message: printable as 'c', anything else as "byte 0xNN".
function describeByte(c) {
    if (c >= 0x20 && c < 0x7f) return "'" + String.fromCharCode(c) + "'";
    const hex = '0123456789abcdef';
    return 'byte 0x' + hex[c >> 4] + hex[c & 15];
}

function sameBytes(bytes, start, end, other) {
    if (end - start !== other.length) return false;
    for (let i = 0; i < other.length; ++i)
        if (bytes[start + i] !== other[i]) return false;
    return true;
}

// Reads records from bytes held in memory. The current record is exposed as fields: name (a
// string), nameBytes, seq (a Uint8Array whose first seqLength bytes are the residues).
class SeqReader {
    constructor(bytes, sourceName) {
        this.bytes = bytes;
        this.sourceName = sourceName;
        this.pos = 0; // next byte to read
        this.consumed = 0; // bytes the C++ reader would have fetched so far
        this.lineNumber = 0;
        this.lineStart = 0; // the last line read, without its terminator
        this.lineEnd = 0;
        this.pendingStart = 0; // a header line read ahead while finishing a FASTA record
        this.pendingEnd = 0;
        this.pendingLine = 0; // its line number (0 when there is none)
        this.recordsRead = 0;
        this.basesRead = 0;
        this.name = '';
        this.nameBytes = new Uint8Array(0);
        this.seq = new Uint8Array(1 << 16);
        this.seqLength = 0;
        this.qualLength = 0;
    }

    fail(line, message) {
        fail(this.sourceName + ':' + line + ': ' + message);
    }

    // The next line into lineStart/lineEnd; false at the end. A last line without '\n' counts.
    readLine() {
        const bytes = this.bytes, n = bytes.length;
        if (this.pos >= n) return false;
        const start = this.pos;
        const newline = bytes.indexOf(10, start);
        let end;
        if (newline < 0) {
            end = n;
            this.pos = n;
            this.consumed = n;
        } else {
            end = newline;
            this.pos = newline + 1;
            const fetched = Math.min(n, Math.ceil(this.pos / READ_CHUNK) * READ_CHUNK);
            if (fetched > this.consumed) this.consumed = fetched;
        }
        ++this.lineNumber;
        if (end > start && bytes[end - 1] === 13) --end; // Windows line endings
        this.lineStart = start;
        this.lineEnd = end;
        return true;
    }

    isBlank(start, end) {
        const bytes = this.bytes;
        for (let i = start; i < end; ++i)
            if (bytes[i] !== 32 && bytes[i] !== 9) return false;
        return true;
    }

    // Sets the name; returns true for a FASTQ ('@') header.
    parseHeader(start, end, lineNumber) {
        const bytes = this.bytes;
        const type = bytes[start];
        if (type !== 62 && type !== 64) {
            if (this.recordsRead === 0)
                this.fail(lineNumber,
                    "not FASTA or FASTQ: a record must start with '>' or '@', found " +
                        describeByte(type));
            this.fail(lineNumber,
                "expected a record header ('>' or '@'), found " + describeByte(type));
        }
        for (let i = start; i < end; ++i) {
            const c = bytes[i];
            if ((c < 0x20 && c !== 9) || c === 0x7f)
                this.fail(lineNumber, 'invalid ' + describeByte(c) + ' in a record header');
        }
        let nameStart = start + 1;
        while (nameStart < end && (bytes[nameStart] === 32 || bytes[nameStart] === 9)) ++nameStart;
        let nameEnd = nameStart;
        while (nameEnd < end && bytes[nameEnd] !== 32 && bytes[nameEnd] !== 9) ++nameEnd;
        if (nameEnd === nameStart) this.fail(lineNumber, 'record with an empty name');
        this.nameBytes = bytes.slice(nameStart, nameEnd);
        this.name = utf8Decoder.decode(this.nameBytes);
        this.seqLength = 0;
        this.qualLength = 0;
        return type === 64;
    }

    appendSequence(start, end, fastq) {
        const bytes = this.bytes;
        let seen = 0;
        for (let i = start; i < end; ++i) seen |= SEQUENCE_CLASSES[bytes[i]];
        const length = end - start;
        if (this.seqLength + length > this.seq.length) {
            const grown = new Uint8Array(Math.max(this.seq.length * 2, this.seqLength + length));
            grown.set(this.seq.subarray(0, this.seqLength));
            this.seq = grown;
        }
        if (seen === RESIDUE) {
            this.seq.set(bytes.subarray(start, end), this.seqLength);
            this.seqLength += length;
            return;
        }
        for (let i = start; i < end; ++i) {
            const c = bytes[i];
            const cls = SEQUENCE_CLASSES[c];
            if (cls === RESIDUE) {
                this.seq[this.seqLength++] = c;
            } else if (cls === INVALID) {
                this.fail(this.lineNumber,
                    'invalid ' + describeByte(c) + " in the sequence of record '" + this.name +
                        "'" + (fastq ? " (missing '+' line?)" : ''));
            }
        }
    }

    appendQuality(start, end) {
        const bytes = this.bytes;
        for (let i = start; i < end; ++i) {
            const c = bytes[i];
            if (c < 33 || c > 126)
                this.fail(this.lineNumber,
                    'invalid quality ' + describeByte(c) + " in record '" + this.name + "'");
        }
        this.qualLength += end - start;
    }

    readFastqBody() {
        const bytes = this.bytes;
        let sequenceLines = 0;
        for (;;) {
            if (!this.readLine())
                this.fail(this.lineNumber,
                    "truncated FASTQ record '" + this.name + "': no '+' line");
            const start = this.lineStart, end = this.lineEnd;
            if (end > start && bytes[start] === 43) break;
            if (end > start && bytes[start] === 64)
                this.fail(this.lineNumber, "FASTQ record '" + this.name + "' has no '+' line");
            this.appendSequence(start, end, true);
            ++sequenceLines;
        }
        // The '+' line may repeat the name (alone, or followed by the header's comment).
        const repeatStart = this.lineStart + 1, repeatEnd = this.lineEnd;
        if (repeatEnd > repeatStart && !sameBytes(bytes, repeatStart, repeatEnd, this.nameBytes)) {
            let wordEnd = repeatStart;
            while (wordEnd < repeatEnd && bytes[wordEnd] !== 32 && bytes[wordEnd] !== 9) ++wordEnd;
            if (!sameBytes(bytes, repeatStart, wordEnd, this.nameBytes))
                this.fail(this.lineNumber,
                    "'+' line names '" +
                        utf8Decoder.decode(bytes.subarray(repeatStart, repeatEnd)) + "', not '" +
                        this.name + "'");
        }
        while (this.qualLength < this.seqLength) {
            if (!this.readLine())
                this.fail(this.lineNumber,
                    "truncated FASTQ record '" + this.name + "': quality length " +
                        this.qualLength + ' != sequence length ' + this.seqLength);
            this.appendQuality(this.lineStart, this.lineEnd);
            if (sequenceLines <= 1) break;
        }
        if (this.qualLength !== this.seqLength)
            this.fail(this.lineNumber,
                'quality length ' + this.qualLength + ' != sequence length ' + this.seqLength);
    }

    // Reads the next record; false at a clean end of input.
    next() {
        let fastq;
        if (this.pendingLine !== 0) {
            const line = this.pendingLine;
            this.pendingLine = 0;
            fastq = this.parseHeader(this.pendingStart, this.pendingEnd, line);
        } else {
            do {
                if (!this.readLine()) return false;
            } while (this.isBlank(this.lineStart, this.lineEnd));
            fastq = this.parseHeader(this.lineStart, this.lineEnd, this.lineNumber);
        }
        if (fastq) {
            this.readFastqBody();
        } else {
            const bytes = this.bytes;
            while (this.readLine()) {
                if (this.lineEnd > this.lineStart && bytes[this.lineStart] === 62) {
                    this.pendingStart = this.lineStart;
                    this.pendingEnd = this.lineEnd;
                    this.pendingLine = this.lineNumber;
                    break;
                }
                this.appendSequence(this.lineStart, this.lineEnd, false);
            }
        }
        ++this.recordsRead;
        this.basesRead += this.seqLength;
        return true;
    }
}

// ---------------------------------------------------------------------------------------------
// Embedding parameters: src/embed.cpp finalize_params and the bindings' parameter objects.

const WEIGHTS = ['count', 'log', 'binary'];
const METRICS = ['cosine', 'l2', 'ip'];
const DEFAULT_HASH_SEED = 0x7275766563000001n; // "ruvec\0\0\1"
const MAX_SAFE = 9007199254740992; // 2^53
const MIN_K = 1, MAX_K = 31, MAX_EXACT_K = 8, MIN_DIMS = 8, MAX_DIMS = 65536;
const MIN_M = 2, MAX_M = 512, MAX_EF = 1 << 20;

// std::stoull: optional blanks and sign, then decimal digits; "-N" wraps as strtoull does.
function stoull(text) {
    const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(text);
    if (!m) fail('stoull');
    let value = BigInt(m[2]);
    if (value > 0xffffffffffffffffn) fail('stoull');
    if (m[1] === '-' && value !== 0n) value = (1n << 64n) - value;
    return value;
}

// minSim as the module reads it: a number, 'none', or absent / 'auto', the hashing noise floor
// 5 / sqrt(dims) of cosine indexes of hashed k-mers (src/identity.cpp, default_min_similarity).
function minSimilarityOf(value, index) {
    if (value === undefined || value === null || value === 'auto') {
        const floor = 5 / Math.sqrt(index.dims);
        return index.graph.metric === 'cosine' && !index.embed.exact && floor < 1 ? fround(floor) : -Infinity;
    }
    if (value === 'none') return -Infinity;
    return fround(Number(value));
}

function isAbsent(object, name) {
    return object === undefined || object === null || object[name] === undefined ||
        object[name] === null;
}

// A whole number >= 0 as a BigInt: a JS number (exact up to 2^53) or a decimal string.
function fieldU64(object, name, fallback) {
    if (isAbsent(object, name)) return fallback;
    const v = object[name];
    if (typeof v === 'string') return stoull(v);
    if (typeof v === 'bigint') {
        if (v < 0n || v > 0xffffffffffffffffn) fail(name + ' must be a whole number >= 0');
        return v;
    }
    const d = Number(v);
    if (!(d >= 0) || d > MAX_SAFE || d !== Math.floor(d))
        fail(name + ' must be a whole number >= 0');
    return BigInt(d);
}

function fieldU32(object, name, fallback) {
    const v = fieldU64(object, name, BigInt(fallback));
    if (v > 0xffffffffn) fail(name + ' is too large');
    return Number(v);
}

function fieldBool(object, name, fallback) {
    return isAbsent(object, name) ? fallback : !!object[name];
}

function fieldString(object, name, fallback) {
    if (isAbsent(object, name)) return fallback;
    const v = object[name];
    if (typeof v !== 'string') fail('Cannot pass non-string to std::string');
    return v;
}

function exactProfileDims(k, canonical) {
    const all = 2 ** (2 * k);
    if (!canonical) return all;
    const palindromes = k % 2 === 0 ? 2 ** k : 0;
    return (all + palindromes) / 2;
}

// EmbedParams with the C++ defaults; window, step and hashSeed are BigInts here.
function defaultEmbedParams() {
    return {
        k: 21, dims: 2048, canonical: true, exact: false, weight: 'count', hashId: 1,
        hashSeed: DEFAULT_HASH_SEED, window: 0n, step: 0n,
    };
}

function finalizeParams(p) {
    if (p.k < MIN_K || p.k > MAX_K) fail('k must be ' + MIN_K + '..' + MAX_K + ', not ' + p.k);
    if (p.exact) {
        if (p.k > MAX_EXACT_K)
            fail('an exact k-mer profile needs k <= ' + MAX_EXACT_K +
                ' (4^k dimensions), not k = ' + p.k);
        p.dims = exactProfileDims(p.k, p.canonical);
    } else if (p.dims < MIN_DIMS || p.dims > MAX_DIMS) {
        fail('dims must be ' + MIN_DIMS + '..' + MAX_DIMS + ', not ' + p.dims);
    }
    if (p.window === 0n) {
        if (p.step !== 0n) fail('a step needs a window');
    } else {
        if (p.window < BigInt(p.k)) fail('window ' + p.window + ' is shorter than k = ' + p.k);
        if (p.step === 0n) p.step = p.window;
    }
}

function embedParamsFrom(object) {
    const p = defaultEmbedParams();
    p.k = fieldU32(object, 'k', p.k);
    p.dims = fieldU32(object, 'dims', p.dims);
    p.canonical = fieldBool(object, 'canonical', p.canonical);
    p.exact = fieldBool(object, 'exact', p.exact);
    const weight = fieldString(object, 'weight', p.weight);
    if (!WEIGHTS.includes(weight)) fail("unknown weight '" + weight + "' (count, log or binary)");
    p.weight = weight;
    p.hashSeed = fieldU64(object, 'hashSeed', p.hashSeed);
    p.window = fieldU64(object, 'window', p.window);
    p.step = fieldU64(object, 'step', p.step);
    finalizeParams(p);
    return p;
}

function embedParamsToJs(p) {
    return {
        k: p.k, dims: p.dims, canonical: p.canonical, exact: p.exact, weight: p.weight,
        hashId: p.hashId, hashSeed: p.hashSeed.toString(), window: Number(p.window),
        step: Number(p.step),
    };
}

function graphParamsFrom(object) {
    const metric = fieldString(object, 'metric', 'cosine');
    if (!METRICS.includes(metric)) fail("unknown metric '" + metric + "' (cosine, l2 or ip)");
    const g = {
        metric,
        M: fieldU32(object, 'M', 16),
        efConstruction: fieldU32(object, 'efConstruction', 200),
        seed: fieldU64(object, 'seed', 100n),
    };
    if (g.M < MIN_M || g.M > MAX_M) fail('-M must be ' + MIN_M + '..' + MAX_M + ', not ' + g.M);
    if (g.efConstruction < 1 || g.efConstruction > MAX_EF)
        fail('--ef-construction must be 1..' + MAX_EF + ', not ' + g.efConstruction);
    return g;
}

// Windows of a sequence of `length` bases as [start, end) pairs (windows_of in src/embed.cpp).
function windowsOf(length, p) {
    if (p.window === 0n) return [[0, length]];
    const window = Number(p.window), step = Number(p.step);
    const windows = [];
    for (let start = 0; start < length; start += step) {
        const end = Math.min(length, start + window);
        windows.push([start, end]);
        if (end === length) break;
    }
    return windows;
}

// ---------------------------------------------------------------------------------------------
// 64-bit arithmetic on 32-bit halves

// High 32 bits of the 64-bit product of two uint32 values, exactly (16-bit pieces).
function mulHi32(a, b) {
    const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
    const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
    const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    return a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
}

// MurmurHash3 fmix64 multipliers, as 32-bit halves.
const C1_HI = 0xff51afd7, C1_LO = 0xed558ccd;
const C2_HI = 0xc4ceb9fe, C2_LO = 0x1a85ec53;
const TWO_POW_M32 = 2.3283064365386963e-10; // 2^-32

// simd::kmer_hash then the slot of hash_kmers: (bucket << 1) | sign, for the k-mer (hi, lo)
// and the seed (seedHi, seedLo). Only the high word and the low bit of the hash are needed.
function kmerSlot(hi, lo, seedHi, seedLo, dims) {
    let h = (hi ^ seedHi) >>> 0;
    let l = (lo ^ seedLo) >>> 0;
    l = (l ^ (h >>> 1)) >>> 0; // h ^= h >> 33
    let nh = (mulHi32(l, C1_LO) + Math.imul(h, C1_LO) + Math.imul(l, C1_HI)) >>> 0;
    l = (Math.imul(l, C1_LO) ^ (nh >>> 1)) >>> 0; // h *= C1; h ^= h >> 33
    h = nh;
    nh = (mulHi32(l, C2_LO) + Math.imul(h, C2_LO) + Math.imul(l, C2_HI)) >>> 0; // h *= C2
    const sign = (Math.imul(l, C2_LO) ^ (nh >>> 1)) & 1; // h ^= h >> 33; h & 1
    return (((nh * dims * TWO_POW_M32) | 0) << 1) | sign; // ((h >> 32) * dims) >> 32
}

// ---------------------------------------------------------------------------------------------
// log1p_count of src/embed.cpp, operation for operation: log(1 + count) from + - * / alone, so
// the bits are those of every native and WebAssembly build (no libm's log1p agrees with another).

const LN2_HI = 6.93147180369123816490e-01; // 0x3fe62e42fee00000
const LN2_LO = 1.90821492927058770002e-10;
const wordsF64 = new Float64Array(1);
const wordsU32 = new Uint32Array(wordsF64.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // the exponent's word

// frexp: x = m 2^e with m in [0.5, 1), for a normal x > 0 (read from the exponent bits: exact).
export function log1pCount(count) {
    wordsF64[0] = count + 1.0;
    let e = ((wordsU32[HIGH] >>> 20) & 0x7ff) - 1022;
    wordsU32[HIGH] = (wordsU32[HIGH] & 0x800fffff) | 0x3fe00000;
    let m = wordsF64[0];
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        --e;
    }
    const f = m - 1.0;
    const s = f / (2.0 + f);
    const s2 = s * s;
    let series = 0.0;
    for (let odd = 23; odd >= 3; odd -= 2) series = s2 * (series + 1.0 / odd);
    const logM = 2.0 * s + 2.0 * s * series;
    return e * LN2_HI + (e * LN2_LO + logM);
}

const LOG1P_CACHED = 4096;
const log1pCache = new Float64Array(LOG1P_CACHED).fill(-1);

function logWeight(count) {
    if (count < LOG1P_CACHED) {
        let w = log1pCache[count];
        if (w < 0) w = log1pCache[count] = log1pCount(count);
        return w;
    }
    return log1pCount(count);
}

// ---------------------------------------------------------------------------------------------
// Embedder: src/embed.cpp

// K-mers are rolled into a buffer this many bases at a time, then hashed (hash_chunk).
const HASH_CHUNK = 2048;
const newRollState = () => ({ fHi: 0, fLo: 0, rHi: 0, rLo: 0, run: 0 });

// 2-bit codes: A=0 C=1 G=2 T=3 (U reads as T); 4 for anything else, which breaks k-mers.
const BASE_CODES = (() => {
    const codes = new Uint8Array(256).fill(4);
    for (const [letters, code] of [['Aa', 0], ['Cc', 1], ['Gg', 2], ['TtUu', 3]])
        for (const c of letters) codes[c.charCodeAt(0)] = code;
    return codes;
})();

// Radix sort digits of a 2k-bit k-mer held as (hi, lo): bits [shift, shift + DIGIT_BITS).
const DIGIT_BITS = 11, DIGITS = 1 << DIGIT_BITS;

function digitOf(hi, lo, shift) {
    if (shift >= 32) return (hi >>> (shift - 32)) & (DIGITS - 1);
    if (shift + DIGIT_BITS <= 32) return (lo >>> shift) & (DIGITS - 1);
    return ((lo >>> shift) | (hi << (32 - shift))) & (DIGITS - 1);
}

function reverseComplement(kmer, k) {
    let rc = 0;
    for (let i = 0; i < k; ++i, kmer >>>= 2) rc = rc * 4 + (3 - (kmer & 3));
    return rc;
}

class Embedder {
    constructor(p) {
        this.p = p;
        this.k = p.k;
        this.dims = p.dims;
        this.canonical = p.canonical;
        this.weight = p.weight;
        this.seedHi = Number(p.hashSeed >> 32n) >>> 0;
        this.seedLo = Number(p.hashSeed & 0xffffffffn) >>> 0;
        // Masks of a k-mer's 2k bits in the high and low words, and where a new base enters the
        // reverse strand.
        const bits = 2 * p.k;
        this.maskLo = bits >= 32 ? -1 : (1 << bits) - 1 | 0;
        this.maskHi = bits > 32 ? (1 << (bits - 32)) - 1 : 0;
        this.rcShift = bits - 2;
        if (p.weight === 'count') this.counts = new Int32Array(p.dims);
        else this.sums = new Float64Array(p.dims);
        this.exactIndex = null;
        if (p.exact) {
            // Dimensions follow the lexicographic order of the (canonical) k-mers.
            const n = 2 ** bits;
            const index = new Uint32Array(n);
            let next = 0;
            for (let code = 0; code < n; ++code) {
                const rc = p.canonical ? reverseComplement(code, p.k) : code;
                index[code] = rc < code ? index[rc] : next++;
            }
            this.exactIndex = index;
        }
        this.kmerHi = new Uint32Array(1024); // k-mers collected to dedupe (log and binary)
        this.kmerLo = new Uint32Array(1024);
        this.sortHi = new Uint32Array(1024); // radix sort scratch
        this.sortLo = new Uint32Array(1024);
        this.histogram = new Uint32Array(Math.ceil(62 / DIGIT_BITS) * DIGITS);
        this.seen = new Uint8Array(p.dims); // dimensions touched by a short window
        this.touched = new Uint32Array(p.dims);
        this.touchedCount = 0;
    }

    // Writes the unit vector of seq[start, end) to out[offset, offset + dims); returns the number
    // of valid k-mers, or 0 when the vector would be all zeros (out is then left unchanged).
    embed(seq, start, end, out, offset) {
        if (start >= end) return 0;
        return this.weight === 'count'
            ? this.embedCounts(seq, start, end, out, offset)
            : this.embedDistinct(seq, start, end, out, offset);
    }

    // A short window touches few of the dims: the dimensions it touches are listed, so that the
    // norm and the output cost as much as its k-mers rather than dims (reads are short).
    isSparse(start, end) {
        return (end - start) * 4 < this.dims;
    }

    // Notes dimension d as touched (sparse windows).
    touch(d) {
        if (this.seen[d] === 0) {
            this.seen[d] = 1;
            this.touched[this.touchedCount++] = d;
        }
    }

    // Writes counts (or sums) times `inverse` to out, zeros elsewhere, and clears the touched
    // dimensions (values and flags) for the next window.
    writeSparse(values, inverse, out, offset) {
        out.fill(0, offset, offset + this.dims);
        const touched = this.touched;
        for (let t = 0; t < this.touchedCount; ++t) {
            const d = touched[t];
            out[offset + d] = values[d] * inverse;
        }
        this.clearSparse(values);
    }

    clearSparse(values) {
        const touched = this.touched, seen = this.seen;
        for (let t = 0; t < this.touchedCount; ++t) {
            values[touched[t]] = 0;
            seen[touched[t]] = 0;
        }
        this.touchedCount = 0;
    }

    // Count weight. counts is all zeros between calls.
    embedCounts(seq, start, end, out, offset) {
        const counts = this.counts;
        const dims = this.dims, seedHi = this.seedHi, seedLo = this.seedLo;
        const exactIndex = this.exactIndex;
        const sparse = this.isSparse(start, end);
        const state = newRollState();
        let kmers = 0;
        // In chunks, as add_hashed_counts: roll the k-mers into a buffer, then count them.
        for (let begin = start; begin < end; begin += HASH_CHUNK) {
            const n = this.rollKmers(seq, begin, Math.min(end, begin + HASH_CHUNK), state, 0);
            const hiOf = this.kmerHi, loOf = this.kmerLo;
            for (let i = 0; i < n; ++i) {
                let d;
                if (exactIndex !== null) {
                    d = exactIndex[loOf[i]];
                    ++counts[d];
                } else {
                    const slot = kmerSlot(hiOf[i], loOf[i], seedHi, seedLo, dims);
                    d = slot >>> 1;
                    counts[d] += 1 - 2 * (slot & 1);
                }
                if (sparse) this.touch(d);
            }
            kmers += n;
        }
        // Integer counts make the norm exact (normalize_counts), in any order; it is summed
        // exactly while it stays below 2^53 (always, for a short window), in BigInt beyond.
        let norm2 = 0;
        if (sparse) {
            for (let t = 0; t < this.touchedCount; ++t) {
                const c = counts[this.touched[t]];
                norm2 += c * c;
            }
        } else {
            for (let i = 0; i < dims; ++i) norm2 += counts[i] * counts[i];
            if (norm2 >= MAX_SAFE) {
                let big = 0n;
                for (let i = 0; i < dims; ++i) big += BigInt(counts[i]) * BigInt(counts[i]);
                norm2 = Number(big);
            }
        }
        return this.finishVector(counts, norm2, sparse, out, offset) ? kmers : 0;
    }

    // The k-mers of seq[start, end) into kmerHi/kmerLo; returns how many.
    collectKmers(seq, start, end) {
        return this.rollKmers(seq, start, end, newRollState(), 0);
    }

    // roll_kmers of src/embed.cpp: the (canonical) k-mers ending in seq[start, end), as 32-bit
    // halves, into kmerHi/kmerLo from index `at`, continuing from `state` (the last k bases of
    // both strands and the run of valid bases), which it updates. Returns how many.
    rollKmers(seq, start, end, state, at) {
        const k = this.k, maskHi = this.maskHi, maskLo = this.maskLo, canonical = this.canonical;
        const rcHigh = this.rcShift >= 32;
        const rcShift = rcHigh ? this.rcShift - 32 : this.rcShift;
        if (this.kmerHi.length < at + end - start) {
            const size = Math.max(at + end - start, this.kmerHi.length * 2);
            const grow = (old) => {
                const bigger = new Uint32Array(size);
                bigger.set(old.subarray(0, at));
                return bigger;
            };
            this.kmerHi = grow(this.kmerHi);
            this.kmerLo = grow(this.kmerLo);
            this.sortHi = new Uint32Array(size);
            this.sortLo = new Uint32Array(size);
        }
        const outHi = this.kmerHi, outLo = this.kmerLo;
        let { fHi, fLo, rHi, rLo, run } = state;
        let n = at;
        for (let i = start; i < end; ++i) {
            const code = BASE_CODES[seq[i]];
            if (code > 3) {
                run = 0;
                continue;
            }
            fHi = ((fHi << 2) | (fLo >>> 30)) & maskHi;
            fLo = ((fLo << 2) | code) & maskLo;
            rLo = (rLo >>> 2) | (rHi << 30);
            rHi >>>= 2;
            if (rcHigh) rHi |= (3 - code) << rcShift;
            else rLo |= (3 - code) << rcShift;
            if (run < k) {
                ++run;
                if (run < k) continue;
            }
            if (canonical && (rHi < fHi || (rHi === fHi && rLo >>> 0 < fLo >>> 0))) {
                outHi[n] = rHi;
                outLo[n] = rLo;
            } else {
                outHi[n] = fHi;
                outLo[n] = fLo;
            }
            ++n;
        }
        Object.assign(state, { fHi, fLo, rHi, rLo, run });
        return n - at;
    }

    // Sorts the first n k-mers by (hi, lo): LSD radix sort on 11-bit digits (4 passes for
    // k = 21), skipping digits that are the same in every k-mer; insertion sort when n is small.
    // Leaves the result in kmerHi/kmerLo.
    sortKmers(n) {
        let hi = this.kmerHi, lo = this.kmerLo;
        if (n < 64) {
            for (let i = 1; i < n; ++i) {
                const h = hi[i], l = lo[i];
                let j = i - 1;
                while (j >= 0 && (hi[j] > h || (hi[j] === h && lo[j] > l))) {
                    hi[j + 1] = hi[j];
                    lo[j + 1] = lo[j];
                    --j;
                }
                hi[j + 1] = h;
                lo[j + 1] = l;
            }
            return;
        }
        const passes = Math.ceil((2 * this.k) / DIGIT_BITS);
        const histogram = this.histogram.fill(0, 0, passes * DIGITS);
        for (let i = 0; i < n; ++i) {
            const h = hi[i], l = lo[i];
            for (let pass = 0, base = 0; pass < passes; ++pass, base += DIGITS)
                ++histogram[base + digitOf(h, l, pass * DIGIT_BITS)];
        }
        let toHi = this.sortHi, toLo = this.sortLo;
        for (let pass = 0; pass < passes; ++pass) {
            const base = pass * DIGITS, shift = pass * DIGIT_BITS;
            if (histogram[base + digitOf(hi[0], lo[0], shift)] === n) continue; // one bucket
            let sum = 0;
            for (let d = base; d < base + DIGITS; ++d) {
                const c = histogram[d];
                histogram[d] = sum;
                sum += c;
            }
            for (let i = 0; i < n; ++i) {
                const h = hi[i], l = lo[i];
                const to = histogram[base + digitOf(h, l, shift)]++;
                toHi[to] = h;
                toLo[to] = l;
            }
            [hi, toHi] = [toHi, hi];
            [lo, toLo] = [toLo, lo];
        }
        this.kmerHi = hi;
        this.kmerLo = lo;
        this.sortHi = toHi;
        this.sortLo = toLo;
    }

    // log and binary weights (add_weighted_distinct): each distinct k-mer once, summed in
    // sorted k-mer order. sums is all zeros between calls.
    embedDistinct(seq, start, end, out, offset) {
        const kmers = this.collectKmers(seq, start, end);
        if (kmers === 0) return 0;
        this.sortKmers(kmers);
        const sums = this.sums;
        const hi = this.kmerHi, lo = this.kmerLo, dims = this.dims;
        const seedHi = this.seedHi, seedLo = this.seedLo, exactIndex = this.exactIndex;
        const log = this.weight === 'log';
        const sparse = this.isSparse(start, end);
        for (let i = 0; i < kmers;) {
            const h = hi[i], l = lo[i];
            let j = i + 1;
            while (j < kmers && hi[j] === h && lo[j] === l) ++j;
            const w = log ? logWeight(j - i) : 1.0;
            let d;
            if (exactIndex !== null) {
                d = exactIndex[l];
                sums[d] += w;
            } else {
                const slot = kmerSlot(h, l, seedHi, seedLo, dims);
                d = slot >>> 1;
                if (slot & 1) sums[d] += -w;
                else sums[d] += w;
            }
            if (sparse) this.touch(d);
            i = j;
        }
        // The norm is summed in dimension order, as in C++ (the dimensions not touched add 0).
        let norm2 = 0;
        if (sparse) {
            const touched = this.touched.subarray(0, this.touchedCount).sort();
            for (let t = 0; t < touched.length; ++t) norm2 += sums[touched[t]] * sums[touched[t]];
        } else {
            for (let i = 0; i < dims; ++i) norm2 += sums[i] * sums[i];
        }
        return this.finishVector(sums, norm2, sparse, out, offset) ? kmers : 0;
    }

    // Writes values / sqrt(norm2) to out[offset, offset + dims) and clears `values` for the next
    // vector; false (out untouched) when norm2 is 0, as normalize_counts.
    finishVector(values, norm2, sparse, out, offset) {
        const dims = this.dims;
        if (norm2 !== 0) {
            const inverse = 1.0 / Math.sqrt(norm2);
            if (sparse) {
                this.writeSparse(values, inverse, out, offset);
                return true;
            }
            for (let i = 0; i < dims; ++i) out[offset + i] = values[i] * inverse;
        }
        if (sparse) this.clearSparse(values);
        else values.fill(0);
        return norm2 !== 0;
    }
}

// ---------------------------------------------------------------------------------------------
// Kernels: dot and l2sq add in the order of src/simd/kernels_scalar.cpp (element i into lane
// i % 32, each product rounded to float before adding, then the lanes folded pairwise), every
// step rounded to float32.

const fround = Math.fround;
const LANES = 32;
const lanes = new Float32Array(LANES);

// The last n - whole elements into the lanes already summed in `lanes`, then the lanes folded
// pairwise (width 16, 8, 4, 2, 1).
function finishLanes(a, aOffset, b, bOffset, whole, n, squaredDifference) {
    for (let i = whole; i < n; ++i) {
        if (squaredDifference) {
            const d = fround(a[aOffset + i] - b[bOffset + i]);
            lanes[i - whole] += fround(d * d);
        } else {
            lanes[i - whole] += fround(a[aOffset + i] * b[bOffset + i]);
        }
    }
    for (let width = LANES / 2; width > 0; width >>= 1)
        for (let j = 0; j < width; ++j) lanes[j] += lanes[j + width];
    return lanes[0];
}

// sum a[i] * b[i] over a[aOffset, aOffset + n) and b[bOffset, bOffset + n). Each lane adds
// its own elements in order, so the lanes are summed eight at a time, in locals.
function dot(a, aOffset, b, bOffset, n) {
    const whole = n - (n % LANES);
    for (let g = 0; g < LANES; g += 8) {
        let l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
        for (let i = g; i < whole; i += LANES) {
            const x = aOffset + i, y = bOffset + i;
            l0 = fround(l0 + fround(a[x] * b[y]));
            l1 = fround(l1 + fround(a[x + 1] * b[y + 1]));
            l2 = fround(l2 + fround(a[x + 2] * b[y + 2]));
            l3 = fround(l3 + fround(a[x + 3] * b[y + 3]));
            l4 = fround(l4 + fround(a[x + 4] * b[y + 4]));
            l5 = fround(l5 + fround(a[x + 5] * b[y + 5]));
            l6 = fround(l6 + fround(a[x + 6] * b[y + 6]));
            l7 = fround(l7 + fround(a[x + 7] * b[y + 7]));
        }
        lanes[g] = l0; lanes[g + 1] = l1; lanes[g + 2] = l2; lanes[g + 3] = l3;
        lanes[g + 4] = l4; lanes[g + 5] = l5; lanes[g + 6] = l6; lanes[g + 7] = l7;
    }
    return finishLanes(a, aOffset, b, bOffset, whole, n, false);
}

// sum (a[i] - b[i])^2, the same way
function l2sq(a, aOffset, b, bOffset, n) {
    const whole = n - (n % LANES);
    for (let g = 0; g < LANES; g += 8) {
        let l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
        for (let i = g; i < whole; i += LANES) {
            const x = aOffset + i, y = bOffset + i;
            const d0 = fround(a[x] - b[y]);
            l0 = fround(l0 + fround(d0 * d0));
            const d1 = fround(a[x + 1] - b[y + 1]);
            l1 = fround(l1 + fround(d1 * d1));
            const d2 = fround(a[x + 2] - b[y + 2]);
            l2 = fround(l2 + fround(d2 * d2));
            const d3 = fround(a[x + 3] - b[y + 3]);
            l3 = fround(l3 + fround(d3 * d3));
            const d4 = fround(a[x + 4] - b[y + 4]);
            l4 = fround(l4 + fround(d4 * d4));
            const d5 = fround(a[x + 5] - b[y + 5]);
            l5 = fround(l5 + fround(d5 * d5));
            const d6 = fround(a[x + 6] - b[y + 6]);
            l6 = fround(l6 + fround(d6 * d6));
            const d7 = fround(a[x + 7] - b[y + 7]);
            l7 = fround(l7 + fround(d7 * d7));
        }
        lanes[g] = l0; lanes[g + 1] = l1; lanes[g + 2] = l2; lanes[g + 3] = l3;
        lanes[g + 4] = l4; lanes[g + 5] = l5; lanes[g + 6] = l6; lanes[g + 7] = l7;
    }
    return finishLanes(a, aOffset, b, bOffset, whole, n, true);
}

// Scales v[offset, offset + n) to unit length (a Float32Array, so each store rounds).
function l2Normalize(v, offset, n) {
    const ss = dot(v, offset, v, offset, n);
    if (ss === 0) return;
    const inv = fround(1 / fround(Math.sqrt(ss)));
    for (let i = 0; i < n; ++i) v[offset + i] *= inv;
}

// ---------------------------------------------------------------------------------------------
// Identity estimate (src/identity.cpp) and printf-exact numbers (src/hits.cpp)

function identityNoiseFloor(dims) {
    return 5.0 / Math.sqrt(Math.max(dims, 1));
}

function estimateIdentityImpl(similarity, queryBases, targetBases, k, dims) {
    if (!(similarity >= identityNoiseFloor(dims)) || k === 0) return 0.0;
    const kmersOf = (bases) => (bases >= k ? bases - k + 1 : 1);
    const queryKmers = kmersOf(queryBases), targetKmers = kmersOf(targetBases);
    const shorter = Math.min(queryKmers, targetKmers);
    const longer = Math.max(queryKmers, targetKmers);
    const sharedFraction = Math.min(1.0, similarity * Math.sqrt(longer / shorter));
    return Math.pow(sharedFraction, 1.0 / k);
}

// static_cast<uint64_t> of a JS number (whole, >= 0; anything else as near as it gets).
function toU64(x) {
    const d = Math.trunc(Number(x));
    return d > 0 ? d : 0;
}

export function estimateIdentity(similarity, queryBases, targetBases, k, dims) {
    return estimateIdentityImpl(Number(similarity), toU64(queryBases), toU64(targetBases),
        k >>> 0, dims >>> 0);
}


// printf("%.<digits>f", x) as glibc prints it: the exact decimal value rounded to nearest, ties
// to even. toFixed is exact but breaks ties away from zero; a tie needs x * 2^(digits + 1) to be
// an odd integer (x = j / (2 * 10^digits) with j odd is a binary fraction only then).
export function formatFixed(x, digits) {
    wordsF64[0] = x;
    const negative = (wordsU32[HIGH] & 0x80000000) !== 0;
    if (Number.isNaN(x)) return negative ? '-nan' : 'nan';
    if (!Number.isFinite(x)) return negative ? '-inf' : 'inf';
    const magnitude = Math.abs(x);
    const sign = negative ? '-' : '';
    if (magnitude >= 1e21) {
        const whole = BigInt(magnitude).toString();
        return sign + whole + (digits > 0 ? '.' + '0'.repeat(digits) : '');
    }
    const scaled = magnitude * 2 ** (digits + 1);
    if (Number.isInteger(scaled) && scaled % 2 === 1) {
        // magnitude * 10^digits = (scaled * 5^digits) / 2, a tie between n and n + 1
        const twice = BigInt(scaled) * 5n ** BigInt(digits);
        let n = (twice - 1n) / 2n;
        if (n % 2n === 1n) n += 1n;
        let text = n.toString().padStart(digits + 1, '0');
        if (digits > 0) text = text.slice(0, text.length - digits) + '.' + text.slice(-digits);
        return sign + text;
    }
    return sign + magnitude.toFixed(digits);
}

const HITS_TSV_HEADER = 'query\tquery_start\tquery_end\ttarget\ttarget_start\t' +
    'target_end\trank\tsimilarity\tdistance\tidentity\n';

// ---------------------------------------------------------------------------------------------
// SequenceEmbedder: parses FASTA/FASTQ bytes and embeds their records (or windows) in batches

export class SequenceEmbedder {
    constructor() {
        this.p = defaultEmbedParams();
        this.embedder = null;
        this.reader = null;
        this.skippedRows = 0;
        this.batchRecords = 0;
        this.rowNames = [];
        this.rowStarts = [];
        this.rowEnds = [];
        this.vectorData = new Float32Array(0);
        this.vectorCount = 0;
    }

    configure(params) {
        return guarded(() => {
            const p = embedParamsFrom(params);
            this.embedder = new Embedder(p);
            this.p = p;
        });
    }

    params() {
        return embedParamsToJs(this.p);
    }

    // Starts reading `bytes` (a Uint8Array or a string); `sourceName` prefixes error messages.
    open(bytes, sourceName) {
        return guarded(() => {
            if (!this.embedder) fail('configure() first');
            this.reader = null;
            this.reader = new SeqReader(bytesOf(bytes), String(sourceName));
            this.skippedRows = 0;
        });
    }

    // Embeds up to `maxRecords` more records; "" on success (records() is 0 at the end).
    next(maxRecords) {
        this.rowNames = [];
        this.rowStarts = [];
        this.rowEnds = [];
        this.vectorCount = 0;
        this.batchRecords = 0;
        return guarded(() => {
            if (!this.reader) fail('open() first');
            const reader = this.reader, embedder = this.embedder, p = this.p, dims = p.dims;
            const limit = maxRecords >>> 0;
            while (this.batchRecords < limit && reader.next()) {
                ++this.batchRecords;
                for (const [start, end] of windowsOf(reader.seqLength, p)) {
                    const needed = (this.vectorCount + 1) * dims;
                    if (needed > this.vectorData.length) {
                        const grown =
                            new Float32Array(Math.max(needed, this.vectorData.length * 2));
                        grown.set(this.vectorData.subarray(0, this.vectorCount * dims));
                        this.vectorData = grown;
                    }
                    if (embedder.embed(reader.seq, start, end, this.vectorData,
                        this.vectorCount * dims) === 0) {
                        ++this.skippedRows;
                        continue;
                    }
                    this.rowNames.push(reader.name);
                    this.rowStarts.push(start);
                    this.rowEnds.push(end);
                    ++this.vectorCount;
                }
            }
        });
    }

    records() {
        return this.batchRecords;
    }
    recordsRead() {
        return this.reader ? this.reader.recordsRead : 0;
    }
    basesRead() {
        return this.reader ? this.reader.basesRead : 0;
    }
    bytesRead() {
        return this.reader ? this.reader.consumed : 0;
    }
    skipped() {
        return this.skippedRows;
    }
    rows() {
        return this.vectorCount;
    }
    names() {
        return this.rowNames.slice();
    }
    starts() {
        return Float64Array.from(this.rowStarts);
    }
    ends() {
        return Float64Array.from(this.rowEnds);
    }
    vectors() {
        return this.vectorData.slice(0, this.vectorCount * this.p.dims);
    }
}

// ---------------------------------------------------------------------------------------------
// IndexHandle: a flat index (rows and their vectors, no graph), searched by brute force

// Rows described by JS arrays: names (strings), starts and ends (0-based half-open).
function rowsFrom(names, starts, ends) {
    const n = names.length >>> 0;
    if ((starts.length >>> 0) !== n || (ends.length >>> 0) !== n)
        fail('names, starts and ends differ in length');
    const rows = new Array(n);
    for (let i = 0; i < n; ++i)
        rows[i] = { name: String(names[i]), start: toU64(starts[i]), end: toU64(ends[i]) };
    return rows;
}

// Vectors arrive as the bytes of a Float32Array.
function vectorsOf(bytes, rows, dims) {
    let view;
    if (bytes instanceof ArrayBuffer) view = new Uint8Array(bytes);
    else if (ArrayBuffer.isView(bytes))
        view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    else view = bytesOf(bytes);
    if (view.length !== rows * dims * 4)
        fail('expected ' + rows + ' x ' + dims + ' floats, got ' + view.length + ' bytes');
    return new Float32Array(view.slice().buffer);
}

const MAX_NAME = 65535;
const MAX_ROWS = 0xfffffffe;

class FlatIndex {
    constructor(embed, graph) {
        this.embed = embed;
        this.graph = graph;
        this.dims = embed.dims;
        this.names = []; // distinct sequence names
        this.nameIndex = new Map(); // name -> index into names
        this.rowCount = 0;
        this.rowName = new Uint32Array(64); // capacities double as rows arrive
        this.rowStart = new Float64Array(64);
        this.rowEnd = new Float64Array(64);
        this.vectors = new Float32Array(64 * embed.dims);
        this.lastAddedName = -1;
    }

    grow() {
        const capacity = this.rowName.length * 2;
        const grown = (old, Type, size) => {
            const a = new Type(size);
            a.set(old);
            return a;
        };
        this.rowName = grown(this.rowName, Uint32Array, capacity);
        this.rowStart = grown(this.rowStart, Float64Array, capacity);
        this.rowEnd = grown(this.rowEnd, Float64Array, capacity);
        this.vectors = grown(this.vectors, Float32Array, capacity * this.dims);
    }

    // Index::add: the same checks in the same order.
    add(row, source, sourceOffset) {
        const dims = this.dims;
        const nameBytes = utf8Encoder.encode(row.name).length;
        if (nameBytes === 0 || nameBytes > MAX_NAME)
            fail('sequence names must be 1..' + MAX_NAME + ' bytes long');
        if (this.rowCount >= MAX_ROWS) fail('an index holds at most ' + MAX_ROWS + ' vectors');
        for (let i = 0; i < dims; ++i)
            if (!Number.isFinite(source[sourceOffset + i]))
                fail("'" + row.name + "': the vector has a value that is not finite");
        const found = this.nameIndex.get(row.name);
        if (found !== undefined) {
            // The next window of the sequence just added starts further on; anything else is a
            // second sequence of that name (every row here is live: nothing is removed).
            const nextWindow = found === this.lastAddedName &&
                row.start > this.rowStart[this.rowCount - 1];
            if (!nextWindow)
                fail("sequence name '" + row.name +
                    "' is already in the index: names must be unique (remove it first to " +
                    'replace it)');
        }
        if (this.rowCount === this.rowName.length) this.grow();
        const offset = this.rowCount * dims;
        const v = this.vectors;
        for (let i = 0; i < dims; ++i) v[offset + i] = source[sourceOffset + i];
        if (this.graph.metric === 'cosine') {
            if (dot(v, offset, v, offset, dims) === 0)
                fail("'" + row.name + "': an all-zero vector has no cosine similarity");
            l2Normalize(v, offset, dims);
        }
        let name = found;
        if (name === undefined) {
            name = this.names.length;
            this.names.push(row.name);
            this.nameIndex.set(row.name, name);
        }
        this.rowName[this.rowCount] = name;
        this.rowStart[this.rowCount] = row.start;
        this.rowEnd[this.rowCount] = row.end;
        ++this.rowCount;
        this.lastAddedName = name;
    }

    // Index::search_many on the brute-force path: hits of each query, nearest first, ties to
    // the lower row; per target, the best row of each name.
    searchMany(queries, count, options) {
        const hits = new Array(count);
        const dims = this.dims, rows = this.rowCount, metric = this.graph.metric;
        if (options.top === 0 || rows === 0) {
            for (let q = 0; q < count; ++q) hits[q] = [];
            return hits;
        }
        if (metric === 'cosine')
            for (let q = 0; q < count; ++q) l2Normalize(queries, q * dims, dims);
        const distances = new Float32Array(rows);
        const vectors = this.vectors;
        for (let q = 0; q < count; ++q) {
            const offset = q * dims;
            if (metric === 'l2') {
                for (let r = 0; r < rows; ++r)
                    distances[r] = l2sq(queries, offset, vectors, r * dims, dims);
            } else {
                for (let r = 0; r < rows; ++r)
                    distances[r] = 1 - dot(queries, offset, vectors, r * dims, dims);
            }
            const found = options.perTarget
                ? this.bestPerName(distances)
                : nearest(distances, rows, options.top);
            hits[q] = this.toHits(found, options);
        }
        return hits;
    }

    // The nearest row of each name (strictly smaller replaces: ties keep the lower row), as
    // (distance, row) pairs sorted by distance then row.
    bestPerName(distances) {
        const n = this.names.length;
        const best = new Float32Array(n).fill(Infinity);
        const bestRow = new Int32Array(n).fill(-1);
        for (let r = 0; r < this.rowCount; ++r) {
            const name = this.rowName[r];
            if (distances[r] < best[name]) {
                best[name] = distances[r];
                bestRow[name] = r;
            }
        }
        const found = [];
        for (let i = 0; i < n; ++i) if (bestRow[i] >= 0) found.push([best[i], bestRow[i]]);
        found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
        return found;
    }

    toHits(found, options) {
        const hits = [];
        const metric = this.graph.metric;
        const seen = options.perTarget ? new Uint8Array(this.names.length) : null;
        for (const [distance, row] of found) {
            if (hits.length === options.top) break;
            if (seen) {
                const name = this.rowName[row];
                if (seen[name]) continue;
                seen[name] = 1;
            }
            const hit = { row, distance, similarity: fround(1 - distance) };
            // 1 - cosine of a vector with itself may round below 0; it is 0.
            if (metric === 'cosine' && distance < 0) hit.distance = 0;
            if (metric === 'l2') {
                hit.distance = fround(Math.sqrt(distance < 0 ? 0 : distance));
                hit.similarity = fround(1 - fround(distance / 2));
            }
            if (hit.similarity < options.minSimilarity) break; // later hits are weaker still
            hits.push(hit);
        }
        return hits;
    }

    // One query's hits as `ruvec search` prints them (append_hits, TSV).
    appendHits(lines, query, hits) {
        const { k, dims } = this.embed;
        const queryStart = query.start + 1, queryEnd = query.end;
        for (let rank = 0; rank < hits.length; ++rank) {
            const hit = hits[rank];
            const targetStart = this.rowStart[hit.row], targetEnd = this.rowEnd[hit.row];
            const identity = estimateIdentityImpl(hit.similarity, query.end - query.start,
                targetEnd - targetStart, k, dims);
            lines.push(query.name + '\t' + queryStart + '\t' + queryEnd + '\t' +
                this.names[this.rowName[hit.row]] + '\t' + (targetStart + 1) + '\t' + targetEnd +
                '\t' + (rank + 1) + '\t' + formatFixed(hit.similarity, 6) + '\t' +
                formatFixed(hit.distance, 6) + '\t' + formatFixed(identity, 4) + '\n');
        }
    }
}

// The `top` smallest (distance, row) pairs of distances[0, rows), sorted: rows come in order, so
// an equal distance never displaces an earlier row.
function nearest(distances, rows, top) {
    const size = Math.min(top, rows);
    const bestDistance = new Float64Array(size);
    const bestRow = new Int32Array(size);
    let n = 0;
    for (let r = 0; r < rows; ++r) {
        const d = distances[r];
        if (n === size) {
            if (!(d < bestDistance[n - 1])) continue;
            --n;
        }
        let i = n;
        while (i > 0 && d < bestDistance[i - 1]) {
            bestDistance[i] = bestDistance[i - 1];
            bestRow[i] = bestRow[i - 1];
            --i;
        }
        bestDistance[i] = d;
        bestRow[i] = r;
        ++n;
    }
    const found = new Array(n);
    for (let i = 0; i < n; ++i) found[i] = [bestDistance[i], bestRow[i]];
    return found;
}

export class IndexHandle {
    constructor() {
        this.index = null;
        this.queries = [];
        this.hits = [];
    }

    create(embedParams, graphParams) {
        return guarded(() => {
            const embed = embedParamsFrom(embedParams);
            const graph = graphParamsFrom(graphParams);
            this.index = new FlatIndex(embed, graph);
        });
    }

    needIndex() {
        if (!this.index) fail('no index: create() or load() first');
        return this.index;
    }

    add(names, starts, ends, vectorBytes) {
        return guarded(() => {
            const index = this.needIndex();
            const rows = rowsFrom(names, starts, ends);
            const dims = index.dims;
            const vectors = vectorsOf(vectorBytes, rows.length, dims);
            for (let i = 0; i < rows.length; ++i) index.add(rows[i], vectors, i * dims);
        });
    }

    // Nothing to link in a flat index: reports every row linked at once.
    build(progress) {
        return guarded(() => {
            const index = this.needIndex();
            if (typeof progress === 'function') progress(index.rowCount);
        });
    }

    // Searches query vectors (the bytes of a Float32Array) named by names/starts/ends; options:
    // top, ef, exact, perTarget, minSim, rerank, hamming. Always brute force (exact).
    search(vectorBytes, names, starts, ends, options) {
        return guarded(() => {
            const index = this.needIndex();
            this.queries = rowsFrom(names, starts, ends);
            const queries = vectorsOf(vectorBytes, this.queries.length, index.dims);
            const o = options ?? {};
            const top = fieldU32(o, 'top', 5);
            const ef = fieldU32(o, 'ef', 2048);
            fieldU32(o, 'rerank', 256); // checked as the module does; no codes to re-rank here
            const perTarget = fieldBool(o, 'perTarget', false);
            const minSimilarity = minSimilarityOf(o.minSim, index);
            if (top === 0) fail('top must be at least 1');
            if (ef === 0 || ef > MAX_EF) fail('ef must be 1..' + MAX_EF);
            this.hits = index.searchMany(queries, this.queries.length,
                { top, perTarget, minSimilarity });
        });
    }

    hitCounts() {
        return Uint32Array.from(this.hits, (h) => h.length);
    }
    hitRows() {
        return Uint32Array.from(this.hits.flat(), (h) => h.row);
    }
    hitSimilarities() {
        return Float32Array.from(this.hits.flat(), (h) => h.similarity);
    }
    hitDistances() {
        return Float32Array.from(this.hits.flat(), (h) => h.distance);
    }

    // The last search's hits as `ruvec search` prints them (TSV, header line first).
    hitsTsv() {
        const lines = [HITS_TSV_HEADER];
        for (let q = 0; q < this.hits.length; ++q)
            this.index.appendHits(lines, this.queries[q], this.hits[q]);
        return lines.join('');
    }

    rows() {
        return this.index ? this.index.rowCount : 0;
    }
    liveRows() {
        return this.rows();
    }
    checkedRow(row) {
        return this.index !== null && row >>> 0 < this.index.rowCount;
    }
    rowName(row) {
        return this.checkedRow(row) ? this.index.names[this.index.rowName[row >>> 0]] : '';
    }
    rowStart(row) {
        return this.checkedRow(row) ? this.index.rowStart[row >>> 0] : 0;
    }
    rowEnd(row) {
        return this.checkedRow(row) ? this.index.rowEnd[row >>> 0] : 0;
    }
    embedParams() {
        return this.index ? embedParamsToJs(this.index.embed) : null;
    }
    graphParams() {
        if (!this.index) return null;
        const g = this.index.graph;
        return { metric: g.metric, M: g.M, efConstruction: g.efConstruction, seed: Number(g.seed) };
    }
    quantization() {
        return 'none';
    }
    // Kept as Index::add_provenance keeps it (a line and a newline), though no file is written.
    provenance() {
        return this.provenanceText || '';
    }
    addProvenance(line) {
        this.provenanceText = (this.provenanceText || '') + `${line}\n`;
        return '';
    }

    // .rvx files and quantized codes need the WebAssembly module.
    load() {
        return NEEDS_WASM;
    }
    save() {
        return NEEDS_WASM;
    }
    saved() {
        return new Uint8Array(0);
    }
    quantize() {
        return NEEDS_WASM;
    }

    // The read search (sequences and their k-mer index) needs the WebAssembly module too; a
    // flat index holds vectors only.
    createReadSearch() {
        return READ_SEARCH_NEEDS_WASM;
    }
    addSequences() {
        return READ_SEARCH_NEEDS_WASM;
    }
    searchSequences() {
        return READ_SEARCH_NEEDS_WASM;
    }
    readSearch() {
        return false;
    }
    hasVectors() {
        return true;
    }
    skipped() {
        return 0;
    }
}

// ---------------------------------------------------------------------------------------------
// DistanceRows of src/wasm/bindings.cpp: rows held for the distance benchmark (web/bench.js),
// 1-vs-N dot products with the same kernel the exact search uses.
export class DistanceRows {
    set(vectorBytes, rows, dims) {
        const bytes = bytesOf(vectorBytes);
        if (bytes.length !== rows * dims * 4) return `expected ${rows} x ${dims} floats, got ${bytes.length} bytes`;
        this.rows = new Float32Array(bytes.buffer);
        this.count = rows;
        this.dims = dims;
        this.out = new Float32Array(rows);
        return '';
    }
    dotAll(queryBytes, repeats) {
        const query = new Float32Array(bytesOf(queryBytes).buffer);
        if (query.length !== this.dims) return NaN;
        for (let r = 0; r < repeats; ++r)
            for (let row = 0; row < this.count; ++row) this.out[row] = dot(query, 0, this.rows, row * this.dims, this.dims);
        let sum = 0;
        for (const d of this.out) sum += d;
        return sum;
    }
    scores() {
        return this.out.slice();
    }
}
