#!/bin/sh
# One cross test: compile CASE.mlir for PRESET with `autoconfig compile`
# (object + C header), check that the object's code uses the preset's vector
# ISA (disassembled with llvm-objdump),
# link the object with CASE_driver.c, run it (natively for x86, under
# qemu-user otherwise) and let the driver check the results against its
# double-precision reference.
#
#   run-cross.sh AUTOCONFIG SRCDIR WORKDIR PRESET CASE NATIVE_CC OBJDUMP
#
# Exits 77 (ctest's SKIP_RETURN_CODE) when a cross compiler, qemu or, for a
# native preset, a CPU feature is missing.
set -eu
autoconfig=$1 src=$2 work=$3 preset=$4 case=$5 native_cc=$6 objdump=$7

skip() {
  echo "SKIP: $*"
  exit 77
}
need() {
  command -v "$1" >/dev/null 2>&1 ||
    skip "$1 is not installed (make deps installs it)"
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Per preset: the C compiler; the runs, one per line as "STATUS COMMAND"
# (the driver's expected exit status, then the emulator command or
# "native"); the vector instructions the code must (must) and must not
# (mustnot) contain, as extended regular expressions. Scalable presets run
# at their vector length and at twice it (the code is built for "at least
# vectorBits", docs/platforms.md), and at half of it, where the header's
# vector-length check must refuse to call the code (status 3).
rvv_cpu="qemu-riscv64 -cpu rv64,v=true,vext_spec=v1.0"
case $preset in
x86-sse4.2)
  cc=$native_cc flags="sse4_2" runs="0 native"
  must='mulps[[:space:]].*%xmm' mustnot='%ymm|%zmm|vfmadd'
  ;;
x86-avx2)
  cc=$native_cc flags="avx2 fma" runs="0 native"
  must='vfmadd[0-9a-z]*ps[[:space:]].*%ymm' mustnot='%zmm'
  ;;
x86-avx512)
  cc=$native_cc flags="avx512f avx512bw avx512dq avx512vl" runs="0 native"
  must='vfmadd[0-9a-z]*ps[[:space:]].*%zmm' mustnot=''
  ;;
aarch64-neon)
  cc=aarch64-linux-gnu-gcc flags=""
  runs="0 qemu-aarch64 -cpu neoverse-n1"
  must='fmla[[:space:]]+v[0-9]+\.4s' mustnot='z[0-9]+\.s'
  ;;
aarch64-sve256)
  cc=aarch64-linux-gnu-gcc flags=""
  runs="0 qemu-aarch64 -cpu max,sve256=on
0 qemu-aarch64 -cpu max,sve512=on
3 qemu-aarch64 -cpu max,sve128=on"
  must='fml[as][[:space:]]+z[0-9]+\.s, p[0-7]/m|fmad[[:space:]]+z[0-9]+\.s'
  mustnot=''
  ;;
riscv64-rvv)
  cc=riscv64-linux-gnu-gcc flags=""
  runs="0 $rvv_cpu,vlen=256
0 $rvv_cpu,vlen=512
3 $rvv_cpu,vlen=128"
  must='vf(macc|madd)\.v[fv][[:space:]]+v[0-9]+'
  mustnot=''
  ;;
*) echo "unknown preset '$preset'" >&2; exit 2 ;;
esac

if [ -n "$flags" ]; then
  [ "$(uname -m)" = x86_64 ] || skip "$preset runs natively only on x86-64"
  for f in $flags; do
    grep -qw "$f" /proc/cpuinfo || skip "this CPU lacks $f, which $preset needs"
  done
  link="-O1"
else
  need "$cc"
  need "$(echo "$runs" | head -n 1 | cut -d' ' -f2)"
  # Static: qemu-user then needs no target sysroot at run time.
  link="-O1 -static"
fi

dir=$work/$preset
mkdir -p "$dir"
cd "$dir"
rm -f "$case.o" "$case.h" "$case.s" "$case.exe"
# --nominal: the preset's own figures, whether it runs here or not (no
# calibration of this machine).
"$autoconfig" compile "$src/$case.mlir" --target "$preset" --nominal \
  --emit=obj -o "$case.o" --header "$case.h"
"$objdump" -d --no-show-raw-insn "$case.o" >"$case.s"
grep -Eq "$must" "$case.s" ||
  fail "$case.s has no instruction matching /$must/"
if [ -n "$mustnot" ] && grep -Eq "$mustnot" "$case.s"; then
  fail "$case.s uses /$mustnot/: $(grep -Em1 "$mustnot" "$case.s")"
fi
if [ "$preset" = riscv64-rvv ]; then
  # Fixed 256-bit vectors of f32 fit one register at VLEN >= 256: LMUL 1.
  grep -Eq 'vsetivli[[:space:]]+zero, (0x)?8, e32, m1' "$case.s" ||
    fail "$case.s sets no 8 x e32, LMUL 1 vector length"
fi
echo "code ok: /$must/"

# shellcheck disable=SC2086 # $link holds several flags
"$cc" $link -std=c11 -Wall -Werror -I. -I"$src" -o "$case.exe" \
  "$src/${case}_driver.c" "$case.o" -lm

status=0
echo "$runs" | {
  while read -r expected run; do
    echo "== $preset $case: $run (expect exit $expected)"
    got=0
    if [ "$run" = native ]; then
      ./"$case.exe" || got=$?
    else
      # shellcheck disable=SC2086
      $run ./"$case.exe" || got=$?
    fi
    if [ "$got" -ne "$expected" ]; then
      echo "FAIL: exit status $got, expected $expected" >&2
      status=1
    fi
  done
  exit $status
}
