#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tools/cgq on the host: through a cgview mount and from the kernel files, as
# root and as an unprivileged user. A hybrid host's cgroup2 has hugetlb and
# no cpu/memory/pids/io controllers: the limit checks use hugetlb (a parent's
# hugetlb.2MB.max binds its child), usage and pressure the core files.

load common

setup_file() {
        require_mountable
        [ -x "$(dirname "$CGVIEW")/cgq" ] || skip "no cgq binary beside $CGVIEW (build first)"
        mount_view
        # a copy every user can run (the checkout may be private)
        BIN=$(mktemp -d /tmp/cgq-bin.XXXXXX)
        install -m 755 "$(dirname "$CGVIEW")/cgq" "$BIN/cgq"
        chmod 755 "$BIN"
        echo "CGQ_BIN=$BIN" >> "$STATE"
        CGQ=$BIN/cgq
        REL=${T#"$CG2"} # $T as a cgroup path
        export BIN CGQ REL
        mkdir -p "$T/p/c"
        if [ -f "$T/p/hugetlb.2MB.max" ]; then
                echo +hugetlb > "$T/p/cgroup.subtree_control"
                echo 4M > "$T/p/hugetlb.2MB.max"
        fi
}

teardown_file() {
        local CGQ_BIN=''
        [ -f "$STATE" ] && CGQ_BIN=$(sed -n 's/^CGQ_BIN=//p' "$STATE")
        [ -z "$CGQ_BIN" ] || rm -rf "$CGQ_BIN"
        unmount_view
}

# A line of $output that matches the extended regex $1 from its start.
has_row() {
        grep -Eq "^$1" <<< "$output"
}

need_hugetlb() {
        [ -f "$T/p/c/hugetlb.2MB.max" ] || skip "no hugetlb.2MB in this host's cgroup2"
}

# A process in cgroup $1 (raw path) for a while; its pid on stdout.
sleeper() {
        sh -c 'echo $$ > "$1/cgroup.procs" && exec sleep 60' sh "$1" > /dev/null 2>&1 3>&- &
        echo $!
}

@test "cgq through the mount: a parent's limit is the child's effective limit, set by the parent" {
        need_hugetlb
        pid=$(sleeper "$T/p/c")
        sleep 0.2
        run "$CGQ" -m "$M" /p/c
        kill "$pid"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/p/c  1 proc" ]
        [[ ${lines[1]} =~ ^resource\ +limit\ +effective\ +set\ by\ +usage\ +headroom\ +pressure$ ]]
        # own limit max, effective 4M from /p, usage 0, headroom 4.00M, an empty bar
        has_row 'hugetlb\.2M +max +4M +/p +0 +4\.00M +- +\[\.{20}\]'
        # the parent itself sets it
        run "$CGQ" -m "$M" "$M/p"
        has_row 'hugetlb\.2M +4M +4M +/p +'
        # the core files every cgroup2 has: cpu usage (cumulative) and pressure (in the VM, cpu.max too)
        has_row 'cpu +(-|max) +(-|max) +- +[0-9.]+(us|ms|s) +- +[0-9]+\.[0-9]{2}%'
}

@test "cgq without a mount reads the kernel files: the same values, cgroup paths" {
        need_hugetlb
        run "$CGQ" -m /nonexistent "$REL/p/c"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "$REL/p/c  0 procs" ]
        has_row "hugetlb\.2M +max +4M +$REL/p +0 +4\.00M"
        # a path under the cgroup2 mount names the same cgroup
        run "$CGQ" -m /nonexistent "$T/p/c"
        [ "${lines[0]}" = "$REL/p/c  0 procs" ]
        # the limit set on the child itself: now the child sets it
        echo 2M > "$T/p/c/hugetlb.2MB.max"
        run "$CGQ" -m /nonexistent "$T/p/c"
        echo max > "$T/p/c/hugetlb.2MB.max"
        has_row "hugetlb\.2M +2M +2M +$REL/p/c +"
}

@test "cgq --json parses and holds the kernel's exact numbers, null for max, the setter's path" {
        need_hugetlb
        u0=$(awk '$1 == "usage_usec" { print $2 }' "$T/p/c/cpu.stat")
        "$CGQ" -m "$M" --json /p/c > "$BATS_TEST_TMPDIR/out.json"
        u1=$(awk '$1 == "usage_usec" { print $2 }' "$T/p/c/cpu.stat")
        python3 -m json.tool "$BATS_TEST_TMPDIR/out.json" > /dev/null
        python3 - "$BATS_TEST_TMPDIR/out.json" "$(< "$T/p/c/hugetlb.2MB.current")" "$u0" "$u1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
cur, u0, u1 = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
assert d["path"] == "/p/c", d
r = {x["name"]: x for x in d["resources"] if "device" not in x}
h = r["hugetlb.2M"]
assert h["limit"] is None and h["effective"] == 4 << 20 and h["set_by"] == "/p", h
assert h["usage"] == cur and h["headroom"] == (4 << 20) - cur, h
assert u0 <= r["cpu"]["usage"] <= u1, (u0, r["cpu"], u1)
assert "limit" not in r["cpu"], r["cpu"]  # no cpu controller in this cgroup2: no cpu.max
assert isinstance(r["cpu"]["pressure"], float), r["cpu"]
EOF
        # -r: an array, one object per cgroup, pre-order; a name that needs escaping comes back whole
        mkdir "$T/p/c/"$'we "ird\\\t'
        run "$CGQ" -m "$M" --json -r /p
        rmdir "$T/p/c/"$'we "ird\\\t'
        [ "$status" -eq 0 ]
        [ "$(printf '%s' "$output" | python3 -c 'import json, sys; print(repr([x["path"] for x in json.load(sys.stdin)]))')" = "['/p', '/p/c', '/p/c/we \"ird\\\\\\t']" ]
}

@test "cgq -r draws the subtree as a tree" {
        mkdir -p "$T/p/c/x" "$T/p/d"
        run "$CGQ" -m "$M" -r /p
        rmdir "$T/p/c/x" "$T/p/d"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/p  0 procs" ]
        [[ ${lines[1]} == "│ resource "* ]]
        printf '%s\n' "$output" | grep -qx '├─ /p/c  0 procs'
        printf '%s\n' "$output" | grep -qx '│  └─ /p/c/x  0 procs'
        printf '%s\n' "$output" | grep -qx '└─ /p/d  0 procs'
        # the reserved names of the view are no cgroups
        run grep -c -e limits -e stats <<< "$output"
        [ "$output" = 0 ]
}

@test "cgq as an unprivileged user in a delegated cgroup: its own cgroup by default, with or without the mount" {
        need_hugetlb
        U=$(make_user cgq)
        [ "$U" != nobody ] || skip "/etc is read-only: no user to make"
        mkdir "$T/p/u"
        chown "$U:" "$T/p/u" "$T/p/u/cgroup.procs" "$T/p/u/cgroup.subtree_control" "$T/p/u/cgroup.threads"
        uid=$(id -u "$U") gid=$(id -g "$U")
        as_u() {
                sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$T/p/u" \
                        setpriv --reuid="$uid" --regid="$gid" --init-groups "$@"
        }
        run as_u "$CGQ" -m "$M"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/p/u  1 proc" ]
        has_row 'hugetlb\.2M +max +4M +/p +'
        run as_u "$CGQ" -m /nonexistent --json
        echo "$output"
        [ "$status" -eq 0 ]
        printf '%s' "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["path"] == sys.argv[1] + "/p/u", d
h = [x for x in d["resources"] if x["name"] == "hugetlb.2M"][0]
assert h["effective"] == 4 << 20 and h["set_by"] == sys.argv[1] + "/p", h' "$REL"
        # a cgroup the user may not see is no cgroup to it
        mkdir "$T/hidden"
        run as_u "$CGQ" -m "$M" /hidden
        rmdir "$T/hidden"
        [ "$status" -eq 1 ]
        [[ $output == *"no such cgroup"* ]]
}

@test "cgq through the mount: a limit above the caller's view is set by \"above\" (effective/)" {
        need_hugetlb
        [ -d "$M/p/effective" ] || skip "this cgview has no effective/ yet"
        mkdir -p "$T/p/ns"
        run in_container "$T/p/ns" "$CGQ" -m "$M" --no-color
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "/  1 proc" ]
        has_row 'hugetlb\.2M +max +4M +above +'
}

@test "cgq --watch redraws every -n seconds and on a change of cgroup.events, and ends cleanly on SIGTERM" {
        run timeout --preserve-status 3 "$CGQ" -m "$M" --watch -n 1 /p/c
        echo "$output"
        [ "$status" -eq 0 ]
        n=$(grep -c '^/p/c  ' <<< "$output")
        [ "$n" -ge 2 ]
        # a block ends with an empty line on a non-terminal, and there is no escape byte
        [[ $output != *$'\e'* ]]
        # the kernel's cgroup.events wakes it long before -n 60
        timeout --preserve-status 4 "$CGQ" -m /nonexistent --watch -n 60 "$T/p/c" > "$BATS_TEST_TMPDIR/watch" 3>&- &
        w=$!
        sleep 1.5
        pid=$(sleeper "$T/p/c")
        wait "$w"
        kill "$pid"
        cat "$BATS_TEST_TMPDIR/watch"
        grep -q "^$REL/p/c  0 procs" "$BATS_TEST_TMPDIR/watch"
        grep -q "^$REL/p/c  1 proc$" "$BATS_TEST_TMPDIR/watch"
}

@test "cgq colours only on a terminal, never with NO_COLOR or --no-color" {
        need_hugetlb
        run "$CGQ" -m "$M" /p/c
        [[ $output != *$'\e'* ]]
        pty() {
                python3 -c '
import os, pty, sys
out = b""
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))' "$@"
        }
        run pty "$CGQ" -m "$M" /p/c
        echo "$output"
        [[ $output == *$'\e[2m....................\e[0m'* ]]
        NO_COLOR=1 run pty "$CGQ" -m "$M" /p/c
        [[ $output == *hugetlb.2M* ]]
        [[ $output != *$'\e'* ]]
        run pty "$CGQ" -m "$M" --no-color /p/c
        [[ $output == *hugetlb.2M* ]]
        [[ $output != *$'\e'* ]]
}

@test "cgq: usage errors are status 2, a missing cgroup or a bad path status 1" {
        run "$CGQ" --bogus
        [ "$status" -eq 2 ]
        run "$CGQ" -n 0 /
        [ "$status" -eq 2 ]
        run "$CGQ" a b
        [ "$status" -eq 2 ]
        run "$CGQ" -m "$M" /nosuch
        [ "$status" -eq 1 ]
        [[ $output == *"/nosuch: no such cgroup"* ]]
        run "$CGQ" -m "$M" /p/../..
        [ "$status" -eq 1 ]
        run "$CGQ" -m /nonexistent /no/such/cgroup
        [ "$status" -eq 1 ]
        run "$CGQ" --help
        [ "$status" -eq 0 ]
        [[ $output == usage:* ]]
}
