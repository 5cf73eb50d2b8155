/* SPDX-License-Identifier: MIT */
/*
 * floor: the smallest FUSE servers a `cat` through cgview is measured
 * against (SPEC 6.1, issue 8). One low-level server serving one constant
 * 8-byte file, in one of four modes that differ only in how many requests
 * the kernel must send for an open, read to EOF, close:
 *
 *   direct  /file opened with direct I/O, entry and attributes valid 1 s
 *           (libfuse's hello_ll with direct_io): OPEN, READ, READ, FLUSH
 *           per cat, a LOOKUP about once a second.
 *   open1   /file cached for a day, opened with keep_cache and noflush:
 *           the OPEN alone.
 *   open2   /d/file: d has entry timeout 0, so every path walk revalidates
 *           it, the file below is cached as in open1: LOOKUP, OPEN.
 *   none    /file cached, OPEN answered ENOSYS where the kernel offers
 *           FUSE_CAP_NO_OPEN_SUPPORT, FLUSH answered ENOSYS: no request at
 *           all once the page cache holds the file.
 *
 * Every request is counted; `getfattr --only-values -n
 * trusted.cgview.requests MOUNTPOINT` (root) prints the counts as cgview
 * does: "NAME COUNT" lines, NAME the lowercase FUSE operation.
 *
 * usage: floor -o mode=direct|open1|open2|none [-f] [-s] [FUSE options] MOUNTPOINT
 */
#define FUSE_USE_VERSION FUSE_MAKE_VERSION(3, 12)

#include <errno.h>
#include <fuse_lowlevel.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COUNTERS_XATTR "trusted.cgview.requests"
#define CONTENT "floor42\n"
#define CONTENT_LEN 8
#define LONG_TIMEOUT 86400.0

enum { INO_ROOT = 1, INO_FILE = 2, INO_DIR = 3, INO_SUBFILE = 4 };
enum mode { MODE_DIRECT, MODE_OPEN1, MODE_OPEN2, MODE_NONE };

enum op {
        OP_LOOKUP, OP_FORGET, OP_BATCH_FORGET, OP_GETATTR, OP_ACCESS, OP_OPEN, OP_READ, OP_FLUSH,
        OP_RELEASE, OP_OPENDIR, OP_READDIR, OP_RELEASEDIR, OP_GETXATTR, OP_LISTXATTR, OP_STATFS,
        OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
        [OP_LOOKUP] = "lookup", [OP_FORGET] = "forget", [OP_BATCH_FORGET] = "batch_forget",
        [OP_GETATTR] = "getattr", [OP_ACCESS] = "access", [OP_OPEN] = "open", [OP_READ] = "read",
        [OP_FLUSH] = "flush", [OP_RELEASE] = "release", [OP_OPENDIR] = "opendir",
        [OP_READDIR] = "readdir", [OP_RELEASEDIR] = "releasedir", [OP_GETXATTR] = "getxattr",
        [OP_LISTXATTR] = "listxattr", [OP_STATFS] = "statfs",
};

static atomic_ulong counts[OP_COUNT];
static enum mode mode;
static int no_open; /* the kernel takes ENOSYS from OPEN as "no opens needed" */

static void count(enum op op)
{
        atomic_fetch_add_explicit(&counts[op], 1, memory_order_relaxed);
}

/* Seconds the kernel may keep a name or attributes of ino. */
static double entry_timeout(fuse_ino_t ino)
{
        if (ino == INO_DIR)
                return 0;
        return mode == MODE_DIRECT ? 1.0 : LONG_TIMEOUT;
}

static double attr_timeout(fuse_ino_t ino)
{
        return mode == MODE_DIRECT ? 1.0 : LONG_TIMEOUT;
}

static int fill_stat(fuse_ino_t ino, struct stat *st)
{
        memset(st, 0, sizeof(*st));
        st->st_ino = ino;
        switch (ino) {
        case INO_ROOT:
        case INO_DIR:
                st->st_mode = S_IFDIR | 0755;
                st->st_nlink = 2;
                return 0;
        case INO_FILE:
                if (mode == MODE_OPEN2)
                        return -1;
                break;
        case INO_SUBFILE:
                if (mode != MODE_OPEN2)
                        return -1;
                break;
        default:
                return -1;
        }
        st->st_mode = S_IFREG | 0444;
        st->st_nlink = 1;
        st->st_size = CONTENT_LEN;
        return 0;
}

static fuse_ino_t child_of(fuse_ino_t parent, const char *name)
{
        if (parent == INO_ROOT && mode == MODE_OPEN2 && strcmp(name, "d") == 0)
                return INO_DIR;
        if (parent == INO_ROOT && mode != MODE_OPEN2 && strcmp(name, "file") == 0)
                return INO_FILE;
        if (parent == INO_DIR && mode == MODE_OPEN2 && strcmp(name, "file") == 0)
                return INO_SUBFILE;
        return 0;
}

static void fl_init(void *userdata, struct fuse_conn_info *conn)
{
        no_open = (conn->capable & FUSE_CAP_NO_OPEN_SUPPORT) != 0;
        if (mode == MODE_NONE && !no_open)
                fprintf(stderr, "floor: the kernel lacks FUSE_CAP_NO_OPEN_SUPPORT; mode none sends OPEN\n");
}

static void fl_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
        struct fuse_entry_param e;
        fuse_ino_t ino;

        count(OP_LOOKUP);
        ino = child_of(parent, name);
        memset(&e, 0, sizeof(e));
        if (!ino || fill_stat(ino, &e.attr) < 0) {
                fuse_reply_err(req, ENOENT);
                return;
        }
        e.ino = ino;
        e.entry_timeout = entry_timeout(ino);
        e.attr_timeout = attr_timeout(ino);
        fuse_reply_entry(req, &e);
}

static void fl_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
        count(OP_FORGET);
        fuse_reply_none(req);
}

static void fl_forget_multi(fuse_req_t req, size_t n, struct fuse_forget_data *forgets)
{
        count(OP_BATCH_FORGET);
        fuse_reply_none(req);
}

static void fl_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        struct stat st;

        count(OP_GETATTR);
        if (fill_stat(ino, &st) < 0)
                fuse_reply_err(req, ENOENT);
        else
                fuse_reply_attr(req, &st, attr_timeout(ino));
}

static void fl_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
        count(OP_ACCESS);
        fuse_reply_err(req, (mask & W_OK) && ino != INO_ROOT && ino != INO_DIR ? EACCES : 0);
}

static void fl_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        count(OP_OPEN);
        if (ino == INO_ROOT || ino == INO_DIR) {
                fuse_reply_err(req, EISDIR);
                return;
        }
        if ((fi->flags & O_ACCMODE) != O_RDONLY) {
                fuse_reply_err(req, EACCES);
                return;
        }
        if (mode == MODE_NONE && no_open) {
                fuse_reply_err(req, ENOSYS);
                return;
        }
        if (mode == MODE_DIRECT) {
                fi->direct_io = 1;
        } else {
                fi->keep_cache = 1;
                fi->noflush = 1;
        }
        fuse_reply_open(req, fi);
}

static void fl_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
        count(OP_READ);
        if (off >= CONTENT_LEN) {
                fuse_reply_buf(req, NULL, 0);
                return;
        }
        if (size > (size_t)(CONTENT_LEN - off))
                size = (size_t)(CONTENT_LEN - off);
        fuse_reply_buf(req, CONTENT + off, size);
}

static void fl_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        count(OP_FLUSH);
        fuse_reply_err(req, mode == MODE_NONE ? ENOSYS : 0);
}

static void fl_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        count(OP_RELEASE);
        fuse_reply_err(req, 0);
}

static void fl_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        count(OP_OPENDIR);
        if (ino != INO_ROOT && ino != INO_DIR)
                fuse_reply_err(req, ENOTDIR);
        else
                fuse_reply_open(req, fi);
}

/* The listing of a directory: ".", "..", its one child. */
static void fl_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
        const char *names[3] = { ".", "..", mode == MODE_OPEN2 && ino == INO_ROOT ? "d" : "file" };
        fuse_ino_t inos[3] = { ino, INO_ROOT, ino == INO_ROOT ? (mode == MODE_OPEN2 ? INO_DIR : INO_FILE)
                                                             : INO_SUBFILE };
        char buf[512];
        size_t used = 0;

        count(OP_READDIR);
        if (size > sizeof(buf))
                size = sizeof(buf);
        for (off_t i = off; i < 3; i++) {
                struct stat st = { .st_ino = inos[i] };
                size_t len;

                st.st_mode = i < 2 || inos[i] == INO_DIR ? S_IFDIR : S_IFREG;
                len = fuse_add_direntry(req, buf + used, size - used, names[i], &st, i + 1);
                if (len > size - used)
                        break;
                used += len;
        }
        fuse_reply_buf(req, buf, used);
}

static void fl_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
        count(OP_RELEASEDIR);
        fuse_reply_err(req, 0);
}

static void fl_statfs(fuse_req_t req, fuse_ino_t ino)
{
        struct statvfs sv = { .f_bsize = 4096, .f_namemax = 255 };

        count(OP_STATFS);
        fuse_reply_statfs(req, &sv);
}

static void fl_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
        char text[2048];
        size_t len = 0;

        count(OP_GETXATTR);
        if (ino != INO_ROOT || strcmp(name, COUNTERS_XATTR) != 0) {
                fuse_reply_err(req, ENODATA);
                return;
        }
        for (int i = 0; i < OP_COUNT; i++) {
                unsigned long v = atomic_load_explicit(&counts[i], memory_order_relaxed);

                len += (size_t)snprintf(text + len, sizeof(text) - len, "%s %lu\n", op_names[i], v);
        }
        if (size == 0)
                fuse_reply_xattr(req, len);
        else if (size < len)
                fuse_reply_err(req, ERANGE);
        else
                fuse_reply_buf(req, text, len);
}

static void fl_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
        static const char list[] = COUNTERS_XATTR;

        count(OP_LISTXATTR);
        if (ino != INO_ROOT)
                fuse_reply_xattr(req, 0);
        else if (size == 0)
                fuse_reply_xattr(req, sizeof(list));
        else if (size < sizeof(list))
                fuse_reply_err(req, ERANGE);
        else
                fuse_reply_buf(req, list, sizeof(list));
}

static const struct fuse_lowlevel_ops floor_ops = {
        .init = fl_init,
        .lookup = fl_lookup,
        .forget = fl_forget,
        .forget_multi = fl_forget_multi,
        .getattr = fl_getattr,
        .access = fl_access,
        .open = fl_open,
        .read = fl_read,
        .flush = fl_flush,
        .release = fl_release,
        .opendir = fl_opendir,
        .readdir = fl_readdir,
        .releasedir = fl_releasedir,
        .statfs = fl_statfs,
        .getxattr = fl_getxattr,
        .listxattr = fl_listxattr,
};

struct options {
        char *mode;
};

static const struct fuse_opt option_spec[] = {
        { "mode=%s", offsetof(struct options, mode), 1 },
        FUSE_OPT_END
};

static void usage(const char *prog)
{
        printf("usage: %s -o mode=direct|open1|open2|none [-f] [-s] [FUSE options] MOUNTPOINT\n", prog);
}

int main(int argc, char *argv[])
{
        struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
        struct fuse_cmdline_opts cmd = { 0 };
        struct options o = { 0 };
        struct fuse_session *se = NULL;
        int ret = 1;

        if (fuse_opt_parse(&args, &o, option_spec, NULL) != 0 || fuse_parse_cmdline(&args, &cmd) != 0)
                goto out;
        if (cmd.show_help) {
                usage(argv[0]);
                fuse_cmdline_help();
                fuse_lowlevel_help();
                ret = 0;
                goto out;
        }
        if (!o.mode || !cmd.mountpoint) {
                usage(argv[0]);
                goto out;
        }
        if (strcmp(o.mode, "direct") == 0)
                mode = MODE_DIRECT;
        else if (strcmp(o.mode, "open1") == 0)
                mode = MODE_OPEN1;
        else if (strcmp(o.mode, "open2") == 0)
                mode = MODE_OPEN2;
        else if (strcmp(o.mode, "none") == 0)
                mode = MODE_NONE;
        else {
                fprintf(stderr, "floor: mode=%s: must be direct, open1, open2 or none\n", o.mode);
                goto out;
        }
        se = fuse_session_new(&args, &floor_ops, sizeof(floor_ops), NULL);
        if (!se)
                goto out;
        if (fuse_set_signal_handlers(se) != 0)
                goto out_session;
        if (fuse_session_mount(se, cmd.mountpoint) != 0)
                goto out_signals;
        if (fuse_daemonize(cmd.foreground) != 0)
                goto out_unmount;
        if (cmd.singlethread) {
                ret = fuse_session_loop(se) != 0;
        } else {
                struct fuse_loop_config *loop = fuse_loop_cfg_create();

                if (!loop)
                        goto out_unmount;
                fuse_loop_cfg_set_clone_fd(loop, cmd.clone_fd);
                fuse_loop_cfg_set_max_threads(loop, cmd.max_threads);
                ret = fuse_session_loop_mt(se, loop) != 0;
                fuse_loop_cfg_destroy(loop);
        }
out_unmount:
        fuse_session_unmount(se);
out_signals:
        fuse_remove_signal_handlers(se);
out_session:
        fuse_session_destroy(se);
out:
        free(cmd.mountpoint);
        free(o.mode);
        fuse_opt_free_args(&args);
        return ret;
}
