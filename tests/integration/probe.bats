#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The probe suite (issue 7, items 1, 2, 3 and 5): each attack replayed as an
# attacker would make it (throw-away users, a grant file, PID namespaces made
# with unshare), with the kernel's own answer to the same write, made directly
# on cgroupfs by the same caller, as the expected one. Items 6 and 7 are in
# visibility.bats. Runs on the host and, through tests/vm/guest-suite, in the VM.
#
# The kernel reads a PID written to cgroup.procs/threads with
# kstrtoint(strstrip(buf), 0) and answers EINVAL for any text it refuses
# (garbage, out of int range, negative): "0x" is hex, a leading 0 octal,
# "+" and "-" are signs, "-0" and "0x0" mean 0, the writer.

load common
bats_require_minimum_version 1.5.0

setup_file() {
        require_mountable
        [ -w /etc/passwd ] || skip "needs to create users"
        # a directory the test users may write to (the bats ones are private)
        SHARE=$(mktemp -d /tmp/cgview-probe.XXXXXX)
        chmod 1777 "$SHARE"
        echo "$SHARE" > "$BATS_FILE_TMPDIR/share-path"
        POLICY=$(mktemp /tmp/cgview-policy.XXXXXX)
        chmod 644 "$POLICY"
        export POLICY SHARE
        mkdir -p "$BATS_FILE_TMPDIR"
        echo "$POLICY" > "$BATS_FILE_TMPDIR/policy-path"
        U1=$(STATE=$BATS_FILE_TMPDIR/users make_user p1)
        U2=$(STATE=$BATS_FILE_TMPDIR/users make_user p2)
        export U1 U2
        cat > "$POLICY" <<RULES
grant   user:$U1        /g/u1   manage
RULES
        CGVIEW_OPTS="-o policy=$POLICY" mount_view
        cat "$BATS_FILE_TMPDIR/users" >> "$STATE"
        # /g/u1: u1's by the grant; /d/u1: u1's by the kernel's delegation (chown),
        # where the same writes go straight to cgroupfs for the kernel's answer.
        mkdir -p "$T/g/u1" "$T/g/victim" "$T/d/u1" "$T/w" "$T/w-raw" "$T/ns/a" "$T/ns/b"
        chown "$U1" "$T/d/u1" "$T/d/u1/cgroup.procs" "$T/d/u1/cgroup.threads" "$T/d/u1/cgroup.subtree_control"
        DAEMON=$(sed -n 's/^PID=//p' "$STATE")
        DAEMON_CG=$(daemon_cgroups "$DAEMON")
        export DAEMON DAEMON_CG
}

teardown_file() {
        local sane=0
        # a sanitizer's report in the daemon's log fails the file, after the cleanup
        unmount_view || sane=1
        rm -f "$(cat "$BATS_FILE_TMPDIR/policy-path" 2> /dev/null)"
        rm -rf "$(cat "$BATS_FILE_TMPDIR/share-path" 2> /dev/null)"
        return "$sane"
}

# After each test, whatever it did: thaw the tree, put the daemon back where
# it started if a write moved it, kill what the test left running in $T.
teardown() {
        find "$T" -name cgroup.freeze -exec sh -c 'for f; do echo 0 > "$f"; done' sh {} + 2> /dev/null || true
        if [ -n "${DAEMON:-}" ] && [ "$(daemon_cgroups "$DAEMON")" != "$DAEMON_CG" ]; then
                echo "$DAEMON" > "$CG2$DAEMON_CG/cgroup.procs" || true
        fi
        echo 1 > "$T/cgroup.kill" 2> /dev/null || true
        if [ -f "$BATS_FILE_TMPDIR/fd-state" ]; then
                STATE=$BATS_FILE_TMPDIR/fd-state unmount_view
        fi
}

# The cgroups (v2) of every thread of process $1, one line each, deduplicated.
daemon_cgroups() {
        sed -n 's/^0:://p' /proc/"$1"/task/*/cgroup | sort -u
}

# A `sleep 600` of root's (or of user $2) in cgroup $1 (raw path); prints its PID.
sleeper() {
        if [ -n "${2:-}" ]; then
                as_user "$2" sleep 600 > /dev/null 2>&1 3>&- &
        else
                sleep 600 > /dev/null 2>&1 3>&- &
        fi
        echo $! > "$1/cgroup.procs"
        echo $!
}

# Whether process $1 is alive: not gone, not a zombie waiting for its parent.
alive() {
        [ -e "/proc/$1/stat" ] && [ "$(cut -d ' ' -f 3 "/proc/$1/stat")" != Z ]
}

# Run a command and print its output, then "hung" if it has not ended within
# 10 s. (A FUSE request the daemon has read waits for its answer whatever
# signal comes: a caller whose request a frozen daemon holds is left to the
# thaw in teardown.)
bounded() {
        local out=$SHARE/bounded.$BASHPID.$RANDOM pid
        "$@" > "$out" 2>&1 3>&- &
        pid=$!
        for _ in $(seq 100); do
                kill -0 "$pid" 2> /dev/null || break
                sleep 0.1
        done
        cat "$out"
        if kill -0 "$pid" 2> /dev/null; then
                echo hung
        else
                wait "$pid" || true
        fi
        rm -f "$out"
}

# Run a command with its first process moved into cgroup $1 (raw path).
in_cgroup() {
        sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$@"
}

# The same as user $2 (as_user is a function: it cannot follow in_cgroup).
as_user_in() {
        local cg=$1 u=$2
        shift 2
        in_cgroup "$cg" setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --init-groups "$@"
}

# "${WRITE[@]}" WATCH VALUE VIEW RAW [VALUE VIEW RAW]...: one process makes, for
# each VALUE (\n escapes as in sys.py), one write(2) to file VIEW, then one to
# file RAW ("-": none), each after its own open, and prints a row:
#   '+123' cgroup.procs view=EACCES:/g/u1 raw=EACCES:/d/u1 123=/g/victim
# a result, then the cgroup the writer is in after it; last the cgroup of each
# PID in WATCH (comma separated). Cgroups are relative to the served root $T,
# "outside:/path" when not in it.
WRITES='
import errno, os, sys
top = os.environ["T"][len(os.environ["CG2"]):]
def cg(pid="self"):
    try:
        with open("/proc/%s/cgroup" % pid) as f:
            c = [l[3:].strip() for l in f if l.startswith("0::")][0]
    except (OSError, IndexError):
        return "gone"
    if c == top or c.startswith(top + "/"):
        return c[len(top):] or "/"
    return "outside:" + c
def write(path, value):
    if path == "-":
        return "-"
    try:
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, value.encode().decode("unicode_escape").encode("latin-1"))
        finally:
            os.close(fd)
        r = "OK"
    except OSError as e:
        r = errno.errorcode.get(e.errno, str(e.errno))
    return r + ":" + cg()
watch = [p for p in sys.argv[1].split(",") if p]
ops = sys.argv[2:]
for i in range(0, len(ops), 3):
    v, view, raw = ops[i:i + 3]
    row = ["%s%s%s" % (chr(39), v, chr(39)), os.path.basename(view if view != "-" else raw),
           "view=" + write(view, v), "raw=" + write(raw, v)]
    print(" ".join(row + ["%s=%s" % (p, cg(p)) for p in watch]), flush=True)
'
WRITE=(timeout -k 2 60 /usr/bin/python3 -c "$WRITES")

@test "1: a granted user cannot move or kill root's process, in any spelling of its PID" {
        V=$(sleeper "$T/g/victim")
        as_user "$U1" mkdir "$M/g/u1/p1" "$T/d/u1/p1"
        ops=()
        for v in "$V" "+$V" "+0x$(printf %x "$V")" "0$(printf %o "$V")" " +$V\n" "0X$(printf %X "$V")" "-$V"; do
                for f in cgroup.procs cgroup.threads; do
                        ops+=("$v" "$M/g/u1/p1/$f" "$T/d/u1/p1/$f")
                done
        done
        ops+=(1 "$M/g/u1/p1/cgroup.kill" -)
        run as_user "$U1" "${WRITE[@]}" "$V" "${ops[@]}"
        sleep 0.5
        echo "$output"
        echo "victim alive: $(alive "$V" && echo yes || echo no)"
        # the kernel refuses each: "-V" is EINVAL (negative), the others EACCES
        [ "$(grep -c "view=EACCES:[^ ]* raw=EACCES:[^ ]* $V=/g/victim$" <<< "$output")" = 12 ]
        [ "$(grep -c "view=EINVAL:[^ ]* raw=EINVAL:[^ ]* $V=/g/victim$" <<< "$output")" = 2 ]
        grep -q "^'1' cgroup.kill view=OK:" <<< "$output"
        alive "$V"
        grep -qx "$V" "$T/g/victim/cgroup.procs"
}

@test "1: a granted user moves its own process in its subtree, in every spelling the kernel reads" {
        P=$(sleeper "$T/g/u1" "$U1")
        as_user "$U1" mkdir "$M/g/u1/p2"
        ops=()
        for v in "+$P" "0x$(printf %x "$P")" "0$(printf %o "$P")" " +$P\n" "+0X$(printf %X "$P")" "$P"; do
                ops+=("$v" "$M/g/u1/p2/cgroup.procs" - "$v" "$M/g/u1/cgroup.procs" -)
        done
        run as_user "$U1" "${WRITE[@]}" "$P" "${ops[@]}"
        echo "$output"
        [ "$(grep -c "view=OK:[^ ]* raw=- $P=/g/u1/p2$" <<< "$output")" = 6 ]
        [ "$(grep -c "view=OK:[^ ]* raw=- $P=/g/u1$" <<< "$output")" = 6 ]
}

@test "2: 0 in every spelling moves the writer (root), never the daemon" {
        ops=()
        for v in 0x0 +0 -0 +00 ' 0x0\n' 0 00 '0X0\n'; do
                ops+=("$v" "$M/w/cgroup.procs" "$T/w-raw/cgroup.procs")
        done
        run "${WRITE[@]}" "$DAEMON" "${ops[@]}"
        echo "$output"
        echo "daemon's threads in: $(daemon_cgroups "$DAEMON")"
        [ "$(grep -c "view=OK:/w raw=OK:/w-raw $DAEMON=outside:$DAEMON_CG$" <<< "$output")" = 8 ]
        [ "$(daemon_cgroups "$DAEMON")" = "$DAEMON_CG" ]
}

@test "2: 0 in every spelling moves the writer (a granted user), never the daemon" {
        as_user "$U1" mkdir "$M/g/u1/p3" "$M/g/u1/p3b" "$T/d/u1/p3" "$T/d/u1/p3b"
        # each write to the other of two cgroups, so that each one moves the writer
        view=() raw=() n=0
        for v in 0x0 +0 -0 +00 ' 0x0\n' 0 00; do
                dst=p3 && [ $((n++ % 2)) = 0 ] || dst=p3b
                view+=("$v" "$M/g/u1/$dst/cgroup.procs" -)
                raw+=("$v" - "$T/d/u1/$dst/cgroup.procs")
        done
        run as_user_in "$T/g/u1" "$U1" "${WRITE[@]}" "$DAEMON" "${view[@]}"
        table=$output
        run as_user_in "$T/d/u1" "$U1" "${WRITE[@]}" "$DAEMON" "${raw[@]}"
        table+=$'\n'$output
        echo "$table"
        echo "daemon's threads in: $(daemon_cgroups "$DAEMON")"
        [ "$(grep -c "^'0x0' .* view=OK:/g/u1/p3 raw=- $DAEMON=outside:$DAEMON_CG$" <<< "$table")" = 1 ]
        [ "$(grep -c "view=OK:/g/u1/p3b\? raw=- $DAEMON=outside:$DAEMON_CG$" <<< "$table")" = 7 ]
        [ "$(grep -c "^'0x0' .* view=- raw=OK:/d/u1/p3 $DAEMON=outside:$DAEMON_CG$" <<< "$table")" = 1 ]
        [ "$(grep -c "view=- raw=OK:/d/u1/p3b\? $DAEMON=outside:$DAEMON_CG$" <<< "$table")" = 7 ]
        [ "$(daemon_cgroups "$DAEMON")" = "$DAEMON_CG" ]
}

@test "2: a granted user cannot move the daemon into a cgroup it froze; the mount keeps answering" {
        as_user "$U1" sh -ec 'mkdir "$1/frozen" "$2/frozen"; echo 1 > "$1/frozen/cgroup.freeze"; echo 1 > "$2/frozen/cgroup.freeze"' \
                sh "$M/g/u1" "$T/d/u1"
        grep -qx "frozen 1" "$T/g/u1/frozen/cgroup.events"
        view=() raw=()
        for v in "$DAEMON" "+$DAEMON" "0x$(printf %x "$DAEMON")" "0$(printf %o "$DAEMON")" " +$DAEMON\n"; do
                view+=("$v" "$M/g/u1/frozen/cgroup.procs" -)
                raw+=("$v" - "$T/d/u1/frozen/cgroup.procs")
        done
        table=$(bounded as_user "$U1" "${WRITE[@]}" "$DAEMON" "${view[@]}")
        table+=$'\n'$(as_user "$U1" "${WRITE[@]}" "$DAEMON" "${raw[@]}")
        answers=$(bounded sh -c "timeout 5 cat '$M/cgroup.controllers' > /dev/null && echo yes || echo no")
        echo "$table"
        echo "daemon's threads in: $(daemon_cgroups "$DAEMON"); root's cat answers: $answers"
        [ "$(grep -c "view=EACCES:[^ ]* raw=- $DAEMON=outside:$DAEMON_CG$" <<< "$table")" = 5 ]
        [ "$(grep -c "view=- raw=EACCES:[^ ]* $DAEMON=outside:$DAEMON_CG$" <<< "$table")" = 5 ]
        [ "$answers" = yes ]
}

# Run a command in a new PID namespace (with its own /proc), as root.
in_pidns() {
        timeout -k 2 60 unshare --pid --fork --mount-proc "$@"
}

# The spellings of a PID the kernel reads as that PID.
spellings() {
        printf '%s\n' "$1" "+$1" "0x$(printf %x "$1")" "0$(printf %o "$1")" " +$1\n"
}

@test "3: in a PID namespace, a global PID in any spelling is ESRCH, as on cgroupfs" {
        command -v unshare > /dev/null || skip "needs unshare"
        G=$(sleeper "$T/ns/b")
        ops=()
        while IFS= read -r v; do
                ops+=("$v" "$M/ns/a/cgroup.procs" "$T/ns/a/cgroup.procs")
        done < <(spellings "$G")
        run in_pidns "${WRITE[@]}" "" "${ops[@]}"
        echo "$output"
        [ "$(grep -c "view=ESRCH:[^ ]* raw=ESRCH:[^ ]*$" <<< "$output")" = 5 ]
        grep -qx "$G" "$T/ns/b/cgroup.procs"
}

@test "3: in a PID namespace, a delegated user's global PID in any spelling is ESRCH, as on cgroupfs" {
        command -v unshare > /dev/null || skip "needs unshare"
        as_user "$U1" unshare --user --map-root-user --pid --fork --mount-proc true ||
                skip "$U1 may not make user and PID namespaces here"
        as_user "$U1" mkdir "$T/d/u1/p4" "$T/d/u1/p5"
        G=$(sleeper "$T/d/u1/p4" "$U1")
        ops=()
        while IFS= read -r v; do
                ops+=("$v" "$M/d/u1/p5/cgroup.procs" "$T/d/u1/p5/cgroup.procs")
        done < <(spellings "$G")
        run as_user_in "$T/d/u1" "$U1" timeout -k 2 60 unshare --user --map-root-user --pid --fork --mount-proc \
                "${WRITE[@]}" "" "${ops[@]}"
        echo "$output"
        [ "$(grep -c "view=ESRCH:[^ ]* raw=ESRCH:[^ ]*$" <<< "$output")" = 5 ]
        grep -qx "$G" "$T/d/u1/p4/cgroup.procs"
}

@test "3: in a PID namespace, a leading 0 is octal, and bad numbers are the kernel's errno" {
        command -v unshare > /dev/null || skip "needs unshare"
        mkdir "$T/ns/o1" "$T/ns/o2"
        ops=(011 "$M/ns/o1/cgroup.procs" - 011 - "$T/ns/o2/cgroup.procs")
        for v in 08 09 0x -1 '- 5' +-5 -+5 ' ' 12abc 1e3 '5 5' 2147483647 2147483648 -2147483648 \
                 4294967296 0x100000000 99999999999999999999 4000000; do
                ops+=("$v" "$M/ns/o1/cgroup.procs" "$T/ns/o2/cgroup.procs")
        done
        # PIDs 2 to 11 of the namespace are sleepers: "011" is PID 9, not 11.
        run in_pidns bash -c '
                while :; do sleep 600 > /dev/null 2>&1 & [ $! -ge 11 ] && break; done
                exec "$@"' bash "${WRITE[@]}" 2,3,4,5,6,7,8,9,10,11 "${ops[@]}"
        echo "$output"
        [ "$(grep -c "^'011' .* 9=/ns/o1 10=[^ ]* 11=outside:[^ ]*$" <<< "$output")" = 1 ]
        [ "$(grep -c "^'011' .* 9=/ns/o2 10=[^ ]* 11=outside:[^ ]*$" <<< "$output")" = 1 ]
        # every bad number: refused, with the errno the kernel gives the same write
        [ "$(grep -c "^'.*' cgroup.procs view=\(E[A-Z]*\):[^ ]* raw=\1:[^ ]* " <<< "$output")" = 18 ]
        [ "$(grep -c "/ns/o1" <<< "$output")" = 1 ]
}

# Item 5: u1 opens $1 (relative to the mount) until it is refused, while root
# and another user must still be served.
hold_until_refused() {
        local target=$1 state m t out holder held root_cat root_ls root_stat u2_read again n
        # The daemon's fd limit made low at start (it may raise its soft limit to
        # the hard one, no further), and each uid's open files capped below it.
        state=$BATS_FILE_TMPDIR/fd-state
        (ulimit -n 512 && STATE=$state CGVIEW_OPTS="-o max_files_per_uid=100" mount_view)
        m=$(sed -n 's/^M=//p' "$state")
        t=$(sed -n 's/^T=//p' "$state")
        mkdir "$t/holder"
        out=$SHARE/held
        rm -f "$out"
        rm -f "$SHARE/go"
        mkfifo "$SHARE/go"
        chmod 666 "$SHARE/go"
        # u1 opens one file of the mount until it is refused, holds them until
        # told, closes them all and opens it once more. It runs in $t/holder,
        # killed with $t if the test stops half-way.
        (
                ulimit -n 4096
                sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$t/holder" \
                        setpriv --reuid="$(id -u "$U1")" --regid="$(id -g "$U1")" --init-groups \
                        timeout -k 2 60 /usr/bin/python3 -c '
import errno, os, resource, sys, time
path, out, fifo = sys.argv[1:4]
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
def put(text):
    with open(out + ".tmp", "w") as f:
        f.write(text + "\n")
    os.rename(out + ".tmp", out)
fds, err = [], "none"
while len(fds) < 2000:
    try:
        fds.append(os.open(path, os.O_RDONLY))
    except OSError as e:
        err = errno.errorcode.get(e.errno, str(e.errno))
        break
put("%d %s" % (len(fds), err))
open(fifo).read()
for fd in fds:
    os.close(fd)
again = "none"
for _ in range(50):  # FUSE releases are asynchronous
    try:
        os.close(os.open(path, os.O_RDONLY))
        again = "OK"
        break
    except OSError as e:
        again = errno.errorcode.get(e.errno, str(e.errno))
        time.sleep(0.1)
put("again " + again)
' "$m/$target" "$out" "$SHARE/go"
        ) 3>&- &
        holder=$!
        for _ in $(seq 600); do
                [ -f "$out" ] && break
                sleep 0.05
        done
        held=$(cat "$out")
        rm -f "$out"
        # while u1 holds them: root and another user are served
        root_cat=$(timeout 5 cat "$m/cgroup.controllers" > /dev/null 2>&1 && echo OK || echo fail)
        root_ls=$(timeout 5 ls "$m" > /dev/null 2>&1 && echo OK || echo fail)
        root_stat=$(timeout 5 stat "$m/cgroup.procs" > /dev/null 2>&1 && echo OK || echo fail)
        u2_read=$(as_user "$U2" timeout 5 cat "$m/cgroup.controllers" 2>&1 || true)
        timeout 10 sh -c 'echo close > "$1"' sh "$SHARE/go" || true
        wait "$holder" || true
        again=$(cat "$out" 2> /dev/null || true)
        echo "u1 held: $held; root: cat $root_cat, ls $root_ls, stat $root_stat; $U2 read: '$u2_read'; u1 $again"
        n=${held% *}
        [ "${held#* }" = EMFILE ]
        [ "$n" -le 100 ]
        [ "$n" -ge 50 ]
        [ "$root_cat $root_ls $root_stat" = "OK OK OK" ]
        [ "$u2_read" = "$(cat "$t/cgroup.controllers")" ]
        [ "$again" = "again OK" ]
}

@test "5: a uid that holds many files open gets EMFILE for itself alone" {
        hold_until_refused cgroup.controllers
}

@test "5: a uid that holds many directories open (each holds its listing) gets EMFILE for itself alone" {
        hold_until_refused .
}

@test "5.3: a caller moving between the daemon's reads of its cgroup cannot place its namespace root elsewhere" {
        # nsroot holds x and nsroot/x: a process at nsroot/x first, at nsroot/nsroot/x second, reads
        # a path that still ends with the second, which placed the root one level up (review of issue 7).
        mkdir -p "$T/esc/nsroot/x" "$T/esc/nsroot/nsroot/x" "$T/esc/marker"
        run python3 -S -c '
import ctypes, os, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
T, M = sys.argv[1], sys.argv[2]
base = T + "/esc/nsroot"
spots = [base + "/x/cgroup.procs", base + "/nsroot/x/cgroup.procs"]
def move(path):
        with open(path, "w") as f:
                f.write(str(os.getpid()))
for attempt in range(300):
        move(base + "/cgroup.procs")
        if libc.unshare(0x02000000) != 0:
                sys.exit("unshare: " + os.strerror(ctypes.get_errno()))
        stop = []
        def swing():
                i = 0
                while not stop:
                        move(spots[i % 2])
                        i += 1
        t = threading.Thread(target=swing)
        t.start()
        try:
                top = os.listdir(M)
        except OSError:
                top = []
        stop.append(1)
        t.join()
        if "marker" in top or "esc" in top:
                print("escaped at attempt %d: %s" % (attempt, sorted(top)))
                sys.exit(1)
print("held")
' "$T" "$M"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = held ]
}

@test "5.1: uid 0 without capabilities gets none back through the view (each answer as on cgroupfs)" {
        command -v setpriv > /dev/null || skip "no setpriv"
        nocap() { setpriv --bounding-set=-all --inh-caps=-all "$@"; }
        [ "$(nocap awk '/^CapEff/ { print $2 }' /proc/self/status)" = 0000000000000000 ]
        mkdir -p "$T/nocap/owned"
        chown "$U2" "$T/nocap/owned" "$T/nocap/owned/cgroup.max.depth" "$T/nocap/owned/cgroup.procs"
        # a file of another user's, 0644: the owner's bits were root's only through CAP_DAC_OVERRIDE
        [ "$(nocap $SYS write "$T/nocap/owned/cgroup.max.depth" 1)" = EACCES ]
        [ "$(nocap $SYS write "$M/nocap/owned/cgroup.max.depth" 1)" = EACCES ]
        # root's own file: uid 0 is its owner still
        [ "$(nocap $SYS write "$M/nocap/cgroup.max.depth" 3)" = "$(nocap $SYS write "$T/nocap/cgroup.max.depth" 3)" ]
        [ "$(nocap $SYS mkdir "$M/nocap/owned/sub")" = "$(nocap $SYS mkdir "$T/nocap/owned/sub")" ]
        [ ! -d "$T/nocap/owned/sub" ]
        raw_chown=$(nocap chown root "$T/nocap/owned/cgroup.procs" 2>&1 && echo OK || echo refused)
        view_chown=$(nocap chown root "$M/nocap/owned/cgroup.procs" 2>&1 && echo OK || echo refused)
        [ "${raw_chown##*$'\n'}" = refused ]
        [ "${view_chown##*$'\n'}" = refused ]
        [ "$(stat -c %U "$T/nocap/owned/cgroup.procs")" = "$U2" ]
        # and with its capabilities, root may all of it
        [ "$($SYS write "$M/nocap/owned/cgroup.max.depth" 1)" = OK ]
}
