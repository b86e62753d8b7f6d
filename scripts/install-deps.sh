#!/usr/bin/env bash
# Installs the Debian packages launchcheck needs. Idempotent: quiet and fast
# when everything is already there. Needs root (or sudo) only when something
# is missing.
set -euo pipefail

# Build and test dependencies (python3-yaml: the CI recipes test reads ci/*.yml).
# libboost1.81-dev: Boost.Process v2 (header-only) for common/'s spawn; it
# conflicts with the default libboost-dev (1.74), which has no Process v2.
packages=(cmake ninja-build g++ libgtest-dev libgmock-dev nlohmann-json3-dev
          libcli11-dev libboost1.81-dev python3 python3-jsonschema python3-yaml procps ccache)
# Debian's torchrun (python3-torch) is what the suite is compared against;
# skip it with LAUNCHCHECK_NO_TORCH=1 for a refrun-only machine.
if [ "${LAUNCHCHECK_NO_TORCH:-0}" != 1 ]; then
  packages+=(python3-torch)
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
