# ruvec: a thin wrapper over CMake.
#   make                  release build, binary at build/ruvec
#   make check            every test: make test, make asan=1 test, make tsan=1 test, make fuzz
#                         (FUZZ_SECONDS=30 each); what CI runs
#   make test             unit + CLI (native), then web-test when emscripten is there
#   make asan=1 test      the native tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make tsan=1 test      the tests that use threads under ThreadSanitizer (clang, libomp)
#   make fuzz             each libFuzzer target of test/fuzz for FUZZ_SECONDS (default 60)
#   make demo             the main job on the bundled test-data
#   make wasm             the WebAssembly modules (with and without SIMD) into web/dist
#   make web-test         the core's unit tests under node, the modules against the native CLI
#                         (node), and the page in headless Chromium when chromium is installed
#   make serve            the page at http://127.0.0.1:8000/ (after make wasm)
#   make install PREFIX=/usr/local
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)

# The sanitizer and libFuzzer builds use clang (see CMakeLists.txt and README "Sanitizers" for
# why).
CLANG = CC=clang-14 CXX=clang++-14

ifeq ($(asan),1)
BUILD ?= build-asan
CMAKE_ENV = $(CLANG)
CMAKE_FLAGS += -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUVEC_SANITIZE=ON
export ASAN_OPTIONS ?= halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1
else ifeq ($(tsan),1)
BUILD ?= build-tsan
CMAKE_ENV = $(CLANG)
CMAKE_FLAGS += -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUVEC_TSAN=ON
export TSAN_OPTIONS ?= halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1
# Archer tells TSan how libomp's threads synchronise; libomp itself is not instrumented (its
# internals are left out of the reports, as Archer asks).
export OMP_TOOL_LIBRARIES ?= /usr/lib/llvm-14/lib/libarcher.so
else
BUILD ?= build
CMAKE_FLAGS += -DCMAKE_BUILD_TYPE=Release
endif

WASM_BUILD ?= build-wasm
ZSTD_SOURCE ?= $(CURDIR)/.deps/zstd-napi-0.0.13/deps/zstd
# emcc must not see /usr/include: the header-only libraries are staged here as symlinks.
WASM_INCLUDE = $(CURDIR)/$(WASM_BUILD)/include

WEB_DIST = web/dist
CHROMIUM ?= /usr/bin/chromium

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all build test check fuzz wasm web-test serve demo install clean

all: build

$(BUILD)/CMakeCache.txt:
	$(CMAKE_ENV) cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# The web tests join `make test` whenever emscripten is installed (not under the sanitizers).
test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
ifeq ($(asan)$(tsan),)
	@if command -v emcc >/dev/null; then $(MAKE) --no-print-directory web-test; \
	else echo "make test: emcc not found, the WebAssembly build is not tested (scripts/install-deps.sh installs it)"; fi
endif

# Each part's wall time is printed as it ends ("check: PART took N s"), for CI's budget.
check:
	@$(call timed,test (release and web),$(MAKE) --no-print-directory test)
	@$(call timed,asan,$(MAKE) --no-print-directory asan=1 test)
	@$(call timed,tsan,$(MAKE) --no-print-directory tsan=1 test)
	@$(call timed,fuzz,$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30)

# $(call timed,NAME,COMMAND): runs COMMAND, then prints how long it took; fails as it fails.
timed = start=$$(date +%s); $(2) && echo "check: $(1) took $$(( $$(date +%s) - start )) s"

# libFuzzer targets (clang); the seeds are made from test-data/ by the release build's ruvec.
fuzz: build
	test -f $(FUZZ_BUILD)/CMakeCache.txt || $(CLANG) cmake -S . -B $(FUZZ_BUILD) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUVEC_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	bash test/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(BUILD)/ruvec

# Both modules and the core's unit tests come from one emcc build tree: the core is compiled
# once and linked four times (SIMD or not, browser or node). web/dist is replaced whole.
wasm:
	@test -f $(ZSTD_SOURCE)/lib/zstd.h || { echo "wasm: zstd sources missing: run scripts/install-deps.sh" >&2; exit 1; }
	mkdir -p $(WASM_INCLUDE)
	ln -sfn /usr/include/xsimd $(WASM_INCLUDE)/xsimd
	ln -sfn /usr/include/doctest $(WASM_INCLUDE)/doctest
	ln -sfn /usr/include/xxhash.h $(WASM_INCLUDE)/xxhash.h
	ln -sfn /usr/include/hnswlib $(WASM_INCLUDE)/hnswlib
	test -f $(WASM_BUILD)/CMakeCache.txt || NODE_PATH=/usr/share/nodejs emcmake cmake -S . -B $(WASM_BUILD) \
	  -DCMAKE_BUILD_TYPE=Release -DRUVEC_CLI=OFF \
	  -DRUVEC_WASM_INCLUDE=$(WASM_INCLUDE) -DRUVEC_ZSTD_SOURCE_DIR=$(ZSTD_SOURCE) \
	  -DCMAKE_CROSSCOMPILING_EMULATOR="/usr/bin/node;--no-experimental-fetch"
	NODE_PATH=/usr/share/nodejs cmake --build $(WASM_BUILD) -j$(JOBS)
	rm -rf $(WEB_DIST).tmp && cp -r $(WASM_BUILD)/dist $(WEB_DIST).tmp
	rm -rf $(WEB_DIST) && mv $(WEB_DIST).tmp $(WEB_DIST)

web-test: build wasm
	cd $(WASM_BUILD) && ctest --output-on-failure -R '^unit$$'
	RUVEC=$(CURDIR)/$(BUILD)/ruvec node --test $(filter-out %browser.test.mjs,$(wildcard test/web/*.test.mjs))
	@if [ -x $(CHROMIUM) ] && [ -d test/web/node_modules/playwright-core ]; then \
	  RUVEC=$(CURDIR)/$(BUILD)/ruvec CHROMIUM=$(CHROMIUM) node --test test/web/browser.test.mjs; \
	else echo "web-test: chromium or playwright-core missing, browser test not run (scripts/install-deps.sh installs them)"; fi

serve:
	cd web && python3 -m http.server --bind 127.0.0.1 8000

demo: build
	@bash scripts/demo.sh $(BUILD)/ruvec

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf build build-asan build-tsan $(FUZZ_BUILD) $(WASM_BUILD) $(WEB_DIST)
