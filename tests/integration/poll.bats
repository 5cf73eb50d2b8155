#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# poll() through the view as on cgroupfs (SPEC 2, fs/pollwatch.h): pollers of
# cgroup.events and of the stats/ files made from it are woken when the kernel
# file changes and read the new value; nothing wakes them otherwise; a PSI
# trigger written through the view fires POLLPRI, with the caller's rights; a
# poller outlives a worker killed (takeover).

load common

setup_file() {
        require_mountable
        mount_view
        # What a test runs as another user must be readable by it (common.bash: mount_view).
        install -m 644 "$BATS_TEST_DIRNAME/pollwait.py" "$TEST_HELPERS/pollwait.py"
}

teardown_file() {
        unmount_view
}

POLLWAIT() {
        /usr/bin/python3 -S "$TEST_HELPERS/pollwait.py" "$@"
}

# wait_ready FILE...: each poller has read its file and is about to poll (pollwait.py --ready).
wait_ready() {
        local f
        for f in "$@"; do
                for _ in $(seq 200); do
                        [ -e "$f" ] && break
                        sleep 0.05
                done
                [ -e "$f" ] || return 1
        done
}

# A process of its own that sleeps until killed, moved into raw cgroup $1; its pid in $SLEEPER.
start_sleeper() {
        sleep 1000 &
        SLEEPER=$!
        echo "$SLEEPER" > "$1/cgroup.procs"
}

counter() {
        getfattr -n trusted.cgview.requests --only-values "$M" | awk -v k="$1" '$1 == k { print $2 }'
}

@test "a process entering and leaving wakes pollers of cgroup.events and stats/populated (poll and epoll); they read the new value" {
        local d=$BATS_TEST_TMPDIR p1 p2 p3
        mkdir "$T/ev"
        POLLWAIT wait "$M/ev/cgroup.events" --until "populated 1" --ready "$d/r1" > "$d/o1" &
        p1=$!
        POLLWAIT wait "$M/ev/stats/populated" --until 1 --ready "$d/r2" > "$d/o2" &
        p2=$!
        POLLWAIT wait "$M/ev/cgroup.events" --until "populated 1" --epoll --ready "$d/r3" > "$d/o3" &
        p3=$!
        wait_ready "$d/r1" "$d/r2" "$d/r3"
        sleep 0.2 # they are in poll() now, or find the event when they get there
        start_sleeper "$T/ev"
        wait "$p1" || { cat "$d/o1"; false; }
        wait "$p2" || { cat "$d/o2"; false; }
        wait "$p3" || { cat "$d/o3"; false; }
        grep -q '^wake .* populated 1|frozen 0$' "$d/o1"
        grep -q '^wake .* 1$' "$d/o2"
        grep -q '^wake .* populated 1|frozen 0$' "$d/o3"
        # and out again
        rm -f "$d"/r*
        POLLWAIT wait "$M/ev/cgroup.events" --until "populated 0" --ready "$d/r1" > "$d/o1" &
        p1=$!
        POLLWAIT wait "$M/ev/stats/populated" --until 0 --ready "$d/r2" > "$d/o2" &
        p2=$!
        wait_ready "$d/r1" "$d/r2"
        sleep 0.2
        kill "$SLEEPER"
        wait "$SLEEPER" || true
        wait "$p1" || { cat "$d/o1"; false; }
        wait "$p2" || { cat "$d/o2"; false; }
        grep -q '^wake .* populated 0|frozen 0$' "$d/o1"
        grep -q '^wake .* 0$' "$d/o2"
        # Every watch went with its file.
        [ "$(counter polls)" = 0 ]
        rmdir "$T/ev"
}

@test "a file read, then changed, then polled: the poll returns at once and the first read shows the change" {
        local d=$BATS_TEST_TMPDIR p1 p2
        mkdir "$T/late"
        POLLWAIT wait "$M/late/cgroup.events" --until "populated 1" --delay 1 --ready "$d/r1" > "$d/o1" &
        p1=$!
        POLLWAIT wait "$M/late/stats/populated" --until 1 --delay 1 --ready "$d/r2" > "$d/o2" &
        p2=$!
        wait_ready "$d/r1" "$d/r2"
        start_sleeper "$T/late"
        wait "$p1" || { cat "$d/o1"; false; }
        wait "$p2" || { cat "$d/o2"; false; }
        cat "$d/o1" "$d/o2"
        [ "$(grep -c '^wake' "$d/o1")" -eq 1 ]
        [ "$(grep -c '^wake' "$d/o2")" -eq 1 ]
        kill "$SLEEPER"
        wait "$SLEEPER" || true
        rmdir "$T/late"
}

@test "cgroup.freeze 1 wakes a poller of stats/frozen, which reads 1" {
        local d=$BATS_TEST_TMPDIR p
        mkdir "$T/fz"
        start_sleeper "$T/fz"
        POLLWAIT wait "$M/fz/stats/frozen" --until 1 --ready "$d/r" > "$d/o" &
        p=$!
        wait_ready "$d/r"
        sleep 0.2
        echo 1 > "$M/fz/cgroup.freeze"
        wait "$p" || { cat "$d/o"; false; }
        grep -q '^wake .* 1$' "$d/o"
        echo 0 > "$M/fz/cgroup.freeze"
        kill "$SLEEPER"
        wait "$SLEEPER" || true
        cg_remove_tree "$T/fz"
}

@test "nothing happening: no poller is woken (2 s), and a cat sends no poll" {
        mkdir "$T/q"
        start_sleeper "$T/q"
        run POLLWAIT quiet "$M/q/cgroup.events" 2
        [ "$status" -eq 0 ]
        [ "$output" = quiet ]
        run POLLWAIT quiet "$M/q/stats/populated" 2
        [ "$status" -eq 0 ]
        [ "$output" = quiet ]
        # A change wakes the same kind of poller (the test above could not fail otherwise).
        kill "$SLEEPER"
        wait "$SLEEPER" || true
        local before
        before=$(counter poll)
        cat "$M/q/cgroup.events" "$M/q/stats/populated" "$M/q/cpu.pressure" > /dev/null
        [ "$(counter poll)" = "$before" ]
        rmdir "$T/q"
}

@test "a PSI trigger written to cpu.pressure through the view fires POLLPRI under a busy loop" {
        mkdir "$T/psi"
        [ -f "$T/psi/cpu.pressure" ] || skip "no cpu.pressure in this host's cgroup2 (PSI off)"
        local d=$BATS_TEST_TMPDIR p pids=() _
        POLLWAIT wait "$M/psi/cpu.pressure" --trigger "some 200000 2000000" --timeout 20 --ready "$d/r" > "$d/o" &
        p=$!
        wait_ready "$d/r"
        # three busy loops on a machine of two cores: each waits for a CPU much of the time
        for _ in 1 2 3; do
                sh -c 'echo $$ > "$1/cgroup.procs"; while :; do :; done' sh "$T/psi" &
                pids+=($!)
        done
        wait "$p" || true
        kill "${pids[@]}"
        wait "${pids[@]}" 2> /dev/null || true
        cat "$d/o"
        grep -q '^wake ' "$d/o"
        # POLLPRI (2) is in what woke it
        [ $(($(awk '/^wake/ { print $3; exit }' "$d/o") & 2)) -eq 2 ]
        cg_remove_tree "$T/psi"
}

@test "an unprivileged user's PSI trigger writes get the kernel's answer, as on cgroupfs" {
        mkdir "$T/upsi"
        [ -f "$T/upsi/cpu.pressure" ] || skip "no cpu.pressure in this host's cgroup2 (PSI off)"
        local u spec view raw
        u=$(make_user psi)
        # not the user's: cgroupfs refuses, and the view does not show it (SPEC 5.2)
        [ "$(as_user "$u" $SYS write "$T/upsi/cpu.pressure" "some 150000 1000000")" = EACCES ]
        [ "$(as_user "$u" $SYS write "$M/upsi/cpu.pressure" "some 150000 1000000")" = ENOENT ]
        chown "$u" "$T/upsi" "$T/upsi/cpu.pressure" "$T/upsi/cgroup.procs"
        for spec in "some 150000 1000000" "some 500000 2000000" "full 100000 1000000" "some 1 1"; do
                view=$(as_user "$u" $SYS write "$M/upsi/cpu.pressure" "$spec")
                raw=$(as_user "$u" $SYS write "$T/upsi/cpu.pressure" "$spec")
                echo "# delegated, '$spec': view $view, cgroupfs $raw" >&3
                [ "$view" = "$raw" ]
        done
        rmdir "$T/upsi"
}

@test "a poller outlives its worker: killed while it polls, the next worker wakes it at the event" {
        local d=$BATS_TEST_TMPDIR p1 p2 p3 w
        mkdir "$T/tk"
        POLLWAIT wait "$M/tk/cgroup.events" --until "populated 1" --timeout 20 --ready "$d/r1" > "$d/o1" &
        p1=$!
        POLLWAIT wait "$M/tk/stats/populated" --until 1 --timeout 20 --ready "$d/r2" > "$d/o2" &
        p2=$!
        # A PSI trigger lives on the dead worker's descriptor: its poller is told (POLLERR), not left waiting.
        POLLWAIT wait "$M/tk/cpu.pressure" --trigger "some 500000 2000000" --timeout 20 --ready "$d/r3" > "$d/o3" &
        p3=$!
        wait_ready "$d/r1" "$d/r2" "$d/r3"
        sleep 0.3
        w=$(worker_pid)
        kill -9 "$w"
        for _ in $(seq 100); do
                [ -n "$(worker_pid)" ] && [ "$(worker_pid)" != "$w" ] && break
                sleep 0.05
        done
        [ "$(worker_pid)" != "$w" ]
        sleep 0.5 # the pollers woken by the new worker poll again
        start_sleeper "$T/tk"
        wait "$p1" || { cat "$d/o1"; false; }
        wait "$p2" || { cat "$d/o2"; false; }
        cat "$d/o1" "$d/o2"
        grep -q '^wake .* populated 1|frozen 0$' "$d/o1"
        grep -q '^wake .* 1$' "$d/o2"
        grep -q 'pollers woken to poll again' "$LOG"
        wait "$p3" || { cat "$d/o3"; false; }
        cat "$d/o3"
        [ $(($(awk '/^wake/ { print $3; exit }' "$d/o3") & 8)) -eq 8 ]
        kill "$SLEEPER"
        wait "$SLEEPER" || true
        rmdir "$T/tk"
}

@test "wake latency: a process entering and leaving, through the view and on cgroupfs (figures)" {
        mkdir "$T/lat" "$T/lat2"
        run POLLWAIT latency "$M/lat/cgroup.events" "$T/lat" "$T/lat2" 25
        echo "# view cgroup.events: $output" >&3
        [ "$status" -eq 0 ]
        run POLLWAIT latency "$M/lat/stats/populated" "$T/lat" "$T/lat2" 25
        echo "# view stats/populated: $output" >&3
        [ "$status" -eq 0 ]
        run POLLWAIT latency "$T/lat/cgroup.events" "$T/lat" "$T/lat2" 25
        echo "# cgroupfs cgroup.events: $output" >&3
        [ "$status" -eq 0 ]
        rmdir "$T/lat" "$T/lat2"
}
