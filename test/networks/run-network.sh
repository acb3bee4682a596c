#!/bin/sh
# Whole-network test: build an example network, compile it ahead of time to
# an object and C header, link examples/infer.c with it, run one inference
# from C on the input `autoconfig run --compare --save-io` used, and compare
# with MLIR's default lowering of the same module (which `run` checks too).
#
# run-network.sh AUTOCONFIG SOURCE_DIR WORK_DIR CC NETWORK THREADS [OPTIONS...]
set -eu
autoconfig=$1 source=$2 work=$3 cc=$4 network=$5 threads=$6
shift 6
dir=$work/$network-t$threads
rm -rf "$dir" && mkdir -p "$dir"
cd "$dir"
"$autoconfig" example "$network" -o model.mlir "$@"
"$autoconfig" compile model.mlir --threads "$threads" --emit=obj -o model.o \
  --header model.h
libs=-lm
if grep -q -- "-lomp" model.h; then
  libdir=$(dirname "$(find /usr/lib/llvm-22/lib -name 'libomp.so*' | head -n1)")
  libs="$libs -L$libdir -Wl,-rpath,$libdir -lomp"
fi
"$cc" -O2 -Wall -Wextra -Werror -I. "$source/examples/infer.c" model.o $libs \
  -o infer
# The JIT and the default lowering agree (run exits 1 otherwise) ...
"$autoconfig" run model.mlir --threads "$threads" --compare --save-io io
# ... and the C program linked with the object agrees with the default
# lowering on the same input.
./infer io/arg0.f32 io/reference0.f32
