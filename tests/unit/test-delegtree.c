/* SPDX-License-Identifier: MIT */
/*
 * Tests for fs/delegtree.c, printed as TAP: the ownership rule of SPEC 5.2
 * as a table, small trees by hand (revocation, group write, removal, fresh
 * subtrees), pseudo-random changes from a fixed seed checked after each one
 * against a reference that looks at every descendant, and a chain deeper
 * than any stack would allow to recurse over.
 */
#include "delegtree.h"
#include "tap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define RANDOM_OPS 4000
#define DEEP 200000

/* ---- nodes as an embedding module keeps them ---- */

struct tnode {
        struct delegtree_node t; /* first */
        bool live;
        char name[16];
};

static struct tnode **all;
static size_t n_all, cap_all;
static size_t released;

static struct tnode *tnew(struct tnode *parent, const char *name)
{
        struct tnode *n = calloc(1, sizeof(*n));

        if (!n)
                abort();
        snprintf(n->name, sizeof(n->name), "%s", name);
        n->live = true;
        delegtree_link(parent ? &parent->t : NULL, &n->t, n->name, strlen(n->name));
        if (n_all == cap_all) {
                cap_all = cap_all ? cap_all * 2 : 64;
                all = realloc(all, cap_all * sizeof(*all));
                if (!all)
                        abort();
        }
        all[n_all++] = n;
        return n;
}

static void release(struct delegtree_node *t, void *userdata)
{
        struct tnode *n = (struct tnode *)t;

        (void)userdata;
        n->live = false;
        released++;
}

/* Free what delegtree_remove released (the test keeps them until then to check the flags). */
static void sweep(void)
{
        size_t j = 0;

        for (size_t i = 0; i < n_all; i++) {
                if (all[i]->live)
                        all[j++] = all[i];
                else
                        free(all[i]);
        }
        n_all = j;
}

static int attrs(struct tnode *n, uid_t uid, gid_t gid, mode_t mode)
{
        struct stat st = { .st_uid = uid, .st_gid = gid, .st_mode = S_IFDIR | mode };

        return delegtree_set_attrs(&n->t, &st);
}

static struct caller who(uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
        struct caller c = { .uid = uid, .gid = gid, .ngroups = ngroups };

        for (int i = 0; i < ngroups; i++)
                c.groups[i] = groups[i];
        return c;
}

/* ---- the ownership rule ---- */

static void test_owned_by(void)
{
        static const gid_t g[] = { 50, 60 };
        struct caller c = who(1000, 1000, 2, g);
        static const struct {
                uid_t uid;
                gid_t gid;
                mode_t mode;
                bool want;
        } t[] = {
                { 1000, 0, 0755, true },    /* its uid */
                { 1000, 0, 0700, true },
                { 0, 1000, 0755, false },   /* its primary group without g+w */
                { 0, 1000, 0775, true },    /* ... with */
                { 0, 50, 0775, true },      /* a supplementary group with g+w */
                { 0, 60, 0770, true },
                { 0, 50, 0755, false },     /* ... without */
                { 0, 70, 0775, false },     /* not its group */
                { 1001, 0, 0777, false },   /* another uid, group root: not c's */
                { 1001, 60, 0555, false },  /* g+w missing */
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                ok(delegtree_owned_by(&c, t[i].uid, t[i].gid, t[i].mode) == t[i].want,
                   "owned_by uid %u gid %u mode %04o: %s", t[i].uid, t[i].gid, t[i].mode,
                   t[i].want ? "delegated" : "not delegated");
}

/* ---- small trees by hand ---- */

static bool below(struct tnode *root, const char *path, const struct caller *c)
{
        return delegtree_below(delegtree_find(&root->t, path), c);
}

static void test_by_hand(void)
{
        static const gid_t g50[] = { 50 };
        struct caller u = who(1000, 1000, 0, NULL), v = who(1001, 1001, 1, g50);
        struct tnode *root, *a, *b, *c, *x;

        root = tnew(NULL, "");
        a = tnew(root, "a");
        b = tnew(a, "b");
        c = tnew(b, "c");
        x = tnew(root, "x");
        attrs(root, 0, 0, 0755);
        attrs(a, 0, 0, 0755);
        attrs(b, 0, 0, 0755);
        attrs(c, 1000, 0, 0755);
        attrs(x, 0, 0, 0755);
        ok(!below(root, "", &u), "fresh nodes count nowhere before delegtree_count_fresh");
        ok(delegtree_count_fresh(&root->t) == 0, "count_fresh: 0");
        ok(below(root, "", &u) && below(root, "a", &u) && below(root, "a/b", &u),
           "a cgroup owned by u: the way down to it is below for u");
        ok(!below(root, "a/b/c", &u), "... not the cgroup itself (strictly below)");
        ok(!below(root, "x", &u) && !below(root, "a", &v), "... nothing else, and nothing for v");
        ok(delegtree_find(&root->t, "a/b/c") == &c->t && !delegtree_find(&root->t, "a/c") &&
                   delegtree_find(&root->t, "") == &root->t,
           "find by path");

        attrs(c, 0, 0, 0755);
        ok(!below(root, "", &u) && !below(root, "a", &u) && !below(root, "a/b", &u),
           "chown back to root: the way closes everywhere");
        ok(root->t.n_below == 0 && a->t.n_below == 0, "... and no count is left");
        attrs(c, 1000, 0, 0755);
        ok(below(root, "a", &u), "chown to u again: open again");

        attrs(b, 0, 50, 0775);
        ok(below(root, "a", &v) && !below(root, "a/b", &v), "group 50 with g+w: the way for a member");
        attrs(b, 0, 50, 0755);
        ok(!below(root, "a", &v), "chmod g-w: closed");
        ok(below(root, "a", &u), "... u's own way unchanged");

        /* Two delegations to u under a: one removed, the other keeps the way open. */
        {
                struct tnode *d = tnew(a, "d");

                attrs(d, 1000, 0, 0755);
                ok(delegtree_count_fresh(&d->t) == 0 && below(root, "a", &u), "a second delegation to u under a");
                released = 0;
                delegtree_remove(&b->t, release, NULL);
                ok(released == 2, "remove a/b: it and a/b/c released (%zu)", released);
                ok(below(root, "a", &u) && below(root, "", &u), "a/d still holds the way for u");
                ok(!delegtree_find(&root->t, "a/b"), "a/b is gone from the tree");
                delegtree_remove(&d->t, release, NULL);
                ok(!below(root, "a", &u) && !below(root, "", &u) && root->t.n_below == 0,
                   "remove a/d: nothing left below");
        }

        /* A fresh subtree under a counted node: one count_fresh carries it all up. */
        {
                struct tnode *s = tnew(x, "s"), *s1 = tnew(s, "s1"), *s2 = tnew(s1, "s2");

                attrs(s, 0, 0, 0755);
                attrs(s1, 1001, 0, 0755);
                attrs(s2, 1000, 0, 0755);
                ok(!below(root, "x", &u), "a fresh subtree is not counted yet");
                delegtree_count_fresh(&s->t);
                ok(below(root, "x", &u) && below(root, "x/s", &v) && below(root, "x/s/s1", &u) &&
                           !below(root, "x/s/s1", &v),
                   "count_fresh: counted in x and above, each node's own subtree only");
                ok(!s->t.fresh && !s1->t.fresh && !s2->t.fresh, "... and none is fresh any more");
                {
                        char *p = delegtree_path(&s2->t);

                        ok(p && !strcmp(p, "x/s/s1/s2"), "path of x/s/s1/s2: %s", p ? p : "(null)");
                        free(p);
                }
        }
        released = 0;
        delegtree_remove(&root->t, release, NULL);
        ok(released == 6, "remove the root: every node released once (%zu)", released);
        sweep();
        ok(n_all == 0, "nothing left");
}

/* ---- pseudo-random changes against a reference ---- */

static const gid_t grp_a[] = { 50 }, grp_b[] = { 60, 50 };

static struct caller callers[4];

/* The reference: a stated strict descendant of n owned by c, by looking at each node. */
static bool reference(const struct tnode *n, const struct caller *c)
{
        for (size_t i = 0; i < n_all; i++) {
                const struct delegtree_node *d = &all[i]->t;

                if (!all[i]->live || d == &n->t || !d->stated)
                        continue;
                if (!delegtree_owned_by(c, d->uid, d->gid, d->mode))
                        continue;
                for (const struct delegtree_node *a = d->parent; a; a = a->parent)
                        if (a == &n->t)
                                return true;
        }
        return false;
}

static void random_attrs(struct tnode *n)
{
        static const uid_t uids[] = { 0, 0, 1000, 1001, 1002 };
        static const gid_t gids[] = { 0, 50, 60, 1000 };

        attrs(n, uids[rnd() % ELEMENTSOF(uids)], gids[rnd() % ELEMENTSOF(gids)], rnd() % 2 ? 0775 : 0755);
}

static struct tnode *random_live(void)
{
        return all[rnd() % n_all];
}

static void test_random(void)
{
        struct tnode *root;
        unsigned bad = 0, checks = 0, paths_bad = 0;

        callers[0] = who(1000, 1000, 0, NULL);
        callers[1] = who(1001, 1001, 1, grp_a);
        callers[2] = who(1002, 70, 2, grp_b);
        callers[3] = who(1003, 0, 0, NULL); /* primary group 0: g+w root:root directories are its */
        root = tnew(NULL, "");
        random_attrs(root);
        delegtree_count_fresh(&root->t);
        for (int op = 0; op < RANDOM_OPS; op++) {
                unsigned k = rnd() % 10;
                char name[16];

                snprintf(name, sizeof(name), "n%d", op);
                if (k < 3 || n_all < 3) {
                        /* One new cgroup, counted at once (an IN_CREATE of an empty one). */
                        struct tnode *n = tnew(random_live(), name);

                        random_attrs(n);
                        delegtree_count_fresh(&n->t);
                } else if (k < 5) {
                        /* A new subtree read whole, then counted (a scan). */
                        struct tnode *top = tnew(random_live(), name), *cur = top;
                        int size = 1 + (int)(rnd() % 6);

                        random_attrs(top);
                        for (int i = 0; i < size; i++) {
                                char sub[16];

                                snprintf(sub, sizeof(sub), "s%d", i);
                                cur = tnew(rnd() % 2 ? cur : top, sub);
                                random_attrs(cur);
                        }
                        delegtree_count_fresh(&top->t);
                } else if (k < 8) {
                        random_attrs(random_live());
                } else if (k < 9) {
                        delegtree_set_attrs(&random_live()->t, NULL);
                } else {
                        struct tnode *n = random_live();

                        if (n != root) {
                                delegtree_remove(&n->t, release, NULL);
                                sweep();
                        }
                }
                /* Every node now and then, a sample after each change. */
                for (size_t s = 0, n = op % 250 == 0 ? n_all : 16; s < n; s++) {
                        size_t i = n == n_all ? s : rnd() % n_all;

                        for (size_t j = 0; j < ELEMENTSOF(callers); j++) {
                                checks++;
                                if (delegtree_below(&all[i]->t, &callers[j]) != reference(all[i], &callers[j]) &&
                                    bad++ < 5)
                                        diag("op %d: node %s caller %u differs", op, all[i]->name, callers[j].uid);
                        }
                        if (n == n_all) {
                                char *p = delegtree_path(&all[i]->t);

                                if (!p || delegtree_find(&root->t, p) != &all[i]->t)
                                        paths_bad++;
                                free(p);
                        }
                }
        }
        ok(bad == 0, "random changes: delegtree_below agrees with the reference (%u checks, %u nodes at the end, "
                     "%u differ)",
           checks, (unsigned)n_all, bad);
        ok(paths_bad == 0, "random changes: find(path(n)) is n for every node");
        delegtree_remove(&root->t, release, NULL);
        sweep();
        ok(n_all == 0, "random changes: removing the root releases everything");
}

/* ---- deep: no recursion anywhere ---- */

static void test_deep(void)
{
        static const gid_t none[1];
        struct caller u = who(1000, 1000, 0, none);
        struct tnode *root = tnew(NULL, ""), *n = root;
        size_t depth = 0;

        attrs(root, 0, 0, 0755);
        for (int i = 0; i < DEEP; i++) {
                n = tnew(n, "l");
                attrs(n, 0, 0, 0755);
        }
        attrs(n, 1000, 0, 0755);
        ok(delegtree_count_fresh(&root->t) == 0, "a chain of %d cgroups counted in one pass", DEEP);
        ok(below(root, "", &u) && below(root, "l/l/l", &u), "the way down the chain is open for u");
        {
                char *p = delegtree_path(&n->t);

                depth = p ? strlen(p) : 0;
                ok(p && delegtree_find(&root->t, p) == &n->t, "its deepest path (%zu bytes) finds it", depth);
                free(p);
        }
        attrs(n, 0, 0, 0755);
        ok(!below(root, "", &u), "chown back to root at the bottom: closed at the top");
        released = 0;
        delegtree_remove(&root->t, release, NULL);
        ok(released == DEEP + 1, "the whole chain released (%zu)", released);
        sweep();
}

int main(void)
{
        test_owned_by();
        test_by_hand();
        test_random();
        test_deep();
        return tap_finish();
}
