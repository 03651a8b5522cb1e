#!/usr/bin/env bash
# Installs everything ruvec's build and tests need on Debian 12, and nothing twice: a second run
# with everything present takes well under a second.
#   scripts/install-deps.sh            build + tests (native, WebAssembly core)
# Debian packages (why each):
#   build-essential cmake pkg-config   compiler and build
#   libhts-dev                         FASTA/FASTQ input: plain, gzip, BGZF, stdin (htslib)
#   libcli11-dev                       option parsing
#   libxsimd-dev                       SIMD kernels with run-time dispatch
#   libhnswlib-dev                     HNSW graph index
#   libzstd-dev                        compression of .rvec blocks
#   libxxhash-dev                      XXH64 checksums of every file section (header-only use)
#   doctest-dev                        unit tests
#   tabix samtools python3 python3-numpy   CLI tests: bgzip, wgsim, the reference embedder, npy
#   python3-matplotlib                 scripts/plot-bench.py (bench JSON to PNG), and its test
#   mash minimap2 libopenblas0-pthread scripts/bench-peers.sh (the tools ruvec is measured
#                                      against), and its test; OpenBLAS so that its NumPy brute
#                                      force is the fast one users have, not the reference BLAS
#   emscripten nodejs                  the WebAssembly build of the core and its tests under node
#   chromium                           the page's test in a real browser (headless)
#   snakemake python3-yaml             tools/snakemake run on test-data; the Nextflow modules'
#                                      meta.yml read by test/workflows/check-nextflow.py
#   clang-14 libclang-rt-14-dev        make fuzz: libFuzzer and the sanitizers' runtimes
#   libomp-14-dev                      make tsan=1 test: LLVM's OpenMP with its TSan tool (Archer)
#   python3-xxhash                     test/bad-input: re-signs the crafted index headers
# From the npm registry (the only other registry reachable), pinned:
#   zstd-napi 0.0.13 (by SHA-256)      zstd's C sources, compiled with emcc for the WebAssembly
#                                      core (Debian ships no zstd sources as a binary package)
#   playwright-core (test/web/package-lock.json, npm ci)   drives Debian's chromium in the
#                                      browser test; it downloads no browser of its own
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libhts-dev libcli11-dev libxsimd-dev libhnswlib-dev
          libzstd-dev libxxhash-dev doctest-dev tabix samtools python3 python3-numpy
          python3-matplotlib mash minimap2 libopenblas0-pthread
          emscripten nodejs chromium snakemake python3-yaml clang-14 libclang-rt-14-dev
          libomp-14-dev python3-xxhash)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A node from elsewhere (npm's own) also serves; only install Debian's when there is none.
if command -v node >/dev/null; then
    missing=("${missing[@]/nodejs/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "install-deps: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

zstd_dir=.deps/zstd-napi-0.0.13
zstd_sha256=5b76defc67c808989c5f3920e14f662d6318b84b8d53ac3e94b99463d8d65e76
if [ ! -f "$zstd_dir/deps/zstd/lib/zstd.h" ]; then
    echo "install-deps: fetching zstd sources (npm package zstd-napi 0.0.13)" >&2
    mkdir -p .deps
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --silent zstd-napi@0.0.13 >/dev/null)
    echo "$zstd_sha256  $work/zstd-napi-0.0.13.tgz" | sha256sum -c --quiet
    mkdir -p "$zstd_dir"
    tar xzf "$work/zstd-napi-0.0.13.tgz" -C "$zstd_dir" --strip-components=1
fi

if [ ! -d test/web/node_modules/playwright-core ]; then
    echo "install-deps: installing playwright-core (npm ci in test/web)" >&2
    (cd test/web && npm ci --silent --no-audit --no-fund >/dev/null)
fi
