#!/usr/bin/env python3
"""Every reproduce line a run prints must reproduce it when pasted into a
shell: the `launchcheck run ...` line gives the same verdict, and each
agent's `cd ... && env ... LAUNCHER ...` line runs the launcher to the exit
code the scenario expects (the nodes of one scenario started together).
Against the stock refrun profile, which sets env (PYTHON_EXEC), over
scenarios that unset a variable (`env -u` once came after an assignment and
broke the line), fail, run two agents, or reject an option.

usage: reproduce_lines_test.py LAUNCHCHECK SCENARIOS_DIR"""
import json
import os
import subprocess
import sys
import tempfile

lc, scenarios = sys.argv[1:3]
chosen = ["env/omp_num_threads_default", "basic/four_workers_touch",
          "failures/worker_exit_code_summary", "options/bad_nproc_value",
          "static/two_agents_eight_ranks"]


def expected_exit(scenario_id, index):
    with open(os.path.join(scenarios, scenario_id + ".json"), encoding="utf-8") as f:
        doc = json.load(f)
    e = doc.get("expect", {}).get("exit", 0)
    node = doc["nodes"][index].get("name", f"n{index}")
    return e.get(node, 0) if isinstance(e, dict) else e


def exit_matches(want, got):
    return got != 0 if want == "nonzero" else got == want


failures = []
with tempfile.TemporaryDirectory() as d:
    report = os.path.join(d, "r.json")
    env = dict(os.environ, XDG_CACHE_HOME=d)
    p = subprocess.run([lc, "run", "--profile", "refrun", "--json", report, "--keep-artifacts",
                        os.path.join(d, "art")] + [os.path.join(scenarios, c + ".json") for c in chosen],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    if p.returncode != 0:
        sys.exit("the run itself failed:\n" + p.stdout.decode("utf-8", "replace"))
    with open(report, encoding="utf-8") as f:
        results = json.load(f)["results"]
    assert len(results) == len(chosen), results
    for r in results:
        self_line, agent_lines = r["reproduce"][0], r["reproduce"][1:]
        again = subprocess.run(["sh", "-c", self_line], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=300)
        if again.returncode != 0:
            failures.append(f"{r['id']}: `{self_line}` exited {again.returncode}:\n"
                            + again.stdout.decode("utf-8", "replace"))
        # Agents of one scenario meet in a rendezvous: start them together.
        procs = [subprocess.Popen(["timeout", "120", "sh", "-c", line], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT) for line in agent_lines]
        for i, (line, proc) in enumerate(zip(agent_lines, procs)):
            out = proc.communicate()[0].decode("utf-8", "replace")
            want = expected_exit(r["id"], i)
            if not exit_matches(want, proc.returncode) or out.startswith("env:"):
                failures.append(f"{r['id']}: `{line}` exited {proc.returncode}, expected {want}:\n{out}")
if failures:
    sys.exit("\n\n".join(failures))
print(f"{len(chosen)} scenarios: every reproduce line reproduces")
