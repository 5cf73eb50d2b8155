#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# In the VM (tests/vm/run): a kernel with every cgroup v2 controller obeys
# what was written through the view. Each limit is proven by its effect.

load ../integration/common

setup_file() {
        [ "${CGVIEW_VM:-}" = 1 ] || skip "runs only inside the test VM (tests/vm/run)"
        require_mountable
        mount_view
}

teardown_file() {
        [ "${CGVIEW_VM:-}" = 1 ] || return 0
        unmount_view
}

# Run a command inside cgroup $1 (a directory of the raw cgroupfs).
in_cg() {
        local cg=$1
        shift
        sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"
}

# A figure for the closing note, in the TAP stream.
measured() { echo "# measured: $*" >&3; }

usage_usec() { awk '$1 == "usage_usec" { print $2 }' "$1/cpu.stat"; }
now_usec() { echo $(($(date +%s%N) / 1000)); }

# The share of one CPU a cgroup used over 2 s.
cpu_share() {
        local cg=$1 u0 t0 u1 t1
        u0=$(usage_usec "$cg") t0=$(now_usec)
        sleep 2
        u1=$(usage_usec "$cg") t1=$(now_usec)
        awk -v du=$((u1 - u0)) -v dt=$((t1 - t0)) 'BEGIN { printf "%.3f", du / dt }'
}

# Each bad value fails with its errno and leaves the kernel file as it was.
# usage: bad_values FRIENDLY KERNELFILE <<< "value|ERRNO" lines
bad_values() {
        local friendly=$1 kernel=$2 before value want got
        before=$(< "$kernel")
        while IFS='|' read -r value want; do
                got=$($SYS write "$friendly" "$value")
                [ "$got" = "$want" ] || { echo "$friendly '$value': got $got, want $want"; return 1; }
                [ "$(< "$kernel")" = "$before" ] || { echo "$friendly '$value' changed $kernel"; return 1; }
        done
}

@test "cpu: limits/cpu = 0.2 holds a busy loop to 0.2 CPU (+-25%), max lifts it" {
        mkdir "$T/cpu"
        echo 0.2 > "$M/cpu/limits/cpu"
        [ "$(< "$T/cpu/cpu.max")" = "20000 100000" ]
        [ "$(< "$M/cpu/limits/cpu")" = 0.2 ]
        in_cg "$T/cpu" sh -c 'while :; do :; done' &
        pid=$!
        sleep 1
        share=$(cpu_share "$T/cpu")
        measured "limits/cpu=0.2: busy loop used $share CPU (target 0.2 +-25%)"
        echo "max" > "$M/cpu/limits/cpu"
        [ "$(< "$T/cpu/cpu.max")" = "max 100000" ]
        sleep 0.5
        free=$(cpu_share "$T/cpu")
        measured "limits/cpu=max: busy loop used $free CPU"
        throttled=$(< "$M/cpu/stats/cpu.throttled")
        kill "$pid"
        awk -v s="$share" 'BEGIN { exit !(s >= 0.15 && s <= 0.25) }'
        awk -v s="$free" 'BEGIN { exit !(s >= 0.5) }'
        [[ $throttled =~ ^[0-9.]+(us|ms|s)$ ]]
        [ "$throttled" != 0us ]
}

@test "cpu: the other CPU grammars reach cpu.max exactly and print back" {
        mkdir "$T/cpu2"
        while IFS='|' read -r value quota printed; do
                echo "$value" > "$M/cpu2/limits/cpu"
                [ "$(< "$T/cpu2/cpu.max")" = "$quota 100000" ] || { echo "$value -> $(< "$T/cpu2/cpu.max")"; return 1; }
                [ "$(< "$M/cpu2/limits/cpu")" = "$printed" ] || { echo "$value prints $(< "$M/cpu2/limits/cpu")"; return 1; }
        done <<'VALUES'
1.5|150000|1.5
150%|150000|1.5
1500m|150000|1.5
0.25|25000|0.25
0.001|1000|0.01
2|200000|2
0.33333|33333|0.33333
VALUES
        bad_values "$M/cpu2/limits/cpu" "$T/cpu2/cpu.max" <<'VALUES'
0|EINVAL
-1|EINVAL
1e9|EINVAL
0x10|EINVAL
1500M|EINVAL
abc|EINVAL
\n|EINVAL
99999999999|ERANGE
VALUES
}

@test "cpu.period, cpu.burst, cpu.weight and idle reach the kernel as the spec says" {
        mkdir "$T/cpw"
        echo 50ms > "$M/cpw/limits/cpu.period"
        [ "$(< "$T/cpw/cpu.max")" = "max 50000" ]
        [ "$(< "$M/cpw/limits/cpu.period")" = 50ms ]
        echo 0.5 > "$M/cpw/limits/cpu"
        [ "$(< "$T/cpw/cpu.max")" = "25000 50000" ]
        echo 0.1s > "$M/cpw/limits/cpu.period"
        [ "$(< "$T/cpw/cpu.max")" = "50000 100000" ]
        [ "$(< "$M/cpw/limits/cpu")" = 0.5 ]
        echo 100000 > "$M/cpw/limits/cpu.period"
        [ "$(< "$M/cpw/limits/cpu.period")" = 100ms ]
        bad_values "$M/cpw/limits/cpu.period" "$T/cpw/cpu.max" <<'VALUES'
2s|ERANGE
500us|ERANGE
0|ERANGE
-50ms|EINVAL
50 ms|EINVAL
50min|EINVAL
VALUES
        echo 10ms > "$M/cpw/limits/cpu.burst"
        [ "$(< "$T/cpw/cpu.max.burst")" = 10000 ]
        [ "$(< "$M/cpw/limits/cpu.burst")" = 10ms ]
        echo 0 > "$M/cpw/limits/cpu.burst"
        [ "$(< "$M/cpw/limits/cpu.burst")" = 0 ]
        [ "$($SYS write "$M/cpw/limits/cpu.burst" 1e3)" = EINVAL ]

        echo 200 > "$M/cpw/limits/cpu.weight"
        [ "$(< "$T/cpw/cpu.weight")" = 200 ]
        [ "$(< "$M/cpw/limits/cpu.weight")" = 200 ]
        echo idle > "$M/cpw/limits/cpu.weight"
        [ "$(< "$T/cpw/cpu.idle")" = 1 ]
        [ "$(< "$M/cpw/limits/cpu.weight")" = idle ]
        echo default > "$M/cpw/limits/cpu.weight"
        [ "$(< "$T/cpw/cpu.idle")" = 0 ]
        [ "$(< "$T/cpw/cpu.weight")" = 100 ]
        bad_values "$M/cpw/limits/cpu.weight" "$T/cpw/cpu.weight" <<'VALUES'
0|ERANGE
10001|ERANGE
-5|EINVAL
idlex|EINVAL
1.5|EINVAL
VALUES
}

@test "memory: limits/memory = 64M OOM-kills a 128M allocation, oom.kills rises" {
        mkdir "$T/mem"
        echo 64M > "$M/mem/limits/memory"
        [ "$(< "$T/mem/memory.max")" = 67108864 ]
        [ "$(< "$M/mem/limits/memory")" = 64M ]
        [ "$(< "$M/mem/mem.max")" = 67108864 ]
        [ -f "$T/mem/memory.swap.max" ] && echo 0 > "$M/mem/limits/swap"
        before=$(< "$M/mem/stats/oom.kills")
        run in_cg "$T/mem" /usr/bin/python3 -c 'b = bytearray(128 << 20)
for i in range(0, len(b), 4096): b[i] = 1
print("survived")'
        after=$(< "$M/mem/stats/oom.kills")
        measured "limits/memory=64M: 128M allocation exited $status, oom.kills $before -> $after"
        [ "$status" -eq 137 ]
        [ "$output" != survived ]
        [ "$after" -ge $((before + 1)) ]
        [ "$after" = "$(awk '$1 == "oom_kill" { print $2 }' "$T/mem/memory.events")" ]
}

@test "memory: high, low, min and swap round-trip; sizes round up to the page" {
        mkdir "$T/mem2"
        for f in memory.high memory.low memory.min; do
                echo 100M > "$M/mem2/limits/$f"
                [ "$(< "$T/mem2/$f")" = 104857600 ]
                [ "$(< "$M/mem2/limits/$f")" = 100M ]
                echo 1.5G > "$M/mem2/limits/$f"
                [ "$(< "$M/mem2/limits/$f")" = 1.5G ]
                cat "$M/mem2/limits/$f" > "$M/mem2/limits/$f"
                [ "$(< "$T/mem2/$f")" = 1610612736 ]
        done
        echo max > "$M/mem2/limits/memory.high"
        [ "$(< "$T/mem2/memory.high")" = max ]
        echo 1 > "$M/mem2/limits/memory"
        [ "$(< "$T/mem2/memory.max")" = 4096 ]
        [ "$(< "$M/mem2/limits/memory")" = 4K ]
        echo 50% > "$M/mem2/limits/memory"
        half=$(awk '/MemTotal/ { print $2 * 1024 / 2 }' /proc/meminfo)
        [ $(( $(< "$T/mem2/memory.max") / 4096 )) -eq $(( (half + 4095) / 4096 )) ]
        echo infinity > "$M/mem2/limits/memory"
        [ "$(< "$M/mem2/limits/memory")" = max ]
        if [ -f "$T/mem2/memory.swap.max" ]; then
                echo 0 > "$M/mem2/limits/swap"
                [ "$(< "$T/mem2/memory.swap.max")" = 0 ]
                echo 256M > "$M/mem2/limits/swap"
                [ "$(< "$M/mem2/limits/swap")" = 256M ]
        fi
        bad_values "$M/mem2/limits/memory" "$T/mem2/memory.max" <<'VALUES'
-1|EINVAL
1e9|EINVAL
0x10|EINVAL
1.5.5|EINVAL
12abc|EINVAL
1 G|EINVAL
18446744073709551616|ERANGE
16E|ERANGE
\n|EINVAL
VALUES
}

@test "pids: limits/pids = 10 lets 10 tasks run; the next fork fails with EAGAIN" {
        mkdir "$T/pids"
        echo 10 > "$M/pids/limits/pids"
        [ "$(< "$T/pids/pids.max")" = 10 ]
        [ "$(< "$M/pids/limits/pids")" = 10 ]
        run in_cg "$T/pids" /usr/bin/python3 -c '
import errno, os, time
n = 1
while True:
    try:
        pid = os.fork()
    except OSError as e:
        print(n, errno.errorcode[e.errno])
        break
    if pid == 0:
        os.closerange(1, 3)  # run waits until every holder of its output pipe is gone
        time.sleep(60)
        os._exit(0)
    n += 1
'
        echo 1 > "$T/pids/cgroup.kill"
        measured "limits/pids=10: $output (tasks running, errno of the next fork)"
        [ "$output" = "10 EAGAIN" ]
        [ "$(cat "$M/pids/stats/pids.peak" 2> /dev/null || echo 10)" = 10 ]
        echo max > "$M/pids/limits/pids"
        [ "$(< "$T/pids/pids.max")" = max ]
        bad_values "$M/pids/limits/pids" "$T/pids/pids.max" <<'VALUES'
-1|EINVAL
10k|EINVAL
1.5|EINVAL
0x10|EINVAL
99999999999999999999|ERANGE
VALUES
}

@test "cpus: limits/cpus = 0 limits a process's affinity to CPU 0" {
        [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
        mkdir "$T/cs"
        echo 0 > "$M/cs/limits/cpus"
        [ "$(< "$T/cs/cpuset.cpus")" = 0 ]
        [ "$(< "$M/cs/limits/cpus")" = 0 ]
        run in_cg "$T/cs" /usr/bin/python3 -c 'import os; print(sorted(os.sched_getaffinity(0)))'
        measured "limits/cpus=0: affinity $output"
        [ "$output" = "[0]" ]
        echo " 0-1 " > "$M/cs/limits/cpus"
        [ "$(< "$T/cs/cpuset.cpus")" = 0-1 ]
        echo > "$M/cs/limits/cpus"
        [ -z "$(< "$T/cs/cpuset.cpus")" ]
        echo 0 > "$M/cs/limits/mems"
        [ "$(< "$T/cs/cpuset.mems")" = 0 ]
        bad_values "$M/cs/limits/cpus" "$T/cs/cpuset.cpus" <<'VALUES'
1-0|EINVAL
a|EINVAL
-1|EINVAL
0,,1|EINVAL
VALUES
}

@test "io: limits/io reads back with the device name and throttles dd oflag=direct (+-30%)" {
        disk=${CGVIEW_VM_DISK:-}
        [ -b "$disk" ] || skip "no scratch disk"
        dev=${disk#/dev/}
        devno=$CGVIEW_VM_DISK_DEVNO
        mkdir "$T/io"
        echo "$dev wbps=1M" > "$M/io/limits/io"
        [ "$(< "$T/io/io.max")" = "$devno rbps=max wbps=1048576 riops=max wiops=max" ]
        [ "$(< "$M/io/limits/io")" = "$dev rbps=max wbps=1M riops=max wiops=max" ]
        # the copy's time as dd measures it: starting sh and dd is no part of the rate (seconds
        # under TCG on a busy host)
        secs=$(in_cg "$T/io" dd if=/dev/zero of="$disk" bs=64k count=64 oflag=direct 2>&1 |
                awk '/ copied, / { print $(NF - 3) }')
        rate=$(awk -v s="$secs" 'BEGIN { printf "%.3f", 4 / s }')
        measured "limits/io wbps=1M: dd oflag=direct wrote 4 MiB at $rate MiB/s (target 1 +-30%)"
        awk -v r="$rate" 'BEGIN { exit !(r >= 0.7 && r <= 1.3) }'
        w=$(< "$M/io/stats/io.write")
        [[ $w =~ ^[0-9.]+[KMG]?$ ]]
        echo "$devno wiops=1k" > "$M/io/limits/io"
        [ "$(< "$T/io/io.max")" = "$devno rbps=max wbps=1048576 riops=max wiops=1000" ]
        echo "$disk riops=2000 rbps=max" > "$M/io/limits/io"
        [ "$(< "$M/io/limits/io")" = "$dev rbps=max wbps=1M riops=2000 wiops=1000" ]
        echo "$dev max" > "$M/io/limits/io"
        [ -z "$(< "$T/io/io.max")" ]
        [ -z "$(< "$M/io/limits/io")" ]
        bad_values "$M/io/limits/io" "$T/io/io.max" <<VALUES
$dev|EINVAL
$dev wbps=-1|EINVAL
$dev wbps=1e9|EINVAL
$dev foo=1|EINVAL
$dev wbps=1 wbps=2|EINVAL
nosuchdisk wbps=1M|ENODEV
/dev/null wbps=1M|ENODEV
999:999 wbps=1M|ENODEV
VALUES
}

@test "io.weight: the default and per-device weights reach io.weight; 'DEV default' drops the device's weight" {
        mkdir -p "$T/iow"
        [ -f "$T/iow/io.weight" ] || skip "no io.weight (no io cost/bfq support)"
        echo 300 > "$M/iow/limits/io.weight"
        grep -qx "default 300" "$T/iow/io.weight"
        [ "$(head -n 1 "$M/iow/limits/io.weight")" = 300 ]
        bad_values "$M/iow/limits/io.weight" "$T/iow/io.weight" <<'VALUES'
0|ERANGE
10001|ERANGE
x|EINVAL
VALUES
        disk=${CGVIEW_VM_DISK:-}
        [ -b "$disk" ] || skip "no scratch disk"
        dev=${disk#/dev/}
        devno=$CGVIEW_VM_DISK_DEVNO
        # A device's own weight needs blk-iocost on that device (the root's io.cost.qos).
        echo "$devno enable=1" > "$CG2/io.cost.qos" || skip "blk-iocost cannot be enabled on $dev"
        # The kernel's own answer first: "MAJ:MIN default" drops the device's line.
        [ "$($SYS write "$T/iow/io.weight" "$devno 200")" = OK ]
        grep -qx "$devno 200" "$T/iow/io.weight"
        echo "$devno default" > "$T/iow/io.weight"
        [ "$(grep -c "^$devno " "$T/iow/io.weight")" = 0 ]
        # The same through the view, by name, by MAJ:MIN and by path.
        for d in "$dev" "$devno" "$disk"; do
                [ "$($SYS write "$M/iow/limits/io.weight" "$d 200")" = OK ]
                grep -qx "$devno 200" "$T/iow/io.weight"
                grep -qx "$dev 200" "$M/iow/limits/io.weight"
                echo "$d default" > "$M/iow/limits/io.weight"
                [ "$(grep -c "^$devno " "$T/iow/io.weight")" = 0 ] || { echo "'$d default' left: $(< "$T/iow/io.weight")"; return 1; }
                [ "$(grep -c "^$dev " "$M/iow/limits/io.weight")" = 0 ]
                grep -qx "default 300" "$T/iow/io.weight"
        done
        [ "$($SYS write "$M/iow/limits/io.weight" "nosuchdisk default")" = ENODEV ]
        echo "$devno enable=0" > "$CG2/io.cost.qos"
}

@test "io: a device path is resolved with the writer's rights: a node in a 0700 directory is ENODEV for a user" {
        disk=${CGVIEW_VM_DISK:-}
        [ -b "$disk" ] || skip "no scratch disk"
        devno=$CGVIEW_VM_DISK_DEVNO
        u=$(make_user iodev)
        [ "$u" != nobody ] || skip "cannot make users here"
        mkdir "$T/iodev"
        # Delegation as systemd does it; the user makes a child whose limits it may set.
        chown "$u" "$T/iodev" "$T/iodev/cgroup.procs" "$T/iodev/cgroup.subtree_control" "$T/iodev/cgroup.threads"
        echo +io > "$T/iodev/cgroup.subtree_control"
        [ "$(as_user "$u" $SYS mkdir "$M/iodev/child")" = OK ]
        [ "$(stat -c %U "$T/iodev/child/io.max")" = "$u" ]
        # root's private directory (mode 0700) holding a node of the scratch disk
        hidden=$(mktemp -d /tmp/cgview-iodev.XXXXXX)
        mknod "$hidden/disk" b "${devno%%:*}" "${devno#*:}"
        [ "$(as_user "$u" $SYS stat "$hidden/disk")" = EACCES ]
        before=$(< "$T/iodev/child/io.max")
        [ "$(as_user "$u" $SYS write "$M/iodev/child/limits/io" "$hidden/disk rbps=1M")" = ENODEV ]
        [ "$(< "$T/iodev/child/io.max")" = "$before" ]
        # the same user, a node it may reach, the same file: its rights made the difference
        [ "$(as_user "$u" $SYS write "$M/iodev/child/limits/io" "$disk rbps=2M")" = OK ]
        [ "$(< "$T/iodev/child/io.max")" = "$devno rbps=2097152 wbps=max riops=max wiops=max" ]
        [ "$(as_user "$u" $SYS write "$M/iodev/child/limits/io" "$devno max")" = OK ]
        [ -z "$(< "$T/iodev/child/io.max")" ]
        # root reaches the node
        [ "$($SYS write "$M/iodev/child/limits/io" "$hidden/disk rbps=1M")" = OK ]
        [ "$(< "$T/iodev/child/io.max")" = "$devno rbps=1048576 wbps=max riops=max wiops=max" ]
        rm -r "$hidden"
}

# A value padded with blanks and a newline to exactly $2 bytes, as a sys.py write argument.
padded() { printf '%s%*s\\n' "$1" $(($2 - ${#1} - 1)) ''; }

@test "memory: a non-zero size never becomes 0, and a padded value is judged as memory.max judges it" {
        mkdir "$T/mem3"
        page=$(getconf PAGESIZE)
        while IFS='|' read -r value want; do
                echo max > "$T/mem3/memory.max"
                [ "$($SYS write "$M/mem3/limits/memory" "$value")" = OK ] || { echo "'$value' refused"; return 1; }
                [ "$(< "$T/mem3/memory.max")" = "$want" ] || { echo "'$value' wrote $(< "$T/mem3/memory.max")"; return 1; }
        done <<VALUES
0.5|$page
0.0001K|$page
1.0000001|$page
$page.5|$((2 * page))
1.0000001M|$((1048576 + page))
1M|1048576
0|0
0.0|0
VALUES
        echo 0.5 > "$M/mem3/limits/memory.low"
        [ "$(< "$T/mem3/memory.low")" = "$page" ]
        echo 0 > "$M/mem3/limits/memory.low"
        for n in 4095 4096 4097 5000; do
                echo max > "$T/mem3/memory.max"
                raw=$($SYS write "$T/mem3/memory.max" "$(padded 67108864 "$n")")
                raw_value=$(< "$T/mem3/memory.max")
                echo max > "$T/mem3/memory.max"
                view=$($SYS write "$M/mem3/limits/memory" "$(padded 64M "$n")")
                view_value=$(< "$T/mem3/memory.max")
                measured "memory.max padded to $n bytes: raw $raw ($raw_value), view $view ($view_value)"
                [ "$view" = "$raw" ]
                [ "$view_value" = "$raw_value" ]
                if [ "$n" -le "$page" ]; then
                        [ "$view" = OK ]
                        [ "$view_value" = 67108864 ]
                else
                        [ "$view" = E2BIG ]
                        [ "$view_value" = max ]
                fi
        done
}

@test "stats agree with their kernel files within their rounding" {
        mkdir "$T/st"
        in_cg "$T/st" sleep 30 &
        pid=$!
        sleep 0.5
        [ "$(< "$M/st/stats/procs")" = 1 ]
        [ "$(< "$M/st/stats/pids")" = "$(< "$T/st/pids.current")" ]
        [ "$(< "$M/st/stats/populated")" = 1 ]
        [ "$(< "$M/st/stats/oom.kills")" = 0 ]
        # approximate values: within 1% of the kernel's exact ones
        within() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.01 * b + 1) }'; }
        bytes() { awk -v v="$1" 'BEGIN { n = v + 0; u = substr(v, length(v)); m = 1
                if (u == "K") m = 1024; else if (u == "M") m = 1048576; else if (u == "G") m = 1073741824
                print n * m }'; }
        usecs() { awk -v v="$1" 'BEGIN { n = v + 0; m = 1
                if (v ~ /ms$/) m = 1000; else if (v ~ /us$/) m = 1; else if (v ~ /s$/) m = 1000000
                print n * m }'; }
        within "$(bytes "$(< "$M/st/stats/memory")")" "$(< "$T/st/memory.current")"
        within "$(usecs "$(< "$M/st/stats/cpu")")" "$(usage_usec "$T/st")"
        within "$(usecs "$(< "$M/st/stats/cpu.user")")" "$(awk '$1 == "user_usec" { print $2 }' "$T/st/cpu.stat")"
        [[ $(< "$M/st/stats/pressure.memory") =~ ^[0-9]+\.[0-9]{2}%$ ]]
        kill "$pid"
        wait "$pid" 2> /dev/null || true
}
