# SPDX-License-Identifier: MIT
# Shared by the integration suites: a private cgroup subtree, a cgview mount
# over it, and their cleanup (run even when a test fails).

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
CGVIEW=${CGVIEW:-$REPO/build/cgview}
# What a test runs as another user (sys.py, diffperm.py) runs from a copy that
# every user can read, made by mount_view: the checkout may be private (a clone
# in a home directory of mode 0700).
HELPERS=${TEST_HELPERS:-$REPO/tests/integration}
# shellcheck disable=SC2034 # used by the files that load this one
SYS="/usr/bin/python3 -S $HELPERS/sys.py"
STATE=${BATS_FILE_TMPDIR:-/tmp}/cgview-state

cg2_mount() {
        awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' \
                /proc/self/mountinfo
}

# Skip the whole file, with a reason, when the machine cannot run it.
require_mountable() {
        [ "$(id -u)" = 0 ] || skip "needs root"
        [ -c /dev/fuse ] || skip "needs /dev/fuse"
        [ -x "$CGVIEW" ] || skip "no cgview binary at $CGVIEW (build first)"
        [ -n "$(cg2_mount)" ] || skip "no cgroup2 mount"
}

# The pid of the worker serving $M (the supervisor's is $PID in $STATE: README, "Takeover").
worker_pid() {
        getfattr -n trusted.cgview.worker --only-values "${1:-$M}" 2> /dev/null
}

# setup_file: make $T (a private cgroup) and mount cgview over it at $M.
mount_view() {
        local cg2
        cg2=$(cg2_mount)
        T=$cg2/cgview-test-$$-$RANDOM
        M=$(mktemp -d /tmp/cgview-mnt.XXXXXX)
        LOG=$(mktemp /tmp/cgview-log.XXXXXX)
        export T M LOG CG2=$cg2
        {
                echo "T=$T"; echo "M=$M"; echo "LOG=$LOG"; echo "CG2=$cg2"
        } > "$STATE"
        if [ -z "${TEST_HELPERS:-}" ]; then
                TEST_HELPERS=$(mktemp -d /tmp/cgview-helpers.XXXXXX)
                echo "HELPERS_DIR=$TEST_HELPERS" >> "$STATE"
                install -m 644 "$REPO/tests/integration/sys.py" "$REPO/tests/integration/diffperm.py" \
                        "$REPO/tests/integration/cachecheck.py" "$REPO/tests/integration/bounds.py" "$TEST_HELPERS"
                chmod 755 "$TEST_HELPERS"
                export TEST_HELPERS HELPERS=$TEST_HELPERS SYS="/usr/bin/python3 -S $TEST_HELPERS/sys.py"
        fi
        mkdir "$T"
        # hugetlb is the one controller a hybrid host's cgroup2 has: enable it down to $T.
        if grep -qw hugetlb "$cg2/cgroup.controllers" && ! grep -qw hugetlb "$cg2/cgroup.subtree_control"; then
                echo +hugetlb > "$cg2/cgroup.subtree_control"
                echo "ENABLED_ROOT_HUGETLB=1" >> "$STATE"
        fi
        # Every controller $T has, for its children (on a hybrid host that is hugetlb alone).
        local c
        for c in $(< "$T/cgroup.controllers"); do
                echo "+$c" > "$T/cgroup.subtree_control"
        done
        # shellcheck disable=SC2086 # CGVIEW_OPTS: extra options, word-split on purpose
        "$CGVIEW" -f -o cgroup_root="$T" ${CGVIEW_OPTS:-} "$M" 2> "$LOG" &
        echo "PID=$!" >> "$STATE"
        for _ in $(seq 100); do
                # no process for each poll: under the VM's TCG one takes a fraction of a second
                [[ $(< /proc/mounts) == *" $M fuse.cgview "* ]] && return 0
                sleep 0.05
        done
        echo "cgview did not mount; log:" >&2
        cat "$LOG" >&2
        return 1
}

# Kill every process of a cgroup tree and remove it, deepest first.
cg_remove_tree() {
        local dir=$1 pid
        [ -d "$dir" ] || return 0
        if [ -f "$dir/cgroup.kill" ]; then
                echo 1 > "$dir/cgroup.kill"
        else
                find "$dir" -name cgroup.procs -exec cat {} + | while read -r pid; do
                        kill -9 "$pid" 2> /dev/null || true
                done
        fi
        for _ in $(seq 50); do
                grep -q 'populated 0' "$dir/cgroup.events" 2> /dev/null && break
                sleep 0.1
        done
        find "$dir" -depth -type d -exec rmdir {} + 2> /dev/null || true
        [ ! -d "$dir" ]
}

# A sanitizer's report in a daemon's log: print the log and fail. The daemon
# runs in the background, so nothing else would see a report that did not
# kill it (a leak, a TSan race, a UBSan finding under a build that recovers).
check_daemon_log() {
        local log=$1
        [ -s "$log" ] || return 0
        if grep -qE '(Address|Leak|Thread|UndefinedBehavior|Memory)Sanitizer|runtime error:' "$log"; then
                echo "a sanitizer reported in the daemon's log $log:" >&2
                cat "$log" >&2
                return 1
        fi
}

# Wait up to $2 tenths of a second for process $1 to end: gone, or a zombie
# of this shell's (reaped by the caller's wait).
wait_gone() {
        local pid=$1
        for _ in $(seq "$2"); do
                [ -d "/proc/$pid" ] && ! grep -q '^State:.*zombie' "/proc/$pid/status" 2> /dev/null || return 0
                sleep 0.1
        done
        return 1
}

# Stop a daemon whose mount is gone and wait until it has exited, so that what
# it prints at exit (LeakSanitizer, TSan's summary) is whole in its log. It
# ends by itself once unmounted: a signal only after a while, since one that
# comes after it removed its handlers would cut LeakSanitizer's report short.
stop_daemon() {
        local pid=$1
        [ -n "$pid" ] || return 0
        wait_gone "$pid" 300 || { kill "$pid" 2> /dev/null; wait_gone "$pid" 100; } || kill -9 "$pid" 2> /dev/null
        wait "$pid" 2> /dev/null || true
}

# teardown_file: unmount, remove the cgroups, users and files this file made;
# fail when the daemon's log has a sanitizer's report.
unmount_view() {
        local ENABLED_ROOT_HUGETLB='' PID='' HELPERS_DIR='' u bad=0
        [ -f "$STATE" ] || return 0
        # shellcheck disable=SC1090
        . "$STATE"
        if [ -n "$M" ]; then
                fusermount3 -u "$M" 2> /dev/null || umount -l "$M" 2> /dev/null || true
                stop_daemon "$PID"
                rmdir "$M" 2> /dev/null || true
        fi
        check_daemon_log "$LOG" || bad=1
        cg_remove_tree "$T" || echo "warning: could not remove $T" >&2
        for u in $(sed -n 's/^USER=//p' "$STATE"); do
                userdel -f "$u" 2> /dev/null || true
        done
        if [ -n "$ENABLED_ROOT_HUGETLB" ]; then
                echo -hugetlb > "$CG2/cgroup.subtree_control" 2> /dev/null || true
        fi
        [ -z "$HELPERS_DIR" ] || rm -rf "$HELPERS_DIR"
        [ -n "${CGVIEW_KEEP_LOG:-}" ] && cp "$LOG" "$CGVIEW_KEEP_LOG"
        rm -f "$LOG" "$STATE"
        return "$bad"
}

# A throw-away system user, removed by unmount_view. Where /etc is read-only
# it is "nobody" (the test VM overlays /etc, so it makes real users too).
make_user() {
        local u=cgvt$1$$
        u=${u:0:31}
        if [ ! -w /etc/passwd ]; then
                echo nobody
                return
        fi
        useradd --system --no-create-home --shell /usr/sbin/nologin "$u" > /dev/null
        echo "USER=$u" >> "$STATE"
        echo "$u"
}

# Run a script in a fresh cgroup + PID namespace rooted at cgroup $1 (raw path).
in_container() {
        local cg=$1
        shift
        sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec unshare --cgroup --pid --fork --mount-proc "$@"' \
                sh "$cg" "$@"
}

# Run a command as a user, with that user's groups only.
as_user() {
        local u=$1 name='' uid gid
        shift
        # its ids from /etc/passwd without a process (each costs under the VM's TCG), else from id
        while IFS=: read -r name _ uid gid _; do
                [ "$name" = "$u" ] && break
        done < /etc/passwd
        if [ "$name" != "$u" ]; then
                uid=$(id -u "$u")
                gid=$(id -g "$u")
        fi
        setpriv --reuid="$uid" --regid="$gid" --init-groups "$@"
}
