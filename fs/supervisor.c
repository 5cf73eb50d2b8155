/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "supervisor.h"
#include "util.h"

static int pidfd_open(pid_t pid)
{
        long fd = syscall(SYS_pidfd_open, pid, 0);

        return fd < 0 ? NEG_ERRNO() : (int)fd;
}

static int keep_across_exec(int fd)
{
        int flags = fcntl(fd, F_GETFD);

        return flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0 ? NEG_ERRNO() : 0;
}

/*
 * Start exe as a process with env set to value, keeping the descriptors keep
 * (n of them) across exec; in the child, only what is safe after fork in a
 * threaded process.
 */
static pid_t start(const char *exe, char **argv, const char *env, const char *value, const int *keep, int n,
                   bool new_session)
{
        sigset_t none;
        pid_t pid;

        sigemptyset(&none);
        pid = fork();
        if (pid != 0)
                return pid < 0 ? NEG_ERRNO() : pid;
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (new_session)
                setsid();
        for (int i = 0; i < n; i++)
                if (keep_across_exec(keep[i]) < 0)
                        _exit(127);
        setenv(env, value, 1);
        execv(exe, argv);
        /* The path holds nothing runnable now: the binary this process runs, whatever it was replaced by. */
        execv("/proc/self/exe", argv);
        _exit(127);
}

/* A worker process, serving or standing by. */
struct proc {
        pid_t pid;    /* 0: none */
        int pidfd;
        int go;       /* standby: where the supervisor says "take over" (a byte: 'k' the one before was killed) */
        int ready;    /* standby: where it says it is ready; -1 once it has */
        double started;
        int status;
        bool status_known;
};

#define NO_PROC ((struct proc){ .pidfd = -1, .go = -1, .ready = -1 })

static double now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void proc_close(struct proc *w)
{
        if (w->pidfd >= 0)
                close(w->pidfd);
        if (w->go >= 0)
                close(w->go);
        if (w->ready >= 0)
                close(w->ready);
        *w = NO_PROC;
}

/*
 * Start a worker from exe: serving at once, or (standby) made ready up to its
 * first request and waiting for the word to take over. killed: the worker
 * before was killed from outside, no fault of the requests it held.
 */
static int start_worker(const struct supervisor *s, const char *exe, bool standby, bool killed, struct proc *w)
{
        int go[2] = { -1, -1 }, ready[2] = { -1, -1 }, r;
        char value[96];

        *w = NO_PROC;
        if (standby && (pipe2(go, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0)) {
                r = NEG_ERRNO();
                goto fail;
        }
        snprintf(value, sizeof(value), "%d,%d,%d,%d,%d,%d", s->fuse_fd, s->state_fd, (int)s->foreground,
                 (int)killed, go[0], ready[1]);
        /* Not the worker's business: what systemd handed the supervisor. */
        unsetenv("NOTIFY_SOCKET");
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDNAMES");
        unsetenv(SUPERVISOR_ADOPT_ENV);
        r = start(exe, s->argv, SUPERVISOR_WORKER_ENV, value,
                  (const int[]){ s->fuse_fd, s->state_fd, go[0], ready[1] }, standby ? 4 : 2, false);
        if (r < 0)
                goto fail;
        w->pid = r;
        w->pidfd = pidfd_open(w->pid);
        if (w->pidfd < 0) {
                r = w->pidfd;
                kill(w->pid, SIGKILL);
                goto fail;
        }
        w->go = go[1];
        w->ready = ready[0];
        w->started = now();
        if (go[0] >= 0)
                close(go[0]);
        if (ready[1] >= 0)
                close(ready[1]);
        return 0;
fail:
        log_err("cannot start a worker: %s", strerror(-r));
        for (int i = 0; i < 2; i++) {
                if (go[i] >= 0)
                        close(go[i]);
                if (ready[i] >= 0)
                        close(ready[i]);
        }
        *w = NO_PROC;
        return r;
}

/* Is the connection gone (unmounted, aborted)? The kernel says so by POLLERR on /dev/fuse. */
static bool connection_gone(int fuse_fd)
{
        struct pollfd p = { .fd = fuse_fd };

        return poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLNVAL));
}


/* Wait up to ms for the process behind pidfd to end. */
static bool wait_gone(int pidfd, int ms)
{
        struct pollfd p = { .fd = pidfd, .events = POLLIN };

        return poll(&p, 1, ms) > 0;
}

static void describe(int status, bool known, char *buf, size_t n)
{
        if (!known)
                snprintf(buf, n, "ended");
        else if (WIFSIGNALED(status))
                snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
        else
                snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
}

/* Reap every child; note the status of w's process. */
static void reap(struct proc *a, struct proc *b)
{
        int st;

        for (pid_t c; (c = waitpid(-1, &st, WNOHANG)) > 0;) {
                struct proc *w = c == a->pid ? a : c == b->pid ? b : NULL;

                if (w) {
                        w->status = st;
                        w->status_known = true;
                }
        }
}

static bool died_killed(const struct proc *w)
{
        return w->status_known && WIFSIGNALED(w->status) && WTERMSIG(w->status) == SIGKILL;
}

/* End w's process, as soon as it ends on sig or at the latest with SIGKILL. */
static void stop(struct proc *w, int sig)
{
        if (!w->pid)
                return;
        kill(w->pid, sig);
        if (sig != SIGKILL && !wait_gone(w->pidfd, 2000))
                kill(w->pid, SIGKILL);
        wait_gone(w->pidfd, 2000);
        waitpid(w->pid, NULL, WNOHANG);
        proc_close(w);
}

int supervise(struct supervisor *s)
{
        const char *exe = s->exe;
        _cleanup_close_ int sfd = -1;
        struct proc active = NO_PROC, standby = NO_PROC;
        bool upgrading = false;
        unsigned quick_deaths = 0;
        double standby_at = 0; /* when the next standby may start (after quick deaths) */
        sigset_t set;

        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        sigaddset(&set, SIGUSR2);
        sigaddset(&set, SIGCHLD);
        sigprocmask(SIG_BLOCK, &set, NULL);
        sfd = signalfd(-1, &set, SFD_CLOEXEC);
        if (sfd < 0) {
                log_err("signalfd: %m");
                return 1;
        }
        if (s->worker) {
                active.pid = s->worker;
                active.pidfd = pidfd_open(s->worker);
        } else {
                start_worker(s, exe, false, false, &active);
        }
        if (active.pidfd < 0) {
                log_err("cannot watch worker %d", (int)active.pid);
                return 1;
        }

        for (;;) {
                struct pollfd p[4] = {
                        { .fd = sfd, .events = POLLIN },
                        { .fd = active.pidfd, .events = POLLIN },
                        { .fd = standby.pidfd, .events = POLLIN },
                        { .fd = standby.ready, .events = POLLIN },
                };
                struct signalfd_siginfo si;
                int timeout = -1;
                char c;

                /* A worker standing by, so that the next takeover starts nothing. */
                if (!standby.pid && now() >= standby_at)
                        start_worker(s, exe, true, false, &standby);
                if (!standby.pid)
                        timeout = 100;
                if (poll(p, 4, timeout) < 0 && errno != EINTR) {
                        log_err("poll: %m");
                        return 1;
                }
                if ((p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si)) {
                        switch (si.ssi_signo) {
                        case SIGTERM:
                        case SIGINT:
                                /* The workers first, so that none sees its supervisor gone and starts another. */
                                stop(&standby, SIGKILL);
                                if (!s->fdstore)
                                        s->unmount();
                                stop(&active, s->fdstore ? SIGKILL : SIGTERM);
                                log_info("stopped by signal %d%s", (int)si.ssi_signo,
                                         s->fdstore ? ": the connection waits in the fd store" : "");
                                return 0;
                        case SIGHUP:
                                kill(active.pid, SIGHUP);
                                break;
                        case SIGUSR2:
                                if (access(s->exe, X_OK) < 0) {
                                        log_err("upgrade: %s: %m; worker %d serves on", s->exe, (int)active.pid);
                                        break;
                                }
                                /* A standby of the new binary; once it is ready, it takes over (below). */
                                stop(&standby, SIGKILL);
                                exe = s->exe;
                                upgrading = true;
                                start_worker(s, exe, true, false, &standby);
                                log_info("upgrade: %s stands by to take over from worker %d", exe, (int)active.pid);
                                break;
                        case SIGCHLD:
                                reap(&active, &standby);
                                break;
                        }
                }
                if ((p[3].revents & (POLLIN | POLLHUP)) && standby.ready >= 0) {
                        bool ready = read(standby.ready, &c, 1) == 1;

                        close(standby.ready);
                        standby.ready = -1;
                        if (ready && upgrading) {
                                upgrading = false;
                                log_info("upgrade: worker %d is ready: worker %d makes way", (int)standby.pid,
                                         (int)active.pid);
                                kill(active.pid, SIGKILL);
                        }
                }
                if (p[2].revents & POLLIN) {
                        /* The standby died before its turn. */
                        reap(&active, &standby);
                        if (upgrading) {
                                log_err("upgrade: %s did not start; worker %d serves on", exe, (int)active.pid);
                                upgrading = false;
                                exe = "/proc/self/exe";
                        }
                        quick_deaths = !died_killed(&standby) && now() - standby.started < 1.0 ? quick_deaths + 1 : 0;
                        if (quick_deaths > 3)
                                standby_at = now() + (quick_deaths > 20 ? 2.0 : quick_deaths * 0.1);
                        proc_close(&standby);
                }
                if (!(p[1].revents & POLLIN))
                        continue;

                /* The serving worker is gone. */
                reap(&active, &standby);
                if (connection_gone(s->fuse_fd)) {
                        stop(&standby, SIGKILL);
                        log_info("the mount is gone: stopping");
                        return 0;
                }
                if (active.status_known && WIFEXITED(active.status) &&
                    WEXITSTATUS(active.status) == SUPERVISOR_EXIT_INCOMPATIBLE) {
                        log_err("worker %d cannot take over this connection: starting the binary running before",
                                (int)active.pid);
                        exe = "/proc/self/exe";
                } else {
                        char what[64];

                        describe(active.status, active.status_known, what, sizeof(what));
                        log_warn("worker %d %s: %s takes over", (int)active.pid, what,
                                 standby.pid ? "the standby" : "a new worker");
                }
                bool killed = died_killed(&active);

                /* A worker that cannot live (it dies by itself at once): the next standby waits. */
                quick_deaths = !killed && now() - active.started < 1.0 ? quick_deaths + 1 : 0;
                if (quick_deaths > 3)
                        standby_at = now() + (quick_deaths > 20 ? 2.0 : quick_deaths * 0.1);
                proc_close(&active);
                if (standby.pid && write(standby.go, killed ? "k" : "c", 1) == 1) {
                        close(standby.go);
                        standby.go = -1;
                        standby.started = now();
                        active = standby;
                        standby = NO_PROC;
                        continue;
                }
                stop(&standby, SIGKILL);
                while (start_worker(s, exe, false, killed, &active) < 0) {
                        if (connection_gone(s->fuse_fd))
                                return 0;
                        usleep(100000);
                }
        }
}

int supervisor_notify(const char *state, const int *fds, int n)
{
        const char *path = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * 4)];
        } control = { 0 };
        struct iovec iov = { .iov_base = (void *)state, .iov_len = strlen(state) };
        struct msghdr mh = { .msg_name = &sa, .msg_iov = &iov, .msg_iovlen = 1 };
        _cleanup_close_ int fd = -1;
        size_t len;

        if (!path || !*path)
                return 0;
        len = strlen(path);
        if (len >= sizeof(sa.sun_path) || (path[0] != '/' && path[0] != '@') || n > 4)
                return -EINVAL;
        memcpy(sa.sun_path, path, len);
        if (sa.sun_path[0] == '@')
                sa.sun_path[0] = 0;
        mh.msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
        if (n > 0) {
                mh.msg_control = control.buf;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
                control.h.cmsg_level = SOL_SOCKET;
                control.h.cmsg_type = SCM_RIGHTS;
                control.h.cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
                memcpy(CMSG_DATA(&control.h), fds, sizeof(int) * (size_t)n);
        }
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
                return NEG_ERRNO();
        return 0;
}

struct watch {
        const char *exe;
        char **argv;
        int fuse_fd, state_fd;
        bool foreground;
};

static pid_t current_supervisor;

pid_t supervisor_pid(void)
{
        return __atomic_load_n(&current_supervisor, __ATOMIC_RELAXED);
}

static void *watch_parent(void *arg)
{
        struct watch *w = arg;
        char value[96];
        pid_t sup = getppid();
        int pidfd = pidfd_open(sup);

        __atomic_store_n(&current_supervisor, sup, __ATOMIC_RELAXED);
        for (;;) {
                if (pidfd < 0) {
                        log_err("cannot watch the supervisor %d: %s; a crash of this worker will end the mount",
                                (int)sup, strerror(-pidfd));
                        return NULL;
                }
                /* Reparented to init already: the supervisor died before this thread began. */
                if (sup != 1 && !wait_gone(pidfd, -1))
                        continue;
                close(pidfd);
                snprintf(value, sizeof(value), "%d,%d,%d,%d", w->fuse_fd, w->state_fd, (int)w->foreground,
                         (int)getpid());
                sup = start(w->exe, w->argv, SUPERVISOR_ADOPT_ENV, value, (const int[]){ w->fuse_fd, w->state_fd }, 2,
                            true);
                log_warn("the supervisor died: supervisor %d takes over", (int)sup);
                __atomic_store_n(&current_supervisor, sup, __ATOMIC_RELAXED);
                pidfd = sup < 0 ? sup : pidfd_open(sup);
        }
}

int supervisor_watch_parent(const char *exe, char **argv, int fuse_fd, int state_fd, bool foreground)
{
        static struct watch w;
        pthread_attr_t attr;
        pthread_t t;
        sigset_t all, old;
        int r;

        w = (struct watch){ exe, argv, fuse_fd, state_fd, foreground };
        /* Signals are the FUSE threads' business. */
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        r = -pthread_create(&t, &attr, watch_parent, &w);
        pthread_attr_destroy(&attr);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return r;
}
