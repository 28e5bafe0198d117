#!/usr/bin/env bash
# Installs the Debian packages HXSim builds against: GSL, OpenBLAS and zlib (headers and
# libraries). Needs a Swift 6 toolchain on the PATH already (swift.org or the distribution's).
set -euo pipefail
packages=(libgsl-dev libopenblas-dev zlib1g-dev)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}" >&2
