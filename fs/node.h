/* SPDX-License-Identifier: MIT */
/*
 * node: the inode table. One node per (view, path) that the kernel holds a
 * lookup reference on, keyed two ways in uthash: by node id (what FUSE
 * sends) and by key (so that a name looked up twice is the same inode).
 *
 * The key carries the view (SPEC 5.3: callers in different cgroup
 * namespaces see different trees under the same names, and a directory
 * inode may have only one dentry): view 0 is the served root, seen by every
 * caller in the daemon's cgroup namespace; each other namespace root has an
 * id of its own (caller_locate), shared by the namespaces rooted there.
 *
 * Node paths are relative to the served cgroup root. The names "limits",
 * "stats" and "self" are reserved, so "a/limits/cpu" can never also be a
 * cgroup path and one string namespace serves every kind of node.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct view_file;

enum node_kind {
        NODE_CGROUP,   /* a cgroup directory; path = the cgroup */
        NODE_FILE,     /* a kernel interface file; path = the file */
        NODE_LIMITS,   /* limits/ of a cgroup; path = the cgroup */
        NODE_STATS,    /* stats/ of a cgroup; path = the cgroup */
        NODE_FRIENDLY, /* a file in limits/ or stats/; path = the cgroup, name = the file */
        NODE_SELF,     /* the "self" symlink at the top of a view */
};

struct node {
        uint64_t id;
        enum node_kind kind;
        uint32_t view;
        const struct view_file *vf; /* NODE_FRIENDLY */
        char *path;
        char *name;                 /* NODE_FRIENDLY: its name in limits/ or stats/ */
};

int node_init(void);

/* A node, with one lookup reference more; created if needed. Returns NULL on ENOMEM. */
struct node *node_ref(uint32_t view, enum node_kind kind, const char *path, const char *name,
                      const struct view_file *vf);

/* Drop n lookup references (FUSE forget); frees the node at zero. */
void node_forget(uint64_t id, uint64_t n);

/* The node of an id the kernel holds a reference on, or NULL. */
struct node *node_get(uint64_t id);

unsigned node_count(void);
