#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The bad-input corpus (SPEC 6.3, issue 9): hundreds of malformed writes per
# writable file, friendly and raw, each answered with its errno, the kernel
# value unchanged, the daemon alive; and path attacks that must not leave the
# served root. The inputs are tests/integration/badinput/table plus those
# badinput.py generates; a file the kernel lacks is skipped with a reason
# (on a hybrid host only hugetlb and the core files exist: tests/vm/run
# runs this file on a kernel with every controller).

load common

DRIVER="/usr/bin/python3 -S $REPO/tests/integration/badinput.py"
TABLE=$REPO/tests/integration/badinput/table

# The block device io.max is tried on: the VM's scratch disk, else none.
if [ -n "${CGVIEW_VM_DISK:-}" ]; then
        export BADINPUT_DEV=${CGVIEW_VM_DISK##*/} BADINPUT_DEVNO=${CGVIEW_VM_DISK_DEVNO:-}
fi
# Under the VM's TCG a write costs 30 to 80 ms: the same inputs, fewer modes
# (one fd and pwrite over the table's rows only; raw files without the generated
# inputs), and not the files the host's own cgroup2 has (hugetlb, cgroup.*).
if [ "${CGVIEW_VM:-}" = 1 ]; then
        export BADINPUT_QUICK=1
fi
host_covers() {
        [ "${CGVIEW_VM:-}" != 1 ] || skip "in the VM: the host suite covers it (tests/run host)"
}

# Set a value that is no default, so that a write falling back to one shows.
preset() {
        local d=$1 f v
        while read -r f v; do
                [ -e "$d/$f" ] || continue
                echo "$v" > "$d/$f" || { echo "preset: cannot write $v to $d/$f" >&2; return 1; }
        done <<EOF
cgroup.max.depth 5
cgroup.max.descendants 7
memory.max 67108864
memory.high 67108864
memory.low 1048576
memory.min 1048576
memory.swap.max 8388608
pids.max 100
cpu.max 50000 100000
cpu.max.burst 1000
cpu.weight 200
cpuset.cpus 0
cpuset.mems 0
hugetlb.2MB.max 4194304
hugetlb.2MB.rsvd.max 4194304
hugetlb.1GB.max 1073741824
hugetlb.1GB.rsvd.max 1073741824
EOF
        if [ -n "${BADINPUT_DEVNO:-}" ] && [ -e "$d/io.max" ]; then
                echo "$BADINPUT_DEVNO rbps=1048576" > "$d/io.max"
        fi
        if [ -e "$d/io.weight" ]; then
                echo "default 50" > "$d/io.weight"
        fi
}

setup_file() {
        require_mountable
        # every rejection logged: the last test looks for lines of the table's values
        CGVIEW_OPTS="-o log_rejects=0" mount_view
        mkdir "$T/bi" "$T/or"
        preset "$T/bi"
        preset "$T/or"
}

teardown_file() {
        unmount_view
}

# corpus MIN REASON FILE...: the driver over FILEs of cgroup bi, the oracle
# being cgroup or, at least MIN writes per file; skip with REASON when none
# of them exists here.
corpus() {
        local min=$1 reason=$2 files writes
        shift 2
        [ "${BADINPUT_QUICK:-}" != 1 ] || min=$((min / 4))
        run $DRIVER "$M/bi" "$T/bi" "$T/or" "$TABLE" "$@"
        echo "$output"
        [ "$status" -ne 77 ] || skip "$reason"
        # the counts, in the TAP stream
        grep '^# ' <<< "$output" | grep -v absent >&3 || true
        [ "$status" -eq 0 ]
        read -r files writes < <(sed -n 's/^# total: \([0-9]*\) files, \([0-9]*\) writes.*/\1 \2/p' <<< "$output")
        # hundreds of writes for every file tried
        [ "$files" -ge 1 ]
        [ "$writes" -ge $((files * min)) ]
}

# The huge page sizes of this kernel, as friendly names and raw files.
hugetlb_friendly() { (cd "$T/bi" && ls hugetlb.*B.max 2> /dev/null) | sed 's/^hugetlb\.\(.*\)B\.max$/limits\/hugetlb.\1/'; }
hugetlb_raw() { (cd "$T/bi" && ls hugetlb.*.max 2> /dev/null); }

@test "friendly: limits/hugetlb.<size>, each malformed write EINVAL/ERANGE/E2BIG, value unchanged" {
        host_covers
        # shellcheck disable=SC2046 # one word per file
        corpus 400 "no hugetlb controller in this cgroup2" $(hugetlb_friendly)
}

@test "friendly: limits/memory, memory.high, memory.low, memory.min, swap" {
        corpus 400 "no memory controller in this cgroup2 (covered in the VM: tests/run vm)" \
                limits/memory limits/memory.high limits/memory.low limits/memory.min limits/swap
}

@test "friendly: limits/cpu, cpu.period, cpu.burst, cpu.weight" {
        corpus 400 "no cpu controller in this cgroup2 (covered in the VM: tests/run vm)" \
                limits/cpu limits/cpu.period limits/cpu.burst limits/cpu.weight
}

@test "friendly: limits/cpus, limits/mems" {
        corpus 400 "no cpuset controller in this cgroup2 (covered in the VM: tests/run vm)" limits/cpus limits/mems
}

@test "friendly: limits/pids" {
        corpus 400 "no pids controller in this cgroup2 (covered in the VM: tests/run vm)" limits/pids
}

@test "friendly: limits/io, limits/io.weight (ENODEV for unknown devices)" {
        [ -n "${BADINPUT_DEV:-}" ] || skip "no scratch block device (CGVIEW_VM_DISK, set in the VM)"
        corpus 400 "no io controller in this cgroup2 (covered in the VM: tests/run vm)" limits/io limits/io.weight
}

@test "raw: cgroup.* files give cgroupfs's errno for the same bytes, value unchanged" {
        host_covers
        corpus 200 "no cgroup.* files (not cgroup2?)" cgroup.procs cgroup.freeze cgroup.kill cgroup.max.depth \
                cgroup.max.descendants cgroup.subtree_control cgroup.type cgroup.pressure
}

@test "raw: hugetlb.*.max and hugetlb.*.rsvd.max" {
        host_covers
        # shellcheck disable=SC2046 # one word per file
        corpus 200 "no hugetlb controller in this cgroup2" $(hugetlb_raw)
}

@test "raw: memory.* and their mem.* aliases" {
        corpus 200 "no memory controller in this cgroup2 (covered in the VM: tests/run vm)" \
                memory.max memory.high memory.low memory.min memory.swap.max mem.max mem.high
}

@test "raw: cpu.*, cpuset.*, pids.max, io.*" {
        corpus 200 "no cpu, cpuset, pids or io controller in this cgroup2 (covered in the VM: tests/run vm)" \
                cpu.max cpu.max.burst cpu.weight cpu.weight.nice cpu.idle cpuset.cpus cpuset.mems \
                cpuset.cpus.partition pids.max io.max io.weight
}

@test "the daemon logged each rejection (file, value, reason) and still serves" {
        local PID=''
        # shellcheck disable=SC1090
        . "$STATE"
        kill -0 "$PID"
        [[ $(< /proc/mounts) == *" $M fuse.cgview "* ]]
        local first
        first=$(ls "$M/bi/limits" | head -1)
        [ -n "$first" ] || skip "no friendly file on this kernel"
        grep -q ': rejected "' "$LOG" || skip "no friendly file was written here (the VM leaves hugetlb to the host)"
        # one line for a value of the table (a size file's), its bytes shown printable
        grep -q 'bi/limits/[^ :]*: rejected "1GG": Invalid argument' "$LOG"
        grep -q 'rejected "\\x00": Invalid argument' "$LOG"
        # and the friendly files still read
        [ -n "$(< "$M/bi/limits/$first")" ]
}

@test "paths: .., long names, newlines, reserved names, symlink, link, rename, mknod, mkfifo; nothing escapes" {
        run $DRIVER paths "$M" "$T" "$CG2" "cgvbad$$"
        echo "$output"
        grep '^# paths:' <<< "$output" >&3
        [ "$status" -eq 0 ]
        # the case count: a driver that skipped its cases would not pass
        [[ $output =~ paths:\ ([0-9]+)\ cases ]]
        [ "${BASH_REMATCH[1]}" -ge 80 ]
}
