/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the grant file parser in fs/policy.h. The input is
 * the whole file, NUL bytes included; names resolve through a fake name
 * service (one name fails as a broken one would). Beyond not crashing or
 * leaking, it checks the module's promises and abort()s when one breaks: a
 * failure names a line of the input and a reason and leaves *ret untouched;
 * rights are consistent (MANAGE_BELOW implies MANAGE implies READ), grow
 * going down the tree, and the way down is made of ancestors. Built with
 * replay.c, it replays the committed corpus as a regression test.
 */
#include "policy.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SENTINEL ((struct policy *) (uintptr_t) 0x5e5e5e5e)
#define MAX_INPUT (1 << 20)
#define MAX_PATHS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
        if (cond)
                return;
        fprintf(stderr, "fuzz-policy: %s broken\n", what);
        abort();
}

static int fake(const char *name, uint32_t *ret, uint32_t base)
{
        static const char *const names[] = { "alice", "bob", "ops", "wheel", "root" };

        if (strcmp(name, "broken") == 0)
                return -EIO;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                if (strcmp(name, names[i]) == 0) {
                        *ret = i == 4 ? 0 : base + (uint32_t) i;
                        return 0;
                }
        return -ENOENT;
}

static int fake_user(void *userdata, const char *name, uint32_t *ret)
{
        check(userdata == (void *) fake_user, "userdata");
        check(strlen(name) > 0 && strlen(name) <= 255, "name length");
        return fake(name, ret, 1000);
}

static int fake_group(void *userdata, const char *name, uint32_t *ret)
{
        (void) userdata;
        return fake(name, ret, 50);
}

/* Every subtree-looking token of the input, normalized as the daemon would query it. */
static size_t collect_paths(const char *s, size_t n, char paths[MAX_PATHS][4200])
{
        size_t count = 0, i = 0;

        while (i < n && count < MAX_PATHS) {
                size_t j = i;

                while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n')
                        j++;
                if (j > i && s[i] == '/' && j - i < 4096) {
                        size_t len = j - i - 1;

                        memcpy(paths[count], s + i + 1, len);
                        if (len > 0 && paths[count][len - 1] == '/')
                                len--;
                        paths[count][len] = '\0';
                        if (strlen(paths[count]) == len) /* no NUL inside */
                                count++;
                }
                i = j + 1;
        }
        return count;
}

static void query(const struct policy *p, const struct policy_subject *s, const char *cg)
{
        char below[4300];
        unsigned r = policy_rights(p, s, cg), rb;
        bool way = policy_on_the_way(p, s, cg), wayb;

        check(r <= (POLICY_READ | POLICY_MANAGE | POLICY_MANAGE_BELOW), "rights bits");
        check(!(r & POLICY_MANAGE) || (r & POLICY_READ), "MANAGE implies READ");
        check(!(r & POLICY_MANAGE_BELOW) || (r & POLICY_MANAGE), "MANAGE_BELOW implies MANAGE");
        check(cg[0] != '\0' || !(r & POLICY_MANAGE_BELOW), "nothing is below the root's parent");

        snprintf(below, sizeof below, "%s%sx", cg, cg[0] ? "/" : "");
        rb = policy_rights(p, s, below);
        wayb = policy_on_the_way(p, s, below);
        check((rb & r) == r, "rights grow going down");
        check(!(r & POLICY_MANAGE) || (rb & POLICY_MANAGE_BELOW), "below a managed cgroup");
        check(!wayb || way, "the way down is made of ancestors");
        check(policy_rights(p, s, cg) == r, "rights are a function");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char paths[MAX_PATHS][4200];
        static const uint32_t gidsets[][3] = { { 50, 51, 10 }, { 0, 1, 2 }, { 100000, 2000, 4294967295u } };
        static const uint32_t uids[] = { 0, 1, 5, 1000, 1001, 100000, 165535, 4294967295u };
        const struct policy_resolver res = { fake_user, fake_group, (void *) fake_user };
        const char *text = (const char *) data, *reason = "SENTINEL";
        unsigned line = 0x5e5e, lines = 1;
        struct policy *p = SENTINEL;
        size_t npaths;
        int r;

        if (size > MAX_INPUT)
                return 0;
        r = policy_parse(text, size, &res, &p, &line, &reason);
        if (r < 0) {
                check(p == SENTINEL, "untouched on failure");
                check(r == -EINVAL || r == -EIO || r == -ENOMEM, "error code");
                check(reason && strcmp(reason, "SENTINEL") != 0 && reason[0] != '\0', "reason");
                for (size_t i = 0; i < size; i++)
                        lines += data[i] == '\n';
                check(line >= 1 && line <= lines, "line number");
                return 0;
        }
        check(p != SENTINEL && line == 0x5e5e && strcmp(reason, "SENTINEL") == 0, "success leaves errors alone");
        check(policy_count(p) <= POLICY_MAX_RULES, "count");

        npaths = collect_paths(text, size, paths);
        for (size_t u = 0; u < sizeof uids / sizeof uids[0]; u++) {
                for (size_t g = 0; g <= sizeof gidsets / sizeof gidsets[0]; g++) {
                        struct policy_subject s = { uids[u], g ? gidsets[g - 1] : NULL, g ? 3 : 0 };

                        query(p, &s, "");
                        query(p, &s, "a");
                        query(p, &s, "jobs/alice");
                        for (size_t i = 0; i < npaths; i++)
                                query(p, &s, paths[i]);
                }
        }
        policy_free(p);
        return 0;
}
