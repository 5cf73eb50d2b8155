#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The differential permission test (SPEC 6.2): callers x operations x targets,
# each run once directly on cgroupfs and once through the view, on two
# identical copies of one fixture. The view must give what the kernel gives
# the same caller, or ENOENT where SPEC 5.2/5.3 hide the target from it.
# The matrix is made by diffperm.py (its header says how); this file makes
# the users and the mount, and turns the matrix into tests.

load common

setup_file() {
        require_mountable
        mount_view
        local a b c g
        a=$(make_user a)
        b=$(make_user b)
        c=$(make_user c)
        g=cgvtg$$
        groupadd --system "$g"
        echo "GROUP=$g" >> "$STATE"
        usermod -a -G "$g" "$c"
        export MATRIX=$BATS_FILE_TMPDIR/matrix
        /usr/bin/python3 -S "$HELPERS/diffperm.py" --root "$T" --mount "$M" \
                --users "$a" "$b" "$c" --group "$g" > "$MATRIX" 2> "$MATRIX.err" || echo "driver failed: $?" >> "$MATRIX.err"
}

teardown_file() {
        local g t sane=0
        g=$(sed -n 's/^GROUP=//p' "$STATE" 2> /dev/null)
        t=$(sed -n 's/^T=//p' "$STATE" 2> /dev/null)
        # Whatever a dead driver left in the tree: its namespace holders, workers, sleepers.
        # (cg_remove_tree kills while it reads cgroup.procs and can miss one of two PIDs.)
        [ -z "$t" ] || echo 1 > "$t/cgroup.kill" 2> /dev/null || true
        # a sanitizer's report in the daemon's log fails the file, after the cleanup
        unmount_view || sane=1
        [ -z "$g" ] || groupdel "$g" 2> /dev/null || true
        return "$sane"
}

# The driver ran to its summary line; otherwise say why not.
matrix_complete() {
        grep -q '^summary ' "$MATRIX" && return 0
        cat "$MATRIX.err"
        return 1
}

# The differences of one caller, shown as TAP diagnostics; fails when there is one.
caller_agrees() {
        local caller=$1 reason
        matrix_complete
        reason=$(sed -n "s/^skip $caller: //p" "$MATRIX")
        [ -z "$reason" ] || skip "$reason"
        ! awk -v c="$caller" '$1 == c && $6 == "DIFF"' "$MATRIX" | grep .
}

@test "differential permission matrix: 0 differences" {
        matrix_complete
        sed 's/^/# /' "$MATRIX" >&3
        if [ -s "$MATRIX.err" ]; then sed 's/^/# stderr: /' "$MATRIX.err" >&3; fi
        sed -n 's/^summary cells=\([0-9]*\) differences=\([0-9]*\) na=\([0-9]*\)$/# \1 cells, \2 differences, \3 not applicable/p' "$MATRIX" >&3
        grep -q '^summary .* differences=0 ' "$MATRIX"
}

@test "differential permission: root" { caller_agrees root; }
@test "differential permission: delegated user A" { caller_agrees A; }
@test "differential permission: other user B" { caller_agrees B; }
@test "differential permission: member C of the delegated group" { caller_agrees C; }
@test "differential permission: A in a user+cgroup namespace" { caller_agrees A-ns; }
