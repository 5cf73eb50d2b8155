#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The bad-input corpus (SPEC 6.3): malformed writes through the view.

usage: badinput.py [-v] VIEW_CG RAW_CG ORACLE_CG TABLE FILE...
       badinput.py paths MOUNT RAW_TOP CGROUP2_MOUNT MARK

VIEW_CG is a cgroup seen through the mount, RAW_CG the same cgroup on
cgroupfs, ORACLE_CG a sibling on cgroupfs set up the same way. FILE is a
friendly file ("limits/memory") or a raw one ("cgroup.max.depth",
"mem.max"). For every FILE present in the view, each input (the rows of
TABLE for it, then the generated ones of its kind) is written through the
view, and each write must
  - fail with the expected errno (TABLE's column, or the rule of its kind);
    for a raw file also with the errno the kernel gives the same bytes on
    ORACLE_CG, which must be left unchanged too;
  - leave the kernel file(s) behind FILE as they were (read on RAW_CG);
  - leave the daemon answering (stat of the mount's top).
Modes: one open(O_WRONLY|O_TRUNC) per input as a shell's `echo >` does; all
inputs on one fd; a subset with pwrite(2) at offsets up to 2^40; "max" (or
a seed of its own) one byte per write on one fd; a 0-byte write.

Prints one line per file with its counts, the failures, and a total line;
exit 0 when nothing failed, 1 on a failure, 77 when no FILE is present.
"""
import codecs
import errno
import os
import random
import sys
import time

TOP = None  # the mount's top, stat after every write
VERBOSE = False

# friendly file -> (kind, kernel files whose value must not change)
FRIENDLY = {
    "limits/cpu": ("cpu", ["cpu.max"]),
    "limits/cpu.period": ("period", ["cpu.max"]),
    "limits/cpu.burst": ("burst", ["cpu.max.burst"]),
    "limits/cpu.weight": ("weight", ["cpu.weight", "cpu.idle"]),
    "limits/cpus": ("list", ["cpuset.cpus"]),
    "limits/mems": ("list", ["cpuset.mems"]),
    "limits/memory": ("size", ["memory.max"]),
    "limits/memory.high": ("size", ["memory.high"]),
    "limits/memory.low": ("size", ["memory.low"]),
    "limits/memory.min": ("size", ["memory.min"]),
    "limits/swap": ("size", ["memory.swap.max"]),
    "limits/pids": ("count", ["pids.max"]),
    "limits/io": ("io", ["io.max"]),
    "limits/io.weight": ("ioweight", ["io.weight"]),
}

# A valid value of each kind, to build bad ones around.
VALID = {"size": "4M", "cpu": "0.5", "period": "100ms", "burst": "1ms", "weight": "200", "list": "0",
         "count": "100", "io": "$DEV rbps=1M", "ioweight": "$DEV 100"}

# Each byte alone is bad; written one byte per write(2) on one fd. Were the
# daemon to gather them, "max" would pass and change the value.
BYTEWISE = {"weight": "idle"}
BYTEWISE_RAW = {"cgroup.type": "threaded", "cgroup.subtree_control": "+hugetlb",
                "cgroup.kill": "xyz", "cgroup.freeze": "xyz", "cgroup.pressure": "xyz"}
# memparse() reads "m" as 0 bytes: these get bytes that are bad one by one
BYTEWISE_RAW_PREFIX = {"hugetlb.": "xyz", "memory.": "xyz", "mem.": "xyz"}

NUMERIC = ("size", "cpu", "period", "burst", "weight", "count")
DEV = os.environ.get("BADINPUT_DEV", "")
# under the VM's TCG a write costs 30 to 80 ms: fewer modes, the same inputs
QUICK = os.environ.get("BADINPUT_QUICK") == "1"
DEVNO = os.environ.get("BADINPUT_DEVNO", "")


def friendly_files(kind_of, name):
    """limits/hugetlb.<size> is one of a kind for every huge page size."""
    if name in FRIENDLY:
        return FRIENDLY[name]
    if name.startswith("limits/hugetlb."):
        return ("size", ["hugetlb.%sB.max" % name[len("limits/hugetlb."):]])
    return None


def unescape(field):
    return codecs.escape_decode(field.encode("utf-8"))[0]


def load_table(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 3:
                sys.exit("%s:%d: want 3 tab-separated columns, got %d" % (path, n, len(cols)))
            rows.setdefault(cols[0], []).append(("table:%d" % n, cols[1], cols[2]))
    return rows


def result_of(fn):
    """'OK' or the errno name of one call."""
    try:
        fn()
        return "OK"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def read_raw(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        return "unreadable: %s" % errno.errorcode.get(e.errno, e.errno)


# ---- generated inputs ------------------------------------------------------

RNG = random.Random(20261202)
# bytes that are never whitespace, digits, letters or device punctuation, never NUL
JUNK = [b for b in range(1, 256) if not (chr(b).isalnum() and b < 128) and chr(b) not in " \t\n\r\v\f:/._-%,=+"]

UNICODE = ["١٢٣", "１２３", "٣M", "１G", "½", "²", "1٫5", "𝟏", "۱۲", "٠", "1\u200b2", "\u0661\u0660\u0660"]


def gen_common(kind, valid, raw):
    """(category, bytes, errno) for any file: whitespace, NUL, lines, size, binary, unicode."""
    v = valid.encode()
    ws = [b" ", b"\n", b"\t", b"\r\n", b"  \n", b"\v", b"\f", b" \t\n\r\v\f", b"\n\n\n"]
    out = []
    if kind != "list":  # an empty list is the documented "inherit"
        out += [("whitespace", w, "EINVAL") for w in ws]
    out += [("nul", b, "EINVAL") for b in
            [b"\0", b"\0\n", b"max\0", b"\0max", b"1\0", b"1\0junk", v + b"\0", b"\0" + v, v + b"\0" + v,
             b"\0" * 10, b" \0 ", v[:1] + b"\0" + v[1:]]]
    out += [("lines", b, "EINVAL") for b in
            [b"max\nmax", v + b"\n" + v, b"1\n2", b"\nmax\nmax\n", v + b"\nx", b"x\n" + v, v + b"\r\n" + v,
             v + b"\n\n" + v]]
    out += [("huge", b, "E2BIG") for b in
            [v + b" " * (65536 - len(v)), b"9" * 65536, b"a" * 4097, b" " * 4097, v + b"\n" * 5000,
             b"\0" * 65536, b"1" * 8192]]
    out += [("huge", b"x" * 4096, "EINVAL"), ("huge", b" " * 4095 + b"x", "EINVAL")]
    out += [("binary", b, "EINVAL") for b in
            [b"\xff", b"\x80", b"\xc0\xaf", b"\xef\xbb\xbf" + v, v + b"\xff", b"\x1b[31m" + v, b"\xa0" + v,
             v + b"\xa0", b"\x7f", b"\x01", b"\xfe\xff" + v]]
    for _ in range(10 if raw or QUICK else 30):
        out.append(("binary", bytes(RNG.choice(JUNK) for _ in range(RNG.randint(1, 64))), "EINVAL"))
    out += [("unicode", u.encode(), "EINVAL") for u in UNICODE]
    return out


def gen_numeric(kind):
    """Signs, bases, exponents and overflow edges of the numeric kinds."""
    e = "EINVAL"
    out = [("sign", b, e) for b in [b"+1", b"-1", b"-0", b"+0", b"--1", b"-max", b"+max", b"- 1", b"+-1",
                                   b"-9223372036854775808", b"-18446744073709551616", b"\xe2\x88\x921"]]
    out += [("base", b, e) for b in [b"0x10", b"0X10", b"0x", b"0b101", b"0o17", b"0x1p3", b"#10", b"\\x31"]]
    out += [("exponent", b, e) for b in [b"1e9", b"1e400", b"1e-3", b"1.5e3", b"1e+3", b"1E+9", b"e9",
                                         b"inf", b"nan", b"NaN", b"-inf", b"1e308", b"4e2"]]
    big = ["18446744073709551616", "99999999999999999999999999", "9" * 1000, "340282366920938463463374607431768211456",
           "18446744073709551617", "0000018446744073709551616"]
    out += [("overflow", b.encode(), "ERANGE") for b in big]
    # a fraction: out of range where the kind has fractions, a syntax error where it has none
    out += [("overflow", b"18446744073709551616.5", "EINVAL" if kind in ("weight", "count") else "ERANGE")]
    if kind != "size":  # "1e" is one exbibyte
        out += [("exponent", b"1e", e), ("exponent", b"1E", e)]
    # 2^63 and 2^64 - 1 fit 64 bits: what they mean depends on the file.
    edge63 = {"size": None, "cpu": "ERANGE", "period": "ERANGE", "burst": "EINVAL", "weight": "ERANGE",
              "count": "ERANGE"}[kind]
    if edge63:
        out += [("overflow", b"9223372036854775808", edge63), ("overflow", b"9223372036854775807", edge63)]
    if kind in ("cpu", "period", "weight"):
        out += [("overflow", b"18446744073709551615", "ERANGE")]
    return out


def generated(kind, valid, raw):
    out = gen_common(kind, valid, raw)
    if kind in NUMERIC:
        out += gen_numeric(kind)
    if kind == "list":
        out += [("sign", b"-1", "EINVAL"), ("sign", b"+1", "EINVAL"), ("base", b"0x1", "EINVAL"),
                ("exponent", b"1e0", "EINVAL"), ("overflow", b"18446744073709551616", "ERANGE"),
                ("overflow", b"9" * 1000, "ERANGE"), ("overflow", b"0-18446744073709551616", "ERANGE")]
    if kind in ("io", "ioweight"):
        dev = DEV.encode()
        key = b" rbps=" if kind == "io" else b" "
        for cat, b, want in gen_numeric("weight" if kind == "ioweight" else "size"):
            if cat == "overflow" and kind == "io" and b.startswith(b"92233720368547758"):
                continue
            out.append((cat, dev + key + b, want))
    return out


# ---- writing ---------------------------------------------------------------


class File:
    def __init__(self, name, view_cg, raw_cg, oracle_cg):
        self.name = name
        fr = friendly_files(None, name)
        self.friendly = fr is not None
        if self.friendly:
            self.kind, self.backing = fr
        else:
            self.kind = "raw"
            # mem.* is the view's alias of memory.*
            self.backing = ["memory." + name[4:] if name.startswith("mem.") else name]
        self.view = os.path.join(view_cg, name)
        self.raw = [os.path.join(raw_cg, b) for b in self.backing]
        self.oracle = os.path.join(oracle_cg, self.backing[0])
        self.counts = {}
        self.failures = []
        self.seconds = 0.0

    def values(self, paths):
        # a write-only file (cgroup.kill) has no value to compare
        return [read_raw(p) for p in paths if os.access(p, os.R_OK) or not os.path.exists(p)]

    def fail(self, msg):
        self.failures.append("%s: %s" % (self.name, msg))

    def check(self, origin, cat, data, want, got, before, oracle=None):
        """One write's verdict."""
        self.counts[cat] = self.counts.get(cat, 0) + 1
        if want is None:
            want = oracle
        shown = repr(data[:40]) + ("...(%d bytes)" % len(data) if len(data) > 40 else "")
        if oracle is not None and got != oracle:
            self.fail("%s %s %s: view %s, cgroupfs %s" % (origin, cat, shown, got, oracle))
        elif got != want:
            self.fail("%s %s %s: got %s, want %s" % (origin, cat, shown, got, want))
        after = self.values(self.raw)
        if after != before:
            self.fail("%s %s %s changed the kernel value: %r -> %r" % (origin, cat, shown, before, after))
        alive = result_of(lambda: os.stat(TOP))
        if alive != "OK":
            self.fail("%s %s %s: the mount answers %s" % (origin, cat, shown, alive))
            raise SystemExit(report([self]) or 1)
        if VERBOSE:
            print("# %s %s %s -> %s" % (self.name, cat, shown, got))

    def oracle_write(self, write, data):
        """The kernel's own answer for a raw file, on the oracle cgroup, which must not change."""
        if self.friendly:
            return None
        before = self.values([self.oracle])
        got = write(self.oracle, data)
        if self.values([self.oracle]) != before:
            self.fail("corpus: %r is no bad input, the kernel took it (%s)" % (data[:40], self.oracle))
        return got

    def kernel_rejects(self, data):
        """A generated input for a raw file counts only if cgroupfs refuses it; else the oracle is put back."""
        before = read_raw(self.oracle)
        try:
            fd = os.open(self.oracle, os.O_WRONLY)
        except OSError:
            return True
        try:
            os.write(fd, data)
        except OSError:
            return True
        finally:
            os.close(fd)
        self.counts["kernel-took"] = self.counts.get("kernel-took", 0) + 1
        if read_raw(self.oracle) != before:
            with open(self.oracle, "wb") as f:
                f.write(before)
        return False

    def run(self, inputs, seed):
        if not self.friendly:
            inputs = [i for i in inputs if i[0] != "generated" or self.kernel_rejects(i[2])]
        def fresh(path, data):
            def w():
                fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)
            return result_of(w)

        # each input on a fresh fd, as `echo bad > file`
        for origin, cat, data, want in inputs:
            before = self.values(self.raw)
            got = fresh(self.view, data)
            self.check(origin, cat, data, want, got, before, self.oracle_write(fresh, data))

        # every input on one fd (the oracle too); quick: the table's
        fd = os.open(self.view, os.O_WRONLY)
        ofd = os.open(self.oracle, os.O_WRONLY) if not self.friendly else None
        try:
            for origin, cat, data, want in [i for i in inputs if not QUICK or i[1] == "table"]:
                before = self.values(self.raw)
                got = result_of(lambda: os.write(fd, data))
                oracle = self.oracle_write(lambda _p, d: result_of(lambda: os.write(ofd, d)), data)
                self.check(origin, "onefd", data, want, got, before, oracle)

            # pwrite(2) at offsets: a write is one value wherever it lands
            for origin, cat, data, want in inputs[:4] + inputs[-4:] if QUICK else inputs[:8] + inputs[-8:]:
                for off in (1, 4095, 4096, 1 << 40):
                    before = self.values(self.raw)
                    got = result_of(lambda: os.pwrite(fd, data, off))
                    oracle = self.oracle_write(lambda _p, d: result_of(lambda: os.pwrite(ofd, d, off)), data)
                    self.check(origin, "pwrite", data, want, got, before, oracle)

            # one byte per write: each is a whole value of its own, nothing gathers
            for b in seed.encode():
                data = bytes([b])
                before = self.values(self.raw)
                got = result_of(lambda: os.write(fd, data))
                oracle = self.oracle_write(lambda _p, d: result_of(lambda: os.write(ofd, d)), data)
                self.check("bytewise", "bytewise", data, "EINVAL" if self.friendly else None, got, before, oracle)

            # a 0-byte write: write(2) returns 0 (FUSE and kernfs never pass it on), nothing changes
            before = self.values(self.raw)
            n = os.write(fd, b"")
            self.check("empty", "empty", b"", "OK", "OK" if n == 0 else "wrote %d" % n, before)
        finally:
            os.close(fd)
            if ofd is not None:
                os.close(ofd)


def report(files):
    total = 0
    failed = []
    for f in files:
        n = sum(v for k, v in f.counts.items() if k != "kernel-took")
        total += n
        cats = " ".join("%s=%d" % kv for kv in sorted(f.counts.items()))
        print("# %-26s %5d writes in %.1f s (%s)%s" % (f.name, n, f.seconds, cats, "" if not f.failures else
                                                        ", %d FAILED" % len(f.failures)))
        failed += f.failures
    # one line per input and verdict, whatever the mode
    seen = {}
    for msg in failed:
        key = " ".join(w for w in msg.split(" ") if w not in ("onefd", "pwrite", "table"))
        seen[key] = seen.get(key, 0) + 1
    for i, (msg, n) in enumerate(seen.items()):
        if i == 80:
            print("FAIL ... and %d more" % (len(seen) - 80))
            break
        print("FAIL %s%s" % (msg, "" if n == 1 else " (x%d)" % n))
    print("# total: %d files, %d writes, %d failures" % (len(files), total, len(failed)))
    return 1 if failed else 0


# ---- path attacks ------------------------------------------------------------


def paths(top, raw_top, cg2, mark):
    """Names and namespace operations through the mount against cgroupfs.

    Each case runs on the view (under top) and on cgroupfs (under raw_top)
    with the same relative path: "raw" wants the same result on both, an
    errno name wants that through the view (cgroupfs has no such entry or
    takes more, as README says), "fail" wants any error. Whatever a case
    creates is checked where it must land (under raw_top) and removed. At the
    end no name with the mark may exist on cgroupfs.
    """
    results = []
    fails = []
    m = mark

    def sysop(op, path, arg=None):
        def call():
            if op == "mkdir":
                os.mkdir(path, 0o755)
            elif op == "rmdir":
                os.rmdir(path)
            elif op == "stat":
                os.lstat(path)
            elif op == "symlink":
                os.symlink(arg, path)
            elif op == "link":
                os.link(path, arg)
            elif op == "rename":
                os.rename(path, arg)
            elif op == "mkfifo":
                os.mkfifo(path, 0o600)
            elif op == "mknod":
                os.mknod(path, arg[0], arg[1])
            elif op == "creat":
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            elif op == "unlink":
                os.unlink(path)
            elif op == "listdir":
                os.listdir(path)
        return result_of(call)

    def j(base, rel):
        return os.fsencode(base) + b"/" + (rel if isinstance(rel, bytes) else os.fsencode(rel))

    def cleanup(rel):
        """Remove, on cgroupfs, what a case made."""
        p = j(raw_top, rel)
        if os.path.isdir(p) and not os.path.islink(p):
            os.rmdir(p)
        elif os.path.lexists(p):
            os.unlink(p)

    def case(op, rel, want, arg=None, rawarg=None, made=None):
        """want: "raw" (the result cgroupfs gives), an errno name, or "fail" (any error)."""
        varg = arg
        if op in ("link", "rename") and arg is not None:
            varg, rawarg = j(top, arg), j(raw_top, arg)
        got = sysop(op, j(top, rel), varg)
        if got == "OK" and made:
            for rel_made in made:
                if not os.path.lexists(j(raw_top, rel_made)):
                    fails.append("%s %r: OK but no %r on cgroupfs" % (op, rel, rel_made))
                cleanup(rel_made)
        raw = None
        if want == "raw":
            raw = sysop(op, j(raw_top, rel), rawarg if rawarg is not None else arg)
            if raw == "OK" and made:
                for rel_made in made:
                    cleanup(rel_made)
        ok = got == raw if want == "raw" else got != "OK" if want == "fail" else got == want
        shown = rel if len(rel) < 60 else rel[:30] + ("...(%d bytes)" % len(rel))
        results.append("%s %s %r: view %s%s" % ("ok" if ok else "FAIL", op, shown, got,
                                                "" if raw is None else ", cgroupfs " + raw))
        if not ok:
            fails.append(results[-1])

    name = lambda n, pre=m: (pre + "x" * n)[:n]
    # .. and . : the kernel resolves them before the daemon sees a name; nothing lands above the top
    case("mkdir", "bi/..", "raw")
    case("mkdir", "bi/.", "raw")
    case("mkdir", "..", "raw")
    case("mkdir", "bi/../%sup" % m, "raw", made=["%sup" % m])
    # past the top, .. is the kernel's walk to the mount point's parent: a plain directory, no cgroup
    out = os.path.join(os.path.dirname(top), "%sout" % m)
    case("mkdir", "bi/../../%sout" % m, "OK")
    if not os.path.isdir(out) or os.path.exists(os.path.join(out, "cgroup.procs")):
        fails.append("mkdir bi/../../%sout: not the plain directory %s" % (m, out))
    if os.path.isdir(out):
        os.rmdir(out)
    for n in ("...%s" % m, "..%s" % m, "%s.." % m, ".%s" % m, "%s..." % m):
        case("mkdir", "bi/" + n, "raw", made=["bi/" + n])
    case("mkdir", "bi/cgroup.procs/%s" % m, "raw")
    case("mkdir", "bi/nosuch%s/x" % m, "raw")
    case("mkdir", "bi/limits/..", "EEXIST")
    case("stat", "bi/../bi/..", "raw")
    case("listdir", "bi/../bi", "OK")
    # names: long, with a newline, with other bytes
    for n in (255, 256, 1024):
        case("mkdir", "bi/" + name(n), "raw", made=["bi/" + name(n)])
    case("mkdir", "bi/" + name(1025), "ENAMETOOLONG")  # FUSE_NAME_MAX; cgroupfs takes it
    case("stat", "bi/" + name(1025), "ENAMETOOLONG")
    case("mkdir", "bi/" + name(4096), "raw")
    case("mkdir", "bi/" + name(70000), "raw")
    for n in ("%s\n" % m, "\n%s" % m, "%s\nx" % m, "%s\n\n" % m, "%s\r\n" % m):
        case("mkdir", "bi/" + n, "raw", made=["bi/" + n])
    for n in ("%s\tx" % m, "%s\x01" % m, "%s x" % m, "%s\\x" % m, "%s\u00fc" % m, "%s\x7f" % m, " %s" % m):
        case("mkdir", "bi/" + n, "raw", made=["bi/" + n])
    case("mkdir", b"bi/" + m.encode() + b"\xff\xfe", "raw", made=[b"bi/" + m.encode() + b"\xff\xfe"])
    # reserved names
    for n in ("limits", "stats", "effective", "self", "bi/limits", "bi/stats", "bi/effective", "bi/self"):
        case("mkdir", n, "EEXIST")
    case("mkdir", "bi/limits/%s" % m, "fail")
    case("mkdir", "bi/stats/%s" % m, "fail")
    case("mkdir", "bi/effective/%s" % m, "fail")
    case("mkdir", "bi/limits/self", "fail")
    # the namespace operations cgroupfs refuses, and their friendly-file cousins
    os.mkdir(j(raw_top, "bi/%sd" % m))
    case("symlink", "bi/%sl" % m, "raw", arg="x", made=["bi/%sl" % m])
    case("symlink", "bi/%sl" % m, "raw", arg="../../../../../etc", made=["bi/%sl" % m])
    case("symlink", "%sl" % m, "raw", arg="/", made=["%sl" % m])
    case("link", "bi/cgroup.procs", "raw", arg="bi/%sh" % m, made=["bi/%sh" % m])
    case("link", "bi/limits/hugetlb.2M", "fail", arg="bi/%sh" % m)
    case("rename", "bi/%sd" % m, "raw", arg="bi/%sr" % m, made=["bi/%sr" % m])
    case("rename", "bi/%sd" % m, "raw", arg="%sr" % m, made=["%sr" % m])
    case("rename", "bi/%sd" % m, "fail", arg="bi/limits")
    case("rename", "bi/%sd" % m, "fail", arg="bi/limits/%sr" % m)
    case("rename", "bi/cgroup.procs", "raw", arg="bi/%sf" % m, made=["bi/%sf" % m])
    case("rename", "bi/limits", "fail", arg="bi/%sr" % m)
    case("rename", "bi/limits/hugetlb.2M", "fail", arg="bi/limits/%sr" % m)
    case("mkfifo", "bi/%sp" % m, "raw", made=["bi/%sp" % m])
    case("mknod", "bi/%sp" % m, "raw", arg=(0o600 | 0o010000, 0), made=["bi/%sp" % m])
    case("mknod", "bi/%sc" % m, "raw", arg=(0o600 | 0o020000, os.makedev(1, 3)), made=["bi/%sc" % m])
    case("mknod", "bi/%sr" % m, "raw", arg=(0o600 | 0o100000, 0), made=["bi/%sr" % m])
    case("mkfifo", "bi/limits/%sp" % m, "fail")
    case("creat", "bi/%sf" % m, "raw", made=["bi/%sf" % m])
    case("creat", "bi/limits/%sf" % m, "fail")
    case("creat", "bi/limits/hugetlb.%s" % m, "fail")
    case("unlink", "bi/cgroup.procs", "raw")
    case("unlink", "bi/limits/hugetlb.2M", "fail")
    case("rmdir", "bi/limits", "fail")
    case("rmdir", "bi/stats", "fail")
    case("rmdir", "bi/..", "raw")
    os.rmdir(j(raw_top, "bi/%sd" % m))

    # self: in a child that moves itself into bi (the link is there only for a caller inside)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            with open(os.path.join(raw_top, "bi", "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
            out = []
            for op, rel, want, arg in (("mkdir", "self/self", "EEXIST", None), ("mkdir", "self/limits", "EEXIST", None),
                                       ("mkdir", "self/stats", "EEXIST", None), ("mkdir", "self/self/self", "fail", None),
                                       ("mkdir", "self", "EEXIST", None), ("rmdir", "self", "fail", None),
                                       ("unlink", "self", "fail", None), ("rename", "self", "fail", "%ss" % m),
                                       ("symlink", "self/%sl" % m, "fail", "x"), ("mkdir", "self/../%s" % m, "raw", None)):
                varg = os.path.join(top, arg) if op == "rename" else arg
                got = sysop(op, os.path.join(top, rel), varg)
                if want == "raw":  # self/.. is bi's parent, the top: the new cgroup lands under raw_top
                    ok = got == "OK" and os.path.isdir(os.path.join(raw_top, m))
                    if os.path.isdir(os.path.join(raw_top, m)):
                        os.rmdir(os.path.join(raw_top, m))
                else:
                    ok = got != "OK" if want == "fail" else got == want
                out.append("%s %s %r: view %s" % ("ok" if ok else "FAIL", op, rel, got))
            self_target = os.readlink(os.path.join(top, "self"))
            out.append(("ok" if self_target.endswith("bi") else "FAIL") + " readlink self: %s" % self_target)
            os.write(w, "\n".join(out).encode())
        finally:
            os._exit(0)
    os.close(w)
    child = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        child += chunk
    os.waitpid(pid, 0)
    os.close(r)
    for line in child.decode().split("\n"):
        results.append(line)
        if not line.startswith("ok"):
            fails.append(line)

    # nothing with the mark anywhere on cgroupfs, and no reserved name under the private subtree
    strays = []
    for d, dirs, files in os.walk(cg2, onerror=lambda e: None):
        for n in dirs + files:
            p = os.path.join(d, n)
            if m in n or (p.startswith(raw_top + "/") and n in ("limits", "stats", "effective", "self")):
                strays.append(p)
    results.append("%s strays on cgroupfs: %s" % ("FAIL" if strays else "ok", strays or "none"))
    if strays:
        fails.append(results[-1])
    for line in results:
        print("# " + line.replace("\n", "\\n"))
    print("# paths: %d cases, %d failures" % (len(results), len(fails)))
    return 1 if fails else 0


def main(argv):
    global TOP, VERBOSE
    if argv and argv[0] == "-v":
        VERBOSE = True
        argv = argv[1:]
    if argv and argv[0] == "paths":
        return paths(*argv[1:5])
    if len(argv) < 5:
        sys.exit(__doc__)
    view_cg, raw_cg, oracle_cg, table_path = argv[:4]
    TOP = view_cg
    table = load_table(table_path)
    files = []
    for name in argv[4:]:
        f = File(name, view_cg, raw_cg, oracle_cg)
        if not os.path.exists(f.view) or not os.path.exists(f.raw[0]):
            print("# %-26s absent on this kernel" % name)
            continue
        if (f.kind in ("io", "ioweight") and not DEV) or (name.startswith("io.") and not DEVNO):
            print("# %-26s no block device named (BADINPUT_DEV, BADINPUT_DEVNO)" % name)
            continue
        inputs = []
        for origin, field, want in table.get(name, []) + table.get("@" + f.kind, []):
            inputs.append((origin, "table", unescape(field.replace("$DEVNO", DEVNO).replace("$DEV", DEV)), want))
        if f.friendly:
            gen = generated(f.kind, VALID[f.kind].replace("$DEV", DEV), False)
            inputs += [("generated", cat, data, want) for cat, data, want in gen]
            seed = BYTEWISE.get(f.kind, "max")
        else:
            # the rows of a raw file, each in the generated shapes that stay bad for every kernel file
            extra = []
            for origin, cat, data, want in inputs:
                if data.strip() and b"\0" not in data and b"\n" not in data.strip():
                    extra += [(origin, "nul", data + b"\0junk", None), (origin, "huge", data + b" " * 4096, None),
                              (origin, "lines", b"\n".join([data.strip()] * 2), None)]
            gen = [("generated", cat, data, None) for cat, data, _ in gen_common("raw", "x", True)
                   if cat in ("binary", "unicode", "huge") and not QUICK]
            inputs += extra + gen
            seed = BYTEWISE_RAW.get(name, "max")
            for prefix, s in BYTEWISE_RAW_PREFIX.items():
                if name.startswith(prefix):
                    seed = s
        if not inputs:
            f.fail("no inputs in the table for it")
        files.append((f, inputs, seed))
    if not files:
        print("# none of the files is present")
        return 77
    for f, inputs, seed in files:
        t = time.monotonic()
        f.run(inputs, seed)
        f.seconds = time.monotonic() - t
    return report([f for f, _, _ in files])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
