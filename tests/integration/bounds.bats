#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Bounds (issue 9, part 7): the daemon's threads, descriptors and memory under
# 1,000 files held open, 200 cats at once and a flood of stats (README,
# "Bounds"). Each test prints what it measured.

load common

# fs/main.c: at most 16 worker threads; beside them the main thread, the
# inotify watcher, host_only's thread and one to spare.
THREADS_MAX=20

setup_file() {
        require_mountable
        mount_view
        U=$(make_user bounds)
        export U
        mkdir "$T/u"
        chown "$U:" "$T/u" "$T/u/cgroup.procs" "$T/u/cgroup.subtree_control" "$T/u/cgroup.threads"
        mkdir "$T/u/a" "$T/u/b"
}

teardown_file() {
        unmount_view
}

setup() {
        PID=$(worker_pid)
        BOUNDS="/usr/bin/python3 -S $HELPERS/bounds.py"
        # what a test user's process writes goes where it may write, not under BATS_TEST_TMPDIR
        OUT=$(mktemp -d /tmp/cgview-bounds.XXXXXX)
        chmod 755 "$OUT"
        # every background process closes fd 3, or bats waits for it
        $BOUNDS monitor "$PID" "$OUT/max" 3>&- &
        MONITOR=$!
}

teardown() {
        kill "$MONITOR" 2> /dev/null || true
        wait "$MONITOR" 2> /dev/null || true
        rm -rf "$OUT"
}

counter() {
        python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.cgview.requests").decode())' "$M" |
                sed -n "s/^$1 //p"
}

# Drop the kernel's dentries and inodes and wait for the daemon's count of open files to reach $1.
settle() {
        for _ in $(seq 100); do
                echo 2 > /proc/sys/vm/drop_caches
                [ "$(counter handles)" = "$1" ] && return 0
                sleep 0.1
        done
        echo "handles: $(counter handles), not $1" >&2
        return 1
}

# "threads_max rss_max fds_max" the monitor has seen so far.
maxima() {
        sleep 0.2
        cat "$OUT/max"
}

@test "a uid holds 1,024 files open (its bound): as many descriptors in the daemon; its next open is EMFILE, not root's; all given back at close" {
        local base during threads rss fds after job quota=1024
        settle 0
        base=$($BOUNDS fds "$PID")
        # 1,000 held, then up to the bound: the 1,025th is EMFILE
        touch "$OUT/holder"
        chown "$U" "$OUT/holder"
        as_user "$U" $BOUNDS hold "$M/u/cgroup.max.depth" "$quota" "$OUT/holder" > "$OUT/held" < /dev/null 3>&- &
        job=$!
        for _ in $(seq 300); do
                [ -s "$OUT/holder" ] && break
                sleep 0.1
        done
        during=$($BOUNDS fds "$PID")
        handles=$(counter handles)
        # the bound is the uid's: root opens as before
        root=$(cat "$M/u/cgroup.max.depth")
        read -r threads rss fds < <(maxima)
        kill "$(cat "$OUT/holder")"
        wait "$job" || true
        settle 0
        after=$($BOUNDS fds "$PID")
        echo "# held: $(cat "$OUT/held"); daemon fds: $base before, $during while held (max $fds), $after after; handles $handles; threads max $threads; rss max $rss kB" >&3
        [ "$(cat "$OUT/held")" = "held $quota next EMFILE" ]
        [ "$handles" -eq "$quota" ]
        [ "$during" -ge $((base + quota)) ]
        [ "$root" = max ]
        [ "$after" -eq "$base" ]
        [ "$threads" -le "$THREADS_MAX" ]
}

@test "200 cats at once: every one reads its value, threads stay at most $THREADS_MAX, descriptors come back" {
        local base after threads rss fds i ok=0 pids=()
        settle 0
        base=$($BOUNDS fds "$PID")
        echo 17 > "$T/u/a/cgroup.max.depth"
        for i in $(seq 200); do
                case $((i % 4)) in
                # every cat bounded: a hung one fails the test instead of hanging it
                0) timeout 60 cat "$M/u/a/cgroup.max.depth" > "$OUT/cat$i" 3>&- & ;;
                1) timeout 60 cat "$M/u/a/stats/procs" > "$OUT/cat$i" 3>&- & ;;
                2) timeout 60 cat "$M/u/b/cgroup.max.descendants" > "$OUT/cat$i" 3>&- & ;;
                3) as_user "$U" timeout 60 cat "$M/u/a/cgroup.max.depth" > "$OUT/cat$i" 3>&- & ;;
                esac
                pids+=($!)
        done
        for i in "${pids[@]}"; do
                wait "$i" || true
        done
        for i in $(seq 200); do
                case $((i % 4)) in
                0 | 3) [ "$(cat "$OUT/cat$i")" = 17 ] && ok=$((ok + 1)) ;;
                1) [ "$(cat "$OUT/cat$i")" = 0 ] && ok=$((ok + 1)) ;;
                2) [ "$(cat "$OUT/cat$i")" = max ] && ok=$((ok + 1)) ;;
                esac
        done
        read -r threads rss fds < <(maxima)
        settle 0
        after=$($BOUNDS fds "$PID")
        echo "# 200 cats: $ok right; daemon fds $base before, max $fds, $after after; threads max $threads; rss max $rss kB" >&3
        [ "$ok" -eq 200 ]
        [ "$threads" -le "$THREADS_MAX" ]
        [ "$after" -eq "$base" ]
}

@test "8 processes stat in a tight loop: threads, RSS and descriptors bounded; a cat meanwhile waits its turn and answers" {
        local base after threads rss0 rss fds before_req after_req start elapsed value n=0 i pids=()
        settle 0
        base=$($BOUNDS fds "$PID")
        rss0=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$PID/status")
        [ -n "$rss0" ]
        before_req=$(($(counter lookup) + $(counter getattr)))
        for i in $(seq 8); do
                # names that exist and names that do not: negative entries are not cached for long
                timeout 60 $BOUNDS flood 5 "$M/u/a/cgroup.procs" "$M/u/b" "$M/u/nope$i" "$M/u/a/limits" \
                        "$M/self" > "$OUT/flood$i" 3>&- &
                pids+=($!)
        done
        sleep 2
        start=$(date +%s%N)
        value=$(timeout 10 cat "$M/u/a/cgroup.max.depth")
        elapsed=$((($(date +%s%N) - start) / 1000000))
        for i in "${pids[@]}"; do
                wait "$i"
        done
        for i in $(seq 8); do
                n=$((n + $(cat "$OUT/flood$i")))
        done
        after_req=$(($(counter lookup) + $(counter getattr)))
        read -r threads rss fds < <(maxima)
        settle 0
        after=$($BOUNDS fds "$PID")
        echo "# flood: $n stats in 5 s by 8 processes, $((after_req - before_req)) lookups+getattrs reached the daemon; a cat meanwhile: $value in $elapsed ms; threads max $threads; rss $rss0 kB before, max $rss kB; fds $base before, max $fds, $after after" >&3
        [ "$value" = 17 ]
        [ "$elapsed" -lt 5000 ]
        # the flood reached the daemon (not only the kernel's caches)
        [ $((after_req - before_req)) -gt 1000 ]
        [ "$threads" -le "$THREADS_MAX" ]
        [ "$after" -eq "$base" ]
        # RSS: 64 MiB more at most (a sanitizer's build: 1 GiB)
        local bound=65536
        grep -qE 'lib(a|t)san|clang_rt' "/proc/$PID/maps" && bound=1048576
        [ $((rss - rss0)) -le "$bound" ]
}
