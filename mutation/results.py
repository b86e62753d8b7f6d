#!/usr/bin/env python3
"""The mutation run's bookkeeping around launchcheck (scripts/mutation.sh).

  results.py profile SRC_PROFILE REFRUN_BINARY OUT
      a copy of the refrun profile whose command is REFRUN_BINARY, with its
      expectations file made absolute (the copy lives elsewhere)
  results.py failing RESULT_JSON [BASELINE_JSON]
      one line per failing scenario (fail, xpass, error) that did not fail in
      BASELINE_JSON: FILE<TAB>ID<TAB>CHECKS (the failed checks, or the reason)
  results.py passing RESULT_JSON
      the files of the scenarios that passed (or xfailed as expected)
"""
import json
import os
import sys

FAILING = ("fail", "xpass", "error")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def profile(src, binary, out):
    p = load(src)
    p["command"] = [binary] + p["command"][1:]
    if "expectations" in p:
        p["expectations"] = os.path.join(os.path.dirname(os.path.abspath(src)), p["expectations"])
    with open(out, "w", encoding="utf-8") as f:
        json.dump(p, f, indent=2)


def failing(result, baseline=None):
    skip = set()
    if baseline:
        skip = {r["file"] for r in load(baseline)["results"] if r["status"] in FAILING}
    for r in load(result)["results"]:
        if r["status"] not in FAILING or r["file"] in skip:
            continue
        checks = sorted({f["check"] for f in r["failures"] if f.get("check")})
        why = "; ".join(checks) if checks else (r.get("reason") or r["status"]).split("\n")[0][:60]
        print(f"{r['file']}\t{r['id']}\t{why}")


def passing(result):
    for r in load(result)["results"]:
        if r["status"] in ("pass", "xfail"):
            print(r["file"])


def main(argv):
    if len(argv) == 4 and argv[0] == "profile":
        profile(*argv[1:])
    elif len(argv) in (2, 3) and argv[0] == "failing":
        failing(*argv[1:])
    elif len(argv) == 2 and argv[0] == "passing":
        passing(argv[1])
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
