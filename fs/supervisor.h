/* SPDX-License-Identifier: MIT */
/*
 * supervisor: the process that holds the mount's FUSE connection and keeps
 * a worker serving it (SPEC 9.1, README "Takeover").
 *
 * The worker is the same binary, started with CGVIEW_WORKER set to the
 * connection's and the takeover state's descriptor numbers. A second one
 * stands by, started and ready up to its first request: when the serving
 * worker dies (a crash, kill -9, the OOM killer), the standby is told to
 * take over (takeover.h) and a new standby starts. SIGUSR2 starts a
 * standby from the binary now installed at the path the daemon was
 * started from, and once it is ready, it takes over from the serving
 * worker (an upgrade; clients see nothing). SIGHUP goes on to the worker (it reloads
 * the grants). SIGTERM and SIGINT unmount and end both, unless the
 * connection is kept in systemd's file descriptor store (-o fdstore), where
 * it waits for the next start.
 *
 * The worker watches its supervisor in turn: if the supervisor dies, the
 * worker starts a new one, which takes the worker under its watch, so no
 * single kill leaves the mount without a process to serve it.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* "FUSE_FD,STATE_FD,FOREGROUND,BEFORE_KILLED,GO_FD,READY_FD": the last two -1 for a worker that serves at once */
#define SUPERVISOR_WORKER_ENV "CGVIEW_WORKER"
#define SUPERVISOR_ADOPT_ENV "CGVIEW_SUPERVISE"     /* "FUSE_FD,STATE_FD,FOREGROUND,WORKER_PID" */
#define SUPERVISOR_EXIT_INCOMPATIBLE 3              /* a worker that cannot read the state it was given */
/* On the mount's root, for root: the supervisor's pid (cgview --upgrade). */
#define SUPERVISOR_XATTR "trusted.cgview.supervisor"
/* On the mount's root, for root: the serving worker's pid. */
#define WORKER_XATTR "trusted.cgview.worker"

struct supervisor {
        int fuse_fd;
        int state_fd;
        char **argv;      /* the daemon's command line, to start workers with */
        const char *exe;  /* the binary to start: the path the daemon was started from */
        bool foreground;
        bool fdstore;     /* the connection is in systemd's fd store: SIGTERM leaves the mount */
        pid_t worker;     /* a worker to watch that is not a child (0: start one) */
        void (*unmount)(void);
};

/* Serve until the mount is gone or a stop signal; the exit status. */
int supervise(struct supervisor *s);

/* Tell systemd (NOTIFY_SOCKET) state, passing fds[n] along; 0 if sent or no systemd, else -errno. */
int supervisor_notify(const char *state, const int *fds, int n);

/*
 * In a worker: watch the supervisor (the parent) from a thread; if it dies,
 * start a new one from exe with argv. 0 or -errno.
 */
int supervisor_watch_parent(const char *exe, char **argv, int fuse_fd, int state_fd, bool foreground);

/* In a worker: the supervisor's pid now. */
pid_t supervisor_pid(void);
