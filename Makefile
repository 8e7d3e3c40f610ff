# The README's two commands: `make demo` and `make test`. Both install what is missing (Debian 12, as root),
# configure and build first.
BUILD_DIR ?= build
SANITIZE_BUILD_DIR ?= build-sanitize
TSAN_BUILD_DIR ?= build-tsan
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 20
CMAKE_FLAGS ?=

.PHONY: all deps build test lint test-sanitize test-tsan fuzz bench demo format clean

all: build

deps:
	@scripts/stage.sh install scripts/install-deps.sh

build: deps
	@scripts/stage.sh configure cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null
	@scripts/stage.sh build cmake --build $(BUILD_DIR)

test: build
	@scripts/run-tests.sh $(BUILD_DIR)

# The checks that need no build (make test runs them too, as its "lint" stage): formatting, the layering rules,
# and the links of README.md and docs/.
lint: deps
	@scripts/stage.sh lint:format scripts/check-format.sh
	@scripts/stage.sh lint:layers $$(scripts/find-python.sh) scripts/check-layers.py
	@scripts/stage.sh lint:links $$(scripts/find-python.sh) scripts/check-links.py

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (CI runs it too).
test-sanitize: deps
	@scripts/stage.sh configure-sanitize cmake -S . -B $(SANITIZE_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DREFUNDSYNC_SANITIZE=ON >/dev/null
	@scripts/stage.sh build-sanitize cmake --build $(SANITIZE_BUILD_DIR)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 scripts/run-tests.sh $(SANITIZE_BUILD_DIR)

# The unit and integration suites under ThreadSanitizer (CI runs it too); tests/tsan.supp names each report of
# Debian's uninstrumented libraries with the reason it is not ours.
test-tsan: deps
	@scripts/stage.sh configure-tsan cmake -S . -B $(TSAN_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DREFUNDSYNC_TSAN=ON >/dev/null
	@scripts/stage.sh build-tsan cmake --build $(TSAN_BUILD_DIR)
	@scripts/run-tsan.sh $(TSAN_BUILD_DIR)

# libFuzzer on the three verifiers, the three payload parsers, amounts and the HTTP request reader (clang), FUZZ_SECONDS
# each, seeds in tests/data/fuzz.
fuzz:
	@scripts/stage.sh install scripts/install-deps.sh clang-14 libfuzzer-14-dev
	@scripts/stage.sh configure-fuzz cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DREFUNDSYNC_FUZZ=ON >/dev/null
	@scripts/stage.sh build-fuzz cmake --build $(FUZZ_BUILD_DIR)
	@scripts/stage.sh fuzz scripts/fuzz.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

demo: build
	@scripts/demo.sh $(BUILD_DIR)/refundsync

# Both benchmarks in one sitting (results and the plot in bench/results/): the ingress against nginx and a Node.js
# peer over BENCH_CONNECTIONS, then the workers draining BENCH_WORKER_SIZES queued refunds against the sandbox, then
# the workers at a production-like NetSuite latency (250 ms +- 100 ms, limits 5 and 15).
BENCH_SECONDS ?= 8
BENCH_CONNECTIONS ?= 8 32 64 128
BENCH_WORKER_SIZES ?= 500 1000 2000
bench: build
	@scripts/stage.sh install-bench scripts/install-deps.sh wrk nginx-light gnuplot-nox time
	@scripts/stage.sh bench-ingress bench/ingress.sh $(BUILD_DIR)/refundsync $(BENCH_SECONDS) $(BENCH_CONNECTIONS)
	@scripts/stage.sh bench-worker $$(scripts/find-python.sh) bench/worker.py $(BUILD_DIR)/refundsync \
	  bench/results/worker-$$(date -u +%Y%m%d-%H%M%S).json $(BENCH_WORKER_SIZES)
	@scripts/stage.sh bench-worker-realistic $$(scripts/find-python.sh) bench/worker.py --realistic $(BUILD_DIR)/refundsync \
	  bench/results/worker-realistic-$$(date -u +%Y%m%d-%H%M%S).json

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_BUILD_DIR) $(TSAN_BUILD_DIR) $(FUZZ_BUILD_DIR)
