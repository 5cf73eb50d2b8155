#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Random changes on cgroupfs, each followed by lookups through the view as one user, against a model of SPEC 5.2.

usage: vismodel.py CGROUP MOUNT USER GROUP SEED OPS   (as root; USER must be in GROUP)

The changes (mkdir, rmdir, chown, chgrp, chmod g+w/g-w) are made directly on
cgroupfs below CGROUP; after each, a few cgroups are stat'ed through MOUNT by
USER and must be visible exactly when the model says: the cgroup or one of
its ancestors is delegated to USER (owned by it, or by one of its groups with
group write), or one of its descendants is (CGROUP's own ancestors must
delegate nothing to USER). Prints each difference, then a
summary; exits 1 if there was one.
"""
import grp
import os
import pwd
import random
import stat
import subprocess
import sys

# Run as USER: one stat per line read, "Y", "N" (ENOENT) or "E<errno>".
ASKER = """
import os, sys
for line in sys.stdin:
    try:
        os.stat(line.rstrip("\\n"))
        r = "Y"
    except FileNotFoundError:
        r = "N"
    except OSError as e:
        r = "E%d" % e.errno
    sys.stdout.write(r + "\\n")
    sys.stdout.flush()
"""


def main():
    top, mnt, user, group, seed, nops = sys.argv[1:7]
    rnd = random.Random(int(seed))
    pw = pwd.getpwnam(user)
    gid = grp.getgrnam(group).gr_gid
    groups = set(os.getgrouplist(user, pw.pw_gid))
    ask = subprocess.Popen(["setpriv", "--reuid=%d" % pw.pw_uid, "--regid=%d" % pw.pw_gid, "--init-groups",
                            "/usr/bin/python3", "-S", "-c", ASKER],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd="/")
    dirs = [""]

    def real(rel):
        return os.path.join(top, rel) if rel else top

    def owned(rel):
        st = os.stat(real(rel))
        return st.st_uid == pw.pw_uid or bool(st.st_mode & stat.S_IWGRP and st.st_gid in groups)

    def visible(rel):
        parts = rel.split("/") if rel else []
        if any(owned("/".join(parts[:i])) for i in range(len(parts) + 1)):
            return True
        return any(d.startswith(rel + "/" if rel else "") and d != rel and owned(d) for d in dirs)

    bad = 0
    for op in range(int(nops)):
        k = rnd.random()
        others = dirs[1:]
        if k < 0.35 or not others:
            parent = rnd.choice(dirs)
            rel = (parent + "/" if parent else "") + rnd.choice(["a", "b", "c"])
            if rel not in dirs and rel.count("/") < 8:
                os.mkdir(real(rel))
                dirs.append(rel)
        elif k < 0.5:
            leaves = [d for d in others if not any(x.startswith(d + "/") for x in dirs)]
            d = rnd.choice(leaves)
            os.rmdir(real(d))
            dirs.remove(d)
        elif k < 0.75:
            os.chown(real(rnd.choice(others)), rnd.choice([pw.pw_uid, 0]), -1)
        elif k < 0.9:
            os.chown(real(rnd.choice(others)), -1, rnd.choice([gid, 0]))
        else:
            os.chmod(real(rnd.choice(others)), rnd.choice([0o755, 0o775]))
        # Right after the change: no waiting, the view must already know.
        for d in rnd.sample(dirs, min(4, len(dirs))):
            want = "Y" if visible(d) else "N"
            ask.stdin.write(os.path.join(mnt, d) + "\n")
            ask.stdin.flush()
            got = ask.stdout.readline().strip()
            if got != want:
                bad += 1
                print("op %d: /%s: model %s, view %s" % (op, d, want, got))
    ask.stdin.close()
    ask.wait()
    print("%s changes, %d cgroups at the end, %d differences" % (nops, len(dirs), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
