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

/* Start exe as a process with env set to value; in the child, only what is safe after fork in a threaded process. */
static pid_t start(const char *exe, char **argv, const char *env, const char *value, int fuse_fd, int state_fd,
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
        if (keep_across_exec(fuse_fd) < 0 || keep_across_exec(state_fd) < 0)
                _exit(127);
        setenv(env, value, 1);
        execv(exe, argv);
        /* The path holds nothing runnable now: the binary this process runs, whatever it was replaced by. */
        execv("/proc/self/exe", argv);
        _exit(127);
}

/* killed: the worker before was killed from outside (SIGKILL), no fault of the requests it held. */
static pid_t start_worker(const struct supervisor *s, const char *exe, bool killed)
{
        char value[64];
        pid_t pid;

        snprintf(value, sizeof(value), "%d,%d,%d,%d", s->fuse_fd, s->state_fd, (int)s->foreground, (int)killed);
        /* Not the worker's business: what systemd handed the supervisor. */
        unsetenv("NOTIFY_SOCKET");
        unsetenv("LISTEN_FDS");
        unsetenv("LISTEN_PID");
        unsetenv("LISTEN_FDNAMES");
        unsetenv(SUPERVISOR_ADOPT_ENV);
        pid = start(exe, s->argv, SUPERVISOR_WORKER_ENV, value, s->fuse_fd, s->state_fd, false);
        if (pid < 0)
                log_err("cannot start a worker: %s", strerror(-pid));
        return pid;
}

/* Is the connection gone (unmounted, aborted)? The kernel says so by POLLERR on /dev/fuse. */
static bool connection_gone(int fuse_fd)
{
        struct pollfd p = { .fd = fuse_fd };

        return poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLNVAL));
}

static double now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

int supervise(struct supervisor *s)
{
        const char *exe = s->exe;
        _cleanup_close_ int sfd = -1;
        int pidfd = -1, status = 0;
        bool status_known = false, upgrading = false, killed;
        unsigned quick_deaths = 0;
        double started = now();
        sigset_t set;
        pid_t pid;

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
        pid = s->worker ? s->worker : start_worker(s, exe, false);
        if (pid < 0 || (pidfd = pidfd_open(pid)) < 0) {
                log_err("cannot watch worker %d", (int)pid);
                return 1;
        }

        for (;;) {
                struct pollfd p[2] = { { .fd = sfd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
                struct signalfd_siginfo si;

                if (poll(p, 2, -1) < 0 && errno != EINTR) {
                        log_err("poll: %m");
                        return 1;
                }
                if ((p[0].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si)) {
                        switch (si.ssi_signo) {
                        case SIGTERM:
                        case SIGINT:
                                /* The worker first, so that it never sees its supervisor gone and starts another. */
                                if (!s->fdstore)
                                        s->unmount();
                                kill(pid, s->fdstore ? SIGKILL : SIGTERM);
                                if (!wait_gone(pidfd, 2000))
                                        kill(pid, SIGKILL);
                                wait_gone(pidfd, 2000);
                                waitpid(pid, NULL, WNOHANG);
                                log_info("stopped by signal %d%s", (int)si.ssi_signo,
                                         s->fdstore ? ": the connection waits in the fd store" : "");
                                return 0;
                        case SIGHUP:
                                kill(pid, SIGHUP);
                                break;
                        case SIGUSR2:
                                if (access(s->exe, X_OK) < 0) {
                                        log_err("upgrade: %s: %m; worker %d serves on", s->exe, (int)pid);
                                        break;
                                }
                                log_info("upgrade: %s takes over from worker %d", s->exe, (int)pid);
                                exe = s->exe;
                                upgrading = true;
                                kill(pid, SIGKILL);
                                break;
                        case SIGCHLD: {
                                int st;

                                for (pid_t c; (c = waitpid(-1, &st, WNOHANG)) > 0;)
                                        if (c == pid) {
                                                status = st;
                                                status_known = true;
                                        }
                                break;
                        }
                        }
                }
                if (!(p[1].revents & POLLIN))
                        continue;

                /* The worker is gone. */
                if (waitpid(pid, &status, WNOHANG) == pid)
                        status_known = true;
                close(pidfd);
                pidfd = -1;
                if (connection_gone(s->fuse_fd)) {
                        log_info("the mount is gone: stopping");
                        return 0;
                }
                if (status_known && WIFEXITED(status) && WEXITSTATUS(status) == SUPERVISOR_EXIT_INCOMPATIBLE) {
                        log_err("worker %d cannot take over this connection: starting the binary running before",
                                (int)pid);
                        exe = "/proc/self/exe";
                } else if (!upgrading) {
                        char what[64];

                        describe(status, status_known, what, sizeof(what));
                        log_warn("worker %d %s: another takes over", (int)pid, what);
                }
                upgrading = false;
                /*
                 * A worker that cannot live (it exits or crashes at once): slow down,
                 * never give up while the mount is there. A kill from outside is no
                 * reason to wait: the next one starts at once.
                 */
                killed = status_known && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
                quick_deaths = !killed && now() - started < 1.0 ? quick_deaths + 1 : 0;
                if (quick_deaths > 3)
                        usleep(quick_deaths > 20 ? 2000000 : quick_deaths * 100000);
                started = now();
                status_known = false;
                while ((pid = start_worker(s, exe, killed)) < 0 || (pidfd = pidfd_open(pid)) < 0) {
                        if (pid > 0)
                                kill(pid, SIGKILL);
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
                if (!wait_gone(pidfd, -1))
                        continue;
                close(pidfd);
                snprintf(value, sizeof(value), "%d,%d,%d,%d", w->fuse_fd, w->state_fd, (int)w->foreground,
                         (int)getpid());
                sup = start(w->exe, w->argv, SUPERVISOR_ADOPT_ENV, value, w->fuse_fd, w->state_fd, true);
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
