#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# In the VM (tests/vm/run): tools/cgq on a kernel with every controller. A
# parent caps memory, pids, cpu and io; its child has max everywhere; cgq for
# the child shows the parent's values as effective, the parent as their
# setter and usage from the kernel, through the mount and without it.

load ../integration/common

setup_file() {
        [ "${CGVIEW_VM:-}" = 1 ] || skip "runs only inside the test VM (tests/vm/run)"
        require_mountable
        CGQ=$(dirname "$CGVIEW")/cgq
        [ -x "$CGQ" ] || skip "no cgq binary beside $CGVIEW (build first)"
        mount_view
        REL=${T#"$CG2"}
        export CGQ REL
        mkdir "$T/p"
        local c
        for c in cpu memory pids io; do
                echo "+$c" > "$T/p/cgroup.subtree_control"
        done
        echo 64M > "$T/p/memory.max"
        echo 50 > "$T/p/pids.max"
        echo "50000 100000" > "$T/p/cpu.max"
        if [ -n "${CGVIEW_VM_DISK_DEVNO:-}" ]; then
                echo "$CGVIEW_VM_DISK_DEVNO wbps=10485760" > "$T/p/io.max"
        fi
        mkdir "$T/p/c"
}

teardown_file() {
        [ "${CGVIEW_VM:-}" = 1 ] || return 0
        unmount_view
}

teardown() {
        [ -z "${LOOP:-}" ] || kill "$LOOP" 2> /dev/null || true
        [ -z "${SLEEPER:-}" ] || kill "$SLEEPER" 2> /dev/null || true
}

# A line of $output that matches the extended regex $1 from its start.
has_row() {
        grep -Eq "^$1" <<< "$output"
}

# cgq's output for the closing note, in the TAP stream.
measured() { printf '# %s\n' "$@" >&3; }

# A busy loop and a sleeper in the child.
start_load() {
        sh -c 'echo $$ > "$1/cgroup.procs" && exec sh -c "while :; do :; done"' sh "$T/p/c" 3>&- &
        LOOP=$!
        sh -c 'echo $$ > "$1/cgroup.procs" && exec sleep 120' sh "$T/p/c" 3>&- &
        SLEEPER=$!
        for _ in $(seq 50); do
                [ "$(wc -l < "$T/p/c/cgroup.procs")" -eq 2 ] && return 0
                sleep 0.1
        done
        return 1
}

@test "cgq (VM): the child's effective limits are the parent's, set by /p, usage from the kernel" {
        start_load
        run "$CGQ" -m "$M" /p/c
        measured "cgq -m \$M /p/c:" "${lines[@]}"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/p/c  2 procs" ]
        has_row 'cpu +max +0\.5 +/p +[0-9.]+(us|ms|s) +- +[0-9]+\.[0-9]{2}%'
        has_row 'memory +max +64M +/p +[0-9.]+[KMG]? +[0-9.]+[KMG]? +[0-9]+\.[0-9]{2}% +\[[#.]{20}\]'
        has_row 'swap +max +max +- '
        has_row "pids +max +50 +/p +$(< "$T/p/c/pids.current") +$((50 - $(< "$T/p/c/pids.current"))) "
        if [ -n "${CGVIEW_VM_DISK_DEVNO:-}" ]; then
                has_row "io ${CGVIEW_VM_DISK#/dev/} wbps +max +10M +/p "
        fi
        # exact numbers in JSON, checked against the kernel files
        run "$CGQ" -m "$M" --json /p/c
        [ "$status" -eq 0 ]
        printf '%s' "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
pids_cur = int(sys.argv[1])
r = {x["name"]: x for x in d["resources"] if "device" not in x}
assert r["memory"]["limit"] is None and r["memory"]["effective"] == 64 << 20 and r["memory"]["set_by"] == "/p", r["memory"]
assert 0 < r["memory"]["usage"] < 64 << 20, r["memory"]
assert r["memory"]["headroom"] == (64 << 20) - r["memory"]["usage"], r["memory"]
assert r["pids"]["effective"] == 50 and r["pids"]["set_by"] == "/p" and r["pids"]["usage"] == pids_cur, r["pids"]
assert r["cpu"]["limit"] is None and r["cpu"]["set_by"] == "/p", r["cpu"]
assert r["cpu"]["effective"] == {"quota_us": 50000, "period_us": 100000}, r["cpu"]
' "$(< "$T/p/c/pids.current")"
}

@test "cgq (VM): without the mount, the same limits and setter from the kernel files" {
        start_load
        run "$CGQ" -m /nonexistent "$T/p/c"
        measured "cgq -m /nonexistent \$T/p/c:" "${lines[@]}"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "$REL/p/c  2 procs" ]
        has_row "cpu +max +0\.5 +$REL/p "
        has_row "memory +max +64M +$REL/p "
        has_row "pids +max +50 +$REL/p +$(< "$T/p/c/pids.current") "
        # the parent's own limits: it sets them itself
        run "$CGQ" -m /nonexistent "$T/p"
        has_row "memory +64M +64M +$REL/p "
        # a tighter limit on the child: the child sets it
        echo 32M > "$T/p/c/memory.max"
        run "$CGQ" -m /nonexistent "$T/p/c"
        echo max > "$T/p/c/memory.max"
        has_row "memory +32M +32M +$REL/p/c "
}

@test "cgq (VM): --watch shows the CPU the busy loop uses, held to the parent's 0.5" {
        start_load
        run timeout --preserve-status 5 "$CGQ" -m "$M" --watch -n 2 /p/c
        [ "$status" -eq 0 ]
        # the second block on has a rate, its headroom and a bar
        line=$(grep -E '^cpu +max +0\.5 +/p +[0-9.]+ +[0-9.]+ ' <<< "$output" | tail -1)
        measured "cgq --watch, last cpu line: $line"
        [ -n "$line" ]
        rate=$(awk '{ print $5 }' <<< "$line")
        awk -v r="$rate" 'BEGIN { exit !(r >= 0.3 && r <= 0.6) }'
}

@test "cgq (VM): a cap above a container's view is set by \"above\" (effective/)" {
        [ -d "$M/p/effective" ] || skip "this cgview has no effective/ yet"
        mkdir -p "$T/p/ns"
        run in_container "$T/p/ns" "$CGQ" -m "$M"
        measured "cgq in a cgroup namespace at /p/ns:" "${lines[@]}"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/  1 proc" ]
        has_row 'memory +max +64M +above '
        has_row 'pids +max +50 +above '
        has_row 'cpu +max +0\.5 +above '
        if [ -n "${CGVIEW_VM_DISK_DEVNO:-}" ]; then
                has_row "io ${CGVIEW_VM_DISK#/dev/} wbps +max +10M +above "
        fi
}

@test "cgq (VM): effective/'s cpu at an odd period names its level exactly (0.33333 at 30 ms)" {
        [ -d "$M/p/effective" ] || skip "this cgview has no effective/ yet"
        mkdir -p "$T/q/c"
        echo +cpu > "$T/q/cgroup.subtree_control"
        echo "10000 30000" > "$T/q/cpu.max"
        run "$CGQ" -m "$M" /q/c
        measured "cgq -m \$M /q/c:" "${lines[@]}"
        has_row 'cpu +max +0\.33333 +/q '
        run "$CGQ" -m "$M" --json /q/c
        printf '%s' "$output" | python3 -c '
import json, sys
r = [x for x in json.load(sys.stdin)["resources"] if x["name"] == "cpu"][0]
assert r["set_by"] == "/q" and r["effective"] == {"quota_us": 10000, "period_us": 30000}, r'
}
