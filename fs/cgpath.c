/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>

#include "cgpath.h"

int cgpath_relative(const char *from, const char *to, char *buf, size_t n)
{
        size_t common = 0, len = 0, i;
        const char *down;
        int r;

        /* The longest common prefix that ends at a component boundary of both. */
        for (i = 0; from[i] && from[i] == to[i]; i++)
                if (from[i] == '/')
                        common = i;
        if ((!from[i] || from[i] == '/') && (!to[i] || to[i] == '/'))
                common = i;
        if (n == 0)
                return -ENAMETOOLONG;
        buf[0] = 0;
        /* One ".." for each component of from below the common ancestor. */
        for (i = common; from[i]; i++) {
                if (from[i] != '/' || !from[i + 1])
                        continue;
                r = snprintf(buf + len, n - len, "/..");
                if (r < 0 || (size_t)r >= n - len)
                        return -ENAMETOOLONG;
                len += (size_t)r;
        }
        down = to + common;
        while (*down == '/')
                down++;
        r = snprintf(buf + len, n - len, "%s%s", *down || !len ? "/" : "", down);
        if (r < 0 || (size_t)r >= n - len)
                return -ENAMETOOLONG;
        return (int)(len + (size_t)r);
}

void cgpath_unescape(char *s)
{
        char *d = s;

        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        *d++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
                        s += 3;
                } else
                        *d++ = *s;
        }
        *d = 0;
}
