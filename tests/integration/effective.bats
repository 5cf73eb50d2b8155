#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# effective/ (SPEC 3.1): the tightest limit over a cgroup and every ancestor,
# above the served root and a caller's namespace root too, exact at once
# when an ancestor changes, read-only, no dearer than limits/. On this hybrid
# host hugetlb is the one limit there is; in the VM (tests/vm/guest-suite)
# memory, swap, pids, cpu, cpuset and io are checked too.

load common

setup_file() {
        require_mountable
        mount_view
        mkdir -p "$T/a/b/c"
        for d in "$T/a" "$T/a/b"; do
                for c in $(< "$d/cgroup.controllers"); do echo "+$c" > "$d/cgroup.subtree_control"; done
        done
}

teardown_file() {
        unmount_view
}

teardown() {
        [ -z "${M2:-}" ] || unmount_second
}

has() { grep -qw "$1" "$T/a/b/c/cgroup.controllers"; }

# The hugetlb page size the kernel offers first ("2MB"), and its friendly name ("2M").
hugetlb_size() { ls "$T/a" | sed -n 's/^hugetlb\.\([0-9]*[KMG]B\)\.max$/\1/p' | head -n 1; }

# Mount a second view whose root is raw cgroup $1; sets M2 and PID2.
mount_second() {
        M2=$(mktemp -d /tmp/cgview-mnt.XXXXXX)
        LOG2=$(mktemp /tmp/cgview-log.XXXXXX)
        "$CGVIEW" -f -o cgroup_root="$1" "$M2" > /dev/null 2> "$LOG2" &
        PID2=$!
        for _ in $(seq 100); do [[ $(< /proc/mounts) == *" $M2 fuse.cgview "* ]] && return 0; sleep 0.05; done
        return 1
}

unmount_second() {
        local m=$M2
        M2=
        fusermount3 -u "$m" 2> /dev/null || umount -l "$m"
        stop_daemon "$PID2"
        rmdir "$m"
        check_daemon_log "$LOG2" || return 1
        rm -f "$LOG2"
}

@test "effective/ is listed in every cgroup, holds the limits/ names that have one, and is read-only" {
        run ls -A "$M/a/b/c"
        grep -qx effective <<< "$output"
        [ "$($SYS mkdir "$M/a/effective")" = EEXIST ]
        [ "$($SYS rmdir "$M/a/b/c/effective")" = EPERM ]
        local want got
        want=$(find "$M/a/b/c/limits" -mindepth 1 -printf '%f\n' | grep -E '^(memory|memory\.high|swap|pids|cpu|cpus|mems|io|hugetlb\..*)$' | sort | paste -sd ' ')
        got=$(ls "$M/a/b/c/effective" | sort | paste -sd ' ')
        echo "limits: $want; effective: $got"
        [ "$got" = "$want" ]
        [ -n "$got" ] || skip "no controller with a limit in this hierarchy"
        for f in $got; do
                [ "$($SYS stat "$M/a/b/c/effective/$f" | cut -d' ' -f1)" = 100444 ]
                [ "$($SYS write "$M/a/b/c/effective/$f" 1)" = EACCES ]
        done
}

@test "hugetlb: the smallest over the cgroup and its ancestors, exact at the next read" {
        local s
        s=$(hugetlb_size)
        [ -n "$s" ] || skip "no hugetlb controller"
        local f=hugetlb.${s%B}
        [ "$(< "$M/a/b/c/effective/$f")" = max ]
        echo 4M > "$M/a/limits/$f"
        [ "$(< "$M/a/b/c/effective/$f")" = 4M ]
        [ "$(< "$M/a/b/c/limits/$f")" = max ]
        [ "$(< "$M/a/b/effective/$f")" = 4M ]
        echo 2M > "$M/a/b/c/limits/$f"
        [ "$(< "$M/a/b/c/effective/$f")" = 2M ]
        # a child's limit above its parent's binds nothing: the parent's stays the effective one
        echo 8M > "$M/a/b/c/limits/$f"
        [ "$(< "$M/a/b/c/effective/$f")" = 4M ]
        # the served root counts too
        echo 2M > "$T/hugetlb.${s}.max"
        [ "$(< "$M/a/b/c/effective/$f")" = 2M ]
        [ "$(< "$M/effective/$f")" = 2M ]
        # 200 changes straight on cgroupfs, two levels up, each seen at the next read
        echo max > "$T/a/b/c/hugetlb.${s}.max"
        local bad=0 v
        for i in $(seq 200); do
                v=$(((i % 7 + 1) * 2))M
                echo $(((i % 7 + 1) * 2 * 1048576)) > "$T/a/hugetlb.${s}.max"
                echo max > "$T/hugetlb.${s}.max"
                [ "$(< "$M/a/b/c/effective/$f")" = "$v" ] || bad=$((bad + 1))
        done
        echo "wrong reads: $bad of 200"
        [ "$bad" = 0 ]
        echo max > "$T/a/hugetlb.${s}.max"
        echo max > "$T/a/b/c/hugetlb.${s}.max"
        [ "$(< "$M/a/b/c/effective/$f")" = max ]
}

@test "above the served root: a view rooted at a/b still sees a's and the top's limits" {
        local s
        s=$(hugetlb_size)
        [ -n "$s" ] || skip "no hugetlb controller"
        local f=hugetlb.${s%B}
        mount_second "$T/a/b"
        echo $((6 * 1048576)) > "$T/a/hugetlb.${s}.max"
        [ "$(< "$M2/effective/$f")" = 6M ]
        [ "$(< "$M2/c/effective/$f")" = 6M ]
        [ "$(< "$M2/limits/$f")" = max ]
        echo $((2 * 1048576)) > "$T/hugetlb.${s}.max"
        [ "$(< "$M2/c/effective/$f")" = 2M ]
        echo max > "$T/hugetlb.${s}.max"
        echo max > "$T/a/hugetlb.${s}.max"
        [ "$(< "$M2/c/effective/$f")" = max ]
}

@test "a caller in a cgroup namespace sees the cap its host put above its namespace root" {
        local s
        s=$(hugetlb_size)
        [ -n "$s" ] || skip "no hugetlb controller"
        local f=hugetlb.${s%B}
        echo $((4 * 1048576)) > "$T/a/hugetlb.${s}.max"
        run in_container "$T/a/b/c" sh -c "cat $M/effective/$f $M/limits/$f; ls $M | grep -c '^c\$' || true"
        echo "$output"
        [ "${lines[0]}" = 4M ]
        [ "${lines[1]}" = max ]
        [ "${lines[2]}" = 0 ]
        echo max > "$T/a/hugetlb.${s}.max"
}

@test "a delegated user reads effective/ of its cgroup, set by a parent it may not change" {
        local s u
        s=$(hugetlb_size)
        [ -n "$s" ] || skip "no hugetlb controller"
        local f=hugetlb.${s%B}
        u=$(make_user eff)
        [ "$u" != nobody ] || skip "no user can be made here (/etc is read-only)"
        chown -R "$u" "$T/a/b/c"
        echo $((4 * 1048576)) > "$T/a/hugetlb.${s}.max"
        [ "$(as_user "$u" cat "$M/a/b/c/effective/$f")" = 4M ]
        [ "$(as_user "$u" $SYS write "$M/a/b/c/effective/$f" 1G)" = EACCES ]
        echo max > "$T/a/hugetlb.${s}.max"
        chown -R root "$T/a/b/c"
}

@test "a warm cat of effective/ costs the requests of a limits/ one" {
        local s
        s=$(hugetlb_size)
        [ -n "$s" ] || skip "no hugetlb controller"
        local f=hugetlb.${s%B}
        counts() { python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.cgview.requests").decode())' "$M"; }
        per_cat() {
                local before after
                cat "$1" > /dev/null
                before=$(counts)
                for _ in $(seq 20); do cat "$1" > /dev/null; done
                after=$(counts)
                paste <(echo "$before") <(echo "$after") | awk '$1 !~ /^(getxattr|forget|release|releasedir|notify_store|nodes|classes|slots|epoch|handles)$/ { n += $4 - $2 } END { print n / 20 }'
        }
        local lim eff
        lim=$(per_cat "$M/a/b/c/limits/$f")
        eff=$(per_cat "$M/a/b/c/effective/$f")
        echo "requests per cat: limits/ $lim, effective/ $eff"
        [ "$eff" = "$lim" ]
        [ "$eff" = 2 ]
}

@test "memory, memory.high, swap, pids: the smallest of every level (full kernel)" {
        has memory && has pids || skip "no memory or pids controller in this hierarchy (the VM has them)"
        echo 64M > "$M/a/limits/memory"
        echo 128M > "$M/a/b/limits/memory"
        [ "$(< "$M/a/b/c/effective/memory")" = 64M ]
        echo 48M > "$M/a/b/c/limits/memory.high"
        echo 96M > "$M/a/limits/memory.high"
        [ "$(< "$M/a/b/c/effective/memory.high")" = 48M ]
        if [ -f "$T/a/memory.swap.max" ]; then
                echo 0 > "$M/a/b/limits/swap"
                [ "$(< "$M/a/b/c/effective/swap")" = 0 ]
                echo max > "$M/a/b/limits/swap"
                [ "$(< "$M/a/b/c/effective/swap")" = max ]
        fi
        echo 50 > "$M/a/limits/pids"
        echo 20 > "$M/a/b/limits/pids"
        echo 30 > "$M/a/b/c/limits/pids"
        [ "$(< "$M/a/b/c/effective/pids")" = 20 ]
        for f in memory memory.high pids; do echo max > "$M/a/limits/$f"; echo max > "$M/a/b/limits/$f"; echo max > "$M/a/b/c/limits/$f"; done
        echo max > "$M/a/b/limits/memory"
        [ "$(< "$M/a/b/c/effective/memory")" = max ]
        [ "$(< "$M/a/b/c/effective/pids")" = max ]
}

@test "cpu: the fewest CPUs of any level, whatever the periods; cpus and mems are the kernel's effective sets" {
        has cpu || skip "no cpu controller in this hierarchy (the VM has it)"
        echo "150000 100000" > "$T/a/cpu.max"
        echo "20000 10000" > "$T/a/b/cpu.max"
        [ "$(< "$M/a/b/c/effective/cpu")" = 1.5 ]
        echo "50000 200000" > "$T/a/b/c/cpu.max"
        [ "$(< "$M/a/b/c/effective/cpu")" = 0.25 ]
        for d in a a/b a/b/c; do echo "max 100000" > "$T/$d/cpu.max"; done
        [ "$(< "$M/a/b/c/effective/cpu")" = max ]
        has cpuset || skip "no cpuset controller"
        [ "$(< "$M/a/b/c/effective/cpus")" = "$(< "$T/a/b/c/cpuset.cpus.effective")" ]
        echo 0 > "$T/a/cpuset.cpus"
        [ "$(< "$M/a/b/c/effective/cpus")" = 0 ]
        [ "$(< "$M/a/b/c/effective/mems")" = "$(< "$T/a/b/c/cpuset.mems.effective")" ]
        echo > "$T/a/cpuset.cpus"
}

@test "io: per device and key, the smallest of every level (full kernel)" {
        has io || skip "no io controller in this hierarchy (the VM has it)"
        [ -n "${CGVIEW_VM_DISK_DEVNO:-}" ] || skip "no scratch disk (the VM has one)"
        local dev=$CGVIEW_VM_DISK_DEVNO name
        name=$(basename "$(readlink -f "/sys/dev/block/$dev")")
        echo "$dev rbps=10485760 wiops=100" > "$T/a/io.max"
        echo "$dev rbps=20971520 wbps=1048576" > "$T/a/b/io.max"
        [ "$(< "$M/a/b/c/effective/io")" = "$name rbps=10M wbps=1M riops=max wiops=100" ]
        echo "$dev rbps=max wbps=max riops=max wiops=max" > "$T/a/io.max"
        echo "$dev rbps=max wbps=max riops=max wiops=max" > "$T/a/b/io.max"
        [ -z "$(< "$M/a/b/c/effective/io")" ]
}

@test "what binds is effective/memory: a hog under a capped parent is killed there, not at its own max (full kernel)" {
        has memory || skip "no memory controller in this hierarchy (the VM has it)"
        echo 32M > "$M/a/limits/memory"
        [ ! -f "$T/a/memory.swap.max" ] || echo 0 > "$M/a/limits/swap"
        [ "$(< "$M/a/b/c/limits/memory")" = max ]
        [ "$(< "$M/a/b/c/effective/memory")" = 32M ]
        run sh -c 'echo $$ > "$1/cgroup.procs" && exec python3 -c "a = bytearray(96 << 20); print(\"survived\")"' sh "$T/a/b/c"
        echo "status $status: $output; peak $(cat "$T/a/b/c/memory.peak" 2> /dev/null)"
        [ "$status" -eq 137 ]
        [ "$(< "$M/a/b/c/stats/oom.kills")" -ge 1 ] || [ "$(< "$M/a/stats/oom.kills")" -ge 1 ]
        # the kernel lets a task it kills overcharge on its way out: near 32M, far below the 96M asked
        if [ -f "$T/a/b/c/memory.peak" ]; then
                [ "$(< "$T/a/b/c/memory.peak")" -le $((48 << 20)) ]
        fi
        echo max > "$M/a/limits/memory"
        [ ! -f "$T/a/memory.swap.max" ] || echo max > "$M/a/limits/swap"
}
