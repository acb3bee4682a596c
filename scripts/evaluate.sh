#!/usr/bin/env bash
# Reproduces the README's results section end to end (`make evaluate`):
# calibration, the GEMM and conv suites against every library at its
# strongest and out of the box (`--peers best,defaults`; 1 and 2 threads,
# both conv layouts, every algorithm timed for the selection table), the
# SIMD-platform runs, the search tuner against the model, whole
# networks, the ONNX backend tests, the static Arm/RISC-V analysis, then the HTML report, the
# Markdown tables, and the README section between the results markers.
#
#   scripts/evaluate.sh [-b BUILD] [-o OUT] [-t TRIALS] [-q] [-r]
#
#   -b  build directory holding bin/ (default: build)
#   -o  output directory (default: results)
#   -t  tuner trials per workload (default: 50)
#   -q  quick: the tuner and the platform runs on a few workloads only
#   -r  report only: rebuild the report, tables and README from OUT
#
# Takes about 40 minutes on 2 cores (the tuner is a third of it). The machine
# should be otherwise idle: every figure is a ratio of medians measured in
# the same process, but a busy neighbour still widens the spread.
set -euo pipefail
trap 'echo "evaluate: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build out=$root/results trials=50 quick=0 report_only=0
while getopts "b:o:t:qr" opt; do
  case $opt in
  b) build=$(cd "$OPTARG" && pwd) ;;
  o) out=$OPTARG ;;
  t) trials=$OPTARG ;;
  q) quick=1 ;;
  r) report_only=1 ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
  esac
done
# The suites the README reports on, carried by the repository.
suites=$root/workloads
gemm=$suites/gemm.csv conv=$suites/conv.csv
ac=$build/bin/autoconfig
mkdir -p "$out"
log() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }

if [ $report_only = 0 ]; then
log "calibration (forced, timed) and its check against a hand-written FMA loop"
"$ac" calibrate --force
"$build/bin/autoconfig-calibration-check" > "$out/calibration.txt" || true
"$ac" target > "$out/target.txt"

log "the broadcast generator alone on 512^3 (the foundation's yardstick)"
"$ac" bench --gemm 512,512,512 --config broadcast --peers openblas,onednn \
  --json > "$out/broadcast-512.jsonl"

# The README's tables are against the strongest configuration of each
# library (`best`: kernels forced to the CPU's ISA, oneDNN's weights
# pre-packed); the defaults, and oneDNN's matmul primitive on plain
# operands, are measured in the same run for the geomeans beside them.
log "GEMM suite, 1 thread, every library at its strongest and by default, every algorithm"
"$ac" bench --suite "$gemm" --peers best,defaults,onednn-matmul --algorithms \
  --json > "$out/gemm-1t.jsonl"
# Against oneDNN only: OpenBLAS, BLIS and XNNPACK keep their own thread pools
# spinning between calls, which on 2 cores takes the core the next
# implementation timed needs (OpenMP runtimes are set to passive waiting by
# bench itself).
log "GEMM suite, 2 threads"
"$ac" bench --suite "$gemm" --threads 2 --peers onednn-prepacked,onednn \
  --json > "$out/gemm-2t.jsonl"

# For convolution `defaults` would add nothing but a second copy of oneDNN's
# primitive at its best (`onednn` runs convolutions as onednn-prepacked
# does); the primitive fed from the plain buffers and the im2col baseline
# are the other configurations measured.
for layout in nchw nhwc; do
  log "conv suite ($layout), 1 thread, every library at its strongest, every algorithm"
  "$ac" bench --suite "$conv" --layout $layout \
    --peers best,onednn_plain,im2col_openblas --algorithms --json \
    > "$out/conv-$layout.jsonl"
done

log "SIMD platforms on this machine (GEMM suite, OpenBLAS and oneDNN as the yardsticks)"
platform_args=(--suite "$gemm")
[ $quick = 1 ] && platform_args=(--gemm 1024,1024,1024 --gemm 512,512,512)
for preset in x86-sse4.2 x86-avx2 x86-avx512; do
  # The preset's costs measured here, for its vector widths.
  "$ac" calibrate --target $preset > /dev/null
  "$ac" bench "${platform_args[@]}" --target $preset \
    --peers openblas-best,onednn-prepacked,openblas,onednn --json \
    > "$out/platform-$preset.jsonl"
done

log "search tuner ($trials trials per workload) against the model"
tune_gemm=(--suite "$gemm") tune_conv=(--suite "$conv")
if [ $quick = 1 ]; then
  tune_gemm=(--gemm 1024,1024,1024 --gemm 127,255,511)
  tune_conv=(--conv 1,64,56,56,64,3,3,1,1,1,1)
fi
"$ac" tune "${tune_gemm[@]}" --trials "$trials" --json \
  --log "$out/tune-gemm-trials.jsonl" > "$out/tune-gemm.jsonl"
"$ac" tune "${tune_conv[@]}" --layout nhwc --trials "$trials" --json \
  --log "$out/tune-conv-trials.jsonl" > "$out/tune-conv.jsonl"

log "whole networks: AutoConfig, MLIR's default lowering, oneDNN layer by layer"
: > "$out/networks.jsonl"
for threads in 1 2; do
  "$build/bin/autoconfig-netbench" --network resnet18 --threads $threads \
    --json >> "$out/networks.jsonl"
  "$build/bin/autoconfig-netbench" --network transformer --threads $threads \
    --json >> "$out/networks.jsonl"
done

log "ONNX backend tests (libonnx-testdata), every case through AutoConfig"
# Exits 2 when a case fails; the table shows which.
# One directory each (node, pytorch-converted, pytorch-operator, real,
# simple), so that the cases are named node/test_..., simple/test_...
"$ac" onnx-test /usr/share/libonnx-testdata/data/*/ --json \
  > "$out/onnx-test.jsonl" || echo "evaluate: onnx-test reported failures" >&2

log "Arm and RISC-V presets: decisions and llvm-mca"
"$root/scripts/mca-report.sh" -b "$build" -o "$out/mca.md" > "$out/mca.txt"

fi

log "report"
"$ac" report --title "AutoConfig evaluation ($(date +%Y-%m-%d))" \
  --bench "gemm 1T=$out/gemm-1t.jsonl" --bench "gemm 2T=$out/gemm-2t.jsonl" \
  --bench "conv NCHW=$out/conv-nchw.jsonl" --bench "conv NHWC=$out/conv-nhwc.jsonl" \
  --bench "sse4.2=$out/platform-x86-sse4.2.jsonl" \
  --bench "avx2=$out/platform-x86-avx2.jsonl" \
  --bench "avx512=$out/platform-x86-avx512.jsonl" \
  --tune "gemm=$out/tune-gemm.jsonl" --tune "conv=$out/tune-conv.jsonl" \
  --trials "$out/tune-gemm-trials.jsonl" --trials "$out/tune-conv-trials.jsonl" \
  -o "$out/report.html" --markdown "$out/tables.md"
python3 "$root/scripts/networks-table.py" "$out/networks.jsonl" >> "$out/tables.md"
if [ -f "$out/onnx-test.jsonl" ]; then
  python3 "$root/scripts/onnx-table.py" "$out/onnx-test.jsonl" >> "$out/tables.md"
fi
python3 "$root/scripts/acceptance.py" "$out" > "$out/acceptance.md"
cat "$out/acceptance.md" "$out/tables.md" > "$out/readme-section.md"

# A look at the page as a browser renders it (and the figure the README shows).
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$browser" ]; then
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1400,14000 --screenshot="$out/report.png" \
    "file://$(cd "$out" && pwd)/report.html" 2>/dev/null || true
fi

# The figures on their own, for the README: every inline SVG of the page,
# named after the heading above it.
python3 - "$out/report.html" "$out/figures" <<'PY'
import os, re, sys
html, outdir = open(sys.argv[1]).read(), sys.argv[2]
os.makedirs(outdir, exist_ok=True)
heading = "figure"
for part in re.split(r"(<h[23]>.*?</h[23]>|<svg.*?</svg>)", html, flags=re.S):
    if part.startswith("<h"):
        heading = re.sub(r"<.*?>", "", part)
    elif part.startswith("<svg"):
        name = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
        open(os.path.join(outdir, name + ".svg"), "w").write(part)
PY

# The README's results section is the tables, between the markers.
python3 - "$root/README.md" "$out/readme-section.md" <<'PY'
import sys
readme, tables = sys.argv[1], open(sys.argv[2]).read().strip()
text = open(readme).read()
begin, end = "<!-- results:begin -->", "<!-- results:end -->"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(readme, "w").write(head + begin + "\n" + tables + "\n" + end + tail)
PY
log "done: $out/report.html, $out/tables.md, README.md"
