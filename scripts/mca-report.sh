#!/usr/bin/env bash
# Static evaluation of the Arm and RISC-V presets, which do not run here.
#
# For every workload of the public suites, and every preset, this prints
# `autoconfig explain`'s decision, compiles the kernel with `autoconfig
# compile --emit=asm`, extracts the micro-kernel's inner loop (of the
# innermost loops, the one with the most FMAs x FMA density) and runs
# llvm-mca with the preset's CPU model on it. The table puts llvm-mca's
# steady-state cycles per vector FMA next to the model's: the compute term of
# the prediction divided by the vector FMAs it counts, and the whole
# prediction likewise.
#
#   scripts/mca-report.sh [-b BUILD] [-p "PRESET ..."] [-s SUITE.csv]...
#                         [-l nchw|nhwc] [-w REGEX] [-o TABLE.md] [-k DIR]
#
#   -b  build directory holding bin/autoconfig (default: build)
#   -p  presets (default: "aarch64-neon aarch64-sve256 riscv64-rvv")
#   -s  suite CSV, repeatable (default: the repository's
#       workloads/{gemm,conv}.csv)
#   -l  layout of the convolutions (default: nchw, as `bench`)
#   -w  only workloads whose name matches REGEX (grep -E)
#   -o  also write the Markdown table to TABLE.md
#   -k  keep the kernels, assembly, loops and llvm-mca reports in DIR
#
# llvm-mca needs a scheduling model: a preset whose CPU has none
# (generic-rv64) is analysed with a stand-in named in the table
# (spacemit-x60: an in-order RVV 1.0 core with VLEN = 256, as the preset).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
presets="aarch64-neon aarch64-sve256 riscv64-rvv"
suites=()
layout=nchw
filter=
table_out=
keep=
while getopts "b:p:s:l:w:o:k:h" opt; do
  case $opt in
  b) build=$OPTARG ;;
  p) presets=$OPTARG ;;
  s) suites+=("$OPTARG") ;;
  l) layout=$OPTARG ;;
  w) filter=$OPTARG ;;
  o) table_out=$OPTARG ;;
  k) keep=$OPTARG ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
if [ ${#suites[@]} -eq 0 ]; then
  suites=("$root/workloads/gemm.csv" "$root/workloads/conv.csv")
fi
[ ${#suites[@]} -gt 0 ] || { echo "no suite found; give -s SUITE.csv" >&2; exit 2; }

autoconfig=$build/bin/autoconfig
mca=$(command -v llvm-mca-22 || command -v llvm-mca || true)
[ -x "$autoconfig" ] || { echo "$autoconfig not built" >&2; exit 2; }
[ -n "$mca" ] || { echo "llvm-mca-22 not installed (llvm-22-tools)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 2; }

if [ -n "$keep" ]; then
  work=$keep
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# The analysis of one (preset, workload): decision from explain's JSON, loop
# from the assembly, llvm-mca's estimate. Prints one Markdown row and appends
# the decision to the log (argument 8).
analyze=$work/analyze.py
cat >"$analyze" <<'PYTHON'
import json, re, subprocess, sys

explain_json, target_json, asm_path, loop_path, mca, name, preset = sys.argv[1:8]
# sys.argv[8]: the decisions log, printed before the table.
decision = json.load(open(explain_json))
target = json.load(open(target_json))
if "target" in target:
    target = target["target"]
op = decision["ops"][0]
freq = target["frequency_ghz"] * 1e9
lanes = target["vector_bits"] // 32
flops = op["workload"].get("flops")
chosen = next(c for c in op["candidates"]
              if c["algorithm"] == op["algorithm"] and c.get("applicable"))
terms = chosen["prediction"]["terms"]

# The model's vector FMA count and compute time: the term that counts them,
# else the nominal count (flops / 2 / lanes) against the whole prediction.
fmas, compute_s = None, None
for term in terms:
    m = re.search(r"([0-9.]+e[+-]?[0-9]+|[0-9]+) vector FMAs", term["detail"])
    if m:
        fmas, compute_s = float(m.group(1)), term["seconds"]
        break
if fmas is None:
    fmas = flops / 2 / lanes if flops else float("nan")
    compute_s = op["predicted_s"]
model_fma = compute_s * freq / fmas
model_total = op["predicted_s"] * freq / fmas

with open(sys.argv[8], "a") as log:
    print(f"{preset:15} {name:28} {op['config']}\n{'':15} {op['reason']}",
          file=log)

# Loops: a label and a later branch back to it. Innermost: no other loop
# strictly inside. Among those, the micro-kernel is the one with the largest
# FMAs x FMA density (FMAs^2 / instructions): the most FMAs alone would pick
# a Winograd or packing loop that does more work per iteration around fewer
# FMAs per instruction; the density alone a one-FMA remainder loop.
lines = open(asm_path).read().splitlines()
label_re = re.compile(r"^(\.?L[A-Za-z0-9_.$]+):")
fma_re = re.compile(r"^\s*(v?fmla|fmad|fmls|fmsb|vfmacc|vfmadd|vfnmsac|"
                     r"vfmsac|vfnmacc|vfmadd\d+ps|vfmadd\d+pd|mulps|mulpd)\b")
labels = {}
loops = []
for i, line in enumerate(lines):
    m = label_re.match(line)
    if m:
        labels[m.group(1)] = i
        continue
    text = line.split("//")[0].split("#")[0] if not line.lstrip().startswith(
        "#") else ""
    if not text.strip() or text.strip().startswith("."):
        continue
    for target_label in re.findall(r"(\.?L[A-Za-z0-9_.$]+)\s*$", text.strip()):
        if target_label in labels and labels[target_label] < i:
            loops.append((labels[target_label], i))
# Innermost loops in O(L log L): sorted by (start, end), a loop contains
# another iff some later-starting loop ends no later than it does.
loops = sorted(set(loops))
innermost = []
min_end = float("inf")
for start, end in reversed(loops):
    if min_end > end:
        innermost.append((start, end))
    min_end = min(min_end, end)

# Prefix counts of FMA and instruction lines.
fma_prefix, instr_prefix = [0], [0]
for line in lines:
    stripped = line.strip()
    is_instr = line.startswith("\t") and stripped and \
        not stripped.startswith((".", "#", "//"))
    fma_prefix.append(fma_prefix[-1] + bool(fma_re.match(line)))
    instr_prefix.append(instr_prefix[-1] + bool(is_instr))

def fma_count(loop):
    return fma_prefix[loop[1] + 1] - fma_prefix[loop[0]]

def instruction_count(loop):
    return instr_prefix[loop[1] + 1] - instr_prefix[loop[0]]

best = max(innermost,
           key=lambda l: fma_count(l) ** 2 / max(1, instruction_count(l)),
           default=None)
if best is None or fma_count(best) == 0:
    print(f"| {preset} | {name} | `{op['config']}` | {model_fma:.2f} | "
          f"{model_total:.2f} | - | - | - | no loop with FMAs |")
    sys.exit(0)

body = []
for k in range(best[0], best[1] + 1):
    stripped = lines[k].strip()
    if stripped.startswith(".") and not label_re.match(stripped):
        continue  # directives (.p2align ...)
    body.append(lines[k])

# RVV: llvm-mca needs the vector type of a loop whose vsetvli was hoisted.
instruments = []
if target["triple"].startswith("riscv"):
    inside = any("vset" in l for l in body)
    if not inside:
        for k in range(best[0], -1, -1):
            m = re.search(r"vseti?vli\s+[^,]+,\s*[^,]+,\s*e(\d+),\s*m(f?\d+)",
                          lines[k])
            if m:
                instruments = [f"# LLVM-MCA-RISCV-LMUL M{m.group(2).upper()}",
                               f"# LLVM-MCA-RISCV-SEW E{m.group(1)}"]
                break
open(loop_path, "w").write("\n".join(instruments + body) + "\n")

cpu = target["cpu"]
stand_in = {"generic-rv64": "spacemit-x60", "generic": "spacemit-x60"}
mca_cpu = stand_in.get(cpu, cpu) if target["triple"].startswith("riscv") else cpu
triple = target["triple"].split("-")[0]
attrs = ",".join(target["features"])
result = subprocess.run([mca, f"-mtriple={triple}", f"-mcpu={mca_cpu}",
                         f"-mattr={attrs}", "-iterations=200", loop_path],
                        capture_output=True, text=True)
open(loop_path + ".mca", "w").write(result.stdout + result.stderr)
iters = re.search(r"Iterations:\s+(\d+)", result.stdout)
cycles = re.search(r"Total Cycles:\s+(\d+)", result.stdout)
if result.returncode != 0 or not iters or not cycles:
    err = (result.stderr.strip().splitlines() or ["failed"])[0]
    print(f"| {preset} | {name} | `{op['config']}` | {model_fma:.2f} | "
          f"{model_total:.2f} | {fma_count(best)} | - | - | llvm-mca: {err} |")
    sys.exit(0)
per_iter = int(cycles.group(1)) / int(iters.group(1))
nf = fma_count(best)
cpu_note = mca_cpu if mca_cpu == cpu else f"{mca_cpu} (for {cpu})"
print(f"| {preset} | {name} | `{op['config']}` | {model_fma:.2f} | "
      f"{model_total:.2f} | {nf} | {per_iter:.1f} | {per_iter / nf:.2f} | "
      f"{cpu_note} |")
PYTHON

header="| preset | workload | chosen config | model cycles/FMA (compute) | model cycles/FMA (total) | FMAs in loop | llvm-mca cycles/iter | llvm-mca cycles/FMA | llvm-mca CPU |"
rule="|---|---|---|---:|---:|---:|---:|---:|---|"
rows=$work/rows.md
: >"$rows"
: >"$work/decisions.txt"
echo "Decisions (autoconfig explain):"

# Workloads: "kind name spec" lines from the suites.
workloads=$work/workloads.txt
: >"$workloads"
for suite in "${suites[@]}"; do
  grep -v '^[[:space:]]*#' "$suite" | grep -v '^[[:space:]]*$' |
    while IFS=, read -r name rest; do
      fields=$(echo "$rest" | tr ',' '\n' | wc -l)
      if [ "$fields" -le 4 ]; then kind=gemm; else kind=conv; fi
      echo "$kind $name $rest"
    done >>"$workloads"
done

for preset in $presets; do
  mkdir -p "$work/$preset"
  "$autoconfig" target --target "$preset" --json >"$work/$preset/target.json"
done

while read -r kind name spec; do
  if [ -n "$filter" ] && ! echo "$name" | grep -Eq "$filter"; then
    continue
  fi
  input=$work/$name.mlir
  if [ "$kind" = gemm ]; then
    "$autoconfig" compile --gemm "$spec" --emit=input -o "$input"
  else
    "$autoconfig" compile --conv "$spec" --layout "$layout" --emit=input \
      -o "$input"
  fi
  for preset in $presets; do
    dir=$work/$preset
    # A workload no algorithm handles (or a failed compile) gets a row that
    # says so; the others go on.
    if ! "$autoconfig" explain "$input" --target "$preset" --json \
      >"$dir/$name.json" 2>"$dir/$name.err" ||
      ! "$autoconfig" compile "$input" --target "$preset" --emit=asm \
        -o "$dir/$name.s" 2>>"$dir/$name.err"; then
      why=$(grep -m1 'error:' "$dir/$name.err" | sed 's/.*error: //; s/|/\\|/g')
      echo "| $preset | $name | - | - | - | - | - | - | ${why:-failed} |" >>"$rows"
      echo "$preset $name: ${why:-failed}"
      continue
    fi
    python3 "$analyze" "$dir/$name.json" "$dir/target.json" "$dir/$name.s" \
      "$dir/$name.loop.s" "$mca" "$name" "$preset" "$work/decisions.txt" \
      >>"$rows"
    tail -n 2 "$work/decisions.txt"
  done
done <"$workloads"

{
  echo "$header"
  echo "$rule"
  # Grouped by preset, in suite order within each.
  for preset in $presets; do
    grep "^| $preset |" "$rows" || true
  done
} >"$work/table.md"
echo
cat "$work/table.md"
if [ -n "$table_out" ]; then
  cp "$work/table.md" "$table_out"
fi
