# SPDX-License-Identifier: MIT
# A container as a runtime makes one, for containers.bats (host) and
# tests/vm/containers.bats: load after common.bash.

# setup_file: the container's root directory, outside BATS_TEST_TMPDIR (a
# rootless container's user must reach it).
ctr_prepare() {
        CTRDIR=$(mktemp -d /tmp/cgview-ctr.XXXXXX)
        chmod 755 "$CTRDIR"
        mkdir -m 755 "$CTRDIR/root"
        export CTRDIR
        echo "CTRDIR=$CTRDIR" >> "$STATE"
}

# teardown_file, before unmount_view (which kills what is left in the cgroups).
ctr_cleanup() {
        local CTRDIR=''
        # shellcheck disable=SC1090
        [ -f "$STATE" ] && . "$STATE"
        [ -z "$CTRDIR" ] || rm -rf "$CTRDIR"
}

# ctr CGROUP [--ro] [--private] [--user U] [--source DIR] SCRIPT: run SCRIPT (sh) as a
# container in raw cgroup CGROUP: its own cgroup, mount and PID namespace (and user
# namespace, as user U), the view (or DIR) bind-mounted at $R/cg: rslave, or private,
# read-only with --ro. $R is the container's root directory, a tmpfs of its own mount
# namespace; /proc is its PID namespace's. Prints what SCRIPT prints.
ctr() {
        local cg=$1 ro='' prop=rslave user='' src=$M
        shift
        while [ $# -gt 1 ]; do
                case $1 in
                --ro) ro=,ro,nosuid,nodev ;; # a FUSE mount is nosuid,nodev: a user namespace may not drop them
                --private) prop=private ;;
                --user) user=$2; shift ;;
                --source) src=$2; shift ;;
                esac
                shift
        done
        local r=${CTRDIR:?}/root
        # As a runtime does: the mount namespace starts as a slave of the host's
        # (docker's rootfs is rslave/rprivate), the container's root is its own
        # mount, the bind of the view goes onto it, then gets its propagation.
        local setup="R=$r; mount -t tmpfs ctr-root \$R && mkdir \$R/cg &&
                mount -o bind$ro '$src' \$R/cg && mount --make-$prop \$R/cg || exit 99"
        if [ -n "$user" ]; then
                sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
                        setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups \
                        unshare --user --map-root-user --cgroup --mount --propagation slave --pid --fork --mount-proc \
                        sh -c "$setup; $1"
        else
                sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cg" \
                        unshare --cgroup --mount --propagation slave --pid --fork --mount-proc \
                        sh -c "$setup; $1"
        fi
}
