#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The view against the raw cgroupfs, on this host's real cgroup2 mount.
# shellcheck disable=SC2010 # ls | grep on purpose: these tests check what readdir lists

load common

setup_file() {
        require_mountable
        mount_view
        mkdir "$T/web"
}

teardown_file() {
        unmount_view
}

# The kernel's own listing of a directory, sorted.
raw_ls() { $SYS ls "$1"; }

# The CPU time of a process, user and system, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

@test "listing: a cgroup is the kernel's entries plus limits, stats and effective, no mem.* alias" {
        expected=$( (ls -A "$T/web"; echo limits; echo stats; echo effective) | sort | tr '\n' ' ')
        actual=$(ls -A "$M/web" | sort | tr '\n' ' ')
        [ "$actual" = "$expected" ]
        [[ " $actual" != *" mem."* ]]
}

@test "listing: the top of the mount has self only for a caller inside the tree" {
        run ls -A "$M"
        [ "$status" -eq 0 ]
        [ "$(grep -cx self <<< "$output")" = 0 ]
        run sh -c "echo \$\$ > $T/web/cgroup.procs && ls -A $M"
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx self
}

@test "pass-through: every readable kernel file reads the same as on cgroupfs" {
        for f in cgroup.controllers cgroup.subtree_control cgroup.type cgroup.max.depth \
                 cgroup.max.descendants cgroup.freeze cgroup.events cgroup.procs; do
                [ "$($SYS read "$M/web/$f")" = "$($SYS read "$T/web/$f")" ] || { echo "differs: $f"; return 1; }
        done
        for f in $(cd "$T/web" && ls hugetlb.*.max 2>/dev/null); do
                [ "$($SYS read "$M/web/$f")" = "$($SYS read "$T/web/$f")" ] || { echo "differs: $f"; return 1; }
        done
}

@test "pass-through: stat gives the kernel's mode and owner" {
        for f in cgroup.procs cgroup.kill cgroup.controllers; do
                [ "$($SYS stat "$M/web/$f")" = "$($SYS stat "$T/web/$f")" ]
        done
        [ "$($SYS stat "$M/web")" = "$($SYS stat "$T/web")" ]
}

@test "pass-through: writes reach the kernel, bad writes give the kernel's errno" {
        [ "$($SYS write "$M/web/cgroup.max.depth" 5)" = OK ]
        [ "$(cat "$T/web/cgroup.max.depth")" = 5 ]
        [ "$($SYS write "$M/web/cgroup.max.depth" max)" = OK ]
        [ "$(cat "$T/web/cgroup.max.depth")" = max ]
        for bad in foo -1 "" "+nosuch"; do
                [ "$($SYS write "$M/web/cgroup.max.depth" "$bad")" = "$($SYS write "$T/web/cgroup.max.depth" "$bad")" ]
        done
        [ "$($SYS write "$M/web/cgroup.subtree_control" +nosuch)" = "$($SYS write "$T/web/cgroup.subtree_control" +nosuch)" ]
        [ "$($SYS write "$M/web/cgroup.controllers" x)" = "$($SYS write "$T/web/cgroup.controllers" x)" ]
}

@test "pass-through: what cgroupfs refuses, the view refuses with the same errno" {
        for op in "unlink cgroup.procs" "mknod newfile" "symlink newlink x" "rename cgroup.procs $M/web/x" \
                  "truncate cgroup.procs 0" "chmod cgroup.procs 0644" ; do
                set -- $op
                viewr=$($SYS "$1" "$M/web/$2" "${@:3}")
                rawr=$($SYS "$1" "$T/web/$2" "$(echo "${@:3}" | sed "s|$M|$T|")")
                [ "$viewr" = "$rawr" ] || { echo "$op: view $viewr, cgroupfs $rawr"; return 1; }
        done
}

@test "alias: mem.pressure is memory.pressure, resolved but not listed" {
        [ -f "$T/web/memory.pressure" ] || skip "no memory.pressure (PSI off)"
        run cat "$M/web/mem.pressure"
        [ "$status" -eq 0 ]
        [ "${lines[0]%% *}" = some ]
        [ "$(stat -c %i "$M/web/mem.pressure")" = "$(stat -c %i "$M/web/memory.pressure")" ]
        [ "$($SYS read "$M/web/mem.nosuch")" = ENOENT ]
        [ "$($SYS read "$M/web/mem.")" = ENOENT ]
}

@test "a rejected write is logged with its file, value, reason and uid; a loop of 3,000 is held to 200 lines" {
        [ -f "$T/web/hugetlb.2MB.max" ] || skip "no hugetlb controller in cgroup2"
        local u before lines
        u=$(make_user rej)
        [ "$u" != nobody ] || skip "no user can be made here"
        mkdir "$T/rej"
        chown "$u" "$T/rej" "$T/rej/hugetlb.2MB.max"
        [ "$(as_user "$u" $SYS write "$M/rej/limits/hugetlb.2M" 1GG)" = EINVAL ]
        grep -q "rej/limits/hugetlb.2M: rejected \"1GG\": Invalid argument (uid $(id -u "$u"))" "$LOG"
        rmdir "$T/rej"
        before=$(wc -l < "$LOG")
        python3 -c '
import os, sys
for i in range(3000):
    fd = os.open(sys.argv[1], os.O_WRONLY)
    try:
        os.write(fd, b"bad%d" % i)
    except OSError:
        pass
    os.close(fd)' "$M/web/limits/hugetlb.2M"
        lines=$(tail -n +$((before + 1)) "$LOG" | grep -c 'rejected "bad')
        echo "lines logged for 3000 rejected writes: $lines"
        [ "$lines" -le 200 ]
        [ "$lines" -ge 150 ]
        # after the interval, the next rejection is logged with the count of those that were not
        sleep 10.2
        [ "$($SYS write "$M/web/limits/hugetlb.2M" late)" = EINVAL ]
        grep -qE '^cgview: [0-9]+ rejected writes were not logged' "$LOG"
        grep -q 'rejected "late"' "$LOG"
}

@test "limits: hugetlb sizes round up to the huge page, print exactly, and write back unchanged" {
        [ -f "$T/web/hugetlb.2MB.max" ] || skip "no hugetlb controller in cgroup2"
        ls "$M/web/limits" | grep -qx hugetlb.2M
        echo 3M > "$M/web/limits/hugetlb.2M"
        [ "$(cat "$T/web/hugetlb.2MB.max")" = 4194304 ]
        [ "$(cat "$M/web/limits/hugetlb.2M")" = 4M ]
        echo 1.5G > "$M/web/limits/hugetlb.2M"
        [ "$(cat "$T/web/hugetlb.2MB.max")" = 1610612736 ]
        [ "$(cat "$M/web/limits/hugetlb.2M")" = 1.5G ]
        # cat output written back changes nothing
        cat "$M/web/limits/hugetlb.2M" > "$M/web/limits/hugetlb.2M"
        [ "$(cat "$T/web/hugetlb.2MB.max")" = 1610612736 ]
        echo 262148K > "$M/web/limits/hugetlb.2M"
        [ "$(cat "$M/web/limits/hugetlb.2M")" = 258M ]
        echo 1GiB > "$M/web/limits/hugetlb.2M"
        [ "$(cat "$M/web/limits/hugetlb.2M")" = 1G ]
        echo max > "$M/web/limits/hugetlb.2M"
        [ "$(cat "$M/web/limits/hugetlb.2M")" = max ]
        if [ -f "$T/web/hugetlb.1GB.max" ]; then
                echo 1 > "$M/web/limits/hugetlb.1G"
                [ "$(cat "$T/web/hugetlb.1GB.max")" = 1073741824 ]
                [ "$(cat "$M/web/limits/hugetlb.1G")" = 1G ]
                echo max > "$M/web/limits/hugetlb.1G"
        fi
}

@test "limits: bad values fail from write(2) with EINVAL or ERANGE and leave the kernel value" {
        [ -f "$T/web/hugetlb.2MB.max" ] || skip "no hugetlb controller in cgroup2"
        echo 64M > "$M/web/limits/hugetlb.2M"
        before=$(cat "$T/web/hugetlb.2MB.max")
        while IFS='|' read -r value want; do
                got=$($SYS write "$M/web/limits/hugetlb.2M" "$value")
                [ "$got" = "$want" ] || { echo "'$value': got $got, want $want"; return 1; }
                [ "$(cat "$T/web/hugetlb.2MB.max")" = "$before" ] || { echo "'$value' changed the kernel value"; return 1; }
        done <<'VALUES'
\n|EINVAL
 |EINVAL
-1|EINVAL
+1|EINVAL
0x10|EINVAL
1e9|EINVAL
1.5.5|EINVAL
G|EINVAL
1GG|EINVAL
12abc|EINVAL
1 G|EINVAL
18446744073709551616|ERANGE
99999999999999999999999|ERANGE
16E|ERANGE
1\x002|EINVAL
1\n2|EINVAL
VALUES
        run sh -c "echo 1e9 > $M/web/limits/hugetlb.2M"
        [ "$status" -ne 0 ]
        grep -q 'web/limits/hugetlb.2M: rejected "1e9' "$LOG"
}

@test "limits: a non-zero size never becomes 0: fractions of a byte round up, then to the huge page" {
        [ -f "$T/web/hugetlb.2MB.max" ] || skip "no hugetlb controller in cgroup2"
        while IFS='|' read -r value want; do
                echo max > "$M/web/limits/hugetlb.2M"
                [ "$($SYS write "$M/web/limits/hugetlb.2M" "$value")" = OK ] || { echo "'$value' refused"; return 1; }
                got=$(cat "$T/web/hugetlb.2MB.max")
                [ "$got" = "$want" ] || { echo "'$value' wrote $got, want $want"; return 1; }
        done <<'VALUES'
0.5|2097152
0.0001K|2097152
0.000000001|2097152
1|2097152
1.0000001|2097152
0.5M|2097152
2M|2097152
2097152|2097152
2097152.5|4194304
2.0000001M|4194304
0|0
0.0|0
0K|0
VALUES
        [ "$(cat "$M/web/limits/hugetlb.2M")" = 0 ]
        echo 0.5 > "$M/web/limits/hugetlb.2M"
        [ "$(cat "$M/web/limits/hugetlb.2M")" = 2M ]
}

# A value, padded with blanks and a newline to exactly $2 bytes, as a sys.py write argument.
padded() { printf '%s%*s\\n' "$1" $(($2 - ${#1} - 1)) ''; }

@test "limits: a value padded to 4095..8192 bytes is judged as the kernel judges the raw file" {
        [ -f "$T/web/hugetlb.2MB.max" ] || skip "no hugetlb controller in cgroup2"
        for n in 4095 4096 4097 8192; do
                echo 2M > "$M/web/limits/hugetlb.2M"
                raw=$($SYS write "$T/web/hugetlb.2MB.max" "$(padded 4194304 "$n")")
                raw_value=$(cat "$T/web/hugetlb.2MB.max")
                echo 2M > "$M/web/limits/hugetlb.2M"
                view=$($SYS write "$M/web/limits/hugetlb.2M" "$(padded 4M "$n")")
                view_value=$(cat "$T/web/hugetlb.2MB.max")
                echo "# $n bytes: raw $raw ($raw_value), view $view ($view_value)" >&3
                [ "$view" = "$raw" ]
                [ "$view_value" = "$raw_value" ]
                # a page holds it (4096 on this host's kernels): longer is E2BIG, value kept
                if [ "$n" -le "$(getconf PAGESIZE)" ]; then
                        [ "$view" = OK ]
                        [ "$view_value" = 4194304 ]
                else
                        [ "$view" = E2BIG ]
                        [ "$view_value" = 2097152 ]
                fi
        done
        # leading blanks and newlines count as the kernel's strstrip() counts them
        [ "$($SYS write "$M/web/limits/hugetlb.2M" '\n\n  6M \t\n')" = OK ]
        [ "$(cat "$T/web/hugetlb.2MB.max")" = 6291456 ]
}

@test "limits: a read returns the whole value whatever the buffer size" {
        [ -f "$T/web/hugetlb.2MB.max" ] || skip "no hugetlb controller in cgroup2"
        echo 1.5G > "$M/web/limits/hugetlb.2M"
        [ "$($SYS read "$M/web/limits/hugetlb.2M" 1)" = 1.5G ]
        [ "$($SYS read "$M/web/limits/hugetlb.2M" 3)" = 1.5G ]
        [ "$(dd if="$M/web/limits/hugetlb.2M" bs=1 status=none)" = 1.5G ]
}

@test "limits: a file exists exactly when its kernel file does, at the top of the view and below" {
        for d in . web; do
                for pair in cpu:cpu.max memory:memory.max pids:pids.max io:io.max cpus:cpuset.cpus hugetlb.2M:hugetlb.2MB.max; do
                        f=${pair%%:*} k=${pair#*:}
                        if [ -e "$T/$d/$k" ]; then want=yes; else want=no; fi
                        if [ -e "$M/$d/limits/$f" ]; then got=yes; else got=no; fi
                        [ "$got" = "$want" ] || { echo "$d/limits/$f: $got, kernel file $k: $want"; return 1; }
                        [ "$want" = yes ] || [ "$($SYS read "$M/$d/limits/$f")" = ENOENT ]
                done
        done
        [ "$($SYS read "$M/web/limits/nosuch")" = ENOENT ]
        [ "$($SYS read "$M/web/limits/hugetlb.3M")" = ENOENT ]
}

@test "stats: read-only, and they agree with the kernel files" {
        [ "$($SYS write "$M/web/stats/procs" 1)" = EACCES ]
        [ "$(cat "$M/web/stats/procs")" = "$(wc -l < "$T/web/cgroup.procs")" ]
        [ "$(cat "$M/web/stats/populated")" = "$(awk '$1 == "populated" { print $2 }' "$T/web/cgroup.events")" ]
        grep -Eq '^[0-9.]+(us|ms|s)$' "$M/web/stats/cpu"
        if [ -f "$T/web/cpu.pressure" ]; then
                grep -Eq '^[0-9]+\.[0-9]{2}%$' "$M/web/stats/pressure.cpu"
        fi
}

@test "cgroup.freeze: freezing through the view freezes the cgroup" {
        mkdir "$T/frz" "$T/frz-hold"
        # a busy loop: running, it is never asleep and its CPU time grows; born in $T (killed with it
        # if the test fails), away from bats' output (which would wait for it)
        sh -c 'echo $$ > "$1/cgroup.procs" && exec sh -c "while :; do :; done"' sh "$T/frz-hold" \
                > /dev/null 2>&1 3>&- &
        pid=$!
        for _ in $(seq 50); do grep -qx "$pid" "$T/frz-hold/cgroup.procs" && break; sleep 0.05; done
        echo "$pid" > "$M/frz/cgroup.procs"
        echo 1 > "$M/frz/cgroup.freeze"
        for _ in $(seq 50); do grep -q 'frozen 1' "$T/frz/cgroup.events" && break; sleep 0.1; done
        grep -q 'frozen 1' "$T/frz/cgroup.events"
        [ "$(cat "$M/frz/stats/frozen")" = 1 ]
        # frozen, it sleeps in the freezer and its CPU time stands still
        grep -qx 'State:.S (sleeping)' "/proc/$pid/status"
        ticks=$(cpu_ticks "$pid")
        sleep 0.3
        [ "$(cpu_ticks "$pid")" = "$ticks" ]
        echo 0 > "$M/frz/cgroup.freeze"
        for _ in $(seq 50); do grep -q 'frozen 0' "$T/frz/cgroup.events" && break; sleep 0.1; done
        [ "$(cat "$M/frz/stats/frozen")" = 0 ]
        # thawed, it runs again
        for _ in $(seq 50); do [ "$(cpu_ticks "$pid")" != "$ticks" ] && break; sleep 0.1; done
        [ "$(cpu_ticks "$pid")" != "$ticks" ]
        kill "$pid"
}

@test "cgroup.procs: moving a sleeping process through the view moves it" {
        sleep 300 &
        pid=$!
        echo "$pid" > "$M/web/cgroup.procs"
        grep -qx "0::${T#$CG2}/web" /proc/$pid/cgroup
        grep -qx "$pid" "$M/web/cgroup.procs"
        [ "$(cat "$M/web/stats/populated")" = 1 ]
        [ "$(cat "$M/web/stats/procs")" -ge 1 ]
        [ "$($SYS write "$M/web/cgroup.procs" 999999999)" = "$($SYS write "$T/web/cgroup.procs" 999999999)" ]
        kill "$pid"
}

@test "mkdir and rmdir create and remove cgroups; reserved names are taken" {
        mkdir "$M/web/db"
        [ -f "$T/web/db/cgroup.procs" ]
        [ -d "$M/web/db/limits" ]
        [ "$($SYS mkdir "$M/web/db")" = EEXIST ]
        for name in limits stats effective self; do
                [ "$($SYS mkdir "$M/web/$name")" = EEXIST ]
        done
        [ ! -e "$T/web/limits" ]
        sleep 300 &
        pid=$!
        echo "$pid" > "$M/web/db/cgroup.procs"
        [ "$($SYS rmdir "$M/web/db")" = EBUSY ]
        kill "$pid"
        wait "$pid" 2> /dev/null || true
        rmdir "$M/web/db"
        [ ! -e "$T/web/db" ]
        [ "$($SYS rmdir "$M/web/limits")" = EPERM ]
        [ "$($SYS rmdir "$M/web/nosuch")" = ENOENT ]
}

@test "a cgroup named like a reserved name on cgroupfs is shadowed, with one warning" {
        mkdir "$T/web/stats"
        [ -f "$M/web/stats/procs" ]
        [ "$(ls -A "$M/web" | grep -cx stats)" = 1 ]
        grep -q 'a cgroup named "stats" exists' "$LOG"
        rmdir "$T/web/stats"
}

@test "self: a process sees its own cgroup" {
        run sh -c "echo \$\$ > $M/web/cgroup.procs && readlink $M/self && cat $M/self/stats/procs"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = web ]
        [ "${lines[1]}" -ge 1 ]
        [ "$($SYS readlink "$M/self")" = ENOENT ]
}

@test "paths cannot leave the cgroup root" {
        # ".." is the kernel's own: two levels up from web is the mount point's parent, not $T's parent
        [ "$(stat -c %d:%i "$M/web/../..")" = "$(stat -c %d:%i "$(dirname "$M")")" ]
        [ "$($SYS read "$M/web/../../cgroup.procs")" = ENOENT ]
        # names longer than NAME_MAX are cgroupfs's to judge, up to FUSE's 1024 bytes
        long=$(printf 'a%.0s' $(seq 300))
        [ "$($SYS read "$M/$long")" = "$($SYS read "$T/$long")" ]
        [ "$($SYS read "$M/$(printf 'a%.0s' $(seq 1025))")" = ENAMETOOLONG ]
        # cgroupfs refuses newlines in names; the view gives the same answer
        [ "$($SYS mkdir "$M/web/$(printf 'new\nline')")" = "$($SYS mkdir "$T/web/$(printf 'new\nline')")" ]
        [ "$($SYS mkdir "$M/web/with space")" = OK ]
        [ -d "$T/web/with space" ]
        rmdir "$M/web/with space"
        [ "$($SYS read "$M/web/..")" = EISDIR ]
}

@test "a delegated user may create a child and set its limits, not the limits of its root" {
        u=$(make_user deleg)
        mkdir "$T/deleg"
        # Delegation as systemd does it: the directory and its procs/subtree/threads files.
        chown "$u" "$T/deleg" "$T/deleg/cgroup.procs" "$T/deleg/cgroup.subtree_control" "$T/deleg/cgroup.threads"
        grep -qw hugetlb "$T/deleg/cgroup.controllers" && echo +hugetlb > "$T/deleg/cgroup.subtree_control"
        [ "$(as_user "$u" $SYS mkdir "$M/deleg/child")" = OK ]
        [ "$(stat -c %U "$T/deleg/child")" = "$u" ]
        if [ -f "$T/deleg/hugetlb.2MB.max" ]; then
                [ "$(as_user "$u" $SYS write "$M/deleg/limits/hugetlb.2M" 4M)" = EACCES ]
                [ "$(as_user "$u" $SYS write "$T/deleg/hugetlb.2MB.max" 4194304)" = EACCES ]
                [ "$(as_user "$u" $SYS write "$M/deleg/child/limits/hugetlb.2M" 4M)" = OK ]
                [ "$(cat "$T/deleg/child/hugetlb.2MB.max")" = 4194304 ]
        fi
        [ "$(as_user "$u" $SYS write "$M/deleg/cgroup.max.depth" 3)" = EACCES ]
        # web is neither its cgroup nor delegated to it: hidden (SPEC 5.2), as the kernel's EACCES would not be
        [ "$(as_user "$u" $SYS mkdir "$M/web/x")" = ENOENT ]
        [ "$(as_user "$u" $SYS mkdir "$T/web/x")" = EACCES ]
        run as_user "$u" ls "$M"
        [ "$status" -eq 0 ]
        grep -qx deleg <<< "$output"
        [ "$(grep -cx web <<< "$output")" = 0 ]
        [ "$(as_user "$u" $SYS stat "$M/web")" = ENOENT ]
        [ "$(as_user "$u" $SYS rmdir "$M/deleg/child")" = OK ]
        [ ! -e "$T/deleg/child" ]
}

@test "names: a listed name is one lookup finds (self below the top, names over 255 bytes)" {
        mkdir -p "$T/nm/self" "$T/nm/$(printf 'b%.0s' $(seq 300))"
        run ls "$M/nm"
        [ "$status" -eq 0 ]
        [[ " ${lines[*]} " == *" self "* ]]
        [[ " ${lines[*]} " == *" $(printf 'b%.0s' $(seq 300)) "* ]]
        # each listed cgroup is a directory to stat, and rmdir removes it
        [ "$(stat -c %F "$M/nm/self")" = directory ]
        [ "$(stat -c %F "$M/nm/$(printf 'b%.0s' $(seq 300))")" = directory ]
        [ -f "$M/nm/self/cgroup.procs" ]
        rmdir "$M/nm/self" "$M/nm/$(printf 'b%.0s' $(seq 300))"
        [ ! -d "$T/nm/self" ]
        # a 300-byte cgroup made through the view, as on cgroupfs
        [ "$($SYS mkdir "$M/nm/$(printf 'c%.0s' $(seq 300))")" = OK ]
        [ -d "$T/nm/$(printf 'c%.0s' $(seq 300))" ]
        # self stays reserved for mkdir everywhere: below the top it would be shadowed for a view rooted above
        [ "$($SYS mkdir "$M/nm/self")" = EEXIST ]
        [ ! -d "$T/nm/self" ]
        [ "$($SYS mkdir "$M/self")" = EEXIST ]
}

@test "self: a caller deeper than the kernel prints (/proc/<pid>/cgroup cut at 4095 bytes) has none" {
        n=$(printf 'f%.0s' $(seq 200))
        mkdir "$T/deep"
        # 21 levels of 200 bytes: a path over PATH_MAX, made and walked one component at a time
        run bash -c "cd '$T/deep' && for _ in \$(seq 21); do mkdir '$n' && cd '$n' || exit 1; done
                echo \$\$ > cgroup.procs
                $SYS readlink '$M/self'
                $SYS ls '$M'"
        (cd "$T/deep" && for _ in $(seq 21); do cd "$n"; done && for _ in $(seq 21); do cd .. && rmdir "$n"; done)
        rmdir "$T/deep"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = ENAMETOOLONG ]
        [[ " ${lines[1]} " != *" self "* ]]
        [[ " ${lines[1]} " == *" deep "* ]]
}
