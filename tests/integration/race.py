# SPDX-License-Identifier: MIT
"""The race test's driver (race.bats): readers and writers over a tree of
cgroups while another process creates and removes cgroups under them.

    race.py VIEW RAW PID SECONDS

VIEW is the mount, RAW the same subtree on cgroupfs, PID the daemon's.
Makes 50 cgroups (10 under RAW, 4 under each of those), runs 16 clients
(8 mostly reading, 8 mostly writing) and one churner for SECONDS, samples
the daemon's /proc/PID/status every 0.1 s, then checks, printing one
"name value" line per count:

- no client op took longer than OP_TIMEOUT (a hung op: its client is
  killed, the run fails);
- every error is of the ENOENT class (see ALLOWED);
- the daemon's descriptors (other than its cache of callers' status files,
  at most 256) and its node count are back where they were once the kernel
  dropped its dentries and inodes (drop_caches);
- its threads stay at 16 workers plus a few of its own, its RSS grows by
  less than a bound.

Exit 0 when all of that holds, 1 otherwise (the reason on stdout).
"""
import errno
import json
import mmap
import os
import random
import signal
import struct
import sys
import time

OP_TIMEOUT = float(os.environ.get("CGVIEW_RACE_OP_TIMEOUT", "10"))
CLIENTS = 16
STATUS_FDS = 256     # fs/procfs.c: one cached /proc/<pid>/status per bucket
THREADS_MAX = 16 + 4  # fs/main.c's max_threads, plus main, inotify watcher, host_only, spare
RSS_GROWTH_MB = int(os.environ.get("CGVIEW_RACE_RSS_GROWTH_MB", "64"))
RSS_GROWTH_SANITIZED_MB = 1024  # ASan's quarantine alone may take 256 MiB

# The ENOENT class: what a client racing the removal of a cgroup may see.
#  ENOENT  the name is gone (lookup) or a file of the view is gone with its backing file
#  ENODEV  kernfs: a file opened before its cgroup went away is read or written after
#  ESTALE  a node id the kernel still holds for a cgroup that went away
#          (the daemon does not know the id, or its path now names another inode)
# Only for the churner's rmdir: EBUSY (a cgroup with a process or a child).
ALLOWED = {errno.ENOENT, errno.ENODEV, errno.ESTALE}
ALLOWED_RMDIR = ALLOWED | {errno.EBUSY}

# Shared with the children: per client, the start of its running op (0: idle) and the op's index.
SLOT = struct.Struct("dI4x")


def daemon_status(pid):
    """VmRSS and Threads; FileNotFoundError once it has exited (a zombie has no VmRSS)."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "Threads"):
                out[k] = int(v.split()[0])
    if "VmRSS" not in out:
        raise FileNotFoundError(pid)
    return out


def daemon_fds(pid):
    """(descriptors other than callers' status files, callers' status files)"""
    other = status = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:
            continue
        if target.startswith("/proc/") and target.endswith("/status"):
            status += 1
        else:
            other += 1
    return other, status


def counters(view):
    text = os.getxattr(view, "trusted.cgview.requests").decode()
    return {k: int(v) for k, v in (line.split() for line in text.splitlines())}


def settled(view, pid):
    """Drop the kernel's dentries and inodes, wait until the forgets are in: (nodes, fds)."""
    last = None
    for _ in range(50):
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("2")
        time.sleep(0.2)
        now = (counters(view)["nodes"], daemon_fds(pid))
        if now == last:
            return now
        last = now
    return last


# --- the clients -------------------------------------------------------------

OPS = ["read_limit", "read_stat", "read_raw", "read_procs", "ls", "stat",
       "write_limit", "write_descendants", "write_freeze", "write_hugetlb"]
READS = OPS[:6]
WRITES = OPS[6:]
RAW_READ = ["cgroup.events", "cgroup.max.descendants", "cgroup.stat", "cgroup.freeze",
            "cgroup.type", "cgroup.controllers", "cpu.stat"]


class Client:
    def __init__(self, view, fixed, hugetlb, rng):
        self.view, self.fixed, self.hugetlb, self.rng = view, fixed, hugetlb, rng

    def cgroup(self):
        """One of the fixed cgroups, or half the time a child the churner made (maybe gone by now)."""
        cg = self.rng.choice(self.fixed)
        if self.rng.random() < 0.5:
            kids = [n for n in os.listdir(f"{self.view}/{cg}") if n.startswith("r")]
            if kids:
                cg = f"{cg}/{self.rng.choice(kids)}"
        return f"{self.view}/{cg}"

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return f.read()

    @staticmethod
    def write(path, value):
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, value.encode())
        finally:
            os.close(fd)

    def run(self, op):
        cg = self.cgroup()
        r = self.rng
        if op == "read_limit":
            names = os.listdir(f"{cg}/limits")
            if names:
                self.read(f"{cg}/limits/{r.choice(names)}")
        elif op == "read_stat":
            self.read(f"{cg}/stats/{r.choice(['procs', 'populated', 'frozen', 'cpu', 'pressure.cpu'])}")
        elif op == "read_raw":
            self.read(f"{cg}/{r.choice(RAW_READ + [f'hugetlb.{s}.max' for s in self.hugetlb])}")
        elif op == "read_procs":
            self.read(f"{cg}/cgroup.procs")
        elif op == "ls":
            os.listdir(cg + r.choice(["", "/limits", "/stats"]))
        elif op == "stat":
            os.stat(f"{cg}/{r.choice(['cgroup.procs', 'limits', 'stats/procs', 'cgroup.freeze'])}")
        elif op == "write_limit":
            if self.hugetlb:
                # the view's name drops the B: hugetlb.2MB.max is limits/hugetlb.2M
                self.write(f"{cg}/limits/hugetlb.{r.choice(self.hugetlb)[:-1]}", r.choice(["max", "1G", "2G"]))
        elif op == "write_descendants":
            # never low enough to fail the churner's mkdir with EAGAIN
            self.write(f"{cg}/cgroup.max.descendants", r.choice(["max", str(r.randrange(500, 1000))]))
        elif op == "write_freeze":
            self.write(f"{cg}/cgroup.freeze", r.choice(["0", "1"]))
        elif op == "write_hugetlb":
            if self.hugetlb:
                self.write(f"{cg}/hugetlb.{r.choice(self.hugetlb)}.max", r.choice(["max", "1073741824"]))


def client_main(idx, view, fixed, hugetlb, shared, stop_at, writer):
    rng = random.Random(idx * 7919 + os.getpid())
    c = Client(view, fixed, hugetlb, rng)
    ops = 0
    errors = {}
    mix = (WRITES * 3 + READS) if writer else READS
    while time.monotonic() < stop_at:
        op = rng.choice(mix)
        SLOT.pack_into(shared, idx * SLOT.size, time.monotonic(), OPS.index(op))
        try:
            c.run(op)
        except OSError as e:
            key = f"{op}:{errno.errorcode.get(e.errno, e.errno)}"
            errors[key] = errors.get(key, 0) + 1
        SLOT.pack_into(shared, idx * SLOT.size, 0.0, 0)
        ops += 1
    return {"ops": ops, "errors": errors}


# --- the churner -------------------------------------------------------------

def churner_main(idx, view, raw, fixed, shared, stop_at, sleeper, home):
    """mkdir and rmdir under the fixed cgroups, through the view and on cgroupfs; now and
    then a cgroup with a process in it, or with a child, whose rmdir must be EBUSY."""
    rng = random.Random(4242)
    ops = 0
    errors = {}
    made = []
    n = 0

    def count(op, e):
        key = f"{op}:{errno.errorcode.get(e.errno, e.errno)}"
        errors[key] = errors.get(key, 0) + 1

    def timed(op, fn, *args):
        nonlocal ops
        SLOT.pack_into(shared, idx * SLOT.size, time.monotonic(), 0)
        try:
            fn(*args)
            return None
        except OSError as e:
            count(op, e)
            return e
        finally:
            SLOT.pack_into(shared, idx * SLOT.size, 0.0, 0)
            ops += 1

    def move(pid, path):
        with open(f"{path}/cgroup.procs", "w") as f:
            f.write(str(pid))

    while time.monotonic() < stop_at:
        base = view if rng.random() < 0.5 else raw
        if len(made) < 40 or rng.random() < 0.4:
            n += 1
            rel = f"{rng.choice(fixed)}/r{n}"
            if timed("mkdir", os.mkdir, f"{base}/{rel}") is None:
                made.append(rel)
                roll = rng.random()
                if roll < 0.1:
                    # populated: rmdir is EBUSY until the process is out
                    timed("move", move, sleeper, f"{view}/{rel}")
                    e = timed("rmdir", os.rmdir, f"{view}/{rel}")
                    if e is None or e.errno != errno.EBUSY:
                        errors["rmdir-populated-not-EBUSY"] = errors.get("rmdir-populated-not-EBUSY", 0) + 1
                    timed("move", move, sleeper, home)
                elif roll < 0.2:
                    timed("mkdir", os.mkdir, f"{base}/{rel}/k")
                    e = timed("rmdir", os.rmdir, f"{view}/{rel}")
                    if e is None or e.errno != errno.EBUSY:
                        errors["rmdir-parent-not-EBUSY"] = errors.get("rmdir-parent-not-EBUSY", 0) + 1
                    timed("rmdir", os.rmdir, f"{base}/{rel}/k")
        else:
            rel = made.pop(rng.randrange(len(made)))
            timed("rmdir", os.rmdir, f"{base}/{rel}")
    for rel in made:
        timed("rmdir", os.rmdir, f"{raw}/{rel}")
    return {"ops": ops, "errors": errors, "made": n}


def fork(fn, *args):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(r)
            try:
                out, code = fn(*args), 0
            except BaseException as e:  # noqa: BLE001 - reported to the parent
                out = {"crash": repr(e)}
            os.write(w, json.dumps(out).encode())
        finally:
            os._exit(code)
    os.close(w)
    return pid, r


def main():
    view, raw, dpid, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    fails = []

    fixed = []
    for i in range(10):
        top = f"t{i}"
        os.mkdir(f"{raw}/{top}")
        fixed.append(top)
        # the grandchildren get hugetlb too where the host has it
        ctrl = open(f"{raw}/{top}/cgroup.controllers").read().split()
        for c in ctrl:
            with open(f"{raw}/{top}/cgroup.subtree_control", "w") as f:
                f.write(f"+{c}")
        for j in range(4):
            os.mkdir(f"{raw}/{top}/c{j}")
            fixed.append(f"{top}/c{j}")
    assert len(fixed) == 50
    hugetlb = sorted(n[len("hugetlb."):-len(".max")] for n in os.listdir(f"{raw}/t0")
                     if n.startswith("hugetlb.") and n.endswith(".max") and n.count(".") == 2)
    # one process in the tree, so that cgroup.procs has something to say and rmdir can be EBUSY
    sleeper = os.fork()
    if sleeper == 0:
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
        time.sleep(seconds + 120)
        os._exit(0)
    home = f"{raw}/t0/c0"
    with open(f"{home}/cgroup.procs", "w") as f:
        f.write(str(sleeper))

    nodes0, (fds0, sfds0) = settled(view, dpid)
    st0 = daemon_status(dpid)
    print(f"hugetlb sizes {' '.join(hugetlb) or 'none'}")
    print(f"threads at start {st0['Threads']}")
    print(f"rss at start {st0['VmRSS']} kB")

    shared = mmap.mmap(-1, SLOT.size * (CLIENTS + 1))
    stop_at = time.monotonic() + seconds
    kids = {}
    for i in range(CLIENTS):
        kids[fork(client_main, i, view, fixed, hugetlb, shared, stop_at, i % 2 == 1)] = i
    kids[fork(churner_main, CLIENTS, view, raw, fixed, shared, stop_at, sleeper, home)] = CLIENTS

    rss_max, threads_max, hung = st0["VmRSS"], st0["Threads"], []
    live = dict(kids)
    while live:
        now = time.monotonic()
        try:
            st = daemon_status(dpid)
        except FileNotFoundError:
            print("FAIL the daemon died (its log says why)")
            for pid, _ in live:
                os.kill(pid, signal.SIGKILL)
            for pid, _ in live:
                os.waitpid(pid, 0)
            os.kill(sleeper, signal.SIGKILL)
            return 1
        rss_max = max(rss_max, st["VmRSS"])
        threads_max = max(threads_max, st["Threads"])
        for (pid, _), idx in list(live.items()):
            began, op = SLOT.unpack_from(shared, idx * SLOT.size)
            if began and now - began > OP_TIMEOUT:
                what = "churner op" if idx == CLIENTS else OPS[op]
                hung.append(f"client {idx}: {what} running for {now - began:.1f} s")
                os.kill(pid, signal.SIGKILL)
        for key in list(live):
            if os.waitpid(key[0], os.WNOHANG)[0]:
                del live[key]
        if now > stop_at + 4 * OP_TIMEOUT:
            fails.append("clients still running long after the end")
            for pid, _ in live:
                os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.1)

    ops, errs, made = 0, {}, 0
    for (pid, rfd), idx in kids.items():
        data = b""
        while chunk := os.read(rfd, 65536):
            data += chunk
        os.close(rfd)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        if not data:
            continue  # killed as hung, counted there
        out = json.loads(data)
        if "crash" in out:
            fails.append(f"client {idx} crashed: {out['crash']}")
            continue
        ops += out["ops"]
        made += out.get("made", 0)
        for k, v in out["errors"].items():
            errs[k] = errs.get(k, 0) + v

    os.kill(sleeper, signal.SIGKILL)
    os.waitpid(sleeper, 0)
    # what a killed churner left behind
    for top in fixed:
        for name in os.listdir(f"{raw}/{top}"):
            if name.startswith("r"):
                for sub in ("k", ""):
                    try:
                        os.rmdir(f"{raw}/{top}/{name}/{sub}".rstrip("/"))
                    except OSError:
                        pass

    nodes1, (fds1, sfds1) = settled(view, dpid)
    st1 = daemon_status(dpid)
    c = counters(view)

    print(f"ops {ops}")
    print(f"cgroups made by the churner {made}")
    by_errno = {}
    for k, v in sorted(errs.items()):
        print(f"errors {k} {v}")
        name = k.rsplit(":", 1)[-1]
        by_errno[name] = by_errno.get(name, 0) + v
        op = k.split(":", 1)[0]
        allowed = ALLOWED_RMDIR if op == "rmdir" else ALLOWED
        if ":" not in k or errno.__dict__.get(name) not in allowed:
            fails.append(f"unexpected error {k} ({v} times)")
    print("errors by errno " + (" ".join(f"{k}={v}" for k, v in sorted(by_errno.items())) or "none"))
    print(f"rss max {rss_max} kB (start {st0['VmRSS']}, end {st1['VmRSS']})")
    print(f"threads max {threads_max} (end {st1['Threads']})")
    print(f"fds before {fds0} + {sfds0} status, after {fds1} + {sfds1} status")
    print(f"nodes before {nodes0} after {nodes1}")
    print(f"handles after {c['handles']}")
    print(f"requests lookup {c['lookup']} forget {c['forget']} open {c['open']} read {c['read']} "
          f"write {c['write']} mkdir {c['mkdir']} rmdir {c['rmdir']} readdir {c['readdir']}")

    fails += [f"hung: {h}" for h in hung]
    if ops < CLIENTS * 10:
        fails.append(f"only {ops} ops")
    if fds1 != fds0:
        fails.append(f"descriptors {fds0} before, {fds1} after")
    if sfds1 > STATUS_FDS:
        fails.append(f"{sfds1} cached status files, more than {STATUS_FDS}")
    if nodes1 != nodes0:
        fails.append(f"nodes {nodes0} before, {nodes1} after")
    if c["handles"] != 0:
        fails.append(f"{c['handles']} handles open after every client closed its files")
    if threads_max > THREADS_MAX:
        fails.append(f"{threads_max} threads, more than {THREADS_MAX}")
    with open(f"/proc/{dpid}/maps") as f:
        maps = f.read()
    sanitized = any(s in maps for s in ("libasan", "libtsan", "libclang_rt"))
    growth = (rss_max - st0["VmRSS"]) // 1024
    bound = RSS_GROWTH_SANITIZED_MB if sanitized else RSS_GROWTH_MB
    print(f"rss growth {growth} MiB, bound {bound} MiB ({'sanitized' if sanitized else 'plain'} build)")
    if growth > bound:
        fails.append(f"RSS grew by {growth} MiB, more than {bound}")
    for f in fails:
        print(f"FAIL {f}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
