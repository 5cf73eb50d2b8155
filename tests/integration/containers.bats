#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The container recipes of docs/containers.md, emulated as a container runtime
# makes a container: a process moved into the container's own cgroup, then new
# cgroup, mount and PID namespaces (and a user namespace for a rootless one),
# and the view bind-mounted into it, rslave or private, read-write or ro.
# No container engine runs here: this is what docker's, podman's, LXC's and
# systemd-nspawn's binds come down to (the doc says which part is emulated).
# Runs on the host; tests/vm/containers.bats proves memory and cpu caps.

load common
load ctr

setup_file() {
        require_mountable
        command -v unshare > /dev/null || skip "needs unshare"
        mount_view
        # a "pod" (the cgroup a runtime puts above a container) and the container's own cgroup
        mkdir -p "$T/pod/ctr/inner" "$T/pod/other"
        local c
        for c in $(< "$T/pod/cgroup.controllers"); do
                echo "+$c" > "$T/pod/cgroup.subtree_control"
        done
        ctr_prepare
}

teardown_file() {
        local PROPDIR='' d
        # shellcheck disable=SC1090
        [ -f "$STATE" ] && . "$STATE"
        # the containers first: they hold binds of the mounts below
        [ -f "$T/pod/ctr/cgroup.kill" ] && echo 1 > "$T/pod/ctr/cgroup.kill"
        if [ -n "$PROPDIR" ]; then
                for d in "$PROPDIR"/daemon*; do
                        [ -d "$d" ] || continue
                        cg_remove_tree "$(< "$d/cgroup")" || true
                done
                for _ in 1 2 3 4; do
                        umount -l "$PROPDIR/host/cg" 2> /dev/null || break
                done
                umount -l "$PROPDIR/host" 2> /dev/null || true
                rm -rf "$PROPDIR"
        fi
        ctr_cleanup
        unmount_view
}

@test "the container's view: its cgroup is the top of the mount, /cg/self is '.', nothing above it" {
        run ctr "$T/pod/ctr" 'ls $R/cg; echo ---; readlink $R/cg/self; stat -c %i $R/cg/self/. $R/cg/.;
                grep "^0::" /proc/self/cgroup; '"$SYS"' stat $R/cg/other; '"$SYS"' stat $R/cg/ctr'
        [ "$status" -eq 0 ]
        grep -qx inner <<< "$output"
        grep -qx cgroup.procs <<< "$output"
        grep -qx limits <<< "$output"
        [ "$(grep -cxE 'pod|ctr|other' <<< "$output")" = 0 ]
        after=$(sed -n '/^---$/,$p' <<< "$output")
        [ "$(sed -n 2p <<< "$after")" = . ]
        # /cg/self/. and /cg/. are one directory
        [ "$(sed -n 3p <<< "$after")" = "$(sed -n 4p <<< "$after")" ]
        [ "$(sed -n 5p <<< "$after")" = "0::/" ]
        [ "$(sed -n 6p <<< "$after")" = ENOENT ]
        [ "$(sed -n 7p <<< "$after")" = ENOENT ]
}

@test "the container's cgroup.procs lists its own PIDs, as its PID namespace numbers them" {
        run ctr "$T/pod/ctr" 'sleep 60 & s=$!; cat $R/cg/cgroup.procs > $R/list & c=$!; wait $c
                echo "sleeper $s"; echo "reader $c"; cat $R/list; echo ---
                for p in $(cat $R/list); do [ $p = $c ] || [ -d /proc/$p ] || echo "not in my /proc: $p"; done
                kill $s'
        [ "$status" -eq 0 ]
        s=$(sed -n 's/^sleeper //p' <<< "$output")
        c=$(sed -n 's/^reader //p' <<< "$output")
        procs=$(sed -n '3,/^---$/p' <<< "$output" | grep -v -- ---)
        # the shell is PID 1 of the namespace; the sleeper and the reader itself are there
        # under their namespace PIDs
        grep -qx 1 <<< "$procs"
        grep -qx "$s" <<< "$procs"
        grep -qx "$c" <<< "$procs"
        [ "$s" -lt 10 ]
        # and no PID of the host's: all are the namespace's own (small numbers, in its /proc)
        [ "$(sed -n '/^---$/,$p' <<< "$output" | grep -c 'not in my')" = 0 ]
        [ "$(awk '$1 >= 100' <<< "$procs" | wc -l)" = 0 ]
        # three processes at least: the shell, the sleeper, the reader
        [ "$(wc -l <<< "$procs")" -ge 3 ]
}

@test "limits/ is the container's own cgroup's, effective/ the cap its host put above it" {
        [ -f "$T/pod/hugetlb.2MB.max" ] || skip "no hugetlb 2M controller in cgroup v2 here (the VM suite covers memory and cpu)"
        echo $((8 * 1024 * 1024)) > "$T/pod/hugetlb.2MB.max"
        echo $((64 * 1024 * 1024)) > "$T/pod/ctr/hugetlb.2MB.max"
        run ctr "$T/pod/ctr" 'cat $R/cg/limits/hugetlb.2M $R/cg/self/limits/hugetlb.2M; '
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 64M ]
        [ "${lines[1]}" = 64M ]
        run ctr "$T/pod/ctr" 'cat $R/cg/effective/hugetlb.2M $R/cg/self/effective/hugetlb.2M'
        echo "$output"
        [ "$status" -eq 0 ]
        # the pod's 8M binds, though the container's own cgroup says 64M and its namespace hides the pod
        [ "${lines[0]}" = 8M ]
        [ "${lines[1]}" = 8M ]
        # below the pod's cap, the container's own is the tighter one
        echo $((4 * 1024 * 1024)) > "$T/pod/ctr/hugetlb.2MB.max"
        run ctr "$T/pod/ctr" 'cat $R/cg/effective/hugetlb.2M'
        [ "$output" = 4M ]
}

@test "a read-only bind: reads answer, every write is EROFS, and the kernel values stay" {
        before=$(< "$T/pod/ctr/cgroup.max.depth")
        run ctr "$T/pod/ctr" --ro 'cat $R/cg/cgroup.max.depth; readlink $R/cg/self; ls $R/cg/stats | grep -cx procs;
                for f in cgroup.max.depth cgroup.procs inner/cgroup.max.descendants; do '"$SYS"' write $R/cg/$f 1; done
                '"$SYS"' write $R/cg/limits/hugetlb.2M 4M; '"$SYS"' mkdir $R/cg/new; '"$SYS"' rmdir $R/cg/inner;
                echo 0 2>/dev/null > $R/cg/inner/cgroup.procs || echo shell-refused; grep "^0::" /proc/self/cgroup'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "$before" ]
        [ "${lines[1]}" = . ]
        [ "${lines[2]}" = 1 ]
        [ "${lines[3]}" = EROFS ]
        [ "${lines[4]}" = EROFS ]
        [ "${lines[5]}" = EROFS ]
        # a limit file that is there is EROFS too; where hugetlb is absent it is not there at all
        if [ -f "$T/pod/ctr/hugetlb.2MB.max" ]; then [ "${lines[6]}" = EROFS ]; else [ "${lines[6]}" = ENOENT ]; fi
        [ "${lines[7]}" = EROFS ]
        [ "${lines[8]}" = EROFS ]
        [ "${lines[9]}" = shell-refused ]
        [ "${lines[10]}" = "0::/" ]
        [ "$(< "$T/pod/ctr/cgroup.max.depth")" = "$before" ]
        [ ! -d "$T/pod/ctr/new" ]
        [ -d "$T/pod/ctr/inner" ]
        # the same writes through a read-write bind go through: EROFS was the bind's doing
        run ctr "$T/pod/ctr" "$SYS"' write $R/cg/inner/cgroup.max.descendants 7; '"$SYS"' mkdir $R/cg/new'
        [ "${lines[0]}" = OK ]
        [ "${lines[1]}" = OK ]
        [ "$(< "$T/pod/ctr/inner/cgroup.max.descendants")" = 7 ]
        rmdir "$T/pod/ctr/new"
}

@test "a rootless container (user namespace, delegated cgroup): root inside, the kernel's rules outside" {
        u=$(make_user ctr)
        as_user "$u" unshare --user --map-root-user --mount --cgroup --pid --fork true ||
                skip "$u may not make user namespaces here"
        mkdir "$T/pod/rootless"
        chown "$u" "$T/pod/rootless" "$T/pod/rootless/cgroup.procs" "$T/pod/rootless/cgroup.subtree_control" \
                "$T/pod/rootless/cgroup.threads"
        run ctr "$T/pod/rootless" --user "$u" 'id -u; readlink $R/cg/self; grep "^0::" /proc/self/cgroup;
                '"$SYS"' mkdir $R/cg/child; '"$SYS"' write $R/cg/cgroup.max.depth 3; cat $R/cg/cgroup.procs | grep -cx 1;
                '"$SYS"' stat $R/cg/other'
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0 ]      # root in its user namespace...
        [ "${lines[1]}" = . ]
        [ "${lines[2]}" = "0::/" ]
        [ "${lines[3]}" = OK ]     # ...makes a child in its delegated cgroup, as the kernel lets it
        [ "${lines[4]}" = EACCES ] # and may not change its own root's files: it is not root outside
        [ "${lines[5]}" = 1 ]
        [ "${lines[6]}" = ENOENT ]
        [ "$(stat -c %U "$T/pod/rootless/child")" = "$u" ]
        [ "$(< "$T/pod/rootless/cgroup.max.depth")" = max ]
        # read-only for the rootless one too
        run ctr "$T/pod/rootless" --user "$u" --ro "$SYS"' rmdir $R/cg/child; '"$SYS"' mkdir $R/cg/child2'
        echo "$output"
        [ "${lines[0]}" = EROFS ]
        [ "${lines[1]}" = EROFS ]
        rmdir "$T/pod/rootless/child"
}

# A second daemon over $T/pod at PROPDIR/host/cg, in a cgroup of its own so that
# all its processes (supervisor, worker, standby) can be killed at once. Prints its pid.
start_daemon() {
        local n=$1 d
        d=$PROPDIR/daemon$n
        mkdir "$d"
        echo "$CG2/cgview-ctrd-$$-$n" > "$d/cgroup"
        mkdir "$CG2/cgview-ctrd-$$-$n"
        sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$CG2/cgview-ctrd-$$-$n" \
                "$CGVIEW" -f -o cgroup_root="$T/pod" "$PROPDIR/host/cg" 2>> "$PROPDIR/log" &
        for _ in $(seq 100); do
                [[ $(< /proc/mounts) == *" $PROPDIR/host/cg fuse.cgview "* ]] && return 0
                sleep 0.05
        done
        return 1
}

# The container of the propagation test answers step NAME: one line per bind, "BIND ANSWER DEV".
step() {
        touch "$PROPDIR/go.$1"
        for _ in $(seq 200); do
                [ -e "$PROPDIR/done.$1" ] && break
                sleep 0.05
        done
        [ -e "$PROPDIR/done.$1" ] || return 1
        sed -n "s/^$1 //p" "$PROPDIR/out"
}

# answer OUTPUT BIND: what BIND answered ("max" or an errno), and its device.
answer() { awk -v b="$2" '$1 == b { print $2, $3 }' <<< "$1"; }

@test "propagation: across a takeover every bind works; after a remount only an rslave bind of the parent directory sees the new mount" {
        PROPDIR=$(mktemp -d /tmp/cgview-prop.XXXXXX)
        echo "PROPDIR=$PROPDIR" >> "$STATE"
        # The host side: the mount point in a shared mount, as / is on a systemd host.
        mkdir "$PROPDIR/host"
        mount -t tmpfs cgview-prop "$PROPDIR/host"
        mount --make-shared "$PROPDIR/host"
        mkdir "$PROPDIR/host/cg"
        start_daemon 1
        dev1=$(stat -c %d "$PROPDIR/host/cg")
        # The container binds the mount point itself (docker -v /cg:/cg:rslave) and the directory
        # that holds it (-v /run/cgview:/run/cgview:rslave), each rslave and private.
        ctr "$T/pod/ctr" "
                set -u; P=$PROPDIR; H=$PROPDIR/host
                mkdir \$R/direct-rslave \$R/direct-private \$R/parent-rslave \$R/parent-private
                mount --bind \$H/cg \$R/direct-rslave && mount --make-rslave \$R/direct-rslave
                mount --bind \$H/cg \$R/direct-private && mount --make-private \$R/direct-private
                mount --rbind \$H \$R/parent-rslave && mount --make-rslave \$R/parent-rslave
                mount --rbind \$H \$R/parent-private && mount --make-rprivate \$R/parent-private
                for s in before takeover umount remount; do
                        while [ ! -e \$P/go.\$s ]; do sleep 0.05; done
                        for b in direct-rslave direct-private parent-rslave parent-private; do
                                d=\$R/\$b; [ \${b#parent} = \$b ] || d=\$d/cg
                                a=\$($SYS read \$d/cgroup.max.depth); dev=\$(stat -c %d \$d 2> /dev/null || echo -)
                                echo \"\$s \$b \$a \$dev\" >> \$P/out
                        done
                        touch \$P/done.\$s
                done" > "$PROPDIR/ctr.log" 2>&1 &
        ctrpid=$!
        out=$(step before)
        echo "$out"
        for b in direct-rslave direct-private parent-rslave parent-private; do
                [ "$(answer "$out" "$b")" = "max $dev1" ]
        done

        # 1. A takeover (the worker killed): the mount is the same, every bind answers.
        w=$(worker_pid "$PROPDIR/host/cg")
        kill -9 "$w"
        for _ in $(seq 100); do
                w2=$(worker_pid "$PROPDIR/host/cg")
                [ -n "$w2" ] && [ "$w2" != "$w" ] && break
                sleep 0.05
        done
        out=$(step takeover)
        echo "$out"
        for b in direct-rslave direct-private parent-rslave parent-private; do
                [ "$(answer "$out" "$b")" = "max $dev1" ]
        done

        # 2. The host unmounts and mounts a new daemon: an rslave bind of the parent directory
        # sees the new mount; a bind of the mount point itself, rslave or not, keeps the old
        # one, still served by the old daemon, which does not exit while binds hold it.
        umount "$PROPDIR/host/cg"
        start_daemon 2
        dev2=$(stat -c %d "$PROPDIR/host/cg")
        [ "$dev2" != "$dev1" ]
        out=$(step umount)
        echo "$out"
        [ "$(answer "$out" parent-rslave)" = "max $dev2" ]
        [ "$(answer "$out" parent-private)" = "max $dev1" ]
        [ "$(answer "$out" direct-rslave)" = "max $dev1" ]
        [ "$(answer "$out" direct-private)" = "max $dev1" ]

        # 3. Both daemons die whole (no takeover can save a connection nobody holds), the host
        # lazily unmounts the dead mount and mounts a third: the rslave bind of the parent
        # answers from the new mount, every other bind holds a dead one (ENOTCONN).
        cg_remove_tree "$(< "$PROPDIR/daemon1/cgroup")"
        cg_remove_tree "$(< "$PROPDIR/daemon2/cgroup")"
        run stat "$PROPDIR/host/cg"
        [[ $output == *"not connected"* ]]
        umount -l "$PROPDIR/host/cg"
        start_daemon 3
        dev3=$(stat -c %d "$PROPDIR/host/cg")
        out=$(step remount)
        echo "$out"
        [ "$(answer "$out" parent-rslave)" = "max $dev3" ]
        [ "$(answer "$out" parent-private)" = "ENOTCONN -" ]
        [ "$(answer "$out" direct-rslave)" = "ENOTCONN -" ]
        [ "$(answer "$out" direct-private)" = "ENOTCONN -" ]
        wait "$ctrpid"
        check_daemon_log "$PROPDIR/log"
}
