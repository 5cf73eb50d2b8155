#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""poll() on a file as a program waiting for cgroup events does (poll.bats).

usage:
  pollwait.py wait FILE [--timeout S] [--until TEXT] [--epoll] [--trigger SPEC] [--ready PATH] [--delay S]
      Read FILE, then wait for POLLPRI; at each wake read it again from the
      start and print "wake MS REVENTS VALUE" (VALUE on one line). Ends 0 at
      the first wake whose value holds TEXT (any wake without --until), 3
      after S seconds (10) without one. --trigger writes SPEC (a PSI trigger)
      to FILE opened read-write first. --ready: a file made once it waits
      (--delay: S seconds before its first poll).
  pollwait.py quiet FILE S
      Read FILE, then poll S seconds: "quiet" and 0 if nothing woke it,
      else "woken REVENTS VALUE" and 1.
  pollwait.py latency FILE IN OUT N
      N times: move a child process into cgroup IN (a raw cgroupfs path; FILE
      is IN's cgroup.events or stats/populated through the view) and to OUT
      again, and time from the write to cgroup.procs to the wake of FILE,
      whose value must then say the new state. Prints "median_ms M max_ms X
      wakes W".
"""
import os
import select
import signal
import sys
import threading
import time


def read_all(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    out = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return out.decode(errors="replace")
        out += chunk


def one_line(text):
    return text.strip().replace("\n", "|")


class Poller:
    def __init__(self, fd, use_epoll):
        self.epoll = use_epoll
        if use_epoll:
            self.p = select.epoll()
            self.p.register(fd, select.EPOLLPRI)
        else:
            self.p = select.poll()
            self.p.register(fd, select.POLLPRI)

    def wait(self, seconds):
        if self.epoll:
            ev = self.p.poll(seconds)
        else:
            ev = self.p.poll(int(seconds * 1000))
        return ev[0][1] if ev else 0


def cmd_wait(args):
    path, timeout, until, use_epoll, trigger, ready, delay = args[0], 10.0, None, False, None, None, 0.0
    rest = args[1:]
    while rest:
        opt = rest.pop(0)
        if opt == "--timeout":
            timeout = float(rest.pop(0))
        elif opt == "--until":
            until = rest.pop(0)
        elif opt == "--epoll":
            use_epoll = True
        elif opt == "--trigger":
            trigger = rest.pop(0)
        elif opt == "--ready":
            ready = rest.pop(0)
        elif opt == "--delay":
            delay = float(rest.pop(0))
        else:
            raise SystemExit("pollwait.py: unknown option " + opt)
    fd = os.open(path, os.O_RDWR if trigger else os.O_RDONLY)
    if trigger:
        os.write(fd, trigger.encode())
    else:
        read_all(fd)
    p = Poller(fd, use_epoll)
    start = time.monotonic()
    end = start + timeout
    if ready:
        open(ready, "w").close()
    time.sleep(delay)
    while True:
        left = end - time.monotonic()
        if left <= 0:
            print("timeout")
            return 3
        rev = p.wait(left)
        if not rev:
            continue
        if time.monotonic() >= end:
            # poll() asks the file once more as its time runs out: that answer woke no one
            print("timeout (then revents %d)" % rev)
            return 3
        value = "" if trigger else read_all(fd)
        print("wake %d %d %s" % ((time.monotonic() - start) * 1000, rev, one_line(value)), flush=True)
        if until is None or until in value:
            return 0


def cmd_quiet(args):
    fd = os.open(args[0], os.O_RDONLY)
    read_all(fd)
    rev = Poller(fd, False).wait(float(args[1]))
    if rev:
        print("woken %d %s" % (rev, one_line(read_all(fd))))
        return 1
    print("quiet")
    return 0


def cmd_latency(args):
    path, cg_in, cg_out, n = args[0], args[1], args[2], int(args[3])
    events = os.path.basename(path) == "cgroup.events"
    fd = os.open(path, os.O_RDONLY)
    read_all(fd)
    p = Poller(fd, False)
    child = os.fork()
    if child == 0:
        signal.pause()
        os._exit(0)
    times = []
    t0 = [0.0]

    def move(target):
        time.sleep(0.05)  # the poller is in poll() by then
        t0[0] = time.monotonic()
        with open(os.path.join(target, "cgroup.procs"), "w") as f:
            f.write(str(child))

    try:
        for i in range(2 * n):
            state = "1" if i % 2 == 0 else "0"
            mover = threading.Thread(target=move, args=(cg_in if i % 2 == 0 else cg_out,))
            mover.start()
            # a wake may come for the state before (a notification not yet read): wait for the new one
            while True:
                if not p.wait(5):
                    print("timeout at event %d" % i)
                    return 1
                value = read_all(fd)
                if ("populated " + state in value) if events else value.strip() == state:
                    break
            t1 = time.monotonic()
            mover.join()
            times.append((t1 - t0[0]) * 1000)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    times.sort()
    print("median_ms %.3f max_ms %.3f wakes %d" % (times[len(times) // 2], times[-1], len(times)))
    return 0


def main():
    cmds = {"wait": cmd_wait, "quiet": cmd_quiet, "latency": cmd_latency}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        raise SystemExit(__doc__)
    sys.exit(cmds[sys.argv[1]](sys.argv[2:]))


if __name__ == "__main__":
    main()
