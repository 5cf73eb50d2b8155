/* SPDX-License-Identifier: MIT */
/* cgpath: cgroup paths relative to the served root ("" the root, "a/b" below it). PURE. */
#pragma once

#include <stdbool.h>
#include <string.h>

/* Whether path is root or below it, by whole components ("ab" is not below "a"). */
static inline bool path_within(const char *path, const char *root)
{
        size_t rl = strlen(root);

        return rl == 0 || (strncmp(path, root, rl) == 0 && (path[rl] == 0 || path[rl] == '/'));
}

/*
 * The path of cgroup to as a process in a cgroup namespace rooted at from
 * reads it in /proc/<pid>/cgroup (both absolute: "/" or "/a/b"): "/rest"
 * for to at or below from, else one ".." per level up from from to the
 * common ancestor, then down ("/../../c", "/.."). Returns the length, or
 * -ENAMETOOLONG when it does not fit in n bytes.
 */
int cgpath_relative(const char *from, const char *to, char *buf, size_t n);

/* Undo the \\ooo escapes of /proc/self/mountinfo (space, tab, newline, backslash), in place. */
void cgpath_unescape(char *s);
