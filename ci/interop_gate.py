#!/usr/bin/env python3
"""Compares one interop run with its expected findings (ci/interop/expected/NAME.json).

Fails (exit 1) when a MUST failure appears that the file does not list, when a listed
one no longer appears, or when the harness reported an error of its own. The harness's
console has already listed the run's failures; this says whether they are the expected
ones, and appends the run's counts to the summary table (TSV).
A dual-era server's second report (NAME.2025-11-25.json beside NAME.json) counts too.
Usage: interop_gate.py NAME REPORT.json EXPECTED.json SUMMARY.tsv
"""
import glob
import os
import json
import sys


def main():
    name, report_path, expected_path, summary_path = sys.argv[1:5]
    stem, _ = os.path.splitext(report_path)
    reports = [json.load(open(report_path))] + [json.load(open(p)) for p in sorted(glob.glob(stem + ".20*.json"))]
    try:
        expected = json.load(open(expected_path))
    except FileNotFoundError:
        print(f"  no expected-findings file {expected_path}: every MUST failure is unexpected")
        expected = {"must_failures": []}
    listed = {f["id"]: f for f in expected.get("must_failures", [])}
    for f in listed.values():
        for key in ("id", "quote", "why"):
            if not f.get(key):
                print(f"  {expected_path}: entry {f.get('id')} has no {key}")
                return 1

    must, by_level, errors = set(), {"MUST": 0, "SHOULD": 0, "PROFILE": 0}, []
    for check in (c for r in reports for c in r["checks"]):
        if check["status"] == "fail":
            by_level[check["level"]] += 1
            if check["level"] == "MUST":
                must.add(check["id"])
        elif check["status"] == "error":
            errors.append(check["id"])
            print(f"  ERROR   {check['id']}: {check['message'][:160]}")

    passed = sum(r["summary"]["passed"] for r in reports)
    skipped = sum(r["summary"]["skipped"] for r in reports)
    wall = sum(r.get("duration_ms", 0) for r in reports) / 1000
    eras = "+".join(r["protocol_version"] for r in reports)
    with open(summary_path, "a") as out:
        out.write(f"{name} ({eras})\t{passed}\t{by_level['MUST']}\t{by_level['SHOULD']}\t{by_level['PROFILE']}\t"
                  f"{skipped}\t{len(errors)}\t{wall:.1f} s\n")

    ok = True
    for check_id in sorted(must - listed.keys()):
        print(f"  UNEXPECTED MUST failure {check_id}: read it against the spec; a real defect goes in {expected_path}, "
              "a false one is a bug of the harness")
        ok = False
    for check_id in sorted(listed.keys() - must):
        print(f"  EXPECTED MUST failure {check_id} did not appear: fixed upstream, or a check stopped seeing it")
        ok = False
    if errors:
        print(f"  {len(errors)} harness error(s): a fault of the harness, never the server's")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
