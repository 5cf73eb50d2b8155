#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# In the VM (tests/vm/run): a container's real caps through the view, on a
# kernel with memory, cpu and pids in cgroup v2 (docs/containers.md). The
# host's runtime caps the pod; the container's own cgroup says max; inside
# the container (cgroup, mount and PID namespaces, the view bind-mounted
# rslave) limits/ shows its own max, effective/ the pod's cap, and the kernel
# enforces the cap (an allocation above it is OOM-killed).

load ../integration/common
load ../integration/ctr

setup_file() {
        [ "${CGVIEW_VM:-}" = 1 ] || skip "runs only inside the test VM (tests/vm/run)"
        require_mountable
        command -v unshare > /dev/null || skip "needs unshare"
        mount_view
        mkdir -p "$T/pod/ctr"
        echo "+memory +cpu +pids" > "$T/pod/cgroup.subtree_control"
        # the pod's caps, as a runtime or the kubelet writes them
        echo $((64 * 1024 * 1024)) > "$T/pod/memory.max"
        [ ! -f "$T/pod/memory.swap.max" ] || echo 0 > "$T/pod/memory.swap.max"
        echo "50000 100000" > "$T/pod/cpu.max"
        echo 40 > "$T/pod/pids.max"
        ctr_prepare
}

teardown_file() {
        [ "${CGVIEW_VM:-}" = 1 ] || return 0
        ctr_cleanup
        unmount_view
}

@test "inside the container: limits/ is its own cgroup's (max), effective/ the pod's caps" {
        [ "$(< "$T/pod/ctr/memory.max")" = max ]
        run ctr "$T/pod/ctr" 'for f in memory cpu pids; do printf "%s %s\n" "$f" "$(cat $R/cg/limits/$f)"; done
                readlink $R/cg/self; ls $R/cg | grep -cx effective || true'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "memory max" ]
        [ "${lines[1]}" = "cpu max" ]
        [ "${lines[2]}" = "pids max" ]
        [ "${lines[3]}" = . ]
        [ "${lines[4]}" = 1 ]
        run ctr "$T/pod/ctr" 'for f in memory swap cpu pids; do printf "%s %s\n" "$f" "$(cat $R/cg/effective/$f)"; done
                cat $R/cg/self/effective/memory'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "memory 64M" ]
        if [ -f "$T/pod/memory.swap.max" ]; then [ "${lines[1]}" = "swap 0" ]; fi
        [ "${lines[2]}" = "cpu 0.5" ]
        [ "${lines[3]}" = "pids 40" ]
        [ "${lines[4]}" = 64M ]
        # a read-only bind answers the same
        run ctr "$T/pod/ctr" --ro 'cat $R/cg/effective/memory'
        [ "$output" = 64M ]
}

@test "the cap effective/ shows is the one the kernel enforces: 128M allocated in the container is OOM-killed" {
        run ctr "$T/pod/ctr" 'echo "before $(cat $R/cg/stats/oom.kills)"
                /usr/bin/python3 -S -c "b = bytearray(b\"x\") * (128 << 20); print(\"survived\")"; echo "status $?"
                echo "after $(cat $R/cg/stats/oom.kills)"; echo "limit $(cat $R/cg/limits/memory)"'
        echo "$output"
        grep -qx "before 0" <<< "$output"
        [[ $output != *survived* ]]
        grep -qx "status 137" <<< "$output"
        [ "$(sed -n 's/^after //p' <<< "$output")" -ge 1 ]
        grep -qx "limit max" <<< "$output"
        # the pod counts it too: it was the pod's cap
        [ "$(awk '$1 == "oom_kill" { print $2 }' "$T/pod/memory.events")" -ge 1 ]
}

@test "a change of the pod's cap shows in the container at once" {
        echo $((32 * 1024 * 1024)) > "$T/pod/memory.max"
        echo "25000 100000" > "$T/pod/cpu.max"
        run ctr "$T/pod/ctr" 'cat $R/cg/effective/memory $R/cg/effective/cpu'
        echo $((64 * 1024 * 1024)) > "$T/pod/memory.max"
        echo "50000 100000" > "$T/pod/cpu.max"
        [ "${lines[0]}" = 32M ]
        [ "${lines[1]}" = 0.25 ]
}
