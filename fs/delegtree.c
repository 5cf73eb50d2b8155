/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "delegtree.h"

static bool in_groups(const struct caller *c, gid_t gid)
{
        if (gid == c->gid)
                return true;
        for (int i = 0; i < c->ngroups; i++)
                if (c->groups[i] == gid)
                        return true;
        return false;
}

bool delegtree_owned_by(const struct caller *c, uid_t uid, gid_t gid, mode_t mode)
{
        /* A group is delegated a cgroup only if it may write to it. */
        return uid == c->uid || ((mode & S_IWGRP) && in_groups(c, gid));
}

/* The keys n's own directory gives: at most a uid and a gid. */
static int own_keys(const struct delegtree_node *n, struct delegtree_key k[2])
{
        int i = 0;

        if (!n->stated)
                return 0;
        /* uid 0 delegates nothing: root sees everything anyway. */
        if (n->uid != 0)
                k[i++] = (struct delegtree_key){ .id = n->uid, .group = false, .n = 1 };
        if (n->mode & S_IWGRP)
                k[i++] = (struct delegtree_key){ .id = n->gid, .group = true, .n = 1 };
        return i;
}

/* Add d (negative: take away) to n's count of one key; a count that reaches 0 goes. */
static int add_key(struct delegtree_node *n, uint32_t id, bool group, int64_t d)
{
        struct delegtree_key *v;
        uint32_t cap;

        for (uint32_t i = 0; i < n->n_below; i++) {
                struct delegtree_key *k = &n->below[i];

                if (k->id != id || k->group != group)
                        continue;
                if (d < 0 && (uint64_t)-d >= k->n)
                        *k = n->below[--n->n_below];
                else
                        k->n = (uint32_t)((int64_t)k->n + d);
                return 0;
        }
        if (d <= 0)
                return 0; /* only after an -ENOMEM: counts stay short */
        if (n->n_below == n->cap_below) {
                cap = n->cap_below ? n->cap_below * 2 : 2;
                v = realloc(n->below, cap * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                n->below = v;
                n->cap_below = cap;
        }
        n->below[n->n_below++] = (struct delegtree_key){ .id = id, .group = group, .n = (uint32_t)d };
        return 0;
}

/* Add n's own keys and its counts, sign times, to node a. */
static int add_node_to(struct delegtree_node *a, const struct delegtree_node *n, int sign)
{
        struct delegtree_key own[2];
        int k = own_keys(n, own), r = 0;

        for (int i = 0; i < k; i++)
                if (add_key(a, own[i].id, own[i].group, sign) < 0)
                        r = -ENOMEM;
        for (uint32_t i = 0; i < n->n_below; i++)
                if (add_key(a, n->below[i].id, n->below[i].group, sign * (int64_t)n->below[i].n) < 0)
                        r = -ENOMEM;
        return r;
}

/*
 * ... to every ancestor of n up to the first fresh one, included: a fresh
 * node carries what is below it up when it is counted, so that a subtree
 * counted below a fresh node (or changed, or removed, there) is never
 * counted twice above it, nor taken away where it was never added.
 */
static int add_node_up(const struct delegtree_node *n, int sign)
{
        int r = 0;

        for (struct delegtree_node *a = n->parent; a; a = a->fresh ? NULL : a->parent)
                if (add_node_to(a, n, sign) < 0)
                        r = -ENOMEM;
        return r;
}

void delegtree_link(struct delegtree_node *parent, struct delegtree_node *n, const char *name, size_t len)
{
        n->parent = parent;
        n->name = name;
        n->fresh = true;
        if (parent)
                HASH_ADD_KEYPTR(hh, parent->children, name, len, n);
}

struct delegtree_node *delegtree_child(const struct delegtree_node *n, const char *name, size_t len)
{
        struct delegtree_node *c;

        HASH_FIND(hh, n->children, name, len, c);
        return c;
}

struct delegtree_node *delegtree_find(struct delegtree_node *root, const char *path)
{
        struct delegtree_node *n = root;

        while (n && *path) {
                size_t len = strcspn(path, "/");

                n = delegtree_child(n, path, len);
                path += len;
                if (*path == '/')
                        path++;
        }
        return n;
}

int delegtree_set_attrs(struct delegtree_node *n, const struct stat *st)
{
        int r = 0;

        if (!n->fresh)
                add_node_up(n, -1);
        n->stated = st != NULL;
        n->uid = st ? st->st_uid : 0;
        n->gid = st ? st->st_gid : 0;
        n->mode = st ? st->st_mode : 0;
        if (!n->fresh)
                r = add_node_up(n, +1);
        return r;
}

/* The first node of n's subtree in post-order: down the first children. */
static struct delegtree_node *deepest_first(struct delegtree_node *n)
{
        while (n->children)
                n = n->children;
        return n;
}

int delegtree_count_fresh(struct delegtree_node *top)
{
        struct delegtree_node *n;
        int r = 0;

        if (!top)
                return 0;
        for (n = deepest_first(top);; n = n->hh.next ? deepest_first(n->hh.next) : n->parent) {
                if (n->fresh) {
                        n->fresh = false;
                        /* Up to a fresh ancestor only (it carries n up later), else into every ancestor now. */
                        if (add_node_up(n, +1) < 0)
                                r = -ENOMEM;
                }
                if (n == top)
                        break;
        }
        return r;
}

void delegtree_remove(struct delegtree_node *top, void (*release)(struct delegtree_node *, void *), void *userdata)
{
        struct delegtree_node *n = top;

        if (!top->fresh)
                add_node_up(top, -1); /* takes away only: cannot fail */
        if (top->parent)
                HASH_DEL(top->parent->children, top);
        /* Children first, by parent links: no stack however deep. */
        while (n) {
                struct delegtree_node *up = n == top ? NULL : n->parent;

                if (n->children) {
                        n = n->children;
                        continue;
                }
                if (up)
                        HASH_DEL(up->children, n);
                free(n->below);
                n->below = NULL;
                release(n, userdata);
                n = up;
        }
}

struct delegtree_node *delegtree_next(struct delegtree_node *n, const struct delegtree_node *top, bool into)
{
        if (into && n->children)
                return n->children;
        while (n != top) {
                if (n->hh.next)
                        return n->hh.next;
                n = n->parent;
        }
        return NULL;
}

bool delegtree_below(const struct delegtree_node *n, const struct caller *c)
{
        for (uint32_t i = 0; n && i < n->n_below; i++) {
                const struct delegtree_key *k = &n->below[i];

                if (k->group ? in_groups(c, k->id) : k->id == c->uid)
                        return true;
        }
        return false;
}

char *delegtree_path(const struct delegtree_node *n)
{
        size_t len = 0;
        char *p, *end;

        for (const struct delegtree_node *a = n; a->parent; a = a->parent)
                len += strlen(a->name) + (a->parent->parent ? 1 : 0);
        p = malloc(len + 1);
        if (!p)
                return NULL;
        end = p + len;
        *end = 0;
        for (const struct delegtree_node *a = n; a->parent; a = a->parent) {
                size_t l = strlen(a->name);

                end -= l;
                memcpy(end, a->name, l);
                if (a->parent->parent)
                        *--end = '/';
        }
        return p;
}
