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
  qemu-user gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu \
  libc6-dev-arm64-cross libc6-dev-riscv64-cross

.PHONY: all deps configure build run test clean format

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

# The main job: benchmark the built-in default workloads against the peers.
run: build
	$(BUILD)/bin/autoconfig bench

test: build
	ctest --test-dir $(BUILD) --output-on-failure

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format-22 -i

clean:
	rm -rf $(BUILD)
