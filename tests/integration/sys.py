#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""One syscall, its result as a word: what a test compares between the view and cgroupfs.

usage: sys.py OP PATH [ARG...]
prints the result ("OK", the data read, an entry list) or the errno name ("EINVAL").
"""
import errno
import os
import sys


def run(op, path, args):
    if op == "read":  # whole content, however many reads
        fd = os.open(path, os.O_RDONLY)
        try:
            size = int(args[0]) if args else 65536
            out = b""
            while True:
                chunk = os.read(fd, size)
                if not chunk:
                    return out.decode(errors="replace")
                out += chunk
        finally:
            os.close(fd)
    if op == "write":  # one write(2) of one value
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        try:
            os.write(fd, args[0].encode().decode("unicode_escape").encode("latin-1"))
        finally:
            os.close(fd)
        return "OK"
    if op == "stat":
        st = os.lstat(path)
        return "%o %d %d" % (st.st_mode, st.st_uid, st.st_gid)
    if op == "ls":
        return " ".join(sorted(os.listdir(path)))
    if op == "mkdir":
        os.mkdir(path, 0o755)
        return "OK"
    if op == "rmdir":
        os.rmdir(path)
        return "OK"
    if op == "unlink":
        os.unlink(path)
        return "OK"
    if op == "chmod":
        os.chmod(path, int(args[0], 8))
        return "OK"
    if op == "chown":
        os.chown(path, int(args[0]), int(args[1]))
        return "OK"
    if op == "rename":
        os.rename(path, args[0])
        return "OK"
    if op == "link":
        os.link(path, args[0])
        return "OK"
    if op == "symlink":
        os.symlink(args[0], path)
        return "OK"
    if op == "truncate":
        os.truncate(path, int(args[0]))
        return "OK"
    if op == "setxattr":
        os.setxattr(path, args[0], args[1].encode())
        return "OK"
    if op == "mknod":
        os.mknod(path, 0o600)
        return "OK"
    if op == "readlink":
        return os.readlink(path)
    if op == "access":
        return "OK" if os.access(path, {"r": os.R_OK, "w": os.W_OK, "x": os.X_OK}[args[0]]) else "EACCES"
    if op == "access_errno":  # access(2) with its errno: "access" says EACCES for every failure
        import ctypes  # here: its import is a third of this script's start under TCG
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.access(path.encode(), {"r": os.R_OK, "w": os.W_OK, "x": os.X_OK}[args[0]]) < 0:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e), path)
        return "OK"
    raise SystemExit("sys.py: unknown op " + op)


def answer(op, path, args):
    """The result of one op as a word: what run() returns, or the errno name it failed with."""
    try:
        return run(op, path, args)
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def main():
    out = answer(sys.argv[1], sys.argv[2], sys.argv[3:])
    sys.stdout.write(out if out.endswith("\n") or not out else out + "\n")


if __name__ == "__main__":
    main()
