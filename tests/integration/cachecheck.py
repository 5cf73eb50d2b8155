#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Trials of what the kernel's caches of the view could get wrong, in one process (fast).

usage:
  cachecheck.py values MOUNT_CG RAW_CG N    a value written on one side is what the other reads next
  cachecheck.py attrs MOUNT_CG RAW_CG N UID a mode or owner changed on cgroupfs is what the next stat says
  cachecheck.py recreate MOUNT_TOP RAW_TOP NAME N   a cgroup removed and made again, the view follows
  cachecheck.py torn VIEW_FILE RAW_FILE SECONDS  values written on cgroupfs while two readers read the
                                            view: every read is one whole value (no mix, no NUL)
  cachecheck.py same PATH EXPECTED N        every read of PATH is EXPECTED, lines in any order
                                            (another caller reads alongside)
Prints "ok N trials" or the first mismatch, and exits 1 on a mismatch.
"""
import os
import sys


def read(path):
    with open(path) as f:
        return f.read()


def write(path, value):
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        os.write(fd, value.encode())
    finally:
        os.close(fd)


def fail(trial, what, got, want):
    print("trial %d: %s: got %r, expected %r" % (trial, what, got, want))
    sys.exit(1)


def values(view, raw, n):
    """cgroup.max.depth and cgroup.max.descendants, written on alternate sides, read on the other."""
    files = ["cgroup.max.depth", "cgroup.max.descendants"]
    for i in range(n):
        f = files[i % 2]
        v = str(i % 13) if i % 3 else "max"
        if i % 2:
            write(os.path.join(raw, f), v)
            got = read(os.path.join(view, f))
        else:
            write(os.path.join(view, f), v)
            got = read(os.path.join(raw, f))
        if got != v + "\n":
            fail(i, f, got, v + "\n")
        # the other side, at once: both agree
        if read(os.path.join(view, f)) != read(os.path.join(raw, f)):
            fail(i, f + " (view vs raw)", read(os.path.join(view, f)), read(os.path.join(raw, f)))
    print("ok %d trials" % n)


def attrs(view, raw, n, uid):
    """Mode and owner changed on cgroupfs, stat through the view: a file, the cgroup, a child cgroup's file."""
    targets = ["cgroup.max.depth", "", "sub/cgroup.procs"]
    for i in range(n):
        t = targets[i % len(targets)]
        r, v = os.path.join(raw, t), os.path.join(view, t)
        mode = 0o600 if i % 2 else 0o644
        if t == "":
            mode |= 0o111
        os.chmod(r, mode)
        owner = uid if i % 4 < 2 else 0
        os.chown(r, owner, owner)
        st = os.stat(v)
        if (st.st_mode & 0o7777, st.st_uid, st.st_gid) != (mode, owner, owner):
            fail(i, v, (oct(st.st_mode & 0o7777), st.st_uid, st.st_gid), (oct(mode), owner, owner))
    print("ok %d trials" % n)


def recreate(view_top, raw_top, name, n):
    """Made on one side, removed on the other; the view shows each incarnation's own value."""
    raw, view = os.path.join(raw_top, name), os.path.join(view_top, name)
    for i in range(n):
        if i % 2:
            os.mkdir(raw)
        else:
            os.mkdir(view)
        v = str(i % 9 + 1)
        write(os.path.join(raw, "cgroup.max.depth"), v)
        got = read(os.path.join(view, "cgroup.max.depth"))
        if got != v + "\n":
            fail(i, "cgroup.max.depth of incarnation %d" % i, got, v + "\n")
        if name not in os.listdir(view_top):
            fail(i, "listing of " + view_top, os.listdir(view_top), name)
        if i % 2:
            os.rmdir(view)
        else:
            os.rmdir(raw)
        try:
            os.stat(view)
            fail(i, view + " after rmdir", "exists", "ENOENT")
        except FileNotFoundError:
            pass
        if name in os.listdir(view_top):
            fail(i, "listing of " + view_top + " after rmdir", os.listdir(view_top), "without " + name)
    print("ok %d trials" % n)


def same(path, expected, n):
    expected = sorted(expected.encode().decode("unicode_escape").splitlines(keepends=True))
    for i in range(n):
        got = sorted(read(path).splitlines(keepends=True))
        if got != expected:
            fail(i, path, got, expected)
    print("ok %d trials" % n)


def torn(view, raw, seconds):
    import time
    values = ["max", "1234567890", "7"]
    allowed = {v + "\n" for v in values}
    end = time.monotonic() + seconds
    readers = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            bad = 0
            n = 0
            while time.monotonic() < end:
                got = read(view)
                n += 1
                if got not in allowed:
                    bad += 1
                    print("torn read %r" % got)
            os._exit(1 if bad else 0)
        readers.append(pid)
    i = 0
    while time.monotonic() < end:
        write(raw, values[i % 3])
        i += 1
    failed = sum(os.waitpid(pid, 0)[1] != 0 for pid in readers)
    if failed:
        sys.exit(1)
    print("ok %d writes" % i)


def main():
    op = sys.argv[1]
    if op == "values":
        values(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif op == "attrs":
        attrs(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif op == "recreate":
        recreate(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif op == "torn":
        torn(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif op == "same":
        same(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("unknown operation " + op)


if __name__ == "__main__":
    main()
