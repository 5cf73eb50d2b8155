#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Races (issue 9, part 7): 16 readers and writers over 50 cgroups while
# another process makes and removes cgroups under them (race.py says what
# is checked). CGVIEW_RACE_SECONDS sets the length (default 30).

load common

setup_file() {
        require_mountable
        mount_view
}

teardown_file() {
        unmount_view
}


@test "16 clients and a churner for CGVIEW_RACE_SECONDS: no crash, no hang, ENOENT-class errors only, no fd, node or handle kept" {
        local secs=${CGVIEW_RACE_SECONDS:-30} pid
        pid=$(worker_pid)
        [ -n "$pid" ]
        run timeout $((secs + 180)) python3 -S "$REPO/tests/integration/race.py" "$M" "$T" "$pid" "$secs"
        printf '%s\n' "$output"
        # the counts, on the TAP stream even when the test passes
        printf '%s\n' "$output" | sed 's/^/# race: /' >&3
        [ "$status" -eq 0 ]
        [[ $output == *"errors by errno "* ]]
        # the daemon is alive and answers
        kill -0 "$pid"
        [ "$(cat "$M/t0/cgroup.max.depth")" = max ]
}
