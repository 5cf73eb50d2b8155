/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgpath.h"
#include "knum.h"
#include "policy.h"
#include "procs.h"

int procs_parse_write(const char *buf, size_t len, int *ret)
{
        const char *text;
        size_t tlen;
        int pid, r = knum_write_text(buf, len, &text, &tlen);

        if (r < 0)
                return r;
        /* cgroup_procs_write_start(): any kstrtoint failure, or a negative number, is EINVAL. */
        if (knum_strtoint(text, tlen, &pid) < 0 || pid < 0)
                return -EINVAL;
        *ret = pid;
        return 0;
}

int procs_translate(const char *raw, size_t len, pid_t (*map)(void *userdata, pid_t pid), void *userdata,
                    char **ret, size_t *ret_len)
{
        /* Every line needs at most "2147483647\n"; a local number can be longer than the global one. */
        size_t cap = 64, out_len = 0, i = 0;
        char *out = malloc(cap);

        if (!out)
                return -ENOMEM;
        while (i < len) {
                const char *nl = memchr(raw + i, '\n', len - i);
                size_t end = nl ? (size_t)(nl - raw) : len;
                unsigned long long g;
                pid_t local;

                if (parse_decimal(raw + i, end - i, INT_MAX, &g) < 0) {
                        free(out);
                        return -EINVAL;
                }
                i = end + 1;
                local = map(userdata, (pid_t)g);
                if (local <= 0)
                        continue;
                if (cap - out_len < 16) {
                        char *p = realloc(out, cap * 2);

                        if (!p) {
                                free(out);
                                return -ENOMEM;
                        }
                        out = p;
                        cap *= 2;
                }
                out_len += (size_t)snprintf(out + out_len, cap - out_len, "%d\n", (int)local);
        }
        out[out_len] = 0;
        *ret = out;
        *ret_len = out_len;
        return 0;
}

size_t procs_common_ancestor(const char *a, const char *b)
{
        size_t i = 0, end = 0;

        for (; a[i] && a[i] == b[i]; i++)
                if (a[i] == '/')
                        end = i;
        if ((!a[i] || a[i] == '/') && (!b[i] || b[i] == '/'))
                end = i;
        return end;
}

int procs_move_check(const struct procs_move *m)
{
        if (m->daemon && !m->opener_root)
                return -EACCES;
        if (m->granted) {
                if (!m->src || !(m->src_rights & POLICY_MANAGE))
                        return -EACCES;
        } else if (m->ns_root && !m->opener_root && !m->may_write_common)
                return -EACCES;
        if (m->ns_root && (!m->src || !path_within(m->src, m->ns_root)))
                return -ENOENT;
        return 0;
}
