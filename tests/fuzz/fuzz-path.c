/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for cgroup path resolution in the pure modules:
 * cgpath_relative() and path_within() (fs/cgpath.h),
 * procs_common_ancestor() (fs/procs.h), delegtree_find() and
 * delegtree_path() (fs/delegtree.h). The input is lines: the first byte
 * is a buffer size, line 1 and line 2 two cgroups, the others cgroups of a
 * tree and look-ups in it. Each is checked against a model that works on
 * lists of components, and abort()s when they differ:
 *   - cgpath_relative: the model's text exactly, NUL-terminated, within
 *     the n bytes given (an exact-size heap buffer: ASan sees a byte
 *     more), -ENAMETOOLONG exactly when it does not fit; ".." only as
 *     leading components and never more of them than the start has
 *     (never above the root); walking it from the start reaches the target;
 *   - path_within and procs_common_ancestor: whole components only;
 *   - delegtree_find: a node only for a path of existing names, never for
 *     an empty, "." or ".." component, and delegtree_path() gives it back.
 */
#include "cgpath.h"
#include "delegtree.h"
#include "procs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMPS 32
#define MAX_LINES 24
#define MAX_NODES 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
        if (cond)
                return;
        fprintf(stderr, "fuzz-path: %s broken\n", what);
        abort();
}

struct comps {
        size_t n;
        const char *p[MAX_COMPS];
        size_t len[MAX_COMPS];
};

/* A kernel cgroup path from raw bytes: its components, without empty, "." and ".." ones. */
static void split(const char *s, size_t len, struct comps *c)
{
        size_t i = 0;

        c->n = 0;
        while (i < len && c->n < MAX_COMPS) {
                size_t j = i;

                while (j < len && s[j] != '/')
                        j++;
                if (j > i && !(j - i == 1 && s[i] == '.') && !(j - i == 2 && s[i] == '.' && s[i + 1] == '.')) {
                        c->p[c->n] = s + i;
                        c->len[c->n++] = j - i;
                }
                i = j + 1;
        }
}

/* "a/b" (relative) or "/a/b" ("/" for none) into a malloc'ed string. */
static char *join(const struct comps *c, size_t from, bool absolute)
{
        size_t len = 2;
        char *s, *e;

        for (size_t i = from; i < c->n; i++)
                len += c->len[i] + 1;
        s = e = malloc(len);
        if (!s)
                abort();
        for (size_t i = from; i < c->n; i++) {
                if (absolute || i > from)
                        *e++ = '/';
                memcpy(e, c->p[i], c->len[i]);
                e += c->len[i];
        }
        if (absolute && e == s)
                *e++ = '/';
        *e = '\0';
        return s;
}

static bool comp_eq(const struct comps *a, size_t i, const struct comps *b, size_t j)
{
        return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

static size_t common(const struct comps *a, const struct comps *b)
{
        size_t k = 0;

        while (k < a->n && k < b->n && comp_eq(a, k, b, k))
                k++;
        return k;
}

static void check_relative(const struct comps *f, const struct comps *t, size_t n)
{
        char *from = join(f, 0, true), *to = join(t, 0, true), *rest = join(t, common(f, t), true);
        size_t ups = f->n - common(f, t), want_len, depth = f->n, down = 0;
        char *want, *big = malloc(8192), *buf = malloc(n ? n : 1), *p;
        int r, rb;

        if (!big || !buf)
                abort();
        /* The model: one ".." per level up to the common ancestor, then the way down. */
        want = malloc(ups * 3 + strlen(rest) + 1);
        if (!want)
                abort();
        want[0] = '\0';
        for (size_t i = 0; i < ups; i++)
                strcat(want, "/..");
        if (!ups || strcmp(rest, "/"))
                strcat(want, rest);
        want_len = strlen(want);

        rb = cgpath_relative(from, to, big, 8192);
        check(rb == (int)want_len && strcmp(big, want) == 0, "cgpath_relative as the model");
        memset(buf, 0x5e, n ? n : 1);
        r = cgpath_relative(from, to, buf, n);
        if (want_len >= n)
                check(r == -ENAMETOOLONG, "cgpath_relative ENAMETOOLONG when it does not fit");
        else
                check(r == rb && memcmp(buf, big, want_len + 1) == 0, "cgpath_relative within n bytes");

        /* Walk it from the start: ".." first and never above the root, then names only. */
        check(big[0] == '/', "cgpath_relative is absolute");
        for (p = strcmp(big, "/") ? big : big + 1; *p;) { /* "/" alone: no step */
                char *e = strchr(p + 1, '/');
                size_t l = e ? (size_t)(e - p - 1) : strlen(p + 1);

                check(*p == '/', "separator");
                if (l == 2 && p[1] == '.' && p[2] == '.') {
                        check(down == 0, "\"..\" only before names");
                        check(depth > 0, "never above the root");
                        depth--;
                } else {
                        check(l > 0, "no empty component");
                        check(!(l == 1 && p[1] == '.'), "no \".\" component");
                        check(depth < t->n && l == t->len[depth] && !memcmp(p + 1, t->p[depth], l),
                              "the way down is the target's");
                        depth++;
                        down++;
                }
                p = e ? e : p + 1 + l;
        }
        check(depth == t->n, "the walk ends at the target");
        check(down == 0 || depth - down == common(f, t), "down from the common ancestor");
        free(from);
        free(to);
        free(rest);
        free(want);
        free(big);
        free(buf);
}

static void check_within(const struct comps *a, const struct comps *b)
{
        char *pa = join(a, 0, false), *pb = join(b, 0, false), *aa = join(a, 0, true), *ab = join(b, 0, true);
        size_t k = common(a, b), l = procs_common_ancestor(pa, pb);
        bool within = k == b->n;

        check(path_within(pa, pb) == within, "path_within by whole components");
        /* Absolute paths too, below a root other than "/" (the daemon's one use of them). */
        if (b->n > 0)
                check(path_within(aa, ab) == within, "path_within on absolute paths");
        check(path_within(pa, pa) && path_within(pa, ""), "a path is within itself and the root");
        /* The common ancestor: a prefix of both, at a boundary of both, exactly the model's. */
        {
                char *want = join(a, 0, false);
                struct comps c = *a;

                c.n = k;
                free(want);
                want = join(&c, 0, false);
                check(l == strlen(want) && strncmp(pa, want, l) == 0 && strncmp(pb, want, l) == 0,
                      "procs_common_ancestor as the model");
                check(l == 0 || ((pa[l] == 0 || pa[l] == '/') && (pb[l] == 0 || pb[l] == '/')), "at a boundary");
                check(procs_common_ancestor(pb, pa) == l, "procs_common_ancestor is symmetric");
                free(want);
        }
        free(pa);
        free(pb);
        free(aa);
        free(ab);
}

/* ---- the tree ---- */

struct tnode {
        struct delegtree_node t; /* first */
        char name[64];
};

static struct tnode nodes[MAX_NODES];
static size_t n_nodes;

static void release(struct delegtree_node *n, void *userdata)
{
        (void)n;
        (*(size_t *)userdata)++;
}

static struct delegtree_node *add_path(const struct comps *c)
{
        struct delegtree_node *n = &nodes[0].t;

        for (size_t i = 0; i < c->n; i++) {
                struct delegtree_node *ch;
                size_t l = c->len[i];

                if (l > 63)
                        return NULL;
                ch = delegtree_child(n, c->p[i], l);
                if (!ch) {
                        struct tnode *t;

                        if (n_nodes == MAX_NODES || memchr(c->p[i], 0, l))
                                return NULL;
                        t = &nodes[n_nodes++];
                        memset(t, 0, sizeof *t);
                        memcpy(t->name, c->p[i], l);
                        delegtree_link(n, &t->t, t->name, l);
                        ch = &t->t;
                }
                n = ch;
        }
        return n;
}

/* The model of delegtree_find: one trailing '/' dropped, then names of existing children only. */
static struct delegtree_node *model_find(const char *path)
{
        struct delegtree_node *n = &nodes[0].t;
        size_t len = strlen(path);

        if (len > 0 && path[len - 1] == '/')
                len--;
        if (len == 0)
                return path[0] ? NULL : n; /* "/" is an empty name below the root */
        for (size_t i = 0; i <= len;) {
                size_t j = i;

                while (j < len && path[j] != '/')
                        j++;
                if (j == i)
                        return NULL;
                n = delegtree_child(n, path + i, j - i);
                if (!n)
                        return NULL;
                i = j + 1;
        }
        return n;
}

static void check_tree(char **lines, size_t n_lines)
{
        size_t released = 0;

        memset(&nodes[0], 0, sizeof nodes[0]);
        n_nodes = 1;
        delegtree_link(NULL, &nodes[0].t, nodes[0].name, 0);
        for (size_t i = 0; i < n_lines; i++) {
                struct comps c;
                struct delegtree_node *n;

                split(lines[i], strlen(lines[i]), &c);
                n = add_path(&c);
                if (n) {
                        char *p = delegtree_path(n), *want = join(&c, 0, false);

                        check(p && strcmp(p, want) == 0, "delegtree_path of a made node");
                        check(delegtree_find(&nodes[0].t, want) == n, "delegtree_find of a made node");
                        free(p);
                        free(want);
                }
        }
        check(delegtree_count_fresh(&nodes[0].t) == 0, "count_fresh");
        for (size_t i = 0; i < n_lines; i++) {
                struct delegtree_node *n = delegtree_find(&nodes[0].t, lines[i]);

                check(n == model_find(lines[i]), "delegtree_find as the model");
                if (n) {
                        char *p = delegtree_path(n);
                        size_t l = strlen(lines[i]);

                        check(p != NULL, "delegtree_path");
                        check(strstr(lines[i], "/../") == NULL && strncmp(lines[i], "../", 3) != 0 &&
                              strcmp(lines[i], "..") != 0, "no \"..\" resolves");
                        check(strncmp(p, lines[i], strlen(p)) == 0 &&
                              (l == strlen(p) || (l == strlen(p) + 1 && lines[i][l - 1] == '/')),
                              "a found path names its node");
                        free(p);
                }
        }
        /* Every node once in a walk of the whole tree. */
        {
                size_t walked = 0;

                for (struct delegtree_node *n = &nodes[0].t; n; n = delegtree_next(n, &nodes[0].t, true))
                        walked++;
                check(walked == n_nodes, "delegtree_next walks every node once");
        }
        delegtree_remove(&nodes[0].t, release, &released);
        check(released == n_nodes, "delegtree_remove releases every node");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *copy, *lines[MAX_LINES];
        size_t n_lines = 0, bufsize;
        struct comps f, t;

        if (size < 1 || size > 16384)
                return 0;
        bufsize = data[0];
        copy = malloc(size);
        if (!copy)
                return 0;
        memcpy(copy, data + 1, size - 1);
        copy[size - 1] = '\0'; /* a NUL ends a path, as in the daemon */
        for (char *s = copy, *e; s && n_lines < MAX_LINES; s = e ? e + 1 : NULL) {
                e = strchr(s, '\n');
                if (e)
                        *e = '\0';
                lines[n_lines++] = s;
        }
        split(lines[0], strlen(lines[0]), &f);
        split(n_lines > 1 ? lines[1] : "", n_lines > 1 ? strlen(lines[1]) : 0, &t);
        check_relative(&f, &t, bufsize);
        check_relative(&t, &f, bufsize);
        check_within(&f, &t);
        check_within(&t, &f);
        check_tree(lines, n_lines);
        free(copy);
        return 0;
}
