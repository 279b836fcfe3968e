# srtgw: the two commands a new machine needs are `make run` and `make test`.
BUILD   ?= build
JOBS    ?= $(shell nproc)
CTEST_J ?= 2
RUN_ARGS ?= serve

.PHONY: all deps configure build test test-unit run bench clean asan

all: build

deps:
	bash scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# Every test: unit, integration with real peers (ffmpeg, srt-live-transmit, GStreamer).
test: build
	cd $(BUILD) && ctest --output-on-failure -j$(CTEST_J) --timeout 600

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

run: build
	./$(BUILD)/srtgw $(RUN_ARGS)

asan: deps
	cmake --preset asan && cmake --build build-asan -j$(JOBS) && cd build-asan && ctest --output-on-failure -j$(CTEST_J)

bench: build
	bash bench/run-all.sh

clean:
	rm -rf $(BUILD) build-debug build-asan
