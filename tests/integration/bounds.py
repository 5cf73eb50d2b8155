# SPDX-License-Identifier: MIT
"""Helpers of bounds.bats (run as root or as a test user, so installed beside sys.py).

    bounds.py hold PATH N PIDFILE  open PATH N times, then once more: print "held K next ERR"
                                (K opens made, ERR the errno name of the next, or ok), write
                                its PID to PIDFILE; then keep them open until killed
    bounds.py monitor PID OUT   every 50 ms: the daemon's threads, RSS (kB) and descriptors,
                                their maxima written to OUT as "threads_max rss_max fds_max"
    bounds.py flood SECONDS PATH...  stat the paths in a tight loop: print the count of stats
    bounds.py fds PID           the daemon's descriptors other than its cache of callers'
                                /proc/<pid>/status files (fs/procfs.c, at most 256)
"""
import errno
import os
import resource
import sys
import time


def fds(pid):
    n = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:
            continue
        if not (target.startswith("/proc/") and target.endswith("/status")):
            n += 1
    return n


def hold(path, n, pidfile):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 64)), hard))
    held = []
    err = "ok"
    for _ in range(n + 1):
        try:
            held.append(os.open(path, os.O_RDONLY))
        except OSError as e:
            err = errno.errorcode.get(e.errno, str(e.errno))
            break
    k = min(len(held), n)
    if len(held) > n:
        err = "ok"
    print(f"held {k} next {err}", flush=True)
    with open(pidfile, "w") as f:
        f.write(str(os.getpid()))
    while True:
        time.sleep(3600)


def monitor(pid, out):
    best = [0, 0, 0]
    while True:
        try:
            st = {}
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    k, _, v = line.partition(":")
                    if k in ("Threads", "VmRSS"):
                        st[k] = int(v.split()[0])
            now = [st["Threads"], st["VmRSS"], len(os.listdir(f"/proc/{pid}/fd"))]
        except (FileNotFoundError, KeyError):
            return
        best = [max(a, b) for a, b in zip(best, now)]
        with open(out + ".new", "w") as f:
            f.write(" ".join(map(str, best)) + "\n")
        os.rename(out + ".new", out)
        time.sleep(0.05)


def flood(seconds, paths):
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        for p in paths:
            try:
                os.stat(p)
            except OSError:
                pass
            n += 1
    print(n)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "hold":
        hold(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "monitor":
        monitor(int(sys.argv[2]), sys.argv[3])
    elif cmd == "flood":
        flood(float(sys.argv[2]), sys.argv[3:])
    elif cmd == "fds":
        print(fds(int(sys.argv[2])))
    else:
        sys.exit(f"bounds.py: unknown command {cmd}")
