/* SPDX-License-Identifier: MIT */
/* cgview: mount a friendlier view of the cgroup v2 hierarchy. */
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caller.h"
#include "cgroupfs.h"
#include "fdquota.h"
#include "grants.h"
#include "log.h"
#include "node.h"
#include "ops.h"
#include "pidns.h"
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
        int host_only;
};

#define OPT(t, p) { t, offsetof(struct options, p), 1 }
static const struct fuse_opt option_spec[] = {
        OPT("cgroup_root=%s", cgroup_root),
        OPT("policy=%s", policy),
        OPT("visibility=%s", visibility),
        OPT("max_files_per_uid=%u", max_files_per_uid),
        OPT("host_only", host_only),
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
               "    -o host_only           serve callers in the daemon's cgroup and PID namespaces\n"
               "                           only (others: EACCES); with visibility=all the top's\n"
               "                           entries are cached too: a warm cat is one request, and\n"
               "                           changes on cgroupfs reach cached entries and attributes\n"
               "                           within microseconds instead of at the next access\n\n"
               "FUSE options:\n",
               prog, MAX_FILES_PER_UID);
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

int main(int argc, char *argv[])
{
        struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
        struct fuse_cmdline_opts cmd = { 0 };
        struct options o = { .max_files_per_uid = MAX_FILES_PER_UID };
        struct fuse_loop_config *loop = NULL;
        struct fuse_session *se = NULL;
        char root[PATH_MAX];
        int ret = 1, r;

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
        if (o.visibility && strcmp(o.visibility, "delegated") && strcmp(o.visibility, "all")) {
                fprintf(stderr, "cgview: visibility=%s: must be \"delegated\" or \"all\"\n", o.visibility);
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
        if (node_init() < 0)
                goto out_args;
        fdquota_set(o.max_files_per_uid);
        raise_nofile(o.max_files_per_uid);

        /* The mount serves every user: allow_other when we can. */
        if ((geteuid() == 0 && add_arg(&args, "-oallow_other") < 0) ||
            add_arg(&args, "-ofsname=cgview") < 0 || add_arg(&args, "-osubtype=cgview") < 0)
                goto out_args;

        se = fuse_session_new(&args, &cgview_ops, sizeof(cgview_ops), NULL);
        if (!se)
                goto out_args;
        ops_set_session(se);
        if (fuse_set_signal_handlers(se) != 0)
                goto out_session;
        /* SIGHUP reloads the grants instead of ending the session. */
        sigaction(SIGHUP, &(struct sigaction){ .sa_handler = on_sighup }, NULL);
        if (fuse_session_mount(se, o.mountpoint) != 0)
                goto out_signals;
        if (fuse_daemonize(cmd.foreground) != 0)
                goto out_unmount;
        if (!cmd.foreground)
                log_to_syslog();
        log_info("serving %s (cgroup %s) at %s", root, cgroupfs_root_cgroup(), o.mountpoint);
        /* After the fork: the thread must live in the daemon. */
        if ((r = visibility_start()) < 0) {
                log_err("cannot start the cgroupfs watcher: %s", strerror(-r));
                goto out_unmount;
        }
        if (o.host_only && (r = ops_set_host_only(o.visibility && !strcmp(o.visibility, "all"))) < 0) {
                log_err("cannot start the thread that drops the top's entries: %s", strerror(-r));
                goto out_unmount;
        }

        if (cmd.singlethread) {
                ret = fuse_session_loop(se) != 0;
        } else {
                loop = fuse_loop_cfg_create();
                if (!loop)
                        goto out_unmount;
                fuse_loop_cfg_set_clone_fd(loop, cmd.clone_fd);
                fuse_loop_cfg_set_max_threads(loop, cmd.max_threads);
                if (cmd.max_idle_threads != UINT_MAX) /* UINT_MAX: not given */
                        fuse_loop_cfg_set_idle_threads(loop, cmd.max_idle_threads);
                ret = fuse_session_loop_mt(se, loop) != 0;
                fuse_loop_cfg_destroy(loop);
        }

out_unmount:
        fuse_session_unmount(se);
out_signals:
        fuse_remove_signal_handlers(se);
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
