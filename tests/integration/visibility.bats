#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Visibility (SPEC 5.2) against changes made directly on cgroupfs: deep
# trees (paths over PATH_MAX) and ownership changes, answered at once.

load common
bats_require_minimum_version 1.5.0

# A 200-byte name; 21 levels of it make a path over 4096 bytes.
LONG=$(printf 'l%.0s' $(seq 200))
DEPTH=21

setup_file() {
        require_mountable
        [ -w /etc/passwd ] || skip "needs to create users"
        # A slow index thread: an answer that does not wait for the changes made before it fails.
        CGVIEW_TEST_DRAIN_DELAY_MS=2000 mount_view
        U=$(make_user vu)
        V=$(make_user vv)
        W=$(make_user vw)
        groupadd --system "cgvv$$" && echo "GROUP=cgvv$$" >> "$STATE"
        usermod -a -G "cgvv$$" "$W"
        export U V W G=cgvv$$
}

# Remove what a test left below $T, deepest first, from within each
# directory (-execdir): paths over PATH_MAX cannot be named from the top.
remove_below() {
        [ -d "$1" ] && find "$1" -mindepth 1 -depth -type d -execdir rmdir {} + 2> /dev/null
        return 0
}

teardown_file() {
        local GROUP='' sane=0
        # shellcheck disable=SC1090
        [ -f "$STATE" ] && . "$STATE"
        unmount_second || sane=1
        [ -n "$T" ] && remove_below "$T"
        unmount_view || sane=1
        [ -n "$GROUP" ] && groupdel "$GROUP"
        return "$sane"
}

teardown() {
        remove_below "$T"
}

# A second mount of $T at $M2 whose daemon may add at most $1 inotify watches (the degraded mode).
mount_second() {
        M2=$(mktemp -d /tmp/cgview-mnt.XXXXXX)
        LOG2=$(mktemp /tmp/cgview-log.XXXXXX)
        CGVIEW_TEST_MAX_WATCHES=$1 CGVIEW_TEST_DRAIN_DELAY_MS=2000 "$CGVIEW" -f -o cgroup_root="$T" "$M2" 2> "$LOG2" &
        echo "$M2 $! $LOG2" > "$BATS_FILE_TMPDIR/second"
        for _ in $(seq 100); do
                grep -q " $M2 fuse.cgview " /proc/mounts && return 0
                sleep 0.05
        done
        cat "$LOG2" >&2
        return 1
}

unmount_second() {
        local m pid log
        [ -f "$BATS_FILE_TMPDIR/second" ] || return 0
        read -r m pid log < "$BATS_FILE_TMPDIR/second"
        local clean=0
        fusermount3 -u "$m" 2> /dev/null || umount -l "$m" 2> /dev/null || true
        stop_daemon "$pid"
        rmdir "$m" 2> /dev/null || true
        check_daemon_log "$log" || clean=1
        rm -f "$log" "$BATS_FILE_TMPDIR/second"
        return "$clean"
}

# The cgroups user $1 sees in directory $2 of the view (limits/, stats/ and effective/ left out), sorted, space-separated.
cgroups() {
        as_user "$1" find "$2" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | grep -vx -e limits -e stats -e effective | sort | paste -sd ' '
}

# Run a shell as user $1 that enters $2, then $3 $DEPTH times (one short lookup each), then runs "$4".
deep_sh() {
        as_user "$1" sh -c 'cd -P "$1" || exit 1; i=0; while [ $i -lt "$3" ]; do cd -P "$2" || exit 1; i=$((i + 1)); done; eval "$4"' \
                sh "$2" "$3" "$DEPTH" "$4"
}

@test "item 6: a user's cgroups nested past PATH_MAX break no one's listing, and the deep path works" {
        mkdir "$T/du" "$T/dv"
        chown "$U" "$T/du"
        chown "$V" "$T/dv"
        # The delegated user nests 21 cgroups of 200 bytes directly on cgroupfs, one level at a time.
        run as_user "$U" sh -c 'cd -P "$1" || exit 1; i=0; while [ $i -lt "$3" ]; do mkdir "$2" && cd -P "$2" || exit 1; i=$((i + 1)); done; pwd -P | wc -c' \
                sh "$T/du" "$LONG" "$DEPTH"
        [ "$status" -eq 0 ]
        [ "$output" -gt 4096 ]
        # The old index was rebuilt at most every 2 s after a "no": let one come due.
        sleep 2.1
        # Another user's listing of the top and of its own cgroup.
        [ "$(cgroups "$V" "$M")" = dv ]
        run as_user "$V" ls -A "$M/dv"
        [ "$status" -eq 0 ]
        [ "$(cgroups "$U" "$M")" = du ]
        # The deep path, through the view, for its owner and for root: listable, and the kernel's entries.
        run deep_sh "$U" "$M/du" "$LONG" 'ls -A'
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx cgroup.procs
        echo "$output" | grep -qx limits
        run deep_sh root "$M/du" "$LONG" 'ls -A'
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx cgroup.procs
        # A third user delegated only the deepest cgroup sees the way down to it, and nothing else.
        run deep_sh root "$T/du" "$LONG" "chown $W ."
        [ "$status" -eq 0 ]
        [ "$(cgroups "$W" "$M")" = du ]
        run deep_sh "$W" "$M/du" "$LONG" 'cat cgroup.type'
        [ "$status" -eq 0 ]
        [ "$output" = domain ]
        run as_user "$W" ls -A "$M/dv"
        [ "$status" -ne 0 ]
        run ! grep -q "cannot index" "$LOG"
        # Removal, deepest first, through the view by its owner (rmdir of a path over PATH_MAX, one level at a time).
        run as_user "$U" sh -c 'cd -P "$1" || exit 1; i=1; while [ $i -lt "$3" ]; do cd -P "$2" || exit 1; i=$((i + 1)); done
                while [ $i -gt 0 ]; do rmdir "$2" || exit 1; cd -P .. || exit 1; i=$((i - 1)); done' sh "$M/du" "$LONG" "$DEPTH"
        [ "$status" -eq 0 ]
        [ ! -e "$T/du/$LONG" ]
        [ "$(cgroups "$W" "$M")" = "" ]
}

@test "item 6: a listing survives an entry whose check fails (errno is cleared before each readdir)" {
        mkdir -p "$T/p/a1" "$T/p/b1/b2"
        chown "$V" "$T/p/b1/b2"
        # Readable, not searchable: the caller lists p, and the check of each child fails with EACCES.
        chmod 744 "$T/p"
        [ "$($SYS ls "$T/p" | wc -w)" -gt 2 ]
        run as_user "$V" $SYS ls "$M/p"
        [[ " $output " == *" b1 "* ]] || { echo "V lists: $output"; return 1; }
        [[ " $output " != *" a1 "* ]]
        [[ " $output " == *" cgroup.procs "* ]]
}

@test "item 7: a delegation revoked on cgroupfs hides the way to it at once; a new one shows it at once" {
        mkdir -p "$T/r1/r2/r3" "$T/other"
        chown "$U" "$T/r1/r2/r3"
        [ "$(as_user "$U" $SYS stat "$M/r1")" = "40755 0 0" ]
        [ "$(as_user "$U" $SYS stat "$M/r1/r2")" = "40755 0 0" ]
        [ "$(cgroups "$U" "$M")" = r1 ]
        # Revoked: the very next lookups of the ancestors answer ENOENT.
        chown root "$T/r1/r2/r3"
        [ "$(as_user "$U" $SYS stat "$M/r1")" = ENOENT ]
        [ "$(as_user "$U" $SYS stat "$M/r1/r2")" = ENOENT ]
        [ "$(cgroups "$U" "$M")" = "" ]
        # Given again: visible at once, all the way down.
        chown "$U" "$T/r1/r2/r3"
        [ "$(as_user "$U" $SYS stat "$M/r1")" = "40755 0 0" ]
        [ "$(cgroups "$U" "$M/r1/r2")" = r3 ]
        # A cgroup made and delegated on cgroupfs elsewhere shows at once too.
        mkdir "$T/other/o1"
        chown "$U" "$T/other/o1"
        [ "$(cgroups "$U" "$M")" = "other r1" ]
        # Removed on cgroupfs: the way to it closes at once.
        rmdir "$T/other/o1"
        [ "$(as_user "$U" $SYS stat "$M/other")" = ENOENT ]
        chown root "$T/r1/r2/r3"
        [ "$(cgroups "$U" "$M")" = "" ]
}

@test "item 7: group delegation follows chmod g-w and chgrp on cgroupfs at once" {
        mkdir -p "$T/g1/g2"
        chgrp "$G" "$T/g1/g2"
        chmod 775 "$T/g1/g2"
        [ "$(as_user "$W" $SYS stat "$M/g1")" = "40755 0 0" ]
        [ "$(as_user "$V" $SYS stat "$M/g1")" = ENOENT ]
        chmod 755 "$T/g1/g2"
        [ "$(as_user "$W" $SYS stat "$M/g1")" = ENOENT ]
        chmod 775 "$T/g1/g2"
        [ "$(as_user "$W" $SYS stat "$M/g1")" = "40755 0 0" ]
        chgrp root "$T/g1/g2"
        [ "$(as_user "$W" $SYS stat "$M/g1")" = ENOENT ]
}

@test "item 7: the way to a delegation is found with the daemon's rights, not the caller's" {
        # The caller may search priv but not list it: the index must still know priv/x is its.
        mkdir -p "$T/priv/x"
        chown "$U" "$T/priv/x"
        chmod 711 "$T/priv"
        # Another user, who may not list priv either, asks first.
        [ "$(as_user "$V" $SYS stat "$M/priv")" = ENOENT ]
        [ "$(as_user "$U" $SYS stat "$M/priv")" = "40711 0 0" ]
        [ "$(as_user "$U" $SYS stat "$M/priv/x")" = "40755 $(id -u "$U") 0" ]
        run ! grep -q "cannot index" "$LOG"
}

@test "degraded: past the inotify watch limit (2 watches, then none) the answers stay exact" {
        for limit in 2 0; do
                mount_second "$limit"
                mkdir -p "$T/d1/d2/d3" "$T/e1"
                chown "$U" "$T/d1/d2/d3"
                [ "$(as_user "$U" $SYS stat "$M2/d1/d2")" = "40755 0 0" ]
                chown root "$T/d1/d2/d3"
                [ "$(as_user "$U" $SYS stat "$M2/d1")" = ENOENT ]
                [ "$(as_user "$U" $SYS stat "$M2/d1/d2")" = ENOENT ]
                chown "$U" "$T/d1/d2/d3"
                [ "$(as_user "$U" $SYS stat "$M2/d1")" = "40755 0 0" ]
                mkdir "$T/e1/e2"
                chown "$U" "$T/e1/e2"
                [ "$(cgroups "$U" "$M2")" = "d1 e1" ]
                rmdir "$T/e1/e2"
                [ "$(cgroups "$U" "$M2")" = d1 ]
                [ "$(as_user "$U" $SYS stat "$M2/e1")" = ENOENT ]
                grep -q "cannot watch every cgroup" "$LOG2"
                unmount_second
                remove_below "$T"
        done
}

@test "random changes on cgroupfs (fixed seed): every next lookup by the user is what the model of SPEC 5.2 says" {
        mkdir "$T/m"
        run /usr/bin/python3 "$REPO/tests/integration/vismodel.py" "$T/m" "$M/m" "$W" "$G" 7 300
        echo "$output" | tail -20
        [ "$status" -eq 0 ]
        [[ "$output" == *", 0 differences" ]]
}
