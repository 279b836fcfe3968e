# srtgw: the two commands a new machine needs are `make run` and `make test`.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CTEST_J ?= 2
RUN_ARGS ?= serve
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10

.PHONY: all deps configure build test test-unit run bench clean asan fuzz fuzz-build fuzz-smoke

all: build

deps:
	bash scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# Every test: unit, integration with real peers (ffmpeg, srt-live-transmit, GStreamer),
# then each fuzz target briefly.
test: build
	cd $(BUILD) && ctest --output-on-failure -j$(CTEST_J) --timeout 600
	$(MAKE) fuzz-smoke

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

run: build
	./$(BUILD)/srtgw $(RUN_ARGS)

asan: deps
	cmake --preset asan && cmake --build build-asan -j$(JOBS) && cd build-asan && ctest --output-on-failure -j$(CTEST_J)

bench: build
	bash bench/run-all.sh

# libFuzzer targets (docs/FUZZING.md), built with clang in $(FUZZ_BUILD). `make fuzz` runs each
# for FUZZ_SECONDS; crashes land in $(FUZZ_BUILD)/crashes/ and fail the run.
fuzz-build: deps
	cmake -S . -B $(FUZZ_BUILD) -DSRTGW_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(FUZZ_BUILD) --target srtgw_fuzzers -j$(JOBS)

fuzz: fuzz-build
	bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS)

clean:
	rm -rf $(BUILD) build-debug build-asan $(FUZZ_BUILD)
