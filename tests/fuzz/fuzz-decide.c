/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the decisions the daemon makes for a caller: the
 * mode, grant and nsdelegate rules (fs/rules.h), the move through
 * cgroup.procs (procs_move_check, fs/procs.h) and the delegation index
 * (fs/delegtree.h) that decides which cgroups lie on the way to a
 * delegated one. The input is a stream of facts and operations. Each
 * decision is checked against a simpler model written from the headers'
 * rules, and abort()s when it grants more (or, where the model is exact,
 * anything else), answers with another errno, or answers twice
 * differently:
 *   - rules_mode_allows: bit by bit from the owner, group or other class;
 *     a privileged caller never gets less; a mask is allowed only if each
 *     of its bits is;
 *   - rules_grant_allows: only a refusal (EACCES, EPERM) becomes a yes,
 *     and only with every right needed; rules_grant_need and
 *     rules_ns_root_guarded exactly as documented;
 *   - procs_move_check: 0, -EACCES or -ENOENT only; a yes only when the
 *     daemon is not moved by a non-root, a grant manages the source, a
 *     namespaced caller may write the common ancestor and the source is
 *     inside its namespace root; EACCES before ENOENT; more rights never
 *     turn a yes into a no;
 *   - delegtree: after any sequence of links, attribute changes, counts
 *     of fresh subtrees (from their top, as the indexer counts, or from
 *     any node) and removals, "is a cgroup below n delegated to c" equals
 *     a walk of n's subtree over the nodes counted up to n.
 */
#include "delegtree.h"
#include "policy.h"
#include "procs.h"
#include "rules.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_NODES 40
#define MAX_OPS 400

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
        if (cond)
                return;
        fprintf(stderr, "fuzz-decide: %s broken\n", what);
        abort();
}

/* The input, a byte at a time; zeros once it runs out. */
struct in {
        const uint8_t *p;
        size_t n;
};

static uint8_t byte(struct in *in)
{
        uint8_t b = 0;

        if (in->n > 0) {
                b = *in->p++;
                in->n--;
        }
        return b;
}

static uint32_t pick32(struct in *in, const uint32_t *set, size_t n)
{
        return set[byte(in) % n];
}

static const uint32_t ids[] = { 0, 1, 5, 50, 1000, 1001, 65534, 4294967295u };
static const char *const paths[] = { "", "a", "a/b", "ab", "a/b/c", "a/bc", "b", "a/b/c/d" };

/* ---- rules ---- */

static bool model_mode(uid_t uid, gid_t gid, const gid_t *groups, int ngroups, bool privileged, uid_t owner,
                       gid_t group, mode_t mode, int mask)
{
        unsigned shift = 0;
        bool member = false;

        if (privileged) {
                /* CAP_DAC_OVERRIDE: read and write anything; execute only where someone may, or a directory. */
                if (mask & X_OK)
                        return S_ISDIR(mode) || (mode & (S_IXUSR | S_IXGRP | S_IXOTH));
                return true;
        }
        if (uid == owner)
                shift = 6;
        else {
                member = gid == group;
                for (int i = 0; i < ngroups; i++)
                        member |= groups[i] == group;
                shift = member ? 3 : 0;
        }
        if ((mask & R_OK) && !(mode >> shift & 4))
                return false;
        if ((mask & W_OK) && !(mode >> shift & 2))
                return false;
        if ((mask & X_OK) && !(mode >> shift & 1))
                return false;
        return true;
}

static void fuzz_rules(struct in *in)
{
        static const char *const files[] = { "cgroup.procs", "cgroup.threads", "cgroup.subtree_control",
                                             "cgroup.procs ", "memory.max", "cgroup.type", "", NULL };
        static const int errs[] = { 0, 1, -EACCES, -EPERM, -ENOENT, -EINVAL, -EROFS, -EBUSY };
        gid_t groups[4];
        int ngroups = byte(in) % 5, mask = byte(in) % 8, r;
        uid_t uid = pick32(in, ids, 8), owner = pick32(in, ids, 8);
        gid_t gid = pick32(in, ids, 8), group = pick32(in, ids, 8);
        mode_t mode = (mode_t)(byte(in) | byte(in) << 8) & 07777;
        const char *file, *cg, *root;
        unsigned rights, need;
        bool a;

        mode |= byte(in) & 1 ? S_IFDIR : S_IFREG;
        for (int i = 0; i < ngroups; i++)
                groups[i] = pick32(in, ids, 8);
        for (int priv = 0; priv <= 1; priv++) {
                const struct rules_who w = { uid, gid, groups, ngroups, priv };

                a = rules_mode_allows(&w, owner, group, mode, mask);
                check(a == model_mode(uid, gid, groups, ngroups, priv, owner, group, mode, mask), "mode as the model");
                check(a == rules_mode_allows(&w, owner, group, mode, mask), "mode is a function");
                for (int sub = 0; sub < 8; sub++)
                        if ((sub & mask) == sub)
                                check(!a || rules_mode_allows(&w, owner, group, mode, sub), "a smaller mask");
                if (!priv) {
                        const struct rules_who p = { uid, gid, groups, ngroups, true };

                        check(!a || rules_mode_allows(&p, owner, group, mode, mask), "privileged never gets less");
                }
        }

        file = files[byte(in) % 8];
        need = rules_grant_need(file);
        check(need == (file && (!strcmp(file, "cgroup.procs") || !strcmp(file, "cgroup.threads") ||
                                !strcmp(file, "cgroup.subtree_control")) ? POLICY_MANAGE : POLICY_MANAGE_BELOW),
              "grant need");
        r = errs[byte(in) % 8];
        rights = byte(in) % 8;
        for (unsigned n = 0; n < 8; n++) {
                a = rules_grant_allows(r, rights, n);
                check(a == ((r == -EACCES || r == -EPERM) && (rights & n) == n), "grant allows as the model");
                check(!a || r < 0, "a grant never turns a success or another error into a yes");
        }
        check(!rules_grant_allows(r, rights, need) || (rights & need) == need, "grant needs every right");

        cg = paths[byte(in) % 8];
        root = paths[byte(in) % 8];
        a = rules_ns_root_guarded(cg, root, file, byte(in) & 1);
        check(!a || !strcmp(cg, root), "only a namespace root is guarded");
        check(!strcmp(cg, root) && !file ? a : true, "a limits/ file of the namespace root is guarded");
}

/* ---- moves ---- */

static void fuzz_move(struct in *in)
{
        uint8_t f = byte(in);
        struct procs_move m = {
                .opener_root = f & 1,
                .granted = f & 2,
                .ns_root = f & 4 ? paths[byte(in) % 8] : NULL,
                .src = f & 8 ? paths[byte(in) % 8] : NULL,
                .src_rights = byte(in) % 8,
                .may_write_common = f & 16,
                .daemon = f & 32,
        };
        int r = procs_move_check(&m);
        bool perm = (!m.daemon || m.opener_root) &&
                    (m.granted ? m.src && (m.src_rights & POLICY_MANAGE)
                               : !m.ns_root || m.opener_root || m.may_write_common);
        bool inside = !m.ns_root || (m.src && path_within(m.src, m.ns_root));

        check(r == 0 || r == -EACCES || r == -ENOENT, "move errno");
        check(r == procs_move_check(&m), "move is a function");
        check(r != 0 || (perm && inside), "a move allowed only as the model allows");
        check(r != -EACCES || !perm, "EACCES only without permission");
        check(r != -ENOENT || (perm && !inside), "ENOENT only for a permitted move out of the namespace");
        check(r == 0 || !(perm && inside), "a move the model allows goes to the kernel");
        /* More rights or facts in the opener's favour never turn a yes into a no. */
        if (r == 0) {
                struct procs_move more = m;

                more.src_rights |= POLICY_READ | POLICY_MANAGE | POLICY_MANAGE_BELOW;
                more.may_write_common = true;
                check(procs_move_check(&more) == 0, "more rights");
                more = m;
                more.daemon = false;
                check(procs_move_check(&more) == 0, "not the daemon");
        }
}

/* ---- the delegation index ---- */

struct tnode {
        struct delegtree_node t; /* first */
        bool live;
        char name[4];
};

static struct tnode nodes[MAX_NODES];

static void release(struct delegtree_node *n, void *userdata)
{
        struct tnode *t = (struct tnode *)n;

        check(t->live, "released once");
        t->live = false;
        (*(unsigned *)userdata)++;
}

/* d is strictly below n, and counted up to n: d and every node between them are no longer fresh. */
static bool counted_below(const struct delegtree_node *d, const struct delegtree_node *n)
{
        if (d->fresh)
                return false;
        for (d = d->parent; d; d = d->parent) {
                if (d == n)
                        return true;
                if (d->fresh)
                        return false;
        }
        return false;
}

/* A strict descendant of n, counted up to n, whose directory is delegated to c; uid 0 delegates nothing. */
static bool model_below(const struct delegtree_node *n, const struct caller *c)
{
        for (size_t i = 0; i < MAX_NODES; i++) {
                const struct delegtree_node *d = &nodes[i].t;

                if (!nodes[i].live || !d->stated || !counted_below(d, n))
                        continue;
                bool member = c->gid == d->gid;

                for (int k = 0; k < c->ngroups; k++)
                        member |= c->groups[k] == d->gid;
                if ((d->uid != 0 && d->uid == c->uid) || ((d->mode & S_IWGRP) && member))
                        return true;
        }
        return false;
}

static struct tnode *live_node(struct in *in)
{
        size_t i = byte(in) % MAX_NODES;

        for (size_t k = 0; k < MAX_NODES; k++, i = (i + 1) % MAX_NODES)
                if (nodes[i].live)
                        return &nodes[i];
        return NULL;
}

static void check_index(void)
{
        static struct caller callers[4];
        static const uint32_t uids[] = { 0, 1000, 1001, 5 }, gids[] = { 0, 50, 1000, 51 };

        for (int k = 0; k < 4; k++) {
                callers[k].uid = uids[k];
                callers[k].gid = gids[k];
                callers[k].ngroups = k == 3 ? 2 : 0;
                callers[k].groups[0] = 1000;
                callers[k].groups[1] = 5;
        }
        for (size_t i = 0; i < MAX_NODES; i++) {
                if (!nodes[i].live)
                        continue;
                for (int k = 0; k < 4; k++)
                        check(delegtree_below(&nodes[i].t, &callers[k]) == model_below(&nodes[i].t, &callers[k]),
                              "delegtree_below as a walk of the subtree");
        }
}

static void fuzz_index(struct in *in)
{
        static const mode_t modes[] = { 040755, 040775, 040700, 040770, 040020, 040000 };
        static const char *const names[] = { "a", "b", "c", "ab" };
        unsigned released = 0, linked = 1;

        memset(nodes, 0, sizeof nodes);
        nodes[0].live = true;
        delegtree_link(NULL, &nodes[0].t, nodes[0].name, 0);
        check(delegtree_count_fresh(&nodes[0].t) == 0, "count the root");

        for (int op = 0; op < MAX_OPS && in->n > 0; op++) {
                uint8_t o = byte(in);
                struct tnode *t = live_node(in), *c;
                struct stat st;

                if (!t)
                        break;
                switch (o % 6) {
                case 0: /* a cgroup appears below t: fresh until its subtree is counted */
                case 1:
                        for (c = nodes; c < nodes + MAX_NODES && c->live; c++)
                                ;
                        if (c == nodes + MAX_NODES)
                                break;
                        strcpy(c->name, names[byte(in) % 4]);
                        if (delegtree_child(&t->t, c->name, strlen(c->name)))
                                break;
                        memset(&c->t, 0, sizeof c->t);
                        c->live = true;
                        linked++;
                        delegtree_link(&t->t, &c->t, c->name, strlen(c->name));
                        break;
                case 2: /* its owner, group or mode changed, or it cannot be read */
                        memset(&st, 0, sizeof st);
                        st.st_uid = pick32(in, ids, 8);
                        st.st_gid = pick32(in, ids, 8);
                        st.st_mode = modes[byte(in) % 6];
                        check(delegtree_set_attrs(&t->t, o & 0x80 ? NULL : &st) == 0, "set_attrs");
                        break;
                case 3: /* the scan of t's subtree is over: count it (the indexer counts from the top of a new subtree) */
                        while (o & 0x80 && t->t.parent && t->t.parent->fresh)
                                t = (struct tnode *)t->t.parent;
                        check(delegtree_count_fresh(&t->t) == 0, "count_fresh");
                        break;
                case 4: /* t is gone, with its subtree */
                        if (t == nodes)
                                break;
                        delegtree_remove(&t->t, release, &released);
                        break;
                case 5:
                        check_index();
                        break;
                }
        }
        check_index();
        delegtree_remove(&nodes[0].t, release, &released);
        check(released == linked, "every node released once");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct in in = { data, size };

        if (size > 4096)
                return 0;
        fuzz_rules(&in);
        fuzz_move(&in);
        fuzz_rules(&in);
        fuzz_move(&in);
        fuzz_index(&in);
        return 0;
}
