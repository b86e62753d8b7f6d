#!/usr/bin/env python3
"""Every `build/bin/launchcheck ...` command the READMEs show runs as written.

The commands are taken from the indented code blocks of README.md,
harness/README.md and scenarios/README.md (synopsis lines, which hold
placeholders such as NAME or [--filter GLOB], are left out) and run with
bash in a scratch directory where `build` links to the build folder and
`scenarios` to the suite, so relative paths mean what they say. What the
test changes, so that it stays short:
  - `my-launcher.json` (the reader's own launcher) is the example wrapper
    profile, harness/profiles/examples/python_wrapper.json;
  - `run` and `matrix` get `--filter basic/shell_worker` (a `--filter` they
    already have keeps its quoting, with that value): the whole suite runs in
    the conformance tests;
  - `bench` gets `--quick --runs 1 --warmup 0 --case 'trivial-*'` (the bench smoke test runs
    every case).
Not run here: scripts/conformance.sh and scripts/test.sh (the whole suite and
the whole ctest run; CI runs scripts/test.sh, and conformance.sh's build
handling has its own test) and the ctest lines.

Usage: doc_commands_test.py SOURCE_DIR BUILD_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

DOCS = ("README.md", "harness/README.md", "scenarios/README.md")
PLACEHOLDER = re.compile(r"\[|\b(NAME|FILE|PATH|DIR|GLOB|SUBCOMMAND|A|B|N)\b")


def commands(source):
    for doc in DOCS:
        with open(os.path.join(source, doc)) as f:
            for number, line in enumerate(f, 1):
                text = line.strip()
                if not line.startswith("    ") or not text.startswith("build/bin/launchcheck "):
                    continue
                text = re.sub(r"\s+#.*$", "", text)
                if PLACEHOLDER.search(text):
                    continue
                yield "%s:%d" % (doc, number), text


def adapt(command, source):
    example = os.path.join(source, "harness/profiles/examples/python_wrapper.json")
    command = command.replace("my-launcher.json", example)
    sub = command.split()[1]
    if sub in ("run", "matrix"):
        if "--filter" in command:
            command = re.sub(r"--filter ('[^']*'|\S+)", "--filter 'basic/shell_worker'", command)
        else:
            command = command.replace(" " + sub + " ", " " + sub + " --filter basic/shell_worker ", 1)
    if sub == "bench":
        command += " --quick --runs 1 --warmup 0 --case 'trivial-*'"
    return command


def main():
    source, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="lc-doc-")
    try:
        os.symlink(build, os.path.join(work, "build"))
        os.symlink(os.path.join(source, "scenarios"), os.path.join(work, "scenarios"))
        found = failed = 0
        for where, command in commands(source):
            found += 1
            run = adapt(command, source)
            print("%s: $ %s" % (where, run), flush=True)
            rc = subprocess.call(["bash", "-eo", "pipefail", "-c", run], cwd=work)
            if rc != 0:
                print("%s: exited %d" % (where, rc))
                failed += 1
        kinds = {c.split()[1] for _, c in commands(source)}
        missing = {"run", "matrix", "list", "validate", "bench", "--version"} - kinds
        if missing:
            print("no documented command for: %s" % ", ".join(sorted(missing)))
            failed += 1
        print("%d documented command(s), %d failed" % (found, failed))
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
