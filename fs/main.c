/* SPDX-License-Identifier: MIT */
/* cgview: mount a friendlier view of the cgroup v2 hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cache.h"
#include "caller.h"
#include "cgroupfs.h"
#include "fdquota.h"
#include "grants.h"
#include "handles.h"
#include "log.h"
#include "node.h"
#include "ops.h"
#include "pidns.h"
#include "supervisor.h"
#include "takeover.h"
#include "visibility.h"

#define MAX_THREADS "16"
#define MAX_FILES_PER_UID 1024

struct options {
        char *cgroup_root;
        char *policy;
        char *visibility;
        char *source;     /* mount.fuse passes "cgview /cg": the first word is the source */
        char *mountpoint;
        int nonopts;
        unsigned max_files_per_uid;
        unsigned log_rejects;
        int host_only;
        int fdstore;
};

#define OPT(t, p) { t, offsetof(struct options, p), 1 }
static const struct fuse_opt option_spec[] = {
        OPT("cgroup_root=%s", cgroup_root),
        OPT("policy=%s", policy),
        OPT("visibility=%s", visibility),
        OPT("max_files_per_uid=%u", max_files_per_uid),
        OPT("log_rejects=%u", log_rejects),
        OPT("host_only", host_only),
        OPT("fdstore", fdstore),
        FUSE_OPT_END,
};

static int option_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
        struct options *o = data;

        if (key != FUSE_OPT_KEY_NONOPT)
                return 1;
        switch (o->nonopts++) {
        case 0:
                o->mountpoint = strdup(arg);
                return 0;
        case 1:
                o->source = o->mountpoint;
                o->mountpoint = strdup(arg);
                return 0;
        default:
                fprintf(stderr, "cgview: too many arguments: %s\n", arg);
                return -1;
        }
}

static void on_sighup(int sig)
{
        grants_reload_soon();
}

static void usage(const char *prog)
{
        printf("usage: %s [options] MOUNTPOINT\n\n"
               "Mount a friendlier view of the cgroup v2 hierarchy: every cgroup a directory,\n"
               "kernel files passed through, mem.* aliases, limits/ and stats/ in human units.\n\n"
               "cgview options:\n"
               "    -o cgroup_root=PATH    the cgroup2 mount to serve (default: the first cgroup2\n"
               "                           mount in /proc/self/mountinfo)\n"
               "    -o visibility=delegated|all\n"
               "                           what non-root callers see (default: delegated)\n"
               "    -o policy=FILE         grants without chown (see README); SIGHUP reloads it\n"
               "    -o max_files_per_uid=N files and directories one non-root uid may hold open;\n"
               "                           beyond, its opens fail with EMFILE (default %u, 0: no bound)\n"
               "    -o log_rejects=N       log at most N rejected writes every 10 s, then one line\n"
               "                           with the count of those not logged (default %u, 0: all)\n"
               "    -o host_only           serve callers in the daemon's cgroup and PID namespaces\n"
               "                           only (others: EACCES); with visibility=all the top's\n"
               "                           entries are cached too: a warm cat is one request, and\n"
               "                           changes on cgroupfs reach cached entries and attributes\n"
               "                           within microseconds instead of at the next access\n"
               "    -o fdstore             keep the FUSE connection in systemd's file descriptor\n"
               "                           store: a stop or crash of the whole service keeps the\n"
               "                           mount for the next start (see cgview.service)\n\n"
               "A supervisor holds the connection and restarts a worker that dies; kill -USR2 on\n"
               "the supervisor, or %s --upgrade MOUNTPOINT, starts the binary now installed in\n"
               "its place (README, \"Takeover\").\n\n"
               "FUSE options:\n",
               prog, MAX_FILES_PER_UID, LOG_LIMITED_BURST, prog);
}

/*
 * Every open file through the view holds a descriptor of the daemon's: take
 * all the hard limit allows, and say what the bound per uid leaves for the rest.
 */
static void raise_nofile(unsigned per_uid)
{
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return;
        if (rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                        log_warn("cannot raise the open file limit to %llu: %m", (unsigned long long)rl.rlim_max);
        }
        getrlimit(RLIMIT_NOFILE, &rl);
        /* A file may hold two descriptors (limits/cpu: cpu.max and cpu.idle). */
        if (per_uid == 0 || (rl.rlim_cur != RLIM_INFINITY && 4ull * per_uid > rl.rlim_cur))
                log_warn("open file limit %llu: max_files_per_uid=%u lets a few users use up every descriptor",
                         (unsigned long long)rl.rlim_cur, per_uid);
}

static int add_arg(struct fuse_args *args, const char *arg)
{
        if (fuse_opt_add_arg(args, arg) != 0) {
                fprintf(stderr, "cgview: out of memory\n");
                return -ENOMEM;
        }
        return 0;
}


/* The path this binary was started from, to start workers (and upgrades) from. */
static int own_path(char *buf, size_t n)
{
        ssize_t len = readlink("/proc/self/exe", buf, n - 1);
        const char *deleted = " (deleted)";

        if (len < 0)
                return -errno;
        buf[len] = 0;
        if ((size_t)len > strlen(deleted) && !strcmp(buf + len - strlen(deleted), deleted))
                buf[len - strlen(deleted)] = 0;
        return 0;
}

/* The connection and the takeover state, if systemd kept them for this start (sd_listen_fds with names). */
static bool stored_fds(int *fuse_fd, int *state_fd)
{
        const char *pid = getenv("LISTEN_PID"), *count = getenv("LISTEN_FDS"), *names = getenv("LISTEN_FDNAMES");
        int n, i = 0;

        *fuse_fd = *state_fd = -1;
        if (!pid || atoi(pid) != getpid() || !count || !names)
                return false;
        n = atoi(count);
        for (const char *p = names; *p && i < n; i++) {
                size_t len = strcspn(p, ":");

                if (len == 4 && !strncmp(p, "fuse", 4))
                        *fuse_fd = 3 + i;
                else if (len == 8 && !strncmp(p, "takeover", 8))
                        *state_fd = 3 + i;
                p += len + (p[len] == ':');
        }
        for (i = 0; i < n; i++)
                fcntl(3 + i, F_SETFD, FD_CLOEXEC);
        if (*fuse_fd < 0 || *state_fd < 0)
                return false;
        /* A connection that ended while stored (an unmount) is of no use: mount anew. */
        struct pollfd pfd = { .fd = *fuse_fd };

        if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLERR | POLLNVAL))) {
                close(*fuse_fd);
                close(*state_fd);
                return false;
        }
        return true;
}

static struct fuse_session *mounted;
static const char *mountpoint;

static void unmount(void)
{
        if (mounted)
                fuse_session_unmount(mounted);
        else if (umount2(mountpoint, MNT_DETACH) < 0)
                log_err("cannot unmount %s: %m", mountpoint);
}

/* The worker: serve the connection fuse_fd until it ends, taking over from a worker before if there was one. */
static int worker_main(struct fuse_args *args, struct fuse_cmdline_opts *cmd, const struct options *o,
                       const char *env, char **argv, const char *exe)
{
        static const struct fuse_custom_io io = { .read = takeover_read, .writev = takeover_writev };
        struct fuse_loop_config *loop = NULL;
        struct fuse_session *se;
        int fuse_fd, state_fd, foreground, killed, go, ready, r, ret = 1;

        if (sscanf(env, "%d,%d,%d,%d,%d,%d", &fuse_fd, &state_fd, &foreground, &killed, &go, &ready) != 6)
                return 1;
        unsetenv(SUPERVISOR_WORKER_ENV);
        fcntl(fuse_fd, F_SETFD, FD_CLOEXEC);
        fcntl(state_fd, F_SETFD, FD_CLOEXEC);
        if (!foreground)
                log_to_syslog();
        if ((r = takeover_check(state_fd)) < 0) {
                log_err("cannot use the takeover state: %s", strerror(-r));
                return SUPERVISOR_EXIT_INCOMPATIBLE;
        }
        if (node_init() < 0)
                return 1;
        se = fuse_session_new(args, &cgview_ops, sizeof(cgview_ops), NULL);
        if (!se)
                return 1;
        if (fuse_session_custom_io(se, &io, fuse_fd) != 0)
                goto out;
        ops_set_session(se);
        if (go >= 0) {
                /* Standing by: ready; the supervisor's word ('k': the worker before was killed) or its end. */
                char c;

                fcntl(go, F_SETFD, FD_CLOEXEC);
                fcntl(ready, F_SETFD, FD_CLOEXEC);
                if (write(ready, "r", 1) != 1)
                        goto out;
                close(ready);
                while ((r = (int)read(go, &c, 1)) < 0 && errno == EINTR)
                        ;
                close(go);
                if (r != 1) {
                        ret = 0;
                        goto out;
                }
                killed = c == 'k';
                grants_reload_soon(); /* the policy file may have changed while it stood by */
        }
        if ((r = takeover_attach(state_fd, killed)) < 0) {
                log_err("cannot map the takeover state: %s", strerror(-r));
                ret = SUPERVISOR_EXIT_INCOMPATIBLE;
                goto out;
        }
        cache_share_counts(takeover_slot_counts());
        handles_set_generation(takeover_generation());
        if (fuse_set_signal_handlers(se) != 0)
                goto out;
        /* SIGHUP reloads the grants instead of ending the session. */
        sigaction(SIGHUP, &(struct sigaction){ .sa_handler = on_sighup }, NULL);
        if ((r = supervisor_watch_parent(exe, argv, fuse_fd, state_fd, foreground)) < 0)
                log_err("cannot watch the supervisor: %s", strerror(-r));
        if ((r = visibility_start()) < 0) {
                log_err("cannot start the cgroupfs watcher: %s", strerror(-r));
                goto out_signals;
        }
        if (o->host_only && (r = ops_set_host_only(o->visibility && !strcmp(o->visibility, "all"))) < 0) {
                log_err("cannot start the thread that drops the top's entries: %s", strerror(-r));
                goto out_signals;
        }
        if (takeover_generation() > 1)
                log_info("worker %d took over the mount (worker %u on this connection)", (int)getpid(),
                         takeover_generation());

        if (cmd->singlethread) {
                ret = fuse_session_loop(se) != 0;
        } else {
                /* Every request in flight holds a journal slot (takeover.h). */
                if (cmd->max_threads > TAKEOVER_JOURNAL_SLOTS / 2) {
                        log_warn("max_threads=%u: at most %d with takeover", cmd->max_threads,
                                 TAKEOVER_JOURNAL_SLOTS / 2);
                        cmd->max_threads = TAKEOVER_JOURNAL_SLOTS / 2;
                }
                loop = fuse_loop_cfg_create();
                if (!loop)
                        goto out_signals;
                fuse_loop_cfg_set_clone_fd(loop, 0); /* a clone is a new device fd no other worker could read */
                fuse_loop_cfg_set_max_threads(loop, cmd->max_threads);
                if (cmd->max_idle_threads != UINT_MAX) /* UINT_MAX: not given */
                        fuse_loop_cfg_set_idle_threads(loop, cmd->max_idle_threads);
                ret = fuse_session_loop_mt(se, loop) != 0;
                fuse_loop_cfg_destroy(loop);
        }
out_signals:
        fuse_remove_signal_handlers(se);
out:
        ops_stop();
        fuse_session_destroy(se);
        return ret;
}

/* A supervisor a worker started when its own died: watch that worker, as the first supervisor did. */
static int adopt_main(const struct options *o, const char *env, char **argv, const char *exe)
{
        struct supervisor sup = { .argv = argv, .exe = exe, .unmount = unmount };
        int fg, worker;

        if (sscanf(env, "%d,%d,%d,%d", &sup.fuse_fd, &sup.state_fd, &fg, &worker) != 4)
                return 1;
        unsetenv(SUPERVISOR_ADOPT_ENV);
        fcntl(sup.fuse_fd, F_SETFD, FD_CLOEXEC);
        fcntl(sup.state_fd, F_SETFD, FD_CLOEXEC);
        sup.foreground = fg;
        sup.worker = worker;
        sup.fdstore = o->fdstore;
        if (!fg)
                log_to_syslog();
        log_info("supervising worker %d of %s", worker, mountpoint);
        return supervise(&sup);
}

/* cgview --upgrade MOUNTPOINT: ask the supervisor of that mount to start the binary now installed. */
static int upgrade(const char *path)
{
        char buf[32];
        ssize_t n = getxattr(path, SUPERVISOR_XATTR, buf, sizeof(buf) - 1);
        int pid;

        if (n < 0) {
                fprintf(stderr, "cgview: %s: not a cgview mount, or not as root: %m\n", path);
                return 1;
        }
        buf[n] = 0;
        pid = atoi(buf);
        if (pid <= 1 || kill(pid, SIGUSR2) < 0) {
                fprintf(stderr, "cgview: cannot signal the supervisor (pid %d): %m\n", pid);
                return 1;
        }
        printf("cgview: supervisor %d starts the installed binary as the worker of %s\n", pid, path);
        return 0;
}

int main(int argc, char *argv[])
{
        struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
        struct fuse_cmdline_opts cmd = { 0 };
        struct options o = { .max_files_per_uid = MAX_FILES_PER_UID, .log_rejects = LOG_LIMITED_BURST };
        struct supervisor sup = { .argv = argv, .unmount = unmount };
        const char *worker_env = getenv(SUPERVISOR_WORKER_ENV), *adopt_env = getenv(SUPERVISOR_ADOPT_ENV);
        struct fuse_session *se = NULL;
        char root[PATH_MAX], exe[PATH_MAX];
        int ret = 1, r;

        if (argc == 3 && !strcmp(argv[1], "--upgrade"))
                return upgrade(argv[2]);
        if (own_path(exe, sizeof(exe)) < 0) {
                fprintf(stderr, "cgview: cannot read /proc/self/exe: %m\n");
                return 1;
        }
        sup.exe = exe;
        if (fuse_opt_parse(&args, &o, option_spec, option_proc) != 0)
                goto out_args;
        /* Threads stay bounded unless the command line says otherwise. */
        if (fuse_opt_insert_arg(&args, 1, "-omax_threads=" MAX_THREADS) != 0)
                goto out_args;
        if (fuse_parse_cmdline(&args, &cmd) != 0)
                goto out_args;
        if (cmd.show_help) {
                usage(argv[0]);
                fuse_cmdline_help();
                fuse_lowlevel_help();
                ret = 0;
                goto out_args;
        }
        if (cmd.show_version) {
                printf("cgview %s (libfuse %s)\n", CGVIEW_VERSION, fuse_pkgversion());
                ret = 0;
                goto out_args;
        }
        if (!o.mountpoint) {
                fprintf(stderr, "usage: %s [options] MOUNTPOINT (see --help)\n", argv[0]);
                goto out_args;
        }
        mountpoint = o.mountpoint;
        if (o.visibility && strcmp(o.visibility, "delegated") && strcmp(o.visibility, "all")) {
                fprintf(stderr, "cgview: visibility=%s: must be \"delegated\" or \"all\"\n", o.visibility);
                goto out_args;
        }
        if (adopt_env) {
                ret = adopt_main(&o, adopt_env, argv, exe);
                goto out_args;
        }

        if (o.cgroup_root) {
                if (snprintf(root, sizeof(root), "%s", o.cgroup_root) >= (int)sizeof(root)) {
                        fprintf(stderr, "cgview: cgroup_root: longer than %zu bytes\n", sizeof(root) - 1);
                        goto out_args;
                }
        } else if ((r = cgroupfs_find_mount(root, sizeof(root))) < 0) {
                fprintf(stderr, "cgview: no cgroup2 mount in /proc/self/mountinfo; mount one or give -o cgroup_root=PATH\n");
                goto out_args;
        }
        r = cgroupfs_init(root);
        if (r == -EMEDIUMTYPE) {
                fprintf(stderr, "cgview: %s is not a cgroup2 file system (a cgroup v1 or other mount?)\n", root);
                goto out_args;
        } else if (r < 0) {
                fprintf(stderr, "cgview: cannot open %s: %s\n", root, strerror(-r));
                goto out_args;
        }
        if ((r = caller_init()) < 0) {
                fprintf(stderr, "cgview: cannot open /proc/self/ns/cgroup: %s\n", strerror(-r));
                goto out_args;
        }
        if ((r = pidns_init()) < 0) {
                fprintf(stderr, "cgview: cannot stat /proc/self/ns/pid: %s\n", strerror(-r));
                goto out_args;
        }
        visibility_set_all(o.visibility && !strcmp(o.visibility, "all"));
        if (grants_load(o.policy) < 0) {
                fprintf(stderr, "cgview: policy=%s: not loaded, see above\n", o.policy);
                goto out_args;
        }
        fdquota_set(o.max_files_per_uid);
        log_set_limit(o.log_rejects);
        raise_nofile(o.max_files_per_uid);

        /* The mount serves every user: allow_other when we can. */
        if ((geteuid() == 0 && add_arg(&args, "-oallow_other") < 0) ||
            add_arg(&args, "-ofsname=cgview") < 0 || add_arg(&args, "-osubtype=cgview") < 0)
                goto out_args;

        if (worker_env) {
                ret = worker_main(&args, &cmd, &o, worker_env, argv, exe);
                goto out_args;
        }

        /* The supervisor: the connection (mounted now, or kept by systemd), then a worker to serve it. */
        if (!stored_fds(&sup.fuse_fd, &sup.state_fd)) {
                se = fuse_session_new(&args, &cgview_ops, sizeof(cgview_ops), NULL);
                if (!se)
                        goto out_args;
                if (fuse_session_mount(se, o.mountpoint) != 0)
                        goto out_session;
                mounted = se;
                sup.fuse_fd = fuse_session_fd(se);
                sup.state_fd = takeover_create();
                if (sup.state_fd < 0) {
                        fprintf(stderr, "cgview: cannot create the takeover state: %s\n", strerror(-sup.state_fd));
                        goto out_unmount;
                }
                if (o.fdstore && (supervisor_notify("FDSTORE=1\nFDNAME=fuse", &sup.fuse_fd, 1) < 0 ||
                                  supervisor_notify("FDSTORE=1\nFDNAME=takeover", &sup.state_fd, 1) < 0))
                        fprintf(stderr, "cgview: fdstore: cannot pass the connection to systemd: %m\n");
        }
        if (fuse_daemonize(cmd.foreground) != 0)
                goto out_unmount;
        if (!cmd.foreground)
                log_to_syslog();
        log_info("serving %s (cgroup %s) at %s", root, cgroupfs_root_cgroup(), o.mountpoint);
        sup.foreground = cmd.foreground;
        sup.fdstore = o.fdstore;
        supervisor_notify("READY=1", NULL, 0);
        ret = supervise(&sup);
        /*
         * With the fd store the mount stays for the next start: the session is
         * left as it is. Else it is unmounted now, if supervise() has not (the
         * mount was gone already: libfuse only frees what it kept of it).
         */
        if (se && !o.fdstore)
                goto out_unmount;
        goto out_args;

out_unmount:
        fuse_session_unmount(se);
out_session:
        fuse_session_destroy(se);
out_args:
        free(cmd.mountpoint);
        free(o.cgroup_root);
        free(o.policy);
        free(o.visibility);
        free(o.source);
        free(o.mountpoint);
        fuse_opt_free_args(&args);
        return ret;
}
