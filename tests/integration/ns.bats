#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Callers in namespaces (SPEC 5.3), for real: cgroup and PID namespaces made
# with unshare, as root and as a delegated user inside a user namespace.
# Runs on the host and, through tests/vm/guest-suite, on the VM's kernel.

load common

setup_file() {
        require_mountable
        command -v unshare > /dev/null || skip "needs unshare"
        mount_view
        mkdir -p "$T/ct/inner" "$T/other"
}

teardown_file() {
        unmount_view
}

@test "a caller in a cgroup namespace sees its namespace root as the top of the mount" {
        run in_container "$T/ct" sh -c "ls $M; echo ---; readlink $M/self; cat $M/self/stats/procs"
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx inner
        [ "$(grep -cx ct <<< "$output")" = 0 ]
        [ "$(grep -cx other <<< "$output")" = 0 ]
        [ "$(echo "$output" | sed -n '/^---$/{n;p}')" = . ]
        run in_container "$T/ct" sh -c "$SYS stat $M/other; $SYS stat $M/ct; $SYS read $M/../other/cgroup.procs"
        [ "${lines[0]}" = ENOENT ]
        [ "${lines[1]}" = ENOENT ]
}

@test "cgroup.procs shows PIDs of the caller's PID namespace, and takes them" {
        run in_container "$T/ct" bash -c "
                sleep 60 &
                echo \$! > $M/inner/cgroup.procs || exit 1
                cat $M/inner/cgroup.procs
                echo ---
                echo \$\$ > $M/inner/cgroup.procs && cat /proc/self/cgroup | grep '^0::'
                kill %1"
        [ "$status" -eq 0 ]
        # inside, the sleeper is PID 2 (bash is 1); outside it has a global PID in $T/ct/inner
        [ "${lines[0]}" = 2 ]
        [ "${lines[2]}" = "0::/inner" ]
}

@test "0 written to cgroup.procs moves the writer, never the daemon" {
        daemon=$(sed -n 's/^PID=//p' "$STATE")
        run in_container "$T/ct" bash -c "echo 0 > $M/inner/cgroup.procs && grep '^0::' /proc/self/cgroup"
        [ "$output" = "0::/inner" ]
        [ "$(grep -cx "$daemon" "$T/ct/inner/cgroup.procs")" = 0 ]
        # and outside any namespace too
        run sh -c "echo 0 > $M/other/cgroup.procs && grep '^0::' /proc/self/cgroup"
        [ "$output" = "0::${T#$CG2}/other" ]
        [ "$(grep -cx "$daemon" "$T/other/cgroup.procs")" = 0 ]
}

@test "a PID that the caller's namespace does not have is ESRCH" {
        run in_container "$T/ct" bash -c "$SYS write $M/inner/cgroup.procs 4000000"
        [ "$output" = ESRCH ]
}

@test "a delegated user in a user + cgroup namespace gets its own subtree and the kernel's rules" {
        u=$(make_user ns)
        as_user "$u" unshare --user --map-root-user --cgroup true || skip "$u may not make user namespaces here"
        mkdir "$T/deleg"
        chown "$u" "$T/deleg" "$T/deleg/cgroup.procs" "$T/deleg/cgroup.subtree_control" "$T/deleg/cgroup.threads"
        # move a shell of the user into its cgroup, then let it make its namespaces
        run sh -c "echo \$\$ > $T/deleg/cgroup.procs && exec setpriv --reuid=$(id -u "$u") --regid=$(id -g "$u") --init-groups \
                unshare --user --map-root-user --cgroup sh -c 'id -u; ls $M | grep -c cgroup.procs; $SYS mkdir $M/child; $SYS write $M/cgroup.max.depth 3; readlink $M/self'"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0 ]            # root inside its user namespace...
        [ "${lines[1]}" = 1 ]            # ...sees its delegated cgroup as the top
        [ "${lines[2]}" = OK ]           # may create a child there, as the kernel lets it
        [ "${lines[3]}" = EACCES ]       # not change its root's files: it is not root outside
        [ "${lines[4]}" = . ]
        [ -d "$T/deleg/child" ]
        [ "$(stat -c %U "$T/deleg/child")" = "$u" ]
}

@test "nsdelegate: namespace-root files are EPERM, moves from outside ENOENT" {
        grep -q " $CG2 .*cgroup2.*nsdelegate" /proc/self/mountinfo || skip "the cgroup2 mount has no nsdelegate"
        sleep 60 &
        outsider=$!
        echo "$outsider" > "$T/other/cgroup.procs"
        # the same namespaced caller, through the view and straight to the kernel
        run in_container "$T/ct" bash -c "$SYS write $M/cgroup.max.depth 3; $SYS write $T/ct/cgroup.max.depth 3
                $SYS write $M/inner/cgroup.max.depth 3; $SYS write $T/ct/inner/cgroup.max.depth 3"
        [ "${lines[0]}" = EPERM ]
        [ "${lines[1]}" = EPERM ]
        [ "${lines[2]}" = OK ]
        [ "${lines[3]}" = OK ]
        # the outsider is not in the container's PID namespace: use the host PID namespace, cgroup ns only
        run sh -c "echo \$\$ > $T/ct/cgroup.procs && exec unshare --cgroup sh -c '$SYS write $M/inner/cgroup.procs $outsider; $SYS write $T/ct/inner/cgroup.procs $outsider'"
        [ "${lines[0]}" = ENOENT ]
        [ "${lines[1]}" = ENOENT ]
        kill "$outsider"
}

@test "a namespace that holds nothing of the served tree sees an empty mount point" {
        outside=$CG2/cgview-outside-$$
        mkdir "$outside"
        run sh -c "echo \$\$ > $outside/cgroup.procs && exec unshare --cgroup sh -c 'stat -c %F $M; $SYS ls $M; $SYS read $M/cgroup.procs'"
        echo $$ > "$CG2/cgroup.procs" 2> /dev/null || true
        rmdir "$outside"
        [ "${lines[0]}" = directory ]
        [ "${lines[1]}" = ENOENT ]
        [ "${lines[2]}" = ENOENT ]
}
