# AutoConfig: `make run` and `make test` set up everything on a fresh Debian 12
# machine (missing Debian packages are installed with apt-get), build, then
# run the main job / the whole test suite.

BUILD ?= build
BUILD_TYPE ?= Release
CMAKE_FLAGS ?=
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

PACKAGES := cmake ninja-build \
  llvm-22-dev libmlir-22-dev mlir-22-tools clang-22 llvm-22-tools \
  clang-format-22 libomp-22-dev libclang-rt-22-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  libdnnl-dev libopenblas-dev libblis-dev libeigen3-dev libxnnpack-dev \
  libpthreadpool-dev libxsmm-dev libopencv-imgproc-dev \
  libonnx-dev libonnx-testdata libprotobuf-dev \
  qemu-user gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu \
  libc6-dev-arm64-cross libc6-dev-riscv64-cross

.PHONY: all deps configure build run test clean format asan-configure \
  test-asan fuzz evaluate

all: build

# Idempotent: installs only what dpkg does not report as installed.
deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

configure: deps
	@[ -f $(BUILD)/build.ninja ] || cmake -G Ninja -S . -B $(BUILD) \
	  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD)

# The main job: benchmark the built-in default workloads against the peers
# (on a machine not seen before, `bench` first calibrates it, once: cached).
run: build
	$(BUILD)/bin/autoconfig bench

# The whole suite, then the end-to-end numerical tests under ASan + UBSan and
# a bounded run of each fuzz target (see docs/robustness.md).
test: build asan-configure
	ctest --test-dir $(BUILD) --output-on-failure
	cmake --build $(ASAN_BUILD) --target autoconfig-e2e-tests autoconfig-fuzzers
	$(ASAN_ENV) $(ASAN_BUILD)/bin/autoconfig-e2e-tests
	ctest --test-dir $(ASAN_BUILD) -L fuzz --output-on-failure

# A second configuration with AddressSanitizer and UBSan, and the libFuzzer
# targets (built when the compiler links -fsanitize=fuzzer).
ASAN_BUILD ?= build-asan
# Sanitizer reports abort, so that a crash is never mistaken for an ordinary
# failure (lit's `not` accepts exit status 1). Leaks are not checked: LLVM's
# and MLIR's process-lifetime allocations would drown real reports.
ASAN_ENV := ASAN_OPTIONS=abort_on_error=1:detect_leaks=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1
FUZZ_SECONDS ?= 600

asan-configure: deps
	@[ -f $(ASAN_BUILD)/build.ninja ] || cmake -G Ninja -S . -B $(ASAN_BUILD) \
	  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-gline-tables-only \
	  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
	  -DAUTOCONFIG_SANITIZE=ON -DAUTOCONFIG_FUZZ=ON

# Unit, end-to-end and lit tests under the sanitizers. The peers load
# libraries with RTLD_DEEPBIND, which ASan refuses: their tests are left out.
# So are the whole networks: under ASan, JIT-compiled programs whose
# constant globals are large fault when they read them (see
# docs/robustness.md); their kernels run in the end-to-end tests here.
test-asan: asan-configure
	cmake --build $(ASAN_BUILD)
	$(ASAN_ENV) ctest --test-dir $(ASAN_BUILD) --output-on-failure \
	  -LE 'fuzz|guard|benchmark|cross|network' -E '^(Peers|ConvPeers)\.'

# Each fuzz target for FUZZ_SECONDS; new inputs and crashes go to
# $(ASAN_BUILD)/fuzz/, the seed corpus in fuzz/corpus/ is only read.
define run-fuzzer
	mkdir -p $(ASAN_BUILD)/fuzz/corpus/$(1) $(ASAN_BUILD)/fuzz/artifacts
	$(ASAN_BUILD)/bin/autoconfig-fuzz-$(1) -max_total_time=$(FUZZ_SECONDS) \
	  -max_len=$(2) -timeout=10 -rss_limit_mb=3072 -print_final_stats=1 \
	  -dict=fuzz/dict/$(1).dict \
	  -artifact_prefix=$(ASAN_BUILD)/fuzz/artifacts/$(1)- \
	  $(ASAN_BUILD)/fuzz/corpus/$(1) fuzz/corpus/$(1)
endef
fuzz: asan-configure
	cmake --build $(ASAN_BUILD) --target autoconfig-fuzzers
	$(call run-fuzzer,config,512)
	$(call run-fuzzer,target,4096)
	$(call run-fuzzer,extract,4096)
	$(call run-fuzzer,onnx,16384)

# The README's results section, end to end (about an hour; not in `make
# test`): results/ and the README tables (scripts/evaluate.sh).
# Chromium renders the HTML report to the PNG the README shows.
EVALUATE_PACKAGES := chromium bc
evaluate: build
	@missing=""; for p in $(EVALUATE_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	scripts/evaluate.sh -b $(BUILD)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format-22 -i

clean:
	rm -rf $(BUILD)
