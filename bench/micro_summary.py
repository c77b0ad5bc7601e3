#!/usr/bin/env python3
"""Prints bench_micro's Google Benchmark JSON as one table: each measured path beside
the baseline that ran in the same process, and their ratio.

usage: micro_summary.py bench_micro.json
"""
import json
import sys

# measured benchmark -> (baseline benchmark, what the ratio says)
PAIRS = [
    ("BM_JsonRpcParse", "BM_Baseline_JsonParse", "JSON-RPC parse vs bare JSON parse"),
    ("BM_SchemaValidate", "BM_Baseline_ParseArguments", "schema validation vs parsing the same arguments"),
    ("BM_TokenVerify/ES256", "BM_Baseline_SignatureVerify/ES256", "ES256 token verify vs signature alone"),
    ("BM_TokenVerify/RS256", "BM_Baseline_SignatureVerify/RS256", "RS256 token verify vs signature alone"),
    ("BM_TokenVerify/EdDSA", "BM_Baseline_SignatureVerify/EdDSA", "EdDSA token verify vs signature alone"),
    ("BM_ToolCallFilterChain", "BM_Baseline_ToolCallBareCore", "tools/call with filter chain vs bare core"),
]


def main():
    with open(sys.argv[1]) as f:
        report = json.load(f)
    ns = {b["name"]: b["cpu_time"] * {"ns": 1, "us": 1e3, "ms": 1e6}[b["time_unit"]]
          for b in report["benchmarks"] if b.get("run_type", "iteration") == "iteration" and not b.get("error_occurred")}
    print(f"{'path':<48} {'us/op':>9} {'ops/s':>10} {'baseline us':>12} {'ratio':>7}")
    for measured, baseline, label in PAIRS:
        if measured not in ns or baseline not in ns:
            print(f"{label:<48} {'missing':>9}")
            continue
        m, b = ns[measured], ns[baseline]
        print(f"{label:<48} {m / 1e3:>9.2f} {1e9 / m:>10.0f} {b / 1e3:>12.2f} {m / b:>6.2f}x")
    allocs = {b["name"]: b["allocs_per_call"] for b in report["benchmarks"] if "allocs_per_call" in b}
    if allocs:
        print("allocations per tools/call: " + ", ".join(f"{name.removeprefix('BM_')} {n:.0f}" for name, n in allocs.items()))


if __name__ == "__main__":
    main()
