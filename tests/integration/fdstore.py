# SPDX-License-Identifier: MIT
"""systemd's file descriptor store, played by this script: the whole service dies, the mount lives.

    fdstore.py CGVIEW CGROUP_ROOT MOUNT

Starts CGVIEW -f -o fdstore with NOTIFY_SOCKET pointing here and takes what it
sends as systemd would: READY=1, and the FUSE connection and the takeover state
with FDSTORE=1 and their names. Then kills supervisor and worker at once
(SIGKILL to their process group, as systemd kills a unit's control group),
starts a reader that must now wait, and starts CGVIEW again with the two
descriptors as systemd passes stored ones (LISTEN_FDS, LISTEN_FDNAMES,
LISTEN_PID): the reader must get its answer, and the mount must never have
gone. Prints one JSON line; exits 1 if anything failed.
"""
import array
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time


def receive(sock, want, timeout=10.0):
    """Messages until want (a set of FDNAME= or READY=1) all came: {name: fd}, ready."""
    fds, ready = {}, False
    sock.settimeout(timeout)
    while not (ready and want <= set(fds)):
        fdarr = array.array("i")
        msg, anc, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(16 * fdarr.itemsize))
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fdarr.frombytes(data[: len(data) - (len(data) % fdarr.itemsize)])
        fields = dict(line.split("=", 1) for line in msg.decode().splitlines() if "=" in line)
        if fields.get("READY") == "1":
            ready = True
        if fields.get("FDSTORE") == "1" and fdarr:
            fds[fields.get("FDNAME", "stored")] = fdarr[0]
    return fds, ready


def mounted(mount):
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == mount for line in f)


def main():
    cgview, root, mount = sys.argv[1:4]
    out = {}
    tmp = tempfile.mkdtemp(prefix="cgview-notify.")
    path = os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    first = subprocess.Popen([cgview, "-f", "-o", "cgroup_root=" + root, "-o", "fdstore", mount], env=env,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    fds, ready = receive(sock, {"fuse", "takeover"})
    out["ready"] = ready
    out["stored"] = sorted(fds)
    with open(os.path.join(mount, "cgroup.max.depth")) as f:
        out["before"] = f.read().strip()

    # The whole service at once, as systemd kills a unit's cgroup.
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    time.sleep(0.2)
    out["mounted_while_down"] = mounted(mount)
    reader = subprocess.Popen(["cat", os.path.join(mount, "cgroup.max.depth")], stdout=subprocess.PIPE)
    time.sleep(0.3)
    out["reader_waited"] = reader.poll() is None

    # The next start: the stored descriptors as fds 3 and 4, named, LISTEN_PID the new process's.
    def as_systemd_passes():
        os.dup2(fds["fuse"], 3)
        os.dup2(fds["takeover"], 4)

    env2 = dict(os.environ, NOTIFY_SOCKET=path, LISTEN_FDS="2", LISTEN_FDNAMES="fuse:takeover")
    t = time.monotonic()
    second = subprocess.Popen(["sh", "-c", 'LISTEN_PID=$$ exec "$0" "$@"', cgview, "-f", "-o", "cgroup_root=" + root,
                               "-o", "fdstore", mount], env=env2, preexec_fn=as_systemd_passes,
                              pass_fds=(3, 4), stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        answer, _ = reader.communicate(timeout=10)
        out["reader_answer"] = answer.decode().strip()
        out["reader_ms"] = round((time.monotonic() - t) * 1000, 1)
    except subprocess.TimeoutExpired:
        reader.kill()
        out["reader_answer"] = None
    _, ready2 = receive(sock, set())
    out["ready_again"] = ready2
    with open(os.path.join(mount, "cgroup.max.depth")) as f:
        out["after"] = f.read().strip()

    # A stop with the store: the supervisor leaves the mount to the store (and ExecStopPost).
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=10)
    out["mounted_after_stop"] = mounted(mount)
    for fd in fds.values():
        os.close(fd)
    subprocess.run(["umount", "-l", mount], check=False)
    os.unlink(path)
    os.rmdir(tmp)
    print(json.dumps(out, sort_keys=True))
    ok = (ready and out["stored"] == ["fuse", "takeover"] and out["mounted_while_down"] and out["reader_waited"]
          and out["reader_answer"] == out["before"] and ready2 and out["after"] == out["before"]
          and out["mounted_after_stop"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
