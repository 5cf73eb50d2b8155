# SPDX-License-Identifier: MIT
"""Kill cgview's worker (or its supervisor) again and again under load; count what clients see.

    killtest.py MOUNT [--kills N] [--clients N] [--interval S] [--target worker|supervisor|upgrade]
                [--exe PATH]

Under MOUNT (a cgview mount over a private cgroup, as root), CLIENTS processes
loop through reads of limits/, stats/ and raw files, writes to limits/ and raw
writable files, moves through cgroup.procs, listings and mkdir/rmdir, each in
cgroups of its own. Meanwhile the worker (whose pid the mount's root answers
in trusted.cgview.worker) is killed with SIGKILL KILLS times (the supervisor
with --target supervisor; with --target upgrade, `EXE --upgrade MOUNT` starts
the binary at EXE in its place instead). Any error a
client sees is counted, and an operation that takes longer than 10 s is a
hang. Prints one JSON line of figures; exits 1 on any client error or hang.
"""
import errno
import json
import os
import random
import signal
import subprocess
import sys
import time

HANG = 10.0


def xattr_pid(mount, name):
    return int(os.getxattr(mount, "trusted.cgview." + name))


def write(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        os.write(fd, data.encode())
    finally:
        os.close(fd)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def friendly(d):
    try:
        return sorted(os.listdir(d))
    except OSError:
        return []


def client(mount, n, out_fd, stop_at):
    """One client: a cgroup of its own, and a round of operations until stop_at."""
    random.seed(n)
    home = os.path.join(mount, "kt%d-%d" % (os.getppid(), n))
    os.mkdir(home)
    os.mkdir(os.path.join(home, "a"))
    os.mkdir(os.path.join(home, "b"))
    limits = [f for f in friendly(os.path.join(home, "limits"))]
    stats = [f for f in friendly(os.path.join(home, "stats"))]
    writable = {
        "limits/memory": ["1G", "max", "512M"],
        "limits/pids": ["100", "max"],
        "limits/cpu": ["1.5", "max"],
        "limits/hugetlb.2M": ["4M", "max"],
    }
    writable = {k: v for k, v in writable.items() if k.split("/")[1] in limits}
    ops = errors = 0
    worst = 0.0
    by_errno = {}
    where = 0

    def op(fn, *args):
        nonlocal ops, errors, worst
        t = time.monotonic()
        signal.alarm(int(HANG))
        try:
            fn(*args)
        except OSError as e:
            errors += 1
            key = "%s %s" % (errno.errorcode.get(e.errno, str(e.errno)), fn.__name__)
            by_errno[key] = by_errno.get(key, 0) + 1
        finally:
            signal.alarm(0)
        ops += 1
        worst = max(worst, time.monotonic() - t)

    def hang(signum, frame):
        os.write(out_fd, (json.dumps({"client": n, "hang": True, "ops": ops}) + "\n").encode())
        os._exit(2)

    signal.signal(signal.SIGALRM, hang)
    i = 0
    while time.monotonic() < stop_at:
        kind = (n + i) % 8
        i += 1
        if kind == 0 and limits:
            op(read, os.path.join(home, "limits", random.choice(limits)))
        elif kind == 1:
            op(read, os.path.join(home, random.choice(["cgroup.max.depth", "cpu.stat", "cgroup.procs",
                                                       "cgroup.events", "cpu.pressure"])))
        elif kind == 2 and stats:
            op(read, os.path.join(home, "stats", random.choice(stats)))
        elif kind == 3:
            op(write, os.path.join(home, "cgroup.max.descendants"), str(random.randint(10, 1000)))
            if writable:
                f = random.choice(sorted(writable))
                op(write, os.path.join(home, f), random.choice(writable[f]))
        elif kind == 4:
            # Move this client between its two cgroups.
            where ^= 1
            op(write, os.path.join(home, "ab"[where], "cgroup.procs"), str(os.getpid()))
        elif kind == 5:
            op(os.listdir, home)
            op(os.listdir, mount)
        elif kind == 6:
            d = os.path.join(home, "d%d" % i)
            op(os.mkdir, d)
            op(os.rmdir, d)
        else:
            with open(os.path.join(home, "cgroup.max.depth"), "rb") as f:
                # A file held open across kills: read it again from the start.
                op(f.read)
                f.seek(0)
                op(f.read)
    os.write(out_fd, (json.dumps({"client": n, "ops": ops, "errors": errors, "by_errno": by_errno,
                                  "worst": worst}) + "\n").encode())
    os._exit(0)


def wait_serving(mount, old, limit=5.0):
    """Seconds until a worker other than old answers a read through the mount."""
    t = time.monotonic()
    while time.monotonic() - t < limit:
        try:
            if xattr_pid(mount, "worker") != old:
                read(os.path.join(mount, "cgroup.max.depth"))
                return time.monotonic() - t
        except OSError:
            pass
        time.sleep(0.001)
    return None


def main():
    args = sys.argv[1:]
    mount = args.pop(0)
    opts = {"--kills": "20", "--clients": "16", "--interval": "0.5", "--target": "worker", "--exe": ""}
    while args:
        k = args.pop(0)
        opts[k] = args.pop(0)
    kills, clients, interval = int(opts["--kills"]), int(opts["--clients"]), float(opts["--interval"])
    rd, wr = os.pipe()
    stop_at = time.monotonic() + 1.0 + kills * interval + 1.0
    pids = []
    for n in range(clients):
        pid = os.fork()
        if pid == 0:
            os.close(rd)
            try:
                client(mount, n, wr, stop_at)
            except BaseException as e:  # noqa: BLE001 - any failure of a client is a client error
                os.write(wr, (json.dumps({"client": n, "setup_error": repr(e)}) + "\n").encode())
                os._exit(1)
        pids.append(pid)
    os.close(wr)

    time.sleep(1.0)
    takeover = []
    missed = 0
    for _ in range(kills):
        try:
            if opts["--target"] == "upgrade":
                victim = xattr_pid(mount, "worker")
                subprocess.run([opts["--exe"], "--upgrade", mount], check=True, stdout=subprocess.DEVNULL)
            else:
                victim = xattr_pid(mount, opts["--target"])
                os.kill(victim, signal.SIGKILL)
        except (OSError, subprocess.CalledProcessError):
            missed += 1
            continue
        old_worker = victim if opts["--target"] != "supervisor" else None
        took = wait_serving(mount, old_worker)
        takeover.append(took)
        time.sleep(max(0.0, interval - (took or 0)))

    results = []
    with os.fdopen(rd) as f:
        for line in f:
            results.append(json.loads(line))
    for pid in pids:
        os.waitpid(pid, 0)
    by_errno = {}
    for r in results:
        for k, v in r.get("by_errno", {}).items():
            by_errno[k] = by_errno.get(k, 0) + v
    done = [t for t in takeover if t is not None]
    summary = {
        "target": opts["--target"],
        "kills": len(takeover),
        "kill_failures": missed,
        "takeover_failures": len(takeover) - len(done),
        "takeover_ms_max": round(max(done) * 1000, 1) if done else None,
        "takeover_ms_median": round(sorted(done)[len(done) // 2] * 1000, 1) if done else None,
        "clients": clients,
        "client_reports": len(results),
        "ops": sum(r.get("ops", 0) for r in results),
        "client_errors": sum(r.get("errors", 0) for r in results),
        "errors_by_errno": by_errno,
        "hangs": sum(1 for r in results if r.get("hang")),
        "setup_errors": [r["setup_error"] for r in results if "setup_error" in r],
        "worst_op_ms": round(max((r.get("worst", 0) for r in results), default=0) * 1000, 1),
    }
    print(json.dumps(summary, sort_keys=True))
    bad = (summary["client_errors"] or summary["hangs"] or summary["setup_errors"] or missed or
           summary["takeover_failures"] or len(results) != clients)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
