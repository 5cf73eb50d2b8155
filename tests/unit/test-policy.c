/* SPDX-License-Identifier: MIT */
/*
 * Table tests for fs/policy.c, printed as TAP: grant files that parse (and
 * what one probe of each grants), lines that do not (with their line number
 * and reason, and the output untouched), name resolution, a table of rights
 * queries, and policy_rights()/policy_on_the_way() against a reference that
 * splits paths into components, over pseudo-random rules from a fixed seed.
 */
#include "policy.h"
#include "tap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define SENTINEL ((struct policy *) (uintptr_t) 0x5e5e5e5e)
#define LINE_SENTINEL 0x5e5eu
#define R POLICY_READ
#define M POLICY_MANAGE
#define MB POLICY_MANAGE_BELOW
#define RM (R | M)
#define RMB (R | M | MB)
#define RANDOM_ROUNDS 3000

static const char *show(const char *s)
{
        return tap_quote(s, strlen(s));
}

/* ---- a fake name service ----------------------------------------------- */

struct id_name {
        const char *name;
        uint32_t id;
};

static const struct id_name users[] = {
        { "alice", 1000 }, { "bob", 1001 }, { "root", 0 }, { "nobody", 65534 }, { "Alice", 1002 },
        { "web-admin.1", 1003 },
};
static const struct id_name groups[] = { { "ops", 50 }, { "wheel", 10 }, { "alice", 1000 }, { "max", 4294967295u } };

static unsigned lookups;

/* "broken" fails as the name service itself would. */
static int lookup(const struct id_name *t, size_t n, const char *name, uint32_t *ret)
{
        lookups++;
        if (strcmp(name, "broken") == 0)
                return -EIO;
        for (size_t i = 0; i < n; i++)
                if (strcmp(t[i].name, name) == 0) {
                        *ret = t[i].id;
                        return 0;
                }
        return -ENOENT;
}

static int fake_user(void *userdata, const char *name, uint32_t *ret)
{
        (void) userdata;
        return lookup(users, ELEMENTSOF(users), name, ret);
}

static int fake_group(void *userdata, const char *name, uint32_t *ret)
{
        (void) userdata;
        return lookup(groups, ELEMENTSOF(groups), name, ret);
}

static const struct policy_resolver fake = { fake_user, fake_group, NULL };

/* Parses NUL-terminated text, or len bytes when len > 0. */
static int parse(const char *text, size_t len, const struct policy_resolver *res, struct policy **ret,
                 unsigned *ret_line, const char **ret_reason)
{
        return policy_parse(text, len ? len : strlen(text), res, ret, ret_line, ret_reason);
}

/* ---- files that parse -------------------------------------------------- */

struct good_case {
        const char *what;
        const char *text;
        size_t len;        /* 0: strlen(text) */
        unsigned count;    /* rules */
        uint32_t uid, gid; /* one probe: this subject ... */
        const char *cgroup; /* ... on this cgroup (NULL: no probe) ... */
        unsigned rights;   /* ... has these rights */
};

static const struct good_case good_cases[] = {
        { "empty file", "", 0, 0, 1000, 1000, "", 0 },
        { "comments and blank lines", "# a comment\n\n   \n\t\n# grant user:alice / manage\n", 0, 0, 1000, 1000, "", 0 },
        { "only newlines", "\n\n\n", 0, 0, 0, 0, NULL, 0 },
        { "the example of SPEC 5.4",
          "# verb     who                    subtree        what\n"
          "grant      user:alice             /jobs/alice    manage\n"
          "grant      group:ops              /              read\n"
          "grant      uid:100000-165535      /lxc/web       manage\n",
          0, 3, 100000, 100000, "lxc/web/c1", RMB },
        { "user:NAME", "grant user:alice /jobs/alice manage\n", 0, 1, 1000, 5, "jobs/alice", RM },
        { "user: name with dot and dash", "grant user:web-admin.1 /w read\n", 0, 1, 1003, 5, "w", R },
        { "user: case-sensitive names", "grant user:Alice /a read\n", 0, 1, 1002, 5, "a", R },
        { "group:NAME", "grant group:wheel /srv manage\n", 0, 1, 5, 10, "srv/x", RMB },
        { "group: same name as a user", "grant group:alice /g read\n", 0, 1, 5, 1000, "g", R },
        { "uid:N", "grant uid:4000 /u read\n", 0, 1, 4000, 5, "u", R },
        { "uid:0", "grant uid:0 /u read\n", 0, 1, 0, 5, "u", R },
        { "uid:N-M", "grant uid:10-20 /u read\n", 0, 1, 20, 5, "u", R },
        { "uid:N-N", "grant uid:7-7 /u read\n", 0, 1, 7, 5, "u", R },
        { "uid: every id", "grant uid:0-4294967295 / read\n", 0, 1, 4294967295u, 5, "x", R },
        { "gid:N", "grant gid:2000 /g read\n", 0, 1, 5, 2000, "g", R },
        { "gid:N-M", "grant gid:2000-2999 /g manage\n", 0, 1, 5, 2999, "g", RM },
        { "gid: largest id", "grant gid:4294967295 /g read\n", 0, 1, 5, 4294967295u, "g", R },
        { "group: resolving to the largest id", "grant group:max /g read\n", 0, 1, 5, 4294967295u, "g", R },
        { "tabs between fields", "grant\tuser:alice\t/jobs/alice\tmanage\n", 0, 1, 1000, 5, "jobs/alice", RM },
        { "runs of blanks", "  \t grant \t\t user:alice   /a  \t read\n", 0, 1, 1000, 5, "a", R },
        { "trailing whitespace", "grant user:alice /a read \t \n", 0, 1, 1000, 5, "a", R },
        { "trailing comment", "grant user:alice /a manage # alice's jobs\n", 0, 1, 1000, 5, "a", RM },
        { "trailing comment after a tab", "grant user:alice /a manage\t#x\n", 0, 1, 1000, 5, "a", RM },
        { "comment holding anything but NUL", "# \x01\x7f\r\xff grant\v\n", 0, 0, 0, 0, NULL, 0 },
        { "comment after leading blanks", "   # grant bogus\n", 0, 0, 0, 0, NULL, 0 },
        { "comment without a space", "#grant user:alice / manage\n", 0, 0, 1000, 5, "", 0 },
        { "CRLF line ends", "# c\r\ngrant user:alice /a manage\r\n\r\ngrant uid:5 /b read\r\n", 0, 2, 1000, 5, "a/b", RMB },
        { "no final newline", "grant user:alice /a read", 0, 1, 1000, 5, "a", R },
        { "no final newline, CR", "grant user:alice /a read\r", 0, 1, 1000, 5, "a", R },
        { "root subtree", "grant uid:5 / manage\n", 0, 1, 5, 5, "", RM },
        { "trailing slash dropped", "grant uid:5 /jobs/alice/ manage\n", 0, 1, 5, 5, "jobs/alice", RM },
        { "trailing slash, component boundary kept", "grant uid:5 /jobs/al/ read\n", 0, 1, 5, 5, "jobs/alice", 0 },
        { "'#' inside a path is a name", "grant uid:5 /a#b read\n", 0, 1, 5, 5, "a#b", R },
        { "'#' inside a path, not a comment", "grant uid:5 /a#b read\n", 0, 1, 5, 5, "a", 0 },
        { "dots that are names", "grant uid:5 /.../.a/a. read\n", 0, 1, 5, 5, ".../.a/a.", R },
        { "UTF-8 path", "grant uid:5 /jobs/\xc3\xa9t\xc3\xa9 read\n", 0, 1, 5, 5, "jobs/\xc3\xa9t\xc3\xa9", R },
        { "duplicate rules", "grant uid:5 /a read\ngrant uid:5 /a read\n", 0, 2, 5, 5, "a", R },
        { "read and manage of one subject merge", "grant uid:5 / read\ngrant uid:5 /a manage\n", 0, 2, 5, 5, "a/b", RMB },
};

static void test_good(void)
{
        for (size_t i = 0; i < ELEMENTSOF(good_cases); i++) {
                const struct good_case *c = &good_cases[i];
                struct policy *p = SENTINEL;
                unsigned line = LINE_SENTINEL, got = 0;
                const char *reason = "SENTINEL";
                int r = parse(c->text, c->len, &fake, &p, &line, &reason);
                bool pass = r == 0 && p != SENTINEL && line == LINE_SENTINEL && strcmp(reason, "SENTINEL") == 0 &&
                            policy_count(p) == c->count;

                if (pass && c->cgroup) {
                        struct policy_subject s = { c->uid, &c->gid, 1 };

                        got = policy_rights(p, &s, c->cgroup);
                        pass = got == c->rights;
                }
                ok(pass, "parse: %s: %s = 0, %u rules (got %s, %u rules, line %u %s)%s%s",
                   c->what, tap_quote(c->text, c->len ? c->len : strlen(c->text)), c->count, rets(r),
                   r == 0 ? policy_count(p) : 0, line, reason, c->cgroup ? ", rights on " : "",
                   c->cgroup ? show(c->cgroup) : "");
                if (!pass && c->cgroup)
                        diag("rights: want %u, got %u", c->rights, got);
                if (r == 0)
                        policy_free(p);
        }
}

/* ---- files that do not parse ------------------------------------------- */

struct bad_case {
        const char *text;
        size_t len; /* 0: strlen(text) */
        int ret;
        unsigned line;
        const char *reason;
};

static const struct bad_case bad_cases[] = {
        /* verbs and field counts */
        { "frob user:alice / read\n", 0, -EINVAL, 1, "unknown verb" },
        { "Grant user:alice / read\n", 0, -EINVAL, 1, "unknown verb" },
        { "grants user:alice / read\n", 0, -EINVAL, 1, "unknown verb" },
        { "deny user:alice /\n", 0, -EINVAL, 1, "unknown verb" },
        { "grant\n", 0, -EINVAL, 1, "missing field" },
        { "grant user:alice\n", 0, -EINVAL, 1, "missing field" },
        { "grant user:alice /\n", 0, -EINVAL, 1, "missing field" },
        { "grant user:alice / # read\n", 0, -EINVAL, 1, "missing field" },
        { "grant user:alice / read extra\n", 0, -EINVAL, 1, "extra field" },
        { "grant user:alice / read manage\n", 0, -EINVAL, 1, "extra field" },
        { "grant user:alice / read a b c d e f\n", 0, -EINVAL, 1, "extra field" },
        /* who */
        { "grant alice / read\n", 0, -EINVAL, 1, "bad subject" },
        { "grant usr:alice / read\n", 0, -EINVAL, 1, "bad subject" },
        { "grant USER:alice / read\n", 0, -EINVAL, 1, "bad subject" },
        { "grant user=alice / read\n", 0, -EINVAL, 1, "bad subject" },
        { "grant :alice / read\n", 0, -EINVAL, 1, "bad subject" },
        { "grant * / read\n", 0, -EINVAL, 1, "bad subject" },
        { "grant user: / read\n", 0, -EINVAL, 1, "bad name" },
        { "grant group: / read\n", 0, -EINVAL, 1, "bad name" },
        { "grant user:nosuch / read\n", 0, -EINVAL, 1, "unknown user" },
        { "grant user:ALICE / read\n", 0, -EINVAL, 1, "unknown user" },
        { "grant user:ops / read\n", 0, -EINVAL, 1, "unknown user" },
        { "grant user:1000 / read\n", 0, -EINVAL, 1, "unknown user" },
        { "grant group:nosuch / read\n", 0, -EINVAL, 1, "unknown group" },
        { "grant group:bob / read\n", 0, -EINVAL, 1, "unknown group" },
        { "grant uid: / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:abc / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:-1 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:+1 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:0x10 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:010 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:00 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:1.5 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:1e3 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:4294967296 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:9999999999 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:18446744073709551617 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:1- / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:-5 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:1-2-3 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:1--2 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:0-4294967296 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:1,2 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:alice / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:\xd9\xa1 / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant uid:5-4 / read\n", 0, -EINVAL, 1, "bad id range" },
        { "grant uid:4294967295-0 / read\n", 0, -EINVAL, 1, "bad id range" },
        { "grant gid: / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant gid:x / read\n", 0, -EINVAL, 1, "bad id" },
        { "grant gid:2-1 / read\n", 0, -EINVAL, 1, "bad id range" },
        /* subtree */
        { "grant uid:5 jobs read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 jobs/ read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 . read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 ~alice read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 // read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /// read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 //a read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /a//b read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /a// read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /. read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /.. read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /../ read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /a/. read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /a/.. read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /a/./b read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /a/../b read\n", 0, -EINVAL, 1, "bad subtree path" },
        { "grant uid:5 /a/../../etc read\n", 0, -EINVAL, 1, "bad subtree path" },
        /* what */
        { "grant uid:5 / write\n", 0, -EINVAL, 1, "unknown right" },
        { "grant uid:5 / Read\n", 0, -EINVAL, 1, "unknown right" },
        { "grant uid:5 / MANAGE\n", 0, -EINVAL, 1, "unknown right" },
        { "grant uid:5 / rw\n", 0, -EINVAL, 1, "unknown right" },
        { "grant uid:5 / read#x\n", 0, -EINVAL, 1, "unknown right" },
        { "grant uid:5 / read,manage\n", 0, -EINVAL, 1, "unknown right" },
        /* bytes */
        { "grant uid:5 /a\x01" "b read\n", 0, -EINVAL, 1, "control character" },
        { "grant uid:5 /a\x7f read\n", 0, -EINVAL, 1, "control character" },
        { "grant uid:5 /a\x1b[0m read\n", 0, -EINVAL, 1, "control character" },
        { "grant\vuid:5 / read\n", 0, -EINVAL, 1, "control character" },
        { "grant uid:5\f/ read\n", 0, -EINVAL, 1, "control character" },
        { "grant uid:5 /a\rb read\n", 0, -EINVAL, 1, "control character" },
        { "grant uid:5 / read\r\r\n", 0, -EINVAL, 1, "control character" },
        { "\v\n", 0, -EINVAL, 1, "control character" },
        { "\rgrant uid:5 / read\n", 0, -EINVAL, 1, "control character" },
        { "grant uid:5 /\0 read\n", 20, -EINVAL, 1, "NUL byte" },
        { "grant uid:5 / read\0\n", 20, -EINVAL, 1, "NUL byte" },
        { "# comment \0 here\n", 17, -EINVAL, 1, "NUL byte" },
        { "\0", 1, -EINVAL, 1, "NUL byte" },
        { "\n\n\0", 3, -EINVAL, 3, "NUL byte" },
        /* line numbers */
        { "# comment\n\ngrant uid:5 / read\nbogus\n", 0, -EINVAL, 4, "unknown verb" },
        { "# comment\r\n\r\ngrant uid:5 / read\r\nbogus\r\n", 0, -EINVAL, 4, "unknown verb" },
        { "grant uid:5 / read\ngrant uid:5 / read\ngrant uid:5 / nope", 0, -EINVAL, 3, "unknown right" },
        { "\n\n\n\n\n\n\n\n\n\ngrant\n", 0, -EINVAL, 11, "missing field" },
        { "bogus\nalso bogus\n", 0, -EINVAL, 1, "unknown verb" },
        { "grant uid:5 / read\ngrant uid:6-5 / read\ngrant user:nosuch / read\n", 0, -EINVAL, 2, "bad id range" },
};

static void test_bad(void)
{
        for (size_t i = 0; i < ELEMENTSOF(bad_cases); i++) {
                const struct bad_case *c = &bad_cases[i];
                struct policy *p = SENTINEL;
                unsigned line = LINE_SENTINEL;
                const char *reason = "SENTINEL";
                int r = parse(c->text, c->len, &fake, &p, &line, &reason);

                ok(r == c->ret && p == SENTINEL && line == c->line && strcmp(reason, c->reason) == 0,
                   "parse(%s) = %s, line %u: %s, untouched (got %s, line %u: %s%s)",
                   tap_quote(c->text, c->len ? c->len : strlen(c->text)), rets(c->ret), c->line, c->reason,
                   rets(r), line, reason, p == SENTINEL ? "" : ", *ret written");
                if (r == 0 && p != SENTINEL)
                        policy_free(p);
        }
}

/* Length limits, built at run time. */
static void test_limits(void)
{
        static char text[8192], name[300];
        struct policy *p = SENTINEL;
        unsigned line = LINE_SENTINEL;
        const char *reason = "SENTINEL";
        char comp[260];
        int r, n;

        /* A component of 255 bytes is fine, 256 is not. */
        memset(comp, 'c', 255);
        comp[255] = '\0';
        snprintf(text, sizeof text, "grant uid:5 /a/%s read\n", comp);
        r = parse(text, 0, &fake, &p, &line, &reason);
        ok(r == 0, "parse: a 255-byte component (got %s, %s)", rets(r), r == 0 ? "" : reason);
        if (r == 0) {
                struct policy_subject s = { 5, NULL, 0 };

                snprintf(name, sizeof name, "a/%s", comp);
                ok(policy_rights(p, &s, name) == R, "rights below a 255-byte component");
                policy_free(p);
        }
        memset(comp, 'c', 256);
        comp[256] = '\0';
        snprintf(text, sizeof text, "\ngrant uid:5 /a/%s read\n", comp);
        p = SENTINEL;
        r = parse(text, 0, &fake, &p, &line, &reason);
        ok(r == -EINVAL && p == SENTINEL && line == 2 && strcmp(reason, "bad subtree path") == 0,
           "parse: a 256-byte component is line 2, bad subtree path (got %s, line %u: %s)", rets(r), line, reason);

        /* A path of 4095 bytes as written is fine, 4096 is not (with or without a trailing '/'). */
        for (int total = 4094; total <= 4097; total++) {
                n = snprintf(text, sizeof text, "grant uid:5 ");
                for (int k = 0; k < total; k++)
                        text[n + k] = k % 100 == 0 ? '/' : 'p';
                if (total == 4097)
                        text[n + total - 1] = '/'; /* 4096 bytes once the slash is dropped: still too long */
                snprintf(text + n + total, sizeof text - (size_t) (n + total), " read\n");
                p = SENTINEL;
                line = LINE_SENTINEL;
                reason = "SENTINEL";
                r = parse(text, 0, &fake, &p, &line, &reason);
                if (total <= 4095) {
                        ok(r == 0 && policy_count(p) == 1, "parse: a %d-byte subtree (got %s)", total, rets(r));
                        if (r == 0)
                                policy_free(p);
                } else
                        ok(r == -EINVAL && p == SENTINEL && line == 1 && strcmp(reason, "bad subtree path") == 0,
                           "parse: a %d-byte subtree is bad (got %s, line %u: %s)", total, rets(r), line, reason);
        }

        /* Names of 255 bytes reach the resolver; 256 do not. */
        memset(name, 'n', 255);
        name[255] = '\0';
        snprintf(text, sizeof text, "grant user:%s / read\n", name);
        lookups = 0;
        r = parse(text, 0, &fake, &p, &line, &reason);
        ok(r == -EINVAL && lookups == 1 && strcmp(reason, "unknown user") == 0,
           "parse: a 255-byte user name is looked up (got %s, %u lookups, %s)", rets(r), lookups, reason);
        snprintf(text, sizeof text, "grant group:%sn / read\n", name);
        lookups = 0;
        r = parse(text, 0, &fake, &p, &line, &reason);
        ok(r == -EINVAL && lookups == 0 && strcmp(reason, "bad name") == 0,
           "parse: a 256-byte group name is a bad name (got %s, %u lookups, %s)", rets(r), lookups, reason);
}

/* POLICY_MAX_RULES rules parse; one more is an error on its line. */
static void test_max_rules(void)
{
        static const char rule[] = "grant uid:1 /a read\n";
        size_t n = (POLICY_MAX_RULES + 1) * (sizeof rule - 1);
        char *text = malloc(n);
        struct policy *p = SENTINEL;
        unsigned line = LINE_SENTINEL;
        const char *reason = "SENTINEL";
        int r;

        if (!text) {
                ok(false, "malloc");
                return;
        }
        for (size_t i = 0; i <= POLICY_MAX_RULES; i++)
                memcpy(text + i * (sizeof rule - 1), rule, sizeof rule - 1);
        r = policy_parse(text, n - (sizeof rule - 1), &fake, &p, &line, &reason);
        ok(r == 0 && policy_count(p) == POLICY_MAX_RULES, "parse: %u rules (got %s, %u)", POLICY_MAX_RULES,
           rets(r), r == 0 ? policy_count(p) : 0);
        if (r == 0)
                policy_free(p);
        p = SENTINEL;
        r = policy_parse(text, n, &fake, &p, &line, &reason);
        ok(r == -EINVAL && p == SENTINEL && line == POLICY_MAX_RULES + 1 && strcmp(reason, "too many rules") == 0,
           "parse: %u rules is too many, on line %u (got %s, line %u: %s)", POLICY_MAX_RULES + 1,
           POLICY_MAX_RULES + 1, rets(r), line, reason);
        free(text);
}

/* ---- name resolution --------------------------------------------------- */

static int user_only(void *userdata, const char *name, uint32_t *ret)
{
        *(unsigned *) userdata += 1;
        return fake_user(NULL, name, ret);
}

static void test_resolver(void)
{
        unsigned calls = 0;
        const struct policy_resolver users_only = { user_only, NULL, &calls };
        const struct policy_resolver none = { NULL, NULL, NULL };
        struct {
                const char *text;
                const struct policy_resolver *res;
                int ret;
                unsigned line;
                const char *reason;
        } cases[] = {
                { "grant user:alice / read\n", NULL, -EINVAL, 1, "unknown user" },
                { "grant group:ops / read\n", NULL, -EINVAL, 1, "unknown group" },
                { "grant uid:5 / read\ngrant gid:5 / read\n", NULL, 0, 0, NULL },
                { "grant uid:5 / read\ngrant user:alice / read\n", &none, -EINVAL, 2, "unknown user" },
                { "grant user:alice / read\n", &users_only, 0, 0, NULL },
                { "grant user:alice / read\ngrant group:ops / read\n", &users_only, -EINVAL, 2, "unknown group" },
                { "grant user:broken / read\n", &fake, -EIO, 1, "user lookup failed" },
                { "\n# x\ngrant group:broken / read\n", &fake, -EIO, 3, "group lookup failed" },
                /* A bad line stops the parse: later names are not looked up. */
                { "grant user:nosuch / read\ngrant user:broken / read\n", &fake, -EINVAL, 1, "unknown user" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct policy *p = SENTINEL;
                unsigned line = LINE_SENTINEL;
                const char *reason = "SENTINEL";
                int r = parse(cases[i].text, 0, cases[i].res, &p, &line, &reason);
                bool pass = r == cases[i].ret &&
                            (r == 0 ? p != SENTINEL && line == LINE_SENTINEL && strcmp(reason, "SENTINEL") == 0
                                    : p == SENTINEL && line == cases[i].line && strcmp(reason, cases[i].reason) == 0);

                ok(pass, "resolver %zu: parse(%s) = %s, line %u: %s (got %s, line %u: %s)", i, show(cases[i].text),
                   rets(cases[i].ret), cases[i].line, cases[i].reason ? cases[i].reason : "-", rets(r), line, reason);
                if (r == 0)
                        policy_free(p);
        }
        ok(calls == 2, "resolver: userdata reaches the callback (%u calls, want 2)", calls);

        /* The name handed over is exactly the text after the colon, NUL-terminated. */
        lookups = 0;
        {
                struct policy *p = NULL;
                int r = parse("grant user:alice\t/a read\ngrant group:wheel /b read # wheel\n", 0, &fake, &p,
                              NULL, NULL);
                struct policy_subject alice = { 1000, NULL, 0 };
                uint32_t wheel_gid = 10;
                struct policy_subject wheel = { 5, &wheel_gid, 1 };

                ok(r == 0 && lookups == 2 && policy_rights(p, &alice, "a") == R && policy_rights(p, &wheel, "b") == R &&
                   policy_rights(p, &alice, "b") == 0 && policy_rights(p, &wheel, "a") == 0,
                   "resolver: user:alice and group:wheel resolve to their ids (got %s, %u lookups)", rets(r), lookups);
                if (r == 0)
                        policy_free(p);
        }

        /* NULL ret_line and ret_reason are fine on failure. */
        {
                struct policy *p = SENTINEL;
                int r = parse("bogus\n", 0, &fake, &p, NULL, NULL);

                ok(r == -EINVAL && p == SENTINEL, "parse with NULL ret_line, ret_reason (got %s)", rets(r));
        }
}

/* ---- rights ------------------------------------------------------------ */

static const char rights_text[] =
        "grant user:alice        /jobs/alice   manage\n"
        "grant group:ops         /             read\n"
        "grant uid:100000-165535 /lxc/web      manage\n"
        "grant gid:2000-2999     /shared       read\n"
        "grant uid:3000          /jobs/al      read\n"
        "grant group:wheel       /srv          manage\n"
        "grant uid:4000          /             manage\n"
        "grant uid:5000          /a/b/c        read\n"
        "grant uid:5000          /a/b          manage\n";

struct rights_case {
        uint32_t uid;
        uint32_t gids[4];
        size_t ngids;
        const char *cgroup;
        unsigned rights;
        bool way;
};

static const struct rights_case rights_cases[] = {
        /* alice: manage /jobs/alice */
        { 1000, { 1000 }, 1, "", 0, true },
        { 1000, { 1000 }, 1, "jobs", 0, true },
        { 1000, { 1000 }, 1, "jobs/alice", RM, true },
        { 1000, { 1000 }, 1, "jobs/alice/x", RMB, false },
        { 1000, { 1000 }, 1, "jobs/alice/x/y/z", RMB, false },
        { 1000, { 1000 }, 1, "jobs/alicex", 0, false },
        { 1000, { 1000 }, 1, "jobs/alic", 0, false },
        { 1000, { 1000 }, 1, "jobs/al", 0, false },
        { 1000, { 1000 }, 1, "jobs/bob", 0, false },
        { 1000, { 1000 }, 1, "job", 0, false },
        { 1000, { 1000 }, 1, "jobsx", 0, false },
        { 1000, { 1000 }, 1, "lxc", 0, false },
        { 1000, { 1000 }, 1, "alice", 0, false },
        /* a grant on /jobs/al does not cover jobs/alice */
        { 3000, { 3000 }, 1, "jobs/al", R, true },
        { 3000, { 3000 }, 1, "jobs/al/x", R, false },
        { 3000, { 3000 }, 1, "jobs/alice", 0, false },
        { 3000, { 3000 }, 1, "jobs/alice/x", 0, false },
        { 3000, { 3000 }, 1, "jobs/a", 0, false },
        { 3000, { 3000 }, 1, "jobs", 0, true },
        { 3000, { 3000 }, 1, "", 0, true },
        /* uid range 100000-165535: edges */
        { 100000, { 100000 }, 1, "lxc/web", RM, true },
        { 165535, { 165535 }, 1, "lxc/web", RM, true },
        { 165535, { 165535 }, 1, "lxc/web/c1", RMB, false },
        { 131072, { 0 }, 0, "lxc/web/c1/c2", RMB, false },
        { 99999, { 99999 }, 1, "lxc/web", 0, false },
        { 165536, { 165536 }, 1, "lxc/web", 0, false },
        { 99999, { 99999 }, 1, "lxc", 0, false },
        { 100000, { 100000 }, 1, "lxc", 0, true },
        { 100000, { 100000 }, 1, "lxc/webx", 0, false },
        { 100000, { 100000 }, 1, "lxc/we", 0, false },
        { 100000, { 100000 }, 1, "web", 0, false },
        /* a uid range does not match gids, nor a gid range uids */
        { 5, { 100000 }, 1, "lxc/web", 0, false },
        { 2000, { 5 }, 1, "shared", 0, false },
        /* gid range 2000-2999: edges, primary or supplementary */
        { 5, { 2000 }, 1, "shared", R, true },
        { 5, { 2999 }, 1, "shared/x", R, false },
        { 5, { 1999 }, 1, "shared", 0, false },
        { 5, { 3000 }, 1, "shared", 0, false },
        { 5, { 5, 100, 2500 }, 3, "shared", R, true },
        { 5, { 5, 1999, 3000, 1 }, 4, "shared", 0, false },
        { 5, { 2500 }, 0, "shared", 0, false }, /* ngids bounds the array */
        /* group:ops read / */
        { 7, { 50 }, 1, "", R, true },
        { 7, { 7, 50 }, 2, "", R, true },
        { 7, { 7, 50 }, 2, "any/where/deep", R, false },
        { 7, { 7, 51 }, 2, "", 0, false },
        /* group:wheel manage /srv */
        { 7, { 10 }, 1, "srv", RM, true },
        { 7, { 1, 10 }, 2, "srv/a", RMB, false },
        { 7, { 10 }, 1, "", 0, true },
        { 7, { 10 }, 1, "srvx", 0, false },
        /* uid 4000 manage /: the root is the manage root */
        { 4000, { 4000 }, 1, "", RM, true },
        { 4000, { 4000 }, 1, "a", RMB, false },
        { 4000, { 4000 }, 1, "jobs/alice/x", RMB, false },
        /* unions */
        { 1000, { 1000, 50 }, 2, "", R, true },
        { 1000, { 1000, 50 }, 2, "jobs", R, true },
        { 1000, { 1000, 50 }, 2, "jobs/alice", RM, true },
        { 1000, { 1000, 50 }, 2, "jobs/alice/x", RMB, false },
        { 1000, { 1000, 10 }, 2, "srv/x", RMB, false },
        { 5000, { 5000 }, 1, "a", 0, true },
        { 5000, { 5000 }, 1, "a/b", RM, true },
        { 5000, { 5000 }, 1, "a/b/c", RMB, true },
        { 5000, { 5000 }, 1, "a/b/c/d", RMB, false },
        { 5000, { 5000 }, 1, "a/bc", 0, false },
        /* nobody */
        { 9999, { 0 }, 0, "", 0, false },
        { 9999, { 9999 }, 1, "jobs/alice", 0, false },
        { 4294967295u, { 4294967295u }, 1, "", 0, false },
        { 0, { 0 }, 1, "", 0, false }, /* root is root by itself, not by the policy */
};

static void test_rights(void)
{
        struct policy *p = NULL;
        const char *reason = "";
        unsigned line = 0;
        int r = parse(rights_text, 0, &fake, &p, &line, &reason);

        if (!ok(r == 0 && policy_count(p) == 9, "parse the rights policy (got %s, line %u: %s)", rets(r), line, reason))
                return;
        for (size_t i = 0; i < ELEMENTSOF(rights_cases); i++) {
                const struct rights_case *c = &rights_cases[i];
                struct policy_subject s = { c->uid, c->gids, c->ngids };
                unsigned got = policy_rights(p, &s, c->cgroup);
                bool way = policy_on_the_way(p, &s, c->cgroup);

                ok(got == c->rights && way == c->way,
                   "uid %u gids [%u %u %u %u]/%zu on %s: rights %u, way %d (got %u, %d)", c->uid, c->gids[0],
                   c->gids[1], c->gids[2], c->gids[3], c->ngids, show(c->cgroup), c->rights, c->way, got, way);
        }
        policy_free(p);

        {
                struct policy_subject s = { 0, NULL, 0 };

                ok(policy_rights(NULL, &s, "") == 0 && !policy_on_the_way(NULL, &s, "") && policy_count(NULL) == 0,
                   "a NULL policy grants nothing");
                policy_free(NULL);
        }
        {
                struct policy_subject s = { 5, NULL, 0 };

                r = parse("", 0, &fake, &p, NULL, NULL);
                ok(r == 0 && policy_rights(p, &s, "") == 0 && !policy_on_the_way(p, &s, ""),
                   "an empty policy grants nothing");
                if (r == 0)
                        policy_free(p);
        }
}

/* ---- against a reference ----------------------------------------------- */

/* Components from a small alphabet, so that prefixes of each other meet often. */
static const char *const comps[] = { "a", "ab", "b", "a.b", "abc" };

static size_t random_path(char *buf, size_t n, unsigned depth)
{
        size_t len = 0;

        buf[0] = '\0';
        for (unsigned i = 0; i < depth; i++)
                len += (size_t) snprintf(buf + len, n - len, "%s%s", i ? "/" : "", comps[rnd() % ELEMENTSOF(comps)]);
        return len;
}

/* Number of components of a, if a is b or an ancestor of it by whole components; -1 if not. */
static int ref_prefix(const char *a, const char *b)
{
        char ca[64][8], cb[64][8];
        int na = 0, nb = 0;
        char tmp[256], *save, *t;

        snprintf(tmp, sizeof tmp, "%s", a);
        for (t = strtok_r(tmp, "/", &save); t; t = strtok_r(NULL, "/", &save))
                snprintf(ca[na++], sizeof ca[0], "%s", t);
        snprintf(tmp, sizeof tmp, "%s", b);
        for (t = strtok_r(tmp, "/", &save); t; t = strtok_r(NULL, "/", &save))
                snprintf(cb[nb++], sizeof cb[0], "%s", t);
        if (na > nb)
                return -1;
        for (int i = 0; i < na; i++)
                if (strcmp(ca[i], cb[i]) != 0)
                        return -1;
        return na;
}

struct ref_rule {
        bool gid;
        uint32_t lo, hi;
        char path[64];
        bool manage;
};

static void test_reference(void)
{
        unsigned fails = 0, runs = 0, seen[8] = { 0 };
        char text[4096], cg[64];

        for (unsigned round = 0; round < RANDOM_ROUNDS; round++) {
                struct ref_rule rules[6];
                unsigned nrules = 1 + (unsigned) (rnd() % ELEMENTSOF(rules)), len = 0;
                uint32_t gids[3];
                struct policy_subject s;
                struct policy *p = NULL;
                int r;

                for (unsigned i = 0; i < nrules; i++) {
                        struct ref_rule *x = &rules[i];

                        x->gid = rnd() % 2;
                        x->lo = (uint32_t) (rnd() % 8);
                        x->hi = x->lo + (uint32_t) (rnd() % 3);
                        random_path(x->path, sizeof x->path, (unsigned) (rnd() % 4));
                        x->manage = rnd() % 2;
                        len += (unsigned) snprintf(text + len, sizeof text - len, "grant %s:%u-%u /%s%s %s\n",
                                                   x->gid ? "gid" : "uid", x->lo, x->hi, x->path,
                                                   x->path[0] && rnd() % 4 == 0 ? "/" : "",
                                                   x->manage ? "manage" : "read");
                }
                r = parse(text, 0, &fake, &p, NULL, NULL);
                if (r < 0) {
                        fails++;
                        diag("reference: %s does not parse", show(text));
                        continue;
                }
                for (unsigned q = 0; q < 20; q++) {
                        unsigned want = 0, got;
                        bool want_way = false, way;

                        s.uid = (uint32_t) (rnd() % 10);
                        s.ngids = (size_t) (rnd() % 4);
                        for (size_t g = 0; g < s.ngids; g++)
                                gids[g] = (uint32_t) (rnd() % 10);
                        s.gids = gids;
                        random_path(cg, sizeof cg, (unsigned) (rnd() % 5));
                        for (unsigned i = 0; i < nrules; i++) {
                                const struct ref_rule *x = &rules[i];
                                bool named = false;
                                int k;

                                if (!x->gid)
                                        named = s.uid >= x->lo && s.uid <= x->hi;
                                for (size_t g = 0; x->gid && g < s.ngids; g++)
                                        named = named || (gids[g] >= x->lo && gids[g] <= x->hi);
                                if (!named)
                                        continue;
                                if (ref_prefix(cg, x->path) >= 0)
                                        want_way = true;
                                k = ref_prefix(x->path, cg);
                                if (k < 0)
                                        continue;
                                want |= R;
                                if (x->manage)
                                        want |= ref_prefix(cg, x->path) >= 0 ? M : M | MB;
                        }
                        got = policy_rights(p, &s, cg);
                        way = policy_on_the_way(p, &s, cg);
                        runs++;
                        seen[got]++;
                        if (got != want || way != want_way) {
                                if (fails++ < 5)
                                        diag("reference: uid %u on %s: want %u/%d, got %u/%d, rules:\n# %s", s.uid,
                                             show(cg), want, want_way, got, way, show(text));
                        }
                }
                policy_free(p);
        }
        ok(fails == 0, "rights and way against a reference, %u queries: %u failed", runs, fails);
        ok(seen[0] && seen[R] && seen[RM] && seen[RMB], "the reference queries saw every kind of answer (%u %u %u %u)",
           seen[0], seen[R], seen[RM], seen[RMB]);
}

int main(void)
{
        test_good();
        test_bad();
        test_limits();
        test_max_rules();
        test_resolver();
        test_rights();
        test_reference();

        return tap_finish();
}
