#!/usr/bin/env python3
"""The CI recipes in ci/ work as pasted: their shell steps run, in order, in a
clean launcher project (a temporary directory that vendors this checkout at
$LAUNCHCHECK, with a small launcher of its own built by CMake and a profile
for it), and leave every file the recipe then publishes.

What is not run, and why:
  - steps that install packages with apt-get (the test machine has them;
    scripts/install-deps.sh, which the recipes call, is run: it checks and
    installs nothing when everything is there);
  - `uses:` steps (GitHub actions: checkout, upload, report), which are not
    shell; the checkout is the temporary project itself.
Two inputs are the test's own: LAUNCHCHECK_BUILD_DIR points at the build
folder ctest runs from (so the recipe's build of launchcheck is a no-op, not
a second full build), and LAUNCHCHECK_ARGS limits the suite to basic/* (the
whole suite is run by the conformance tests).

Usage: ci_recipes_test.py SOURCE_DIR BUILD_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

LAUNCHER_CMAKE = """cmake_minimum_required(VERSION 3.20)
project(my_launcher NONE)
# "Building" this launcher copies the wrapper next to the build's outputs.
configure_file(my_launcher.py ${CMAKE_BINARY_DIR}/my_launcher.py COPYONLY)
"""

PROFILE = """{
  "name": "my-launcher",
  "command": ["{profile_dir}/../build/my_launcher.py", "{build}/bin/refrun"],
  "agent": {"command_matches": "/refrun( |$)"},
  "capabilities": ["dash-options", "static", "no-python", "python-fixture"]
}
"""


def make_project(root, source):
    os.makedirs(os.path.join(root, "third_party"))
    os.makedirs(os.path.join(root, "ci"))
    os.symlink(source, os.path.join(root, "third_party", "launchcheck"))
    with open(os.path.join(root, "CMakeLists.txt"), "w") as f:
        f.write(LAUNCHER_CMAKE)
    shutil.copy(os.path.join(source, "harness", "profiles", "examples", "python_wrapper.py"),
                os.path.join(root, "my_launcher.py"))
    with open(os.path.join(root, "ci", "launchcheck-profile.json"), "w") as f:
        f.write(PROFILE)


def github_steps(doc):
    job = doc["jobs"]["conformance"]
    for step in job["steps"]:
        env = dict(job.get("env", {}))
        env.update(step.get("env", {}))
        yield step.get("name", ""), step.get("run"), env


def gitlab_steps(doc):
    job = doc["launchcheck"]
    for line in job["script"]:
        yield "", line, dict(job.get("variables", {}))


def run_recipe(name, steps, source, build, must_exist):
    project = tempfile.mkdtemp(prefix="lc-ci-" + name + "-")
    try:
        make_project(project, source)
        ran = 0
        for title, command, env in steps:
            if command is None:
                print("%s: not shell (uses:), skipped: %s" % (name, title))
                continue
            if "apt-get" in command:
                print("%s: package installation, skipped: %s" % (name, command))
                continue
            full = dict(os.environ)
            full.update({k: str(v) for k, v in env.items()})
            full["LAUNCHCHECK_BUILD_DIR"] = build
            full["LAUNCHCHECK_ARGS"] = "--filter basic/*"
            full["LAUNCHCHECK_JOBS"] = "2"
            print("%s: $ %s" % (name, command), flush=True)
            # GitHub's and GitLab's default shell for such steps.
            rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
                                 cwd=project, env=full)
            if rc != 0:
                print("%s: the step exited %d: %s" % (name, rc, command))
                return False
            ran += 1
        if ran < 3:
            print("%s: only %d shell steps ran" % (name, ran))
            return False
        for path in must_exist:
            full = os.path.join(project, path)
            if not os.path.exists(full) or (os.path.isdir(full) and not os.listdir(full)):
                print("%s: the recipe publishes %s, which the steps did not leave" % (name, path))
                return False
        print("%s: ok" % name)
        return True
    finally:
        shutil.rmtree(project, ignore_errors=True)


def main():
    source, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(os.path.join(source, "ci", "github-actions.yml")) as f:
        gh = yaml.safe_load(f)
    with open(os.path.join(source, "ci", "gitlab-ci.yml")) as f:
        gl = yaml.safe_load(f)
    gh_publish = []
    for step in gh["jobs"]["conformance"]["steps"]:
        if step.get("uses", "").startswith("actions/upload-artifact"):
            gh_publish += [p for p in step["with"]["path"].split("\n") if p.strip()]
    gl_publish = gl["launchcheck"]["artifacts"]["paths"] + [gl["launchcheck"]["artifacts"]["reports"]["junit"]]
    ok = run_recipe("github", github_steps(gh), source, build, gh_publish)
    ok = run_recipe("gitlab", gitlab_steps(gl), source, build, gl_publish) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
