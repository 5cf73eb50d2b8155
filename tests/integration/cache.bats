#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# What the kernel's caches of the view could get wrong (fs/cache.h): entries,
# attributes and values kept for one caller and shown to another, or kept
# after cgroupfs changed. Runs on the host and, through tests/vm/guest-suite,
# on the VM's kernel.

load common

CHECK="/usr/bin/python3 -S"

setup_file() {
        require_mountable
        mount_view
        U=$(make_user cache)
        export U
        mkdir -p "$T/a/c" "$T/a/mine" "$T/v/sub" "$T/nsA/x" "$T/nsB/x" "$T/shared"
        chown "$U:" "$T/a/mine"
}

teardown_file() {
        unmount_view
}

@test "root looks first, then a user who may not see it: ENOENT to every call, and the other way round" {
        cat "$M/a/c/cgroup.max.depth" "$M/a/c/stats/procs" > /dev/null
        ls "$M/a/c" "$M/a/c/limits" "$M/a" > /dev/null
        stat "$M/a/c/cgroup.procs" > /dev/null
        [ "$(as_user "$U" $SYS stat "$M/a/c")" = ENOENT ]
        [ "$(as_user "$U" $SYS read "$M/a/c/cgroup.max.depth")" = ENOENT ]
        [ "$(as_user "$U" $SYS stat "$M/a/c/cgroup.procs")" = ENOENT ]
        [ "$(as_user "$U" $SYS read "$M/a/c/stats/procs")" = ENOENT ]
        [ "$(as_user "$U" $SYS ls "$M/a/c/limits")" = ENOENT ]
        run as_user "$U" $SYS ls "$M/a"
        [[ " $output " == *" mine "* ]]
        [[ " $output " != *" c "* ]]
        # the user first, then root: root sees all of it
        as_user "$U" cat "$M/a/mine/cgroup.max.depth" > /dev/null
        [ -d "$M/a/c" ] && [ -d "$M/a/mine" ]
        [ "$(cat "$M/a/c/cgroup.max.depth")" = max ]
        [ "$(as_user "$U" $SYS stat "$M/a/c")" = ENOENT ]
}

@test "a value written straight to cgroupfs or through the view is what the next read shows (1,000 trials)" {
        run $CHECK "$HELPERS/cachecheck.py" values "$M/v" "$T/v" 1000
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "a mode or owner changed on cgroupfs is what the next stat through the view shows (1,000 trials)" {
        run $CHECK "$HELPERS/cachecheck.py" attrs "$M/v" "$T/v" 1000 "$(id -u "$U")"
        echo "$output"
        [ "$status" -eq 0 ]
        chown 0:0 "$T/v" "$T/v/cgroup.max.depth" "$T/v/sub/cgroup.procs"
        chmod 755 "$T/v"
        chmod 644 "$T/v/cgroup.max.depth" "$T/v/sub/cgroup.procs"
}

@test "a mode changed on cgroupfs decides the very next open through the view" {
        local f=a/mine/cgroup.max.depth
        echo 2 > "$T/$f"
        chown 0:0 "$T/$f"
        for _ in $(seq 20); do
                chmod 644 "$T/$f"
                [ "$(as_user "$U" $SYS read "$M/$f")" = 2 ]
                chmod 600 "$T/$f"
                [ "$(as_user "$U" $SYS read "$M/$f")" = EACCES ]
        done
}

@test "callers in two cgroup namespaces read one path at once: each gets its own cgroup's value" {
        command -v unshare > /dev/null || skip "needs unshare"
        echo 3 > "$T/nsA/x/cgroup.max.depth"
        echo 5 > "$T/nsB/x/cgroup.max.depth"
        in_container "$T/nsA" $CHECK "$HELPERS/cachecheck.py" same "$M/x/cgroup.max.depth" '3\n' 500 > "$BATS_TEST_TMPDIR/a" &
        in_container "$T/nsB" $CHECK "$HELPERS/cachecheck.py" same "$M/x/cgroup.max.depth" '5\n' 500 > "$BATS_TEST_TMPDIR/b" &
        # the same cgroup under another name, from the host's namespace
        $CHECK "$HELPERS/cachecheck.py" same "$M/nsA/x/cgroup.max.depth" '3\n' 500 > "$BATS_TEST_TMPDIR/c" &
        wait %1
        wait %2
        wait %3
        cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/c"
        [ "$(cat "$BATS_TEST_TMPDIR/a")" = "ok 500 trials" ]
        [ "$(cat "$BATS_TEST_TMPDIR/b")" = "ok 500 trials" ]
        [ "$(cat "$BATS_TEST_TMPDIR/c")" = "ok 500 trials" ]
}

@test "callers in two PID namespaces read one cgroup.procs at once: each gets its own PIDs" {
        command -v unshare > /dev/null || skip "needs unshare"
        # A: its shell (1) and a sleep (2) in shared; B: its shell (1) alone
        unshare --pid --fork --mount-proc sh -c "sleep 60 & echo \$! > $T/shared/cgroup.procs;
                echo \$\$ > $T/shared/cgroup.procs;
                exec $CHECK $HELPERS/cachecheck.py same $M/shared/cgroup.procs '1\n2\n' 500" > "$BATS_TEST_TMPDIR/a" &
        unshare --pid --fork --mount-proc sh -c "echo \$\$ > $T/shared/cgroup.procs;
                exec $CHECK $HELPERS/cachecheck.py same $M/shared/cgroup.procs '1\n' 500" > "$BATS_TEST_TMPDIR/b" &
        wait %1 || true
        wait %2 || true
        cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
        [ "$(cat "$BATS_TEST_TMPDIR/a")" = "ok 500 trials" ]
        [ "$(cat "$BATS_TEST_TMPDIR/b")" = "ok 500 trials" ]
}

@test "a cgroup removed and made again under the same name: the view follows each one (200 trials)" {
        run $CHECK "$HELPERS/cachecheck.py" recreate "$M/v" "$T/v" again 200
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "a warm cat costs 2 requests, the lookup of the top's child and the open, whoever asks" {
        # no stat of the top on the way (getfattr makes one): the counters' own cost is one getxattr
        counts() { python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.cgview.requests").decode())' "$M"; }
        per_cat() { # requests (all but getxattr, forget, release) per cat of $2 by $1 (root or a user), 20 cats
                local before after
                $1 cat "$2" > /dev/null
                before=$(counts)
                for _ in $(seq 20); do $1 cat "$2" > /dev/null; done
                after=$(counts)
                paste <(echo "$before") <(echo "$after") | awk '$1 !~ /^(getxattr|forget|release|releasedir|notify_store|nodes|classes|slots|epoch|handles)$/ { n += $4 - $2 } END { print n / 20 }'
        }
        as_u() { as_user "$U" "$@"; }
        [ "$(per_cat env "$M/v/cgroup.max.depth")" = 2 ]
        [ "$(per_cat env "$M/v/stats/procs")" = 2 ]
        [ "$(per_cat env "$M/v/sub/cgroup.procs")" = 2 ]
        [ "$(per_cat as_u "$M/a/mine/cgroup.max.depth")" = 2 ]
}

@test "host_only with visibility=all: a warm cat is 1 request, changes reach the cache within 100 ms, namespaces are refused" {
        local m2 log2 pid2 before after
        m2=$(mktemp -d /tmp/cgview-mnt.XXXXXX)
        log2=$(mktemp /tmp/cgview-log.XXXXXX)
        "$CGVIEW" -f -o cgroup_root="$T",visibility=all,host_only "$m2" 2> "$log2" &
        pid2=$!
        for _ in $(seq 100); do [[ $(< /proc/mounts) == *" $m2 fuse.cgview "* ]] && break; sleep 0.05; done
        counts() { python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.cgview.requests").decode())' "$m2"; }
        cat "$m2/v/cgroup.max.depth" > /dev/null
        before=$(counts)
        for _ in $(seq 20); do cat "$m2/v/cgroup.max.depth" > /dev/null; done
        after=$(counts)
        n=$(paste <(echo "$before") <(echo "$after") | awk '$1 !~ /^(getxattr|forget|release|releasedir|notify_store|nodes|classes|slots|epoch|handles)$/ { n += $4 - $2 } END { print n / 20 }')
        # values: exact at once (read at every open); entries and attributes: within 100 ms
        echo 6 > "$T/v/cgroup.max.depth"
        v=$(cat "$m2/v/cgroup.max.depth")
        chmod 600 "$T/v/cgroup.max.depth"
        mkdir "$T/v/late"
        for _ in $(seq 10); do
                [ "$(stat -c %a "$m2/v/cgroup.max.depth")" = 600 ] && [ -d "$m2/v/late" ] && break
                sleep 0.01
        done
        mode=$(stat -c %a "$m2/v/cgroup.max.depth")
        late=$(stat -c %F "$m2/v/late" 2>&1)
        rmdir "$T/v/late"
        chmod 644 "$T/v/cgroup.max.depth"
        refused=$(in_container "$T/nsA" $SYS read "$m2/x/cgroup.max.depth")
        fusermount3 -u "$m2"
        stop_daemon "$pid2"
        rmdir "$m2"
        echo "requests per cat: $n; value: $v; mode: $mode; late: $late; namespaced: $refused"
        cat "$log2"
        clean=0
        check_daemon_log "$log2" || clean=1
        rm -f "$log2"
        [ "$clean" = 0 ]
        [ "$n" = 1 ]
        [ "$v" = 6 ]
        [ "$mode" = 600 ]
        [ "$late" = directory ]
        [ "$refused" = EACCES ]
}

@test "two readers of one file while cgroupfs changes it: every read is one whole value" {
        run $CHECK "$HELPERS/cachecheck.py" torn "$M/v/cgroup.max.descendants" "$T/v/cgroup.max.descendants" 2
        echo "$output" | tail -5
        [ "$status" -eq 0 ]
        echo max > "$T/v/cgroup.max.descendants"
}

@test "a delegation revoked on cgroupfs: a directory the user still holds shows nothing more" {
        mkdir -p "$T/rev/child"
        chown "$U" "$T/rev"
        # where the user can see it (bats' own directories are root's alone)
        flagdir=$(mktemp -d /tmp/cgview-flag.XXXXXX)
        chmod 755 "$flagdir"
        flag=$flagdir/revoked
        # the user walks in and stays there while root takes the delegation back
        as_user "$U" bash -c "cd $M/rev && cat child/cgroup.max.depth && cat cgroup.max.depth &&
                while [ ! -e $flag ]; do sleep 0.05; done
                $SYS read child/cgroup.max.depth; $SYS read cgroup.max.depth; $SYS ls child" \
                > "$BATS_TEST_TMPDIR/out" 2>&1 &
        for _ in $(seq 100); do [ "$(wc -l < "$BATS_TEST_TMPDIR/out")" -ge 2 ] && break; sleep 0.05; done
        chown 0 "$T/rev"
        touch "$flag"
        wait %1 || true
        rm -rf "$flagdir"
        cat "$BATS_TEST_TMPDIR/out"
        [ "$(sed -n 1,2p "$BATS_TEST_TMPDIR/out")" = "$(printf 'max\nmax')" ]
        [ "$(sed -n 3,5p "$BATS_TEST_TMPDIR/out")" = "$(printf 'ENOENT\nENOENT\nENOENT')" ]
}

@test "visibility=all: a user stats what root looked up under a 0700 cgroup: EACCES, as on cgroupfs" {
        local m2 pid2 log2 clean=0
        mkdir -p "$T/secret/sub"
        # another user's 0700 cgroup: only DAC capabilities reach inside
        chown 65534 "$T/secret"
        chmod 700 "$T/secret"
        m2=$(mktemp -d /tmp/cgview-mnt.XXXXXX)
        log2=$(mktemp /tmp/cgview-log.XXXXXX)
        "$CGVIEW" -f -o cgroup_root="$T",visibility=all "$m2" 2> "$log2" &
        pid2=$!
        for _ in $(seq 100); do [[ $(< /proc/mounts) == *" $m2 fuse.cgview "* ]] && break; sleep 0.05; done
        stat "$m2/secret/sub/cgroup.procs" > /dev/null
        user=$(as_user "$U" $SYS stat "$m2/secret/sub/cgroup.procs")
        raw=$(as_user "$U" $SYS stat "$T/secret/sub/cgroup.procs")
        nocaps=$(setpriv --inh-caps=-all --bounding-set=-dac_override,-dac_read_search \
                $SYS stat "$m2/secret/sub/cgroup.procs")
        nocaps_raw=$(setpriv --inh-caps=-all --bounding-set=-dac_override,-dac_read_search \
                $SYS stat "$T/secret/sub/cgroup.procs")
        fusermount3 -u "$m2"
        stop_daemon "$pid2"
        rmdir "$m2"
        check_daemon_log "$log2" || clean=1
        rm -f "$log2"
        chmod 755 "$T/secret"
        chown 0 "$T/secret"
        [ "$clean" = 0 ]
        echo "user: $user (cgroupfs: $raw); uid 0 without DAC capabilities: $nocaps (cgroupfs: $nocaps_raw)"
        [ "$raw" = EACCES ]
        [ "$user" = EACCES ]
        [ "$nocaps_raw" = EACCES ]
        [ "$nocaps" = EACCES ]
}

@test "cgroup.pressure written on cgroupfs: the *.pressure files come and go at the next access" {
        [ -f "$T/v/cgroup.pressure" ] || skip "no cgroup.pressure in this kernel"
        ls "$M/v" > /dev/null
        stat "$M/v/cpu.pressure" > /dev/null
        echo 0 > "$T/v/cgroup.pressure"
        off=$($SYS stat "$M/v/cpu.pressure")
        echo 1 > "$T/v/cgroup.pressure"
        on=$($SYS stat "$M/v/cpu.pressure")
        echo "off: $off; on: $on"
        [ "$off" = ENOENT ]
        [ "$on" != ENOENT ]
}
