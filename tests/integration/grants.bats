#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Grants (SPEC 5.4): a policy file gives delegation without chown.

load common

setup_file() {
        require_mountable
        [ -w /etc/passwd ] || skip "needs to create users"
        POLICY=$(mktemp /tmp/cgview-policy.XXXXXX)
        export POLICY
        mkdir -p "$BATS_FILE_TMPDIR"
        echo "$POLICY" > "$BATS_FILE_TMPDIR/policy-path"
        U=$(STATE=$BATS_FILE_TMPDIR/users make_user gm)
        R=$(STATE=$BATS_FILE_TMPDIR/users make_user gr)
        groupadd --system "cgvg$$" && echo "$$" > "$BATS_FILE_TMPDIR/group"
        usermod -a -G "cgvg$$" "$R"
        export U R G=cgvg$$
        cat > "$POLICY" <<RULES
# verb  who            subtree     what
grant   user:$U        /jobs/u     manage
grant   group:$G       /shared     read
RULES
        CGVIEW_OPTS="-o policy=$POLICY" mount_view
        cat "$BATS_FILE_TMPDIR/users" >> "$STATE"
        mkdir -p "$T/jobs/u/a" "$T/jobs/u/b" "$T/jobs/other" "$T/shared/x" "$T/hidden"
}

teardown_file() {
        local sane=0
        # a sanitizer's report in the daemon's log fails the file, after the cleanup
        unmount_view || sane=1
        [ -f "$BATS_FILE_TMPDIR/group" ] && groupdel "cgvg$(< "$BATS_FILE_TMPDIR/group")"
        rm -f "$(cat "$BATS_FILE_TMPDIR/policy-path" 2> /dev/null)"
        return "$sane"
}

@test "a bad policy file stops the daemon at start with the line number and the reason" {
        bad=$(mktemp /tmp/cgview-policy.XXXXXX)
        printf 'grant user:root / manage\ngrant uid:5 /a wrong\n' > "$bad"
        run "$CGVIEW" -f -o cgroup_root="$T" -o policy="$bad" /nonexistent-mountpoint
        rm -f "$bad"
        [ "$status" -eq 1 ]
        [[ $output == *"$bad:2: unknown right"* ]]
}

@test "manage: the user sees its subtree and the way to it, and nothing else" {
        [ "$(as_user "$U" ls "$M" | grep -x -e jobs -e shared -e hidden | tr '\n' ' ')" = "jobs " ]
        [ "$(as_user "$U" ls "$M/jobs" | grep -x -e u -e other | tr '\n' ' ')" = "u " ]
        [ "$(as_user "$U" $SYS stat "$M/jobs/other")" = ENOENT ]
        [ "$(as_user "$U" $SYS stat "$M/hidden")" = ENOENT ]
        as_user "$U" ls "$M/jobs/u" | grep -qx a
}

@test "manage: children can be made and removed, their limits set, not the limits of the subtree's root" {
        [ "$(as_user "$U" $SYS mkdir "$M/jobs/u/new")" = OK ]
        [ -d "$T/jobs/u/new" ]
        [ "$(as_user "$U" $SYS mkdir "$M/jobs/new")" = EACCES ]
        [ "$(as_user "$U" $SYS write "$M/jobs/u/a/cgroup.max.depth" 2)" = OK ]
        [ "$(< "$T/jobs/u/a/cgroup.max.depth")" = 2 ]
        [ "$(as_user "$U" $SYS write "$M/jobs/u/cgroup.max.depth" 2)" = EACCES ]
        if [ -f "$T/jobs/u/a/hugetlb.2MB.max" ]; then
                [ "$(as_user "$U" $SYS write "$M/jobs/u/a/limits/hugetlb.2M" 4M)" = OK ]
                [ "$(< "$T/jobs/u/a/hugetlb.2MB.max")" = 4194304 ]
                [ "$(as_user "$U" $SYS write "$M/jobs/u/limits/hugetlb.2M" 4M)" = EACCES ]
        fi
        [ "$(as_user "$U" $SYS rmdir "$M/jobs/u/new")" = OK ]
        [ "$(as_user "$U" $SYS rmdir "$M/jobs/u")" = EACCES ]
}

@test "manage: processes move within the subtree, not in from outside" {
        sleep 60 &
        inside=$!
        echo "$inside" > "$T/jobs/u/a/cgroup.procs"
        [ "$(as_user "$U" $SYS write "$M/jobs/u/b/cgroup.procs" "$inside")" = OK ]
        grep -qx "$inside" "$T/jobs/u/b/cgroup.procs"
        sleep 60 &
        outside=$!
        echo "$outside" > "$T/jobs/other/cgroup.procs"
        [ "$(as_user "$U" $SYS write "$M/jobs/u/b/cgroup.procs" "$outside")" = EACCES ]
        grep -qx "$outside" "$T/jobs/other/cgroup.procs"
        kill "$inside" "$outside"
}

@test "read: a group member sees the subtree but may not change it" {
        as_user "$R" ls "$M/shared" | grep -qx x
        [ "$(as_user "$R" $SYS stat "$M/jobs")" = ENOENT ]
        [ "$(as_user "$R" $SYS mkdir "$M/shared/y")" = EACCES ]
        [ "$(as_user "$R" $SYS write "$M/shared/x/cgroup.max.depth" 1)" = EACCES ]
}

@test "SIGHUP reloads the grants, and keeps the old ones when the new file is bad" {
        pid=$(sed -n 's/^PID=//p' "$STATE")
        printf 'grant user:%s /jobs/other read\nthis is not a rule\n' "$U" > "$POLICY"
        kill -HUP "$pid"
        [ "$(as_user "$U" $SYS stat "$M/jobs/other")" = ENOENT ]
        as_user "$U" ls "$M/jobs/u" > /dev/null
        grep -q "$POLICY:2: " "$LOG"
        grep -q "keeping the 2 grants" "$LOG"
        printf 'grant user:%s /jobs/other read\n' "$U" > "$POLICY"
        kill -HUP "$pid"
        as_user "$U" ls "$M/jobs/other" > /dev/null
        [ "$(as_user "$U" $SYS stat "$M/jobs/u")" = ENOENT ]
        grep -q "reloaded, 1 grants" "$LOG"
}
