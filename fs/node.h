/* SPDX-License-Identifier: MIT */
/*
 * node: the inode table. One node per id that the kernel holds a lookup
 * reference on, in an open-addressing table by id (a node is about 100
 * bytes with its path: the kernel may hold hundreds of thousands). Ids are made from the caller's class and
 * what the kernel says of the object (cache.h), so a name looked up twice
 * by one class is the same node, and by two classes two nodes (SPEC 5.3: a
 * directory inode may have only one dentry).
 *
 * Node paths are relative to the served cgroup root. The names "limits",
 * "stats", "effective" and "self" are reserved, so "a/limits/cpu" can never also be a
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
        NODE_FRIENDLY, /* a file in limits/, stats/ or effective/; path = the cgroup, name = the file */
        NODE_SELF,     /* the "self" symlink at the top of a view */
        NODE_EFFECTIVE, /* effective/ of a cgroup; path = the cgroup */
};

struct node {
        uint64_t id;
        const struct view_file *vf; /* NODE_FRIENDLY */
        char *path;
        char *name;                 /* NODE_FRIENDLY: its name in limits/ or stats/; top: its name at the top */
        uint32_t size;              /* files: the length of the value last pushed into the page cache */
        uint32_t writers, readers;  /* files: opens for writing, for reading now (ops.c's open_locks) */
        uint8_t kind;               /* enum node_kind */
        bool top;                   /* an entry of the top of the mount */
};

int node_init(void);

/*
 * The node of id, with one lookup reference more; created if needed. NULL
 * on ENOMEM. A node keeps the path it was made with: a cgroup renamed on
 * cgroupfs makes every class stale (cache.h), so its new name gets new ids,
 * and a node of the old one answers ENOENT where it is still held.
 */
struct node *node_ref(uint64_t id, enum node_kind kind, const char *path, const char *name,
                      const struct view_file *vf, bool top);

/* The names of the top's entries the kernel holds, NULL-terminated, to free() (one block); NULL on ENOMEM. */
char **node_top_names(void);

/*
 * The node of an id that a worker before this one gave out and the kernel
 * still holds (takeover.h), rebuilt from what the id says; found or made,
 * with no lookup reference of this worker's (its slot counts it already).
 * Such an id is never given out again, so its first forget frees it.
 */
struct node *node_adopt(uint64_t id, enum node_kind kind, const char *path, const char *name,
                        const struct view_file *vf);

/* Drop n lookup references (FUSE forget); frees the node at zero. */
void node_forget(uint64_t id, uint64_t n);

/* The node of an id the kernel holds a reference on, or NULL. */
struct node *node_get(uint64_t id);

/* Set the length of the value last pushed into the page cache; returns the previous one. */
uint32_t node_set_size(uint64_t id, uint32_t size);

unsigned node_count(void);
