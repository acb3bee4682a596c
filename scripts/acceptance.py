#!/usr/bin/env python3
"""The issues' acceptance figures, computed from a results directory written
by scripts/evaluate.sh (Markdown on stdout; make evaluate appends it to the
README tables).

  scripts/acceptance.py [RESULTS_DIR]
"""
import json
import math
import os
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "results"


def records(name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    return [json.loads(l) for l in open(path) if l.strip().startswith("{")]


def geomean(values):
    values = [v for v in values if v and v > 0 and math.isfinite(v)]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else float("nan")


def quantile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    pos = q * (len(values) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def peer(r, name):
    p = r.get("peers", {}).get(name)
    return p.get("gflops") if isinstance(p, dict) else None


def by_name(rs):
    return {r["workload"]: r for r in rs}


def role(rs, name):
    """The configuration of its library a peer ran, as bench recorded it."""
    for r in rs:
        p = r.get("peers", {}).get(name)
        if isinstance(p, dict) and p.get("role"):
            return p["role"]
    return None


def strongest(rs, name):
    return role(rs, name) in ("strongest", "default+strongest")


def label(rs, name):
    """A peer's name with the configuration it is: "openblas (default)"."""
    r = role(rs, name)
    return f"{name} ({r})" if r else name


def peer_order(rs):
    """Peers of a run: each library's strongest configuration first, then
    the others (defaults, variants), by name within each group."""
    names = sorted({p for r in rs for p in r.get("peers", {})})
    return sorted(names, key=lambda p: (not strongest(rs, p), p))


def suite_geomeans(rs, what):
    """Geomean rows of AutoConfig against every peer that ran, and against
    the fastest of the strongest configurations on each workload."""
    for p in peer_order(rs):
        ratios = [r["gflops"] / peer(r, p) for r in rs if peer(r, p)]
        if ratios:
            row(f"{what} geomean AutoConfig / {label(rs, p)}",
                f"{geomean(ratios):.2f}x over {len(ratios)}; min {min(ratios):.2f}x")
    best = [p for p in peer_order(rs) if strongest(rs, p)]
    fastest = []
    for r in rs:
        figures = [peer(r, p) for p in best if peer(r, p)]
        if figures and r.get("gflops"):
            fastest.append(r["gflops"] / max(figures))
    if fastest:
        row(f"{what} geomean AutoConfig / the fastest library at its strongest, per workload",
            f"{geomean(fastest):.2f}x over {len(fastest)}; min {min(fastest):.2f}x")


lines = ["\n### Acceptance figures\n", "| check | figure |", "| --- | --- |"]
def row(check, figure):
    lines.append(f"| {check} | {figure} |")


g1 = records("gemm-1t.jsonl")
if g1:
    row("GEMM suite: records verified", f"{sum(r.get('verified', False) for r in g1)} of {len(g1)}")
    sq = by_name(g1).get("square_1024")
    if sq:
        for p in ("onednn-prepacked", "onednn-matmul", "onednn", "openblas-best",
                  "openblas", "openblas-skx", "blis-best", "blis"):
            if peer(sq, p):
                row(f"square_1024 AutoConfig / {label(g1, p)}",
                    f"{sq['gflops'] / peer(sq, p):.2f}x ({sq['gflops']:.0f} GFLOP/s; {p} {peer(sq, p):.0f})")
    suite_geomeans(g1, "GEMM suite")
    err = [r["predicted_s"] / r["measured_s"] for r in g1 if r.get("predicted_s")]
    within = sum(abs(e - 1) <= 0.25 for e in err)
    row("GEMM predicted / measured within ±25%",
        f"{within} of {len(err)} (median {statistics.median(err):.2f}, min {min(err):.2f}, max {max(err):.2f})")
g2 = by_name(records("gemm-2t.jsonl"))
if g1 and "square_2048" in g2 and "square_2048" in by_name(g1):
    row("square_2048 2 threads / 1 thread",
        f"{g2['square_2048']['gflops'] / by_name(g1)['square_2048']['gflops']:.2f}x")

for layout in ("nchw", "nhwc"):
    c = records(f"conv-{layout}.jsonl")
    if not c:
        continue
    row(f"conv suite ({layout}): records verified", f"{sum(r.get('verified', False) for r in c)} of {len(c)}")
    suite_geomeans(c, f"conv ({layout})")
    within, total = 0, 0
    for r in c:
        a = r.get("algorithms")
        if not a:
            continue
        best = max((v.get("gflops") or 0) for v in a.values())
        chosen = [v.get("gflops") or 0 for v in a.values() if v.get("chosen")]
        if chosen and best > 0:
            total += 1
            within += chosen[0] >= 0.9 * best
    if total:
        row(f"conv ({layout}) model's choice within 10% of the fastest algorithm", f"{within} of {total}")

for kind in ("gemm", "conv"):
    t = records(f"tune-{kind}.jsonl")
    if not t:
        continue
    regret = [r["regret"] for r in t]
    decide = [r["model_config_s"] * 1e3 for r in t]
    wall = [r["tune_wall_s"] for r in t]
    row(f"tuner ({kind}, {t[0].get('trials', '?')} trials): regret median / p90",
        f"{100 * statistics.median(regret):.1f}% / {100 * quantile(regret, 0.9):.1f}%")
    row(f"model decides ({kind}) vs tuner wall time, median",
        f"{statistics.median(decide):.2f} ms vs {statistics.median(wall):.0f} s")
    match = [r.get("tuner_s_to_match_model") for r in t]
    reached = [m for m in match if isinstance(m, (int, float))]
    if reached:
        row(f"tuner ({kind}) time to match the model's pick, median",
            f"{statistics.median(reached):.1f} s ({len(reached)} of {len(t)} workloads matched it within the budget)")
    rho = [r["spearman"] for r in t if isinstance(r.get("spearman"), (int, float))]
    if rho:
        row(f"Spearman rank correlation predicted vs measured ({kind}), median", f"{statistics.median(rho):.2f}")

for preset in ("x86-sse4.2", "x86-avx2", "x86-avx512"):
    sq = by_name(records(f"platform-{preset}.jsonl")).get("square_1024")
    if sq:
        parts = [f"{sq['gflops']:.0f} GFLOP/s, {sq['config']}"]
        for p in ("openblas-best", "onednn-prepacked", "openblas", "openblas-skx", "onednn"):
            if peer(sq, p):
                parts.append(f"{sq['gflops'] / peer(sq, p):.2f}x {p}")
        row(f"square_1024 --target {preset}", "; ".join(parts))

b = records("broadcast-512.jsonl")
if b and peer(b[0], "openblas"):
    row("512^3 broadcast generator / OpenBLAS", f"{b[0]['gflops'] / peer(b[0], 'openblas'):.2f}x")
print("\n".join(lines))
