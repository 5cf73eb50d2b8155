#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install cgview on Debian 12 and mount it at /cg (or $1):
#   apt dependencies, build, install to /usr/local, mount (systemd unit where systemd runs).
set -euo pipefail
cd "$(dirname "$0")"
mnt=${1:-/cg}

[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (sudo ./install.sh)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends gcc libc6-dev pkg-config meson ninja-build \
        libfuse3-dev fuse3 uthash-dev > /dev/null

[ -f build-release/build.ninja ] || meson setup build-release --prefix=/usr/local --buildtype=release > /dev/null
ninja -C build-release > /dev/null
ninja -C build-release install > /dev/null

# A mount left by an older cgview is replaced.
if grep -q " $mnt fuse.cgview " /proc/mounts; then
        fusermount3 -u "$mnt" 2> /dev/null || umount -l "$mnt"
fi
mkdir -p "$mnt"
if [ -d /run/systemd/system ] && [ "$mnt" = /cg ]; then
        systemctl daemon-reload
        systemctl enable --now cgview.service
        systemctl restart cgview.service
else
        /usr/local/bin/cgview "$mnt"
fi
for _ in $(seq 50); do
        grep -q " $mnt fuse.cgview " /proc/mounts && break
        sleep 0.1
done
grep -q " $mnt fuse.cgview " /proc/mounts || { echo "install.sh: cgview did not mount $mnt" >&2; exit 1; }
echo "cgview $(/usr/local/bin/cgview --version 2>/dev/null | head -n 1 | cut -d' ' -f2) mounted at $mnt"
