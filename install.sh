#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install cgview on Debian 12 from a package built here, and mount it at /cg (or $1):
#   build dependencies from apt, dpkg-buildpackage (into build-deb/), apt-get install
#   of the .deb (its dependencies: fuse3, libfuse3-3), then the mount: the package's
#   systemd unit where systemd runs (enabled at boot), else cgview started directly.
set -euo pipefail
cd "$(dirname "$0")"
src=$PWD
mnt=${1:-/cg}

[ "$(id -u)" = 0 ] || { echo "install.sh: run as root (sudo ./install.sh)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# debian/control's Build-Depends, and build-essential.
apt-get build-dep -y -qq "$src" > /dev/null

# Built from a copy, so that the tree stays clean; build-deb/ keeps the .deb.
out=$src/build-deb
rm -rf "$out"
mkdir -p "$out/src"
tar -C "$src" --exclude=./.git --exclude='./build*' --exclude='./obj-*' -cf - . | tar -C "$out/src" -xf -
if ! (cd "$out/src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1; then
        tail -n 40 "$out/build.log" >&2
        echo "install.sh: the package did not build; the whole log: $out/build.log" >&2
        exit 1
fi
version=$(cd "$out/src" && dpkg-parsechangelog -S Version)
deb=$out/cgview_${version}_$(dpkg --print-architecture).deb
rm -rf "$out/src"

# What an install.sh before the package put in /usr/local would shadow the package's
# (the unit there comes before /lib/systemd/system).
for f in /usr/local/bin/cgview /usr/local/bin/cgunits /usr/local/lib/systemd/system/cgview.service; do
        [ ! -e "$f" ] || { rm -f "$f"; echo "install.sh: removed $f (an install by hand before the package)"; }
done

# A mount left by a cgview started by hand is replaced (the unit's own is upgraded by the package).
if grep -q " $mnt fuse.cgview " /proc/mounts && ! { [ -d /run/systemd/system ] && systemctl -q is-active cgview.service; }; then
        fusermount3 -u "$mnt" 2> /dev/null || umount -l "$mnt"
fi
# On a systemd host the package's postinst enables cgview.service and starts it
# (restarts it on an upgrade: the mount stays, see README "Takeover").
apt-get install -y -qq --no-install-recommends --reinstall "$deb" > /dev/null
if [ -d /run/systemd/system ] && [ "$mnt" = /cg ]; then
        systemctl daemon-reload
        systemctl enable --now cgview.service
        # A service started before from the /usr/local unit runs the binary removed
        # above: the package's takes over (a restart keeps the mount, see "Takeover").
        pid=$(systemctl show -p MainPID --value cgview.service)
        if [ "${pid:-0}" != 0 ] && [ "$(readlink "/proc/$pid/exe")" != /usr/bin/cgview ]; then
                systemctl restart cgview.service
        fi
else
        mkdir -p "$mnt"
        grep -q " $mnt fuse.cgview " /proc/mounts || /usr/bin/cgview "$mnt"
fi
for _ in $(seq 50); do
        grep -q " $mnt fuse.cgview " /proc/mounts && break
        sleep 0.1
done
grep -q " $mnt fuse.cgview " /proc/mounts || { echo "install.sh: cgview did not mount $mnt" >&2; exit 1; }
echo "cgview $version (from $deb) mounted at $mnt"
