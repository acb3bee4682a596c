#!/usr/bin/env python3
"""Markdown tables of `autoconfig onnx-test --json` lines (make evaluate):
pass/fail/unsupported per directory, the core op set per op, and what the
unsupported cases miss."""
import collections
import json
import sys

CORE = set("""Conv Gemm MatMul BatchNormalization Relu LeakyRelu Clip Sigmoid Tanh
HardSigmoid HardSwish Erf Gelu Softmax LayerNormalization MaxPool AveragePool
GlobalAveragePool Add Sub Mul Div Pow Sqrt Exp ReduceMean Transpose Reshape
Flatten Concat Pad Unsqueeze Squeeze Gather Constant Identity""".split())

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
by_dir = collections.defaultdict(collections.Counter)
by_op = collections.defaultdict(collections.Counter)
missing = collections.Counter()
for r in rows:
    by_dir[r["test"].split("/")[0]][r["status"]] += 1
    # A case tests an op when its model uses that op alone (and Constant).
    ops = [op for op in r["ops"] if op != "Constant"] or r["ops"]
    if len(set(ops)) == 1 and ops[0] in CORE:
        by_op[ops[0]][r["status"]] += 1
    if r["status"] == "unsupported":
        missing[r["missing"]] += 1

print("\n### ONNX backend tests (libonnx-testdata) through AutoConfig\n")
print("| directory | cases | pass | fail | unsupported |")
print("| --- | ---: | ---: | ---: | ---: |")
total = collections.Counter()
for d, c in sorted(by_dir.items()):
    total.update(c)
    print(f"| {d} | {sum(c.values())} | {c['pass']} | {c['fail']} | {c['unsupported']} |")
print(f"| total | {sum(total.values())} | {total['pass']} | {total['fail']} "
      f"| {total['unsupported']} |")
print("\nThe cases of each op of the core op set (models of that op alone):\n")
print("| op | pass | fail | unsupported |")
print("| --- | ---: | ---: | ---: |")
for op, c in sorted(by_op.items()):
    print(f"| {op} | {c['pass']} | {c['fail']} | {c['unsupported']} |")
print("\nMost frequent reasons for `unsupported`: " + ", ".join(
    f"{what} ({n})" for what, n in missing.most_common(12)) + ".")
print("\nCommand: `build/bin/autoconfig onnx-test "
      "/usr/share/libonnx-testdata/data/*/ --json` (rtol 1e-3, atol 1e-7).")
