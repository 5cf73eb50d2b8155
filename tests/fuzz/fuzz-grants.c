/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the grant decision (fs/policy.h), from the rules
 * rather than from the text: the input bytes pick rules (who, id range,
 * subtree, right) and the spelling of each line (blanks, tabs, CRLF,
 * comments, a trailing '/', blank lines), and may spoil one line. The
 * file written from them must parse (or fail on exactly the spoiled line),
 * hold every rule, and policy_rights() and policy_on_the_way() must equal
 * a model that walks the rule list, for every subject and cgroup tried:
 * READ at or below a granted subtree, MANAGE at or below a managed one,
 * MANAGE_BELOW strictly below it; the way down is the granted subtrees
 * and their ancestors; by whole components only. abort() when the policy
 * grants more or less than the model, or answers twice differently.
 */
#include "policy.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RULES 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
        if (cond)
                return;
        fprintf(stderr, "fuzz-grants: %s broken\n", what);
        abort();
}

static const char *const subtrees[] = { "", "a", "a/b", "ab", "a/b/c", "b", "a/bc", "jobs/alice" };
static const char *const cgroups[] = { "", "a", "a/b", "ab", "a/b/c", "b", "a/bc", "jobs/alice", "a/b/c/d",
                                       "jobs", "jobs/al", "jobs/alice/x", "abc", "b/a" };
static const uint32_t ids[] = { 0, 1, 50, 51, 1000, 1001, 4294967295u, 100000 };

struct mrule {
        bool gid;
        uint32_t lo, hi;
        const char *path;
        bool manage;
};

/* Names the fake name service knows, and their ids. */
static const struct {
        const char *name;
        uint32_t id;
} users[] = { { "alice", 1000 }, { "bob", 1001 }, { "root", 0 } }, groups[] = { { "ops", 50 }, { "wheel", 51 } };

static int fake_user(void *userdata, const char *name, uint32_t *ret)
{
        for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
                if (!strcmp(name, users[i].name)) {
                        *ret = users[i].id;
                        return 0;
                }
        return -ENOENT;
}

static int fake_group(void *userdata, const char *name, uint32_t *ret)
{
        for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
                if (!strcmp(name, groups[i].name)) {
                        *ret = groups[i].id;
                        return 0;
                }
        return -ENOENT;
}

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

/* Whether a (alen bytes, "" the root) is b or an ancestor of b, by whole components. */
static bool model_covers(const char *a, const char *b)
{
        size_t al = strlen(a);

        return al == 0 || (!strncmp(a, b, al) && (b[al] == '\0' || b[al] == '/'));
}

static bool model_names(const struct mrule *r, uint32_t uid, const uint32_t *gids, size_t ngids)
{
        if (!r->gid)
                return uid >= r->lo && uid <= r->hi;
        for (size_t i = 0; i < ngids; i++)
                if (gids[i] >= r->lo && gids[i] <= r->hi)
                        return true;
        return false;
}

/* One rule's line, spelt as the bytes say; spoil != 0 makes it bad in one of several ways. */
static size_t write_line(char *out, struct mrule *r, struct in *in, int spoil)
{
        static const char *const blanks[] = { " ", "\t", "  ", " \t " };
        const char *b = blanks[byte(in) % 4];
        uint8_t how = byte(in);
        char who[64], path[80];
        size_t n = 0;

        r->gid = how & 1;
        r->manage = how & 2;
        r->lo = ids[byte(in) % 8];
        r->hi = how & 4 ? ids[byte(in) % 8] : r->lo;
        if (r->hi < r->lo) {
                uint32_t t = r->hi;

                r->hi = r->lo;
                r->lo = t;
        }
        r->path = subtrees[byte(in) % 8];
        if (how & 8) { /* by name */
                size_t k = byte(in);

                if (r->gid) {
                        k %= sizeof groups / sizeof groups[0];
                        snprintf(who, sizeof who, "group:%s", groups[k].name);
                        r->lo = r->hi = groups[k].id;
                } else {
                        k %= sizeof users / sizeof users[0];
                        snprintf(who, sizeof who, "user:%s", users[k].name);
                        r->lo = r->hi = users[k].id;
                }
        } else if (r->lo == r->hi && !(how & 16))
                snprintf(who, sizeof who, "%s:%u", r->gid ? "gid" : "uid", r->lo);
        else
                snprintf(who, sizeof who, "%s:%u-%u", r->gid ? "gid" : "uid", r->lo, r->hi);
        snprintf(path, sizeof path, "/%s%s", r->path, how & 32 && r->path[0] ? "/" : "");
        switch (spoil) {
        case 1: snprintf(who, sizeof who, "uid:0%u", r->lo + 1); break;         /* a leading zero */
        case 2: snprintf(path, sizeof path, "/%s/../x", r->path); break;       /* ".." */
        case 3: snprintf(who, sizeof who, "user:mallory"); break;              /* unknown */
        case 4: snprintf(path, sizeof path, "%s", r->path[0] ? r->path : "a"); break; /* relative */
        case 5: snprintf(who, sizeof who, "%s:5-4", r->gid ? "gid" : "uid"); break; /* reversed */
        }
        n += (size_t)sprintf(out + n, "%sgrant%s%s%s%s%s%s", how & 64 ? b : "", b, who, b, path, b,
                             spoil == 6 ? "own" : r->manage ? "manage" : "read");
        if (spoil == 7)
                n += (size_t)sprintf(out + n, "%sextra", b);
        if (how & 128)
                n += (size_t)sprintf(out + n, "%s# a comment", b);
        n += (size_t)sprintf(out + n, "%s", byte(in) & 1 ? "\r\n" : "\n");
        return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char text[MAX_RULES * 256];
        const struct policy_resolver res = { fake_user, fake_group, NULL };
        struct mrule rules[MAX_RULES];
        struct in in = { data, size };
        size_t n_rules = 0, len = 0;
        unsigned lines = 0, bad_line = 0, got_line = 0;
        const char *reason = NULL;
        uint8_t spoil = byte(&in);
        struct policy *p = NULL;
        int r;

        if (size > 4096)
                return 0;
        while (in.n > 0 && n_rules < MAX_RULES) {
                uint8_t kind = byte(&in);

                lines++;
                if (kind % 8 == 0) { /* a blank or comment line */
                        len += (size_t)sprintf(text + len, "%s\n", kind & 8 ? "# grant uid:1 / manage" : " \t");
                        continue;
                }
                if (!bad_line && spoil % 16 == lines % 16 && spoil >= 16) {
                        bad_line = lines;
                        len += write_line(text + len, &rules[n_rules], &in, 1 + spoil / 16 % 7);
                        continue;
                }
                len += write_line(text + len, &rules[n_rules++], &in, 0);
        }
        r = policy_parse(text, len, &res, &p, &got_line, &reason);
        if (bad_line) {
                check(r == -EINVAL && got_line == bad_line && reason, "a spoiled line fails, with its number");
                return 0;
        }
        check(r == 0, "a well-formed file parses");
        check(policy_count(p) == n_rules, "every rule kept");

        for (size_t u = 0; u < sizeof ids / sizeof ids[0]; u++) {
                for (size_t g = 0; g < 4; g++) {
                        const uint32_t gids[3] = { ids[(u + g) % 8], ids[(u + 2 * g) % 8], 50 };
                        struct policy_subject s = { ids[u], gids, g };

                        for (size_t c = 0; c < sizeof cgroups / sizeof cgroups[0]; c++) {
                                const char *cg = cgroups[c];
                                unsigned want = 0, got = policy_rights(p, &s, cg);
                                bool way = false;

                                for (size_t i = 0; i < n_rules; i++) {
                                        if (!model_names(&rules[i], s.uid, gids, g))
                                                continue;
                                        if (model_covers(rules[i].path, cg)) {
                                                want |= POLICY_READ;
                                                if (rules[i].manage)
                                                        want |= POLICY_MANAGE;
                                                if (rules[i].manage && strcmp(rules[i].path, cg))
                                                        want |= POLICY_MANAGE_BELOW;
                                        }
                                        way |= model_covers(cg, rules[i].path);
                                }
                                check((got & ~want) == 0, "never more rights than the model");
                                check(got == want, "the rights of the model");
                                check(policy_on_the_way(p, &s, cg) == way, "the way down as the model");
                                check(policy_rights(p, &s, cg) == got, "rights are a function");
                        }
                }
        }
        policy_free(p);
        return 0;
}
