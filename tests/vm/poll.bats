#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# In the VM (tests/vm/run): poll() through the view on a kernel with every
# controller (SPEC 2, fs/pollwatch.h): an OOM kill wakes pollers of
# memory.events and stats/oom.kills, a PSI trigger written through the view
# fires under load, and the wake latency (figures).

load ../integration/common

setup_file() {
        [ "${CGVIEW_VM:-}" = 1 ] || skip "runs only inside the test VM (tests/vm/run)"
        require_mountable
        mount_view
        install -m 644 "$BATS_TEST_DIRNAME/../integration/pollwait.py" "$TEST_HELPERS/pollwait.py"
}

teardown_file() {
        [ "${CGVIEW_VM:-}" = 1 ] || return 0
        unmount_view
}

POLLWAIT() {
        /usr/bin/python3 -S "$TEST_HELPERS/pollwait.py" "$@"
}

measured() { echo "# measured: $*" >&3; }

wait_ready() {
        local f
        for f in "$@"; do
                for _ in $(seq 600); do
                        [ -e "$f" ] && break
                        sleep 0.05
                done
                [ -e "$f" ] || return 1
        done
}

@test "an OOM kill wakes pollers of memory.events and stats/oom.kills; they read the new count" {
        local d=$BATS_TEST_TMPDIR p1 p2
        mkdir "$T/oom"
        echo 16M > "$M/oom/limits/memory"
        [ -f "$T/oom/memory.swap.max" ] && echo 0 > "$M/oom/limits/swap"
        [ "$(< "$M/oom/stats/oom.kills")" = 0 ]
        POLLWAIT wait "$M/oom/memory.events" --until "oom_kill 1" --timeout 60 --ready "$d/r1" > "$d/o1" &
        p1=$!
        POLLWAIT wait "$M/oom/stats/oom.kills" --until 1 --timeout 60 --ready "$d/r2" > "$d/o2" &
        p2=$!
        wait_ready "$d/r1" "$d/r2"
        sleep 0.5
        run sh -c 'echo $$ > "$1/cgroup.procs" && exec /usr/bin/python3 -S -c "b = bytearray(64 << 20)
for i in range(0, len(b), 4096): b[i] = 1"' sh "$T/oom"
        [ "$status" -eq 137 ]
        wait "$p1" || { cat "$d/o1"; false; }
        wait "$p2" || { cat "$d/o2"; false; }
        measured "OOM kill: memory.events $(tail -1 "$d/o1" | cut -c1-60), stats/oom.kills $(tail -1 "$d/o2")"
        grep -q '^wake .*oom_kill 1' "$d/o1"
        grep -q '^wake .* 1$' "$d/o2"
        rmdir "$T/oom"
}

@test "a PSI trigger written to cpu.pressure through the view fires POLLPRI under three busy loops on two CPUs" {
        local d=$BATS_TEST_TMPDIR p1 pids=() _
        mkdir "$T/psi"
        POLLWAIT wait "$M/psi/cpu.pressure" --trigger "some 200000 2000000" --timeout 60 --ready "$d/r1" > "$d/o1" &
        p1=$!
        wait_ready "$d/r1"
        for _ in 1 2 3; do
                sh -c 'echo $$ > "$1/cgroup.procs"; while :; do :; done' sh "$T/psi" &
                pids+=($!)
        done
        wait "$p1" || true
        kill "${pids[@]}"
        wait "${pids[@]}" 2> /dev/null || true
        measured "cpu.pressure trigger: $(head -1 "$d/o1")"
        grep -q '^wake ' "$d/o1"
        [ $(($(awk '/^wake/ { print $3; exit }' "$d/o1") & 2)) -eq 2 ]
        cg_remove_tree "$T/psi"
}

@test "a PSI trigger on memory.pressure through the view fires while a cgroup held to 8M reads 64M of disk again and again" {
        [ -b "${CGVIEW_VM_DISK:-}" ] || skip "no scratch disk (CGVIEW_VM_DISK)"
        local d=$BATS_TEST_TMPDIR p pid
        mkdir "$T/mpsi"
        echo 8M > "$M/mpsi/limits/memory"
        POLLWAIT wait "$M/mpsi/memory.pressure" --trigger "some 20000 2000000" --timeout 60 --ready "$d/r" > "$d/o" &
        p=$!
        wait_ready "$d/r"
        # the disk's page cache is charged to the cgroup: every pass reclaims it
        sh -c 'echo $$ > "$1/cgroup.procs"; while :; do dd if="$2" of=/dev/null bs=64k 2> /dev/null; done' \
                sh "$T/mpsi" "$CGVIEW_VM_DISK" &
        pid=$!
        wait "$p" || true
        kill "$pid"
        wait "$pid" 2> /dev/null || true
        measured "memory.pressure trigger: $(head -1 "$d/o"); memory.pressure now: $(head -1 "$T/mpsi/memory.pressure")"
        cg_remove_tree "$T/mpsi"
        grep -q '^wake ' "$d/o"
        [ $(($(awk '/^wake/ { print $3; exit }' "$d/o") & 2)) -eq 2 ]
}

@test "wake latency in the VM: a process entering and leaving, through the view and on cgroupfs (figures)" {
        mkdir "$T/lat" "$T/lat2"
        run POLLWAIT latency "$M/lat/cgroup.events" "$T/lat" "$T/lat2" 15
        measured "wake latency, view cgroup.events: $output"
        [ "$status" -eq 0 ]
        run POLLWAIT latency "$M/lat/stats/populated" "$T/lat" "$T/lat2" 15
        measured "wake latency, view stats/populated: $output"
        [ "$status" -eq 0 ]
        run POLLWAIT latency "$T/lat/cgroup.events" "$T/lat" "$T/lat2" 15
        measured "wake latency, cgroupfs cgroup.events: $output"
        [ "$status" -eq 0 ]
        rmdir "$T/lat" "$T/lat2"
}

@test "PSI trigger writes through the view get cgroupfs's answer: root, and a user the cgroup is delegated to" {
        local u spec view raw
        mkdir "$T/tpsi"
        u=$(make_user vpsi)
        for spec in "some 150000 1000000" "some 500000 2000000" "full 100000 1000000" "some 1 1"; do
                view=$($SYS write "$M/tpsi/cpu.pressure" "$spec")
                raw=$($SYS write "$T/tpsi/cpu.pressure" "$spec")
                measured "root, '$spec': view $view, cgroupfs $raw"
                [ "$view" = "$raw" ]
        done
        chown "$u" "$T/tpsi" "$T/tpsi/cpu.pressure" "$T/tpsi/cgroup.procs"
        for spec in "some 150000 1000000" "some 500000 2000000" "full 100000 1000000" "some 1 1"; do
                view=$(as_user "$u" $SYS write "$M/tpsi/cpu.pressure" "$spec")
                raw=$(as_user "$u" $SYS write "$T/tpsi/cpu.pressure" "$spec")
                measured "delegated user, '$spec': view $view, cgroupfs $raw"
                [ "$view" = "$raw" ]
        done
        rmdir "$T/tpsi"
}
