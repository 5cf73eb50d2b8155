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
