#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The differential permission test of SPEC 6.2, driven by diff.bats.

Two identical copies of one fixture live under the test's private cgroup $T:
$T/raw is used directly on cgroupfs, $T/view through the cgview mount $M.
Every (caller, op, target) cell runs the same syscall, as the same caller,
once on each copy, from the same starting state: the driver puts both copies
back to their snapshot after every op that may change something. Through the
view the result (and its effect) must be what the kernel gives on cgroupfs,
except where SPEC 5.2/5.3 hide the target from the caller: then it is ENOENT.

usage: diffperm.py --root T --mount M --users A B C --group G   (as root)
       diffperm.py --worker   (internal: one caller's syscall server)

stdout: one line per cell ("caller op target cgroupfs-result view-result verdict (why)"),
then "differences: op, kind: caller/target..." lines, then "summary cells=N differences=N na=N".
"""
import argparse
import errno
import functools
import grp
import importlib.util
import json
import os
import pwd
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = ["/usr/bin/python3", "-S"]  # no site module: only the standard library, and it starts faster
OUTSIDE = "outside"   # $T/outside: a cgroup outside both copies, where moved processes come from or go
HOLDERS = "holders"   # $T/holders: where the namespace holders and idle sleepers wait, out of the copies
COPIES = ("raw", "view")
DELEG_FILES = ("cgroup.procs", "cgroup.subtree_control", "cgroup.threads")
ERRNAMES = set(errno.errorcode.values()) | {"TIMEOUT", "WORKER-DIED"}
WORKER_TIMEOUT = 10.0
# What a hugetlb.*.max file reads before anyone writes it: the page counter's maximum in bytes.
# Writing it back reads "max": both mean no limit, and a state records either as "max".
PAGE = os.sysconf("SC_PAGE_SIZE")
KERNEL_UNLIMITED = str((2 ** 63 - 1) // PAGE * PAGE)


def load_sys():
    """tests/integration/sys.py, whose name hides it from import."""
    spec = importlib.util.spec_from_file_location("cgsys", os.path.join(HERE, "sys.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def under(path, top):
    """path is top or below it (paths relative to the mount's root cgroup, "" being that root)."""
    return top == "" or path == top or path.startswith(top + "/")


def join(*parts):
    return "/".join(p for p in parts if p)


# ---- the fixture: built twice, once per copy --------------------------------------------------

@dataclass
class Cgroup:
    path: str                       # below the copy's root ("" is the copy's root)
    creator: str = "root"           # who runs mkdir: "root" or a user key ("A", "C")
    delegate_user: str = ""         # systemd-style delegation: chown the dir and DELEG_FILES
    delegate_group: str = ""        # the same to a group: chgrp and g+w
    controllers: bool = False       # +hugetlb in its cgroup.subtree_control (then it holds no process)
    world_writable: bool = False    # o+w on the dir and every writable file, still delegated to nobody
    limit: str = ""                 # hugetlb.2MB.max written at build time


FIXTURE = [
    Cgroup("", controllers=True),
    Cgroup("deleg", delegate_user="A", controllers=True),
    Cgroup("deleg/child", creator="A", limit="2097152"),
    Cgroup("deleg/sibling"),
    Cgroup("grp", delegate_group="G"),
    Cgroup("grp/sub", creator="C"),
    Cgroup("rootonly"),
    Cgroup("rootonly/sub"),
    Cgroup("hidden", world_writable=True),
    Cgroup("hidden/sub", world_writable=True),
]


# ---- callers ----------------------------------------------------------------------------------

@dataclass
class Caller:
    name: str
    user: str = ""                  # a user key ("A"...), "" for root
    home: str = ""                  # cgroup in each copy its processes run in; "": outside the tree
    ns_root: str = None             # cgroup in each copy that is its user+cgroup namespace's root
    why: str = ""
    # filled in by Matrix.setup
    uid: int = 0
    gid: int = 0
    groups: list = field(default_factory=list)
    skip: str = ""

    def ids_inside(self):
        """uid and gid as the caller names them: itself is 0:0 in its user namespace (--map-root-user)."""
        return (0, 0) if self.ns_root is not None else (self.uid, self.gid)


CALLERS = [
    Caller("root", why="uid 0 in the initial user namespace"),
    Caller("A", user="A", why="owns deleg (systemd-style delegation)"),
    Caller("B", user="B", home="rootonly/sub", why="owns nothing; its processes run in rootonly/sub"),
    Caller("C", user="C", why="member of G, to which grp is delegated"),
    Caller("A-ns", user="A", home="deleg/child", ns_root="deleg",
           why="A in a user+cgroup namespace whose root is deleg"),
]


# ---- SPEC 5.2 / 5.3: what a caller sees, and where ---------------------------------------------

def visible(caller, cg, delegated):
    """May caller see cgroup cg (a path relative to the mount's root cgroup) through the view?

    SPEC 5.2: "Root (uid 0 in the initial user namespace) sees everything. With
    visibility=delegated, any other caller sees in a directory only the child
    cgroups that are its own cgroup, an ancestor of it, a cgroup delegated to it
    (directory owned by its uid, or by a group it is in), a descendant of one of
    those, or an ancestor on the way to one. Everything else answers ENOENT to
    every syscall."
    SPEC 5.3: "A caller in a cgroup namespace sees its namespace root as the
    root of the mount and nothing above it."
    delegated: the cgroups whose directory the caller's uid or one of its groups owns.
    """
    if caller.ns_root is not None and not under(cg, caller_view_root(caller)):
        return False
    if caller.uid == 0 and caller.ns_root is None:
        return True
    anchors = ([join("view", caller.home)] if caller.home else []) + delegated
    return any(under(cg, a) or under(a, cg) for a in anchors)


def caller_view_root(caller):
    """The cgroup that is the root of the mount for this caller, relative to the mount's root cgroup."""
    return join("view", caller.ns_root) if caller.ns_root is not None else ""


def view_path(mount, caller, cg_path):
    """Where caller finds cg_path (relative to the mount's root cgroup) through the view.

    SPEC 5.3: inside a cgroup namespace the namespace root is the mount's root, so
    ns_root/x is $M/x. A path outside the namespace has no name in that view: the
    caller uses the host's name, which must not resolve ("nothing above it").
    """
    root = caller_view_root(caller)
    if under(cg_path, root):
        cg_path = cg_path[len(root):].lstrip("/")
    return os.path.join(mount, cg_path) if cg_path else mount


# ---- targets ----------------------------------------------------------------------------------

@dataclass
class Target:
    name: str
    path: str              # cgroup in each copy
    home: str = None       # where a process "in" the target lives (a cgroup with controllers holds none)
    neighbour: str = ""    # another cgroup of the same subtree, for moves across it

    def __post_init__(self):
        if self.home is None:
            self.home = self.path


TARGETS = [
    Target("top", "", home="rootonly", neighbour="rootonly"),
    Target("deleg", "deleg", home="deleg/child", neighbour="deleg/child"),
    Target("child", "deleg/child", neighbour="deleg/sibling"),
    Target("sibling", "deleg/sibling", neighbour="deleg/child"),
    Target("grp", "grp", neighbour="grp/sub"),
    Target("rootonly", "rootonly", neighbour="rootonly/sub"),
    Target("hidden", "hidden", neighbour="hidden/sub"),
]


# ---- operations -------------------------------------------------------------------------------

class Side:
    """One copy as one caller reaches it: raw through $T, view through $M (namespace-mapped)."""

    def __init__(self, copy, matrix, caller):
        self.copy, self.m, self.caller = copy, matrix, caller

    def cg(self, path):
        """A copy-relative cgroup (or OUTSIDE) as a path relative to the mount's root cgroup."""
        return OUTSIDE if path == OUTSIDE else join(self.copy, path)

    def path(self, cg_path):
        if self.copy == "raw":
            return os.path.join(self.m.T, cg_path)
        return view_path(self.m.M, self.caller, cg_path)

    def at(self, target_path, name=""):
        return self.path(join(self.cg(target_path), name))


@dataclass
class PerSide:
    """A value that differs between cgroupfs and the view (a limit file and its kernel file)."""
    raw: object
    view: object


@dataclass
class Op:
    name: str
    syscall: str
    file: object = ""              # in the target: a name, or PerSide(raw name, view name)
    args: object = None            # a list, PerSide(raw args, view args), or f(side, target) -> list
    mutates: bool = True
    names_target: bool = False     # acts on the target's name in its parent (rmdir, rename)
    compare: str = "exact"         # "exact", "listing" (ls), "size" (a limit), "count" (PIDs differ by copy)

    def for_side(self, value, side):
        return getattr(value, side.copy) if isinstance(value, PerSide) else value

    def plan(self, side, target):
        """(syscall, path, args, process to track) for one side; may start processes."""
        args = self.args(side, target) if callable(self.args) else self.for_side(self.args, side)
        return self.syscall, side.at(target.path, self.for_side(self.file, side)), list(args or []), None

    def subject(self, target):
        """The cgroup whose visibility decides the cell."""
        return target.path

    def start(self, target):
        """Where the process it moves starts (None: it moves none)."""
        return None


@dataclass
class Move(Op):
    """Write the PID of a process of the caller, put in src, into dst/cgroup.procs."""
    src: Callable = None
    dst: Callable = None

    def plan(self, side, target):
        proc = side.m.sleeper(side.caller, side.copy, side.cg(self.src(target)))
        return "write", side.at(self.dst(target), "cgroup.procs"), [str(proc.pid)], proc

    def subject(self, target):
        return self.dst(target)

    def start(self, target):
        return self.src(target)


def own_ids(side, target):
    return [str(i) for i in side.caller.ids_inside()]


def renamed(side, target):
    return [side.path(side.cg(target.path) + ".renamed")]


def linked(side, target):
    return [side.at(target.path, "procs.link")]


LIMIT = PerSide("hugetlb.2MB.max", "limits/hugetlb.2M")

OPS = [
    Op("stat", "stat", mutates=False),
    Op("ls", "ls", mutates=False, compare="listing"),
    Op("read", "read", "cgroup.controllers", mutates=False),
    Op("read_procs", "read", "cgroup.procs", mutates=False, compare="count"),
    Op("read_limit", "read", LIMIT, mutates=False, compare="size"),
    Op("write_limit", "write", LIMIT, PerSide(["4194304"], ["4M"])),
    Op("write_kernel", "write", "hugetlb.2MB.max", ["4194304"]),
    Op("write_depth", "write", "cgroup.max.depth", ["5"]),
    Op("mkdir", "mkdir", "new"),
    Op("rmdir", "rmdir", names_target=True),
    Move("move_in", "write", src=lambda t: OUTSIDE, dst=lambda t: t.path),
    Move("move_out", "write", src=lambda t: t.home, dst=lambda t: OUTSIDE),
    Move("move_across", "write", src=lambda t: t.neighbour, dst=lambda t: t.path),
    Op("chmod", "chmod", "", ["750"]),
    Op("chmod_file", "chmod", "cgroup.procs", ["664"]),
    Op("chown", "chown", "", own_ids),
    Op("rename", "rename", "", renamed, names_target=True),
    Op("link", "link", "cgroup.procs", linked),
    Op("symlink", "symlink", "procs.sym", ["cgroup.procs"]),
    Op("truncate", "truncate", "cgroup.procs", ["0"]),
    Op("setxattr_user", "setxattr", "", ["user.cgview", "1"]),
    Op("setxattr_trusted", "setxattr", "", ["trusted.cgview", "1"]),
    Op("mknod", "mknod", "node"),
    Op("unlink", "unlink", "cgroup.procs"),
    Op("readlink", "readlink", "cgroup.procs", mutates=False),
    Op("access_w", "access_errno", "cgroup.procs", ["w"], mutates=False),
]


# ---- comparing --------------------------------------------------------------------------------

UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50, "E": 1 << 60}


def size_value(text):
    """A size as the kernel ("4194304", "max") or the view ("4M", "1.5G") prints it, in bytes."""
    text = text.strip()
    if text in ("max", KERNEL_UNLIMITED):  # the kernel's "no limit", as a number before any write
        return "max"
    unit = text[-1].upper() if text[-1].isalpha() else ""
    number = text[:-1] if unit else text
    whole, _, frac = number.partition(".")
    try:
        return int(whole) * UNITS[unit] + (int(frac) * UNITS[unit] // 10 ** len(frac) if frac else 0)
    except (ValueError, KeyError):
        return "unparsable " + text


def expected_listing(m, caller, target, raw):
    """What ls of the target must give through the view: the kernel's entries, minus the child
    cgroups the caller may not see (5.2), plus limits/, stats/ and effective/ (2, 3.1), plus self at the top of
    the caller's view when its own cgroup is in that view (2, 5.3)."""
    names = set(raw.split())
    cg = join("view", target.path)
    for name in list(names):
        if os.path.isdir(os.path.join(m.T, "raw", target.path, name)) and \
                not visible(caller, join(cg, name), m.delegated[caller.name]):
            names.discard(name)
    names |= {"limits", "stats", "effective"}
    own = join("view", caller.home) if caller.home else None
    if cg == caller_view_root(caller) and own and under(own, cg):
        names.add("self")
    return names


def results_agree(m, caller, op, target, raw, view):
    if raw in ERRNAMES or view in ERRNAMES:
        return raw == view
    if op.compare == "listing":
        return set(view.split()) == expected_listing(m, caller, target, raw)
    if op.compare == "size":
        return size_value(raw) == size_value(view)
    if op.compare == "count":
        return len(raw.split()) == len(view.split())
    return raw == view


ROW = "%-6s %-16s %-9s %-24s %-24s %s"


def show(op, text):
    text = text.rstrip("\n")
    if op.compare in ("listing", "count") and text not in ERRNAMES:
        return "[%d %s]" % (len(text.split()), "entries" if op.compare == "listing" else "pids")
    if text == "":
        return '""'
    text = text.replace("\n", "\\n").replace(" ", "_")
    return text if len(text) <= 24 else text[:21] + "..."


# ---- processes: workers (one caller's syscall server) and sleepers ----------------------------

def drop_to(uid, gid, groups, cgroup_procs):
    """preexec_fn: join a cgroup while still root, then become the caller."""
    def pre():
        if cgroup_procs:
            with open(cgroup_procs, "w") as f:
                f.write("0")
        os.umask(0o022)
        if uid != 0:
            os.setgroups(groups)
            os.setgid(gid)
            os.setuid(uid)
    return pre


class Worker:
    """A process running as one caller, on one side, answering syscall requests on a pipe."""

    def __init__(self, argv, preexec):
        self.argv, self.preexec = argv, preexec
        self.start()

    def start(self):
        self.proc = subprocess.Popen(self.argv, preexec_fn=self.preexec, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)

    def call(self, syscall, path, args):
        self.proc.stdin.write((json.dumps([syscall, path, args]) + "\n").encode())
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], WORKER_TIMEOUT)
        line = self.proc.stdout.readline() if ready else b""
        if line:
            return json.loads(line)
        # A syscall that hangs (or a worker that died) is a result too; the next cell gets a new worker.
        self.stop()
        self.start()
        return "TIMEOUT" if not ready else "WORKER-DIED"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def worker_main():
    sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
    cgsys = load_sys()
    for line in sys.stdin:
        op, path, args = json.loads(line)
        print(json.dumps(cgsys.answer(op, path, args)), flush=True)


# ---- the matrix -------------------------------------------------------------------------------

def write(path, value):
    with open(path, "w") as f:
        f.write(value)


def read(path):
    with open(path) as f:
        return f.read()


def value_at(dir_fd, name):
    """A settable value of a file of the directory open at dir_fd, as a state records it."""
    fd = os.open(name, os.O_RDONLY, dir_fd=dir_fd)
    try:
        data = chunk = os.read(fd, 65536)
        while len(chunk) == 65536:
            chunk = os.read(fd, 65536)
            data += chunk
    finally:
        os.close(fd)
    value = data.decode().strip()
    return "max" if value == KERNEL_UNLIMITED else value


def give(paths, uid=-1, gid=-1, add_mode=0):
    """chown and add mode bits, as an administrator delegating a cgroup does."""
    for p in paths:
        os.chown(p, uid, gid)
        os.chmod(p, os.stat(p).st_mode & 0o7777 | add_mode)


@functools.lru_cache(maxsize=None)
def is_value_file(name):
    return name in ("cgroup.max.depth", "cgroup.max.descendants", "cgroup.subtree_control",
                    "cgroup.freeze") or (name.startswith("hugetlb.") and name.endswith("max"))


def cgroup2_mount():
    for line in read("/proc/self/mountinfo").splitlines():
        fields = line.split(" - ")
        if len(fields) == 2 and fields[1].split()[0] == "cgroup2":
            return fields[0].split()[4]
    raise SystemExit("no cgroup2 mount")


class Matrix:
    def __init__(self, T, M, users, group):
        self.T, self.M = T, M
        self.users = dict(zip("ABC", users))
        self.group = group
        self.procs = []
        self.sleepers = {}
        self.holders = {}
        self.snapshots = {}
        self.delegated = {}
        self.cgroup_top = "/" + os.path.relpath(T, cgroup2_mount())  # $T as /proc/PID/cgroup names it

    # -- helpers
    def ident(self, key):
        pw = pwd.getpwnam(self.users[key])
        return pw.pw_uid, pw.pw_gid, os.getgrouplist(pw.pw_name, pw.pw_gid)

    def cgroup_of(self, pid, copy):
        """Where a process is: a cgroup of copy (relative to it), OUTSIDE, or its full path."""
        for line in read("/proc/%d/cgroup" % pid).splitlines():
            if line.startswith("0::"):
                path = line[3:]
                if not under(path, self.cgroup_top):
                    return path
                path = path[len(self.cgroup_top):].lstrip("/")
                return path[len(copy):].lstrip("/") if under(path, copy) else path
        return "?"

    def spawn(self, argv, uid, gid, groups, cgroup, **kw):
        procs = os.path.join(self.T, cgroup, "cgroup.procs") if cgroup else ""
        p = subprocess.Popen(argv, preexec_fn=drop_to(uid, gid, groups, procs), **kw)
        self.procs.append(p)
        return p

    def run_as(self, key, *argv):
        uid, gid, groups = self.ident(key)
        out = subprocess.run([*PYTHON, os.path.join(HERE, "sys.py"), *argv], preexec_fn=drop_to(uid, gid, groups, ""),
                             capture_output=True, text=True).stdout.strip()
        if out != "OK":
            raise SystemExit("fixture: %s as %s: %s" % (" ".join(argv), key, out))

    def caller_ident(self, caller):
        return self.ident(caller.user) if caller.user else (0, 0, [])

    def sleeper(self, caller, copy, cgroup):
        """A process of the caller, put in cgroup for a move: one for each caller and copy, started
        once (a process start is slow under TCG) and parked in HOLDERS between cells."""
        p = self.sleepers.get((caller.name, copy))
        if p is None or p.poll() is not None:
            uid, gid, groups = self.caller_ident(caller)
            p = self.sleepers[caller.name, copy] = self.spawn(["sleep", "3600"], uid, gid, groups, HOLDERS)
        write(os.path.join(self.T, cgroup, "cgroup.procs"), str(p.pid))
        return p

    def park(self, p):
        try:
            write(os.path.join(self.T, HOLDERS, "cgroup.procs"), str(p.pid))
        except ProcessLookupError:
            pass  # it died: the next move starts another

    def stop_sleepers(self, caller):
        for copy in COPIES:
            p = self.sleepers.pop((caller.name, copy), None)
            if p:
                p.kill()
                p.wait()
                self.procs.remove(p)

    # -- fixture
    def build(self, copy):
        for cg in FIXTURE:
            d = os.path.join(self.T, copy, cg.path)
            if cg.creator == "root":
                os.mkdir(d)
            else:
                self.run_as(cg.creator, "mkdir", d)
            delegated = [d] + [os.path.join(d, f) for f in DELEG_FILES]
            if cg.delegate_user:
                give(delegated, uid=self.ident(cg.delegate_user)[0])
            if cg.delegate_group:
                give(delegated, gid=grp.getgrnam(self.group).gr_gid, add_mode=0o020)
            if cg.world_writable:
                writable = [os.path.join(d, f) for f in os.listdir(d) if os.stat(os.path.join(d, f)).st_mode & 0o200]
                give([d] + writable, add_mode=0o022)
                os.chmod(d, 0o777)
            # A namespace root must hold a process once: before it has controllers for its children.
            for caller in CALLERS:
                if caller.ns_root == cg.path and not caller.skip:  # None for most callers
                    self.make_holder(caller, copy, d)
            if cg.controllers:
                # The delegatee enables its own controllers, as under systemd's Delegate=yes.
                if cg.delegate_user:
                    self.run_as(cg.delegate_user, "write", os.path.join(d, "cgroup.subtree_control"), "+hugetlb")
                else:
                    write(os.path.join(d, "cgroup.subtree_control"), "+hugetlb")
            if cg.limit:
                write(os.path.join(d, "hugetlb.2MB.max"), cg.limit)
        self.snapshots[copy] = self.state(copy)

    def make_holder(self, caller, copy, d):
        """A process of the caller that unshared a user+cgroup namespace while in cgroup d, so
        that the namespace's root is d; it then waits in $T/holders, where nsenter finds it."""
        uid, gid, groups = self.ident(caller.user)
        p = self.spawn(["sh", "-c", "read _ && exec unshare --user --map-root-user --cgroup sleep 3600"],
                       uid, gid, groups, "", stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        write(os.path.join(d, "cgroup.procs"), str(p.pid))
        p.stdin.write(b"go\n")
        p.stdin.close()
        for _ in range(200):
            if p.poll() is not None:
                break
            try:
                if read("/proc/%d/comm" % p.pid).strip() == "sleep":
                    break
            except OSError:
                pass
            time.sleep(0.01)
        if p.poll() is not None or os.readlink("/proc/%d/ns/cgroup" % p.pid) == os.readlink("/proc/self/ns/cgroup"):
            caller.skip = "unshare --user --map-root-user --cgroup failed: " + \
                (p.stderr.read().decode().strip() if p.poll() is not None else "no new namespace")
            return
        write(os.path.join(self.T, HOLDERS, "cgroup.procs"), str(p.pid))
        self.holders[caller.name, copy] = p

    def state(self, copy):
        """Everything an op may change in a copy: entries, modes, owners, settable values, xattrs.
        Keys are paths relative to the copy ("." for its root, "deleg/cgroup.procs"); each directory
        is read through one fd (this runs several times a cell: it is most of the matrix's time)."""
        st = {}
        todo = [(os.path.join(self.T, copy), ".")]
        while todo:
            d, rel = todo.pop()
            prefix = "" if rel == "." else rel + "/"
            fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
            try:
                s = os.stat(fd)
                st[rel] = (s.st_mode, s.st_uid, s.st_gid)
                with os.scandir(fd) as entries:
                    for e in entries:
                        if e.is_dir(follow_symlinks=False):
                            todo.append((d + "/" + e.name, prefix + e.name))
                            continue
                        s = e.stat(follow_symlinks=False)
                        if is_value_file(e.name):
                            st[prefix + e.name] = (s.st_mode, s.st_uid, s.st_gid, value_at(fd, e.name))
                        else:
                            st[prefix + e.name] = (s.st_mode, s.st_uid, s.st_gid)
                st[rel + "/xattrs"] = tuple(sorted(os.listxattr(fd)))
            finally:
                os.close(fd)
        return st

    def reset(self, copy):
        """Put a copy back to its snapshot: what a cell created goes, what it removed comes back."""
        base, snap = os.path.join(self.T, copy), self.snapshots[copy]
        for d, dirs, files in sorted(os.walk(base), key=lambda w: -w[0].count("/")):
            rel = os.path.normpath(os.path.relpath(d, base))
            if rel not in snap:
                for pid in read(os.path.join(d, "cgroup.procs")).split():
                    os.kill(int(pid), 9)
                os.rmdir(d)
            else:
                for name in files:
                    if os.path.normpath(os.path.join(rel, name)) not in snap:
                        os.unlink(os.path.join(d, name))  # cgroupfs never lets one be made: a bug if reached
        for cg in FIXTURE:
            d = os.path.join(base, cg.path)
            if not os.path.isdir(d):
                os.mkdir(d)
            key = os.path.normpath(os.path.join(cg.path, "cgroup.subtree_control"))
            want, have = set(snap[key][3].split()), set(read(d + "/cgroup.subtree_control").split())
            for c in want ^ have:
                write(d + "/cgroup.subtree_control", ("+" if c in want else "-") + c)
        now = self.state(copy)
        for key, want in snap.items():
            p = os.path.join(base, key)
            if key.endswith("/xattrs"):
                for x in set(now[key]) - set(want):
                    os.removexattr(os.path.dirname(p), x, follow_symlinks=False)
                continue
            have = now.get(key)
            if have is None:
                continue  # reported below
            if have[1:3] != want[1:3]:
                os.chown(p, want[1], want[2], follow_symlinks=False)
            if have[0] != want[0]:
                os.chmod(p, want[0] & 0o7777)
            if len(want) > 3 and have[3] != want[3] and not key.endswith("cgroup.subtree_control"):
                write(p, want[3])
        now = self.state(copy)
        if now != snap:
            bad = sorted(k for k in set(now) | set(snap) if now.get(k) != snap.get(k))
            raise SystemExit("cannot put %s back to its snapshot: %s" % (copy, bad[:5]))

    def setup(self):
        for d in (OUTSIDE, HOLDERS):
            os.mkdir(os.path.join(self.T, d))
        for copy in COPIES:
            self.build(copy)
        # Who owns what, as the fixture left it: the cgroups delegated to each caller (5.2).
        owners = {}
        for d, _, _ in os.walk(self.T):
            s = os.stat(d)
            owners["" if d == self.T else os.path.relpath(d, self.T)] = (s.st_uid, s.st_gid)
        for c in CALLERS:
            c.uid, c.gid, c.groups = self.caller_ident(c)
            if c.ns_root is not None:
                c.groups = [c.gid]  # nsenter drops the supplementary groups
            self.delegated[c.name] = sorted(p for p, (u, g) in owners.items()
                                            if c.uid != 0 and (u == c.uid or g in c.groups))

    # -- workers
    def workers(self, caller):
        out = {}
        argv = [*PYTHON, os.path.abspath(__file__), "--worker"]
        for copy in COPIES:
            home = join(copy, caller.home) if caller.home else ""
            procs = os.path.join(self.T, home, "cgroup.procs") if home else ""
            if caller.ns_root is not None:
                out[copy] = Worker(["nsenter", "-t", str(self.holders[caller.name, copy].pid), "-U", "-C"] + argv,
                                   drop_to(0, 0, [], procs))
            else:
                out[copy] = Worker(argv, drop_to(caller.uid, caller.gid, caller.groups, procs))
        return out

    # -- one cell
    def cell(self, caller, op, target, workers):
        """Run one cell on both copies: (cgroupfs result, view result, verdict, why)."""
        if op.names_target and join("view", target.path) == caller_view_root(caller):
            return "-", "-", "n/a", "the root of the caller's view has no name in it"
        results, effects = self.run_both(caller, op, target, workers)
        return (results["raw"], results["view"]) + self.judge(caller, op, target, results, effects)

    def run_both(self, caller, op, target, workers):
        """The op on each copy, from the snapshot: results, and effects (copy state, where the
        moved process ended) when it may change something; a copy it changed is reset after.
        The view goes first: an op on cgroupfs cannot reach the view's copy, so each effect is
        its copy's state at the end (a view op that reached the raw copy shows in the raw one's)."""
        results, effects, sleepers = {}, {}, []
        try:
            for copy in reversed(COPIES):
                side = Side(copy, self, caller)
                syscall, path, args, proc = op.plan(side, target)
                if proc:
                    sleepers.append(proc)
                results[copy] = workers[copy].call(syscall, path, args)
                if op.mutates:
                    effects[copy] = (self.state(copy), self.cgroup_of(proc.pid, copy) if proc else None)
        finally:
            for p in sleepers:
                self.park(p)
            if op.mutates:
                for copy in COPIES:
                    if copy not in effects or effects[copy][0] != self.snapshots[copy]:
                        self.reset(copy)
        return results, effects

    def judge(self, caller, op, target, results, effects):
        """SPEC 6.2's rule: the kernel's answer to the same caller, or ENOENT where 5.2/5.3 hide
        the target. A hidden target must also come out of the op unchanged."""
        raw, view = results["raw"], results["view"]
        subject = op.subject(target)
        if not visible(caller, subject if subject == OUTSIDE else join("view", subject),
                       self.delegated[caller.name]):
            if view != "ENOENT":
                return "DIFF", "hidden from the caller: must be ENOENT"
            if op.mutates and effects["view"] != (self.snapshots["view"], op.start(target)):
                return "DIFF", "ENOENT, but the view copy changed"
            return "hidden", ""
        if not results_agree(self, caller, op, target, raw, view):
            if op.compare == "listing" and raw not in ERRNAMES and view not in ERRNAMES:
                want, got = expected_listing(self, caller, target, raw), set(view.split())
                return "DIFF", "view lists %s too many, %s missing" % (sorted(got - want), sorted(want - got))
            return "DIFF", "view differs from cgroupfs"
        if op.mutates and effects["raw"] != effects["view"]:
            return "DIFF", "same result, different effect"
        return "same", ""

    def run(self, out):
        """Every cell, one line each; then the differences grouped by op and kind; then the counts."""
        cells = na = 0
        groups = {}
        for caller in CALLERS:
            print("caller %s: %s" % (caller.name, caller.why), file=out)
            if caller.skip:
                print("skip %s: %s" % (caller.name, caller.skip), file=out)
                continue
            print(ROW % ("caller", "op", "target", "cgroupfs", "view", "verdict"), file=out)
            workers = self.workers(caller)
            try:
                for op in OPS:
                    for target in TARGETS:
                        raw, view, verdict, why = self.cell(caller, op, target, workers)
                        cells += 1
                        na += verdict == "n/a"
                        if verdict == "DIFF":
                            kind = why.split(":")[0]
                            groups.setdefault((op.name, kind), []).append(
                                "%s/%s (%s -> %s)" % (caller.name, target.name, show(op, raw), show(op, view)))
                        print(ROW % (caller.name, op.name, target.name, show(op, raw), show(op, view),
                                     verdict + (" (%s)" % why if why else "")), file=out, flush=True)
            finally:
                for w in workers.values():
                    w.stop()
                self.stop_sleepers(caller)
        for (op, kind), where in sorted(groups.items()):
            print("differences: %s, %s: %s" % (op, kind, ", ".join(where)), file=out)
        diffs = sum(len(w) for w in groups.values())
        print("summary cells=%d differences=%d na=%d" % (cells, diffs, na), file=out)
        return diffs

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()


def main():
    if sys.argv[1:] == ["--worker"]:
        return worker_main()
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True, help="the mount's root cgroup directory ($T)")
    ap.add_argument("--mount", required=True, help="the cgview mount point ($M)")
    ap.add_argument("--users", nargs=3, required=True, metavar=("A", "B", "C"))
    ap.add_argument("--group", required=True, help="G: C is a member, grp is delegated to it")
    a = ap.parse_args()
    m = Matrix(a.root, a.mount, a.users, a.group)
    try:
        m.setup()
        m.run(sys.stdout)
    finally:
        m.cleanup()


if __name__ == "__main__":
    main()
