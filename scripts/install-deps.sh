#!/usr/bin/env bash
# Installs the Debian packages launchcheck needs. Idempotent: quiet and fast
# when everything is already there. Needs root (or sudo) only when something
# is missing.
set -euo pipefail

# Build and test dependencies (python3-yaml: the CI recipes test reads ci/*.yml).
# libboost1.81-dev: Boost.Process v2 (header-only) for common/'s spawn; it
# conflicts with the default libboost-dev (1.74), which has no Process v2.
# libre2-dev: scenario regexes run on RE2 (linear time, no backtracking).
# clang, libfuzzer-14-dev: the fuzz targets and the sanitizer build.
# etcd-server: the etcd rendezvous tests (refrun's unit tests against a real
# etcd, the scenarios in scenarios/etcd/, the bench's rendezvous-etcd-N).
packages=(cmake ninja-build g++ libgtest-dev libgmock-dev nlohmann-json3-dev
          libcli11-dev libboost1.81-dev python3 python3-jsonschema python3-yaml procps ccache
          pkg-config libre2-dev clang libfuzzer-14-dev etcd-server
          libxml2-utils)  # xmllint: the JUnit report is checked against junit-10.xsd
# Debian's torchrun (python3-torch) is what the suite is compared against;
# skip it with LAUNCHCHECK_NO_TORCH=1 for a refrun-only machine.
if [ "${LAUNCHCHECK_NO_TORCH:-0}" != 1 ]; then
  # python3-etcd: torchrun's --rdzv_backend=etcd imports it.
  packages+=(python3-torch python3-etcd)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then sudo=sudo; else
    echo "install-deps: missing packages (${missing[*]}) and not root" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
