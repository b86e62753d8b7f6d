#!/usr/bin/env python3
"""Reports of a real run validate against their schemas: the JSON report
against harness/report/schemas/report.schema.json (python3-jsonschema), the
JUnit XML against Jenkins' junit-10.xsd (xmllint). The run holds a pass
(refrun), a failure, a skip, and a launcher that prints bytes that are not
UTF-8 (its verdict must survive, escaped).

usage: report_schemas_test.py LAUNCHCHECK HARNESS_DIR SCENARIOS_DIR"""
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

lc, harness, scenarios = sys.argv[1:4]
fake = os.path.join(harness, "testdata", "fake")
schemas = os.path.join(harness, "report", "schemas")


def run(workdir, profile, *paths):
    report, junit = os.path.join(workdir, "r.json"), os.path.join(workdir, "r.xml")
    env = dict(os.environ, XDG_CACHE_HOME=workdir, TMPDIR=workdir)
    p = subprocess.run([lc, "run", "--profile", profile, "--json", report, "--junit", junit,
                        "--keep-artifacts", os.path.join(workdir, "art"), *paths],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 1:
        sys.exit(f"expected exit 1 (a failure among the results), got {p.returncode}:\n{out}")
    with open(report, encoding="utf-8") as f:  # strict UTF-8: a stray byte fails here
        doc = json.load(f)
    with open(os.path.join(schemas, "report.schema.json"), encoding="utf-8") as f:
        jsonschema.validate(doc, json.load(f))
    x = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(schemas, "junit-10.xsd"),
                        junit], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if x.returncode != 0:
        sys.exit("JUnit report does not validate:\n" + x.stdout.decode("utf-8", "replace"))
    return doc, out


with tempfile.TemporaryDirectory() as d:
    doc, _ = run(d, "refrun", os.path.join(scenarios, "basic", "default_nproc.json"),
                 os.path.join(harness, "testdata", "wrong_expectation.json"))
    assert doc["counts"] == {"pass": 1, "fail": 1}, doc["counts"]
    doc, out = run(d, os.path.join(fake, "profile.json"), os.path.join(fake, "needs_gpu.json"),
                   os.path.join(fake, "bad_bytes.json"))
    assert doc["counts"] == {"skip": 1, "fail": 1}, doc["counts"]
    bad = [r for r in doc["results"] if r["status"] == "fail"][0]
    checks = {f["check"]: f for f in bad["failures"]}
    # The verdict survived the bytes: its checks, the reproduce lines, the run directory.
    assert "exit n0" in checks, bad
    assert "caf\\xE9" in checks["exit n0"]["actual"], checks["exit n0"]
    assert len(bad["reproduce"]) == 2, bad
    assert os.path.isfile(os.path.join(bad["artifacts"], "n0.stdout")), bad
    with open(os.path.join(bad["artifacts"], "n0.stdout"), "rb") as f:
        assert f.read() == b"caf\xe9 \xff\xfe out\n", "the kept console is byte-exact"
    assert "check exit n0" in out, out
print("reports validate: JSON against report.schema.json, JUnit against junit-10.xsd")
