#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The mount outlives its daemon (fs/takeover.h, fs/supervisor.h): workers
# killed under load, the supervisor killed, an upgrade in place, the whole
# service killed with the connection in systemd's fd store. Runs on the host
# and, through tests/vm/guest-suite, on the VM's kernel (no FUSE_NOTIFY_RESEND
# there: the journal alone brings lost requests back).

load common

KILLTEST="/usr/bin/python3 -S $BATS_TEST_DIRNAME/killtest.py"

setup_file() {
        require_mountable
        mount_view
}

teardown_file() {
        unmount_view
}

# killtest LABEL DIR ARGS...: run killtest.py on the mount over cgroup DIR, remove every cgroup its
# clients made there, print its figures as LABEL; $status and $output as `run` leaves them.
killtest() {
        local label=$1 dir=$2 d
        shift 2
        run $KILLTEST "$@"
        for d in "$dir"/kt*; do
                [ -d "$d" ] && cg_remove_tree "$d"
        done
        echo "# $label: $output" >&3
}

# Wait until a worker other than OLD (none: any) serves MOUNT.
wait_worker() {
        local m=$1 old=${2:-} w
        for _ in $(seq 100); do
                w=$(worker_pid "$m")
                [ -n "$w" ] && [ "$w" != "$old" ] && return 0
                sleep 0.05
        done
        return 1
}

supervisor() {
        getfattr -n trusted.cgview.supervisor --only-values "$M" 2> /dev/null
}

@test "16 clients reading and writing while the worker is killed 20 times: no error, no hang" {
        killtest "worker kills" "$T" "$M" --kills 20 --clients 16 --interval 0.5
        [ "$status" -eq 0 ]
        [[ $output == *'"client_errors": 0'* ]]
        [[ $output == *'"hangs": 0'* ]]
        [[ $output == *'"kills": 20'* ]]
        # The log says what happened: every kill, every takeover.
        [ "$(grep -c 'killed by signal 9: .* takes over' "$LOG")" -ge 20 ]
}

@test "after a takeover: open files, a working directory inside the mount and the counters carry on" {
        mkdir "$M/held"
        exec 7< "$M/held/cgroup.max.depth"
        exec 8> "$M/held/cgroup.max.descendants"
        cd "$M/held"
        local w
        w=$(worker_pid)
        kill -9 "$w"
        wait_worker "$M" "$w"
        [ "$(cat cgroup.max.depth)" = max ]
        [ "$(cat <&7)" = max ]
        echo 42 >&8
        [ "$(cat "$T/held/cgroup.max.descendants")" = 42 ]
        ls limits stats > /dev/null
        cd /
        exec 7<&- 8>&-
        rmdir "$M/held"
        run getfattr -n trusted.cgview.requests --only-values "$M"
        [[ $output == *"workers "* ]]
        [[ $output != *"workers 1 "* ]]
}

@test "the supervisor killed 5 times, the worker after: the mount serves on" {
        local s
        s=$(supervisor)
        killtest "supervisor kills" "$T" "$M" --kills 5 --clients 8 --interval 0.4 --target supervisor
        [ "$status" -eq 0 ]
        [[ $output == *'"client_errors": 0'* ]]
        [ "$(supervisor)" != "$s" ]
        # The worker started a new supervisor each time; the last one restarts a killed worker.
        [ "$(grep -c 'the supervisor died: supervisor [0-9]* takes over' "$LOG")" -eq 5 ]
        killtest "then worker kills" "$T" "$M" --kills 3 --clients 4 --interval 0.4
        [ "$status" -eq 0 ]
}

@test "cgview --upgrade: the binary now at the daemon's path takes over, clients see nothing" {
        local d m w before
        d=$(mktemp -d /tmp/cgview-upgrade.XXXXXX)
        m=$(mktemp -d /tmp/cgview-mnt.XXXXXX)
        mkdir "$T/up"
        cp "$CGVIEW" "$d/cgview"
        "$d/cgview" -o cgroup_root="$T/up" "$m"
        wait_worker "$m"
        w=$(worker_pid "$m")
        before=$(stat -c %i "$d/cgview")
        # A new build installed over the old one: a new file at the same path.
        cp "$CGVIEW" "$d/cgview.new"
        mv "$d/cgview.new" "$d/cgview"
        [ "$(stat -c %i "$d/cgview")" != "$before" ]
        [[ $(readlink "/proc/$w/exe") == *"(deleted)" ]]
        killtest upgrades "$T/up" "$m" --kills 3 --clients 8 --interval 0.5 --target upgrade --exe "$d/cgview"
        local new
        new=$(worker_pid "$m")
        fusermount3 -u "$m"
        rm -rf "$d"
        rmdir "$m"
        [ "$status" -eq 0 ]
        [[ $output == *'"client_errors": 0'* ]]
        [ "$new" != "$w" ]
}

@test "the whole service killed with the connection in the fd store: the mount waits, the next start answers" {
        local m
        m=$(mktemp -d /tmp/cgview-mnt.XXXXXX)
        mkdir "$T/store"
        run /usr/bin/python3 -S "$BATS_TEST_DIRNAME/fdstore.py" "$CGVIEW" "$T/store" "$m"
        rmdir "$m"
        echo "# fd store: $output" >&3
        [ "$status" -eq 0 ]
        [[ $output == *'"reader_waited": true'* ]]
        [[ $output == *'"reader_answer": "max"'* ]]
}

@test "a request journalled by a worker that died is answered once by the next (replayed mkdir is not EEXIST)" {
        # Kill the worker while 8 clients make and remove cgroups as fast as they can: every mkdir and
        # rmdir must succeed, also the ones whose reply the dead worker never sent.
        killtest "fast kills" "$T" "$M" --kills 10 --clients 8 --interval 0.2
        [ "$status" -eq 0 ]
        [[ $output == *'"errors_by_errno": {}'* ]]
        # Some kills caught requests in flight, and the next worker answered them.
        grep 'requests the worker before had read are answered now' "$LOG" >&3 || true
        grep -q 'requests the worker before had read are answered now' "$LOG"
}

@test "a request that kills every worker that reads it: the one that read it and the one that replayed it die, the third answers EIO" {
        local m
        m=$(mktemp -d /tmp/cgview-mnt.XXXXXX)
        mkdir "$T/poison"
        CGVIEW_TEST_CRASH_ON_LOOKUP=deadly "$CGVIEW" -o cgroup_root="$T/poison" "$m"
        wait_worker "$m"
        run $SYS stat "$m/deadly"
        local after
        after=$(cat "$m/cgroup.max.depth")
        local workers
        workers=$(getfattr -n trusted.cgview.requests --only-values "$m" | sed -n 's/^workers //p')
        fusermount3 -u "$m"
        rmdir "$m"
        echo "# stat answered: $output; workers: $workers" >&3
        [ "$output" = EIO ]
        [ "$after" = max ]
        # The first read it and died, the second replayed it and died, the third answered EIO.
        [ "$workers" -eq 3 ]
}
