#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Starting the daemon: options it must refuse rather than get wrong, and name
# service answers it must not take for "no such name" (issue 7, item 14).

load common

setup_file() {
        require_mountable
        [ -w /etc/group ] || skip "needs to create groups"
        # A group whose /etc/group line is about 21 KiB: 3000 members (they need not exist).
        G=cgvbig$$
        groupadd --system "$G"
        echo "$G" > "$BATS_FILE_TMPDIR/group"
        sed -i "s/^$G:\(.*\):\$/$G:\1:$(seq -f 'm%05g' 3000 | paste -sd, -)/" /etc/group
        POLICY=$(mktemp /tmp/cgview-policy.XXXXXX)
        echo "$POLICY" > "$BATS_FILE_TMPDIR/policy-path"
        echo "grant group:$G /shared read" > "$POLICY"
        export G POLICY
        CGVIEW_OPTS="-o policy=$POLICY" mount_view
}

teardown_file() {
        local sane=0
        # a sanitizer's report in the daemon's log fails the file, after the cleanup
        unmount_view || sane=1
        [ -f "$BATS_FILE_TMPDIR/group" ] && groupdel "$(< "$BATS_FILE_TMPDIR/group")"
        rm -f "$(cat "$BATS_FILE_TMPDIR/policy-path" 2> /dev/null)"
        return "$sane"
}

@test "a grant to a group with an /etc/group line over 16 KiB loads (ERANGE means a bigger buffer, not an unknown group)" {
        [ "$(getent group "$G" | wc -c)" -gt 16384 ]
        grep -q "$POLICY: 1 grants" "$LOG"
}

@test "a cgroup_root longer than PATH_MAX is refused, never cut to a shorter path that exists" {
        # cut at PATH_MAX this is the cgroup2 mount itself followed by slashes
        long="$CG2$(printf '/%.0s' $(seq 4200))nonexistent"
        run "$CGVIEW" -f -o cgroup_root="$long" /nonexistent-mountpoint
        [ "$status" -eq 1 ]
        [[ $output == *"cgroup_root: longer than 4095 bytes"* ]]
}

@test "--help names the bound on files per uid" {
        run "$CGVIEW" --help
        [ "$status" -eq 0 ]
        [[ $output == *"max_files_per_uid=N"* ]]
}
