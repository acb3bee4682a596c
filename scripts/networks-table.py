#!/usr/bin/env python3
"""Markdown table of `autoconfig-netbench --json` lines (make evaluate)."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
print("\n### Whole networks (end-to-end latency)\n")
print("| network | threads | AutoConfig ms | oneDNN layer by layer ms "
      "| MLIR default ms | AutoConfig / oneDNN | default / AutoConfig "
      "| outputs agree |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for r in rows:
    print("| {} | {} | {:.3f} | {:.3f} | {:.1f} | {:.2f} | {:.1f}x | {} |".format(
        r["network"], r["threads"], r["autoconfig"]["latency_s"] * 1e3,
        r["onednn"]["latency_s"] * 1e3, r["default"]["latency_s"] * 1e3,
        r["autoconfig_over_onednn"], r["default_over_autoconfig"],
        "yes" if r["outputs_agree"] else "NO"))
print("\nCommand: `build/bin/autoconfig-netbench --network resnet18|transformer "
      "--threads 1|2 --json` (AutoConfig / oneDNN below 1 means AutoConfig is "
      "faster).")
