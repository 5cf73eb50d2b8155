/* SPDX-License-Identifier: MIT */
/*
 * delegtree: the tree behind the delegation index (SPEC 5.2), pure (no I/O).
 *
 * One node per cgroup directory below the served root, found by name from
 * its parent: no stored paths, so a tree deeper than PATH_MAX costs what
 * its names cost. Each node holds its directory's owner, group and mode, and
 * counts of the delegation keys strictly below it: "uid u" for a directory
 * owned by u != 0, "gid g" for one of group g with group write. "Is a cgroup
 * below n delegated to c" is then a look at n's counts (delegtree_below); a
 * change of one directory updates the counts of its ancestors.
 *
 * A node linked during a scan is "fresh": its attributes are set without
 * touching its ancestors, and delegtree_count_fresh() adds a new subtree to
 * them at once, children first, so that scanning a chain of n cgroups costs
 * O(n), not O(n^2). Nothing here recurses: walks follow parent links.
 *
 * The embedding module allocates the nodes (this struct first in its own),
 * keeps their names, and frees them in delegtree_remove's release callback.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <uthash.h>

#include "caller.h"

struct delegtree_key {
        uint32_t id;
        bool group;
        uint32_t n;     /* strict descendants that have it */
};

struct delegtree_node {
        struct delegtree_node *parent;
        struct delegtree_node *children; /* by name */
        UT_hash_handle hh;               /* in parent->children */
        const char *name;                /* "" for the root; owned by the embedding module */
        bool fresh;                      /* not yet counted in its ancestors */
        bool stated;                     /* uid, gid, mode known */
        uid_t uid;
        gid_t gid;
        mode_t mode;
        struct delegtree_key *below;     /* the keys of its strict descendants */
        uint32_t n_below, cap_below;
};

/* A directory with this owner, group and mode is delegated to c: owned by its uid, or by one of its groups with g+w. */
bool delegtree_owned_by(const struct caller *c, uid_t uid, gid_t gid, mode_t mode);

/* Link a zeroed node n named name (len bytes, kept by the caller) below parent (NULL: the root), fresh. */
void delegtree_link(struct delegtree_node *parent, struct delegtree_node *n, const char *name, size_t len);

struct delegtree_node *delegtree_child(const struct delegtree_node *n, const char *name, size_t len);

/* The node of a path relative to root ("" is root, "a/b" below it), or NULL. */
struct delegtree_node *delegtree_find(struct delegtree_node *root, const char *path);

/* n's directory has these attributes now (NULL: unknown, no delegation); -ENOMEM leaves counts short, never long. */
int delegtree_set_attrs(struct delegtree_node *n, const struct stat *st);

/* Count every fresh node of top's subtree in its ancestors, children first; -ENOMEM as above. */
int delegtree_count_fresh(struct delegtree_node *top);

/* n and its subtree are gone: out of the counts and the tree, then release() on each, children first. */
void delegtree_remove(struct delegtree_node *n, void (*release)(struct delegtree_node *, void *), void *userdata);

/* The node after n in a pre-order walk of top's subtree, into n's children or not; NULL at the end. */
struct delegtree_node *delegtree_next(struct delegtree_node *n, const struct delegtree_node *top, bool into);

/* Is a cgroup strictly below n delegated to c? */
bool delegtree_below(const struct delegtree_node *n, const struct caller *c);

/* n's path relative to the root (malloc'ed), or NULL on ENOMEM. */
char *delegtree_path(const struct delegtree_node *n);
