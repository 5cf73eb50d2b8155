/* SPDX-License-Identifier: MIT */
/*
 * Table tests for the decisions behind cgroup.procs/threads and the other
 * caller rules, printed as TAP: the kernel's number grammar (fs/knum.h;
 * every "kernel" row below was written to a real cgroup.procs of this
 * host's cgroup2 and gave that answer), the written PID (fs/procs.h) and
 * the listing shown in a PID namespace (including a local number longer
 * than the global one: the heap overflow of issue 7), the move decision,
 * the permission and grant rules (fs/rules.h) and the per-uid bound on open
 * files (fs/fdquota.h).
 */
#include "cgpath.h"
#include "fdquota.h"
#include "knum.h"
#include "policy.h"
#include "procs.h"
#include "rules.h"
#include "tap.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define SENTINEL 0x5e5e5e5e

struct num_case {
        const char *text;
        size_t len; /* 0: strlen(text) */
        int ret;    /* 0 or -errno */
        long long want;
};

/* A write to cgroup.procs: what the kernel moves (0: the writer), or its errno. */
static const struct num_case write_cases[] = {
        /* kernel: the answers of a real cgroup.procs on this host (kernel 6.18) */
        { "4294967296", 0, -EINVAL, 0 },
        { "0x100000000", 0, -EINVAL, 0 },
        { "-1", 0, -EINVAL, 0 },
        { "-0", 0, 0, 0 },
        { "+0", 0, 0, 0 },
        { "+-0", 0, -EINVAL, 0 },
        { "08", 0, -EINVAL, 0 },
        { "0x", 0, -EINVAL, 0 },
        { "12abc", 0, -EINVAL, 0 },
        { " 0\n", 0, 0, 0 },
        { "0\n\n", 0, 0, 0 },
        { "\xa0" "0\xa0", 0, 0, 0 },
        { "0\0junk", 6, 0, 0 },
        { "\0" "0", 2, -EINVAL, 0 },
        { "-2147483648", 0, -EINVAL, 0 },
        { "2147483648", 0, -EINVAL, 0 },
        { "\v0\f", 0, 0, 0 },
        /* the encodings of issue 7 (items 1-3) */
        { "+4242", 0, 0, 4242 },
        { "+0x1092", 0, 0, 4242 },
        { "0x1092", 0, 0, 4242 },
        { "0X1092", 0, 0, 4242 },
        { "010222", 0, 0, 4242 },
        { "011284", 0, -EINVAL, 0 }, /* not octal: the view read it as 11284 */
        { "011", 0, 0, 9 },
        { "0x0", 0, 0, 0 },
        { "+00", 0, 0, 0 },
        { " 0x0\n", 0, 0, 0 },
        { "00", 0, 0, 0 },
        { "0", 0, 0, 0 },
        /* the grammar's edges */
        { "2147483647", 0, 0, INT_MAX },
        { "0x7fffffff", 0, 0, INT_MAX },
        { "0x7FFFFFFF", 0, 0, INT_MAX },
        { "017777777777", 0, 0, INT_MAX },
        { "020000000000", 0, -EINVAL, 0 },
        { "0000000000000000000000000000007", 0, 0, 7 },
        { "99999999999999999999999", 0, -EINVAL, 0 },
        { "", 0, -EINVAL, 0 },
        { " \t\n", 0, -EINVAL, 0 },
        { "1 2", 0, -EINVAL, 0 },
        { "1\n2", 0, -EINVAL, 0 },
        { "--1", 0, -EINVAL, 0 },
        { "++1", 0, -EINVAL, 0 },
        { "-+1", 0, -EINVAL, 0 },
        { "+", 0, -EINVAL, 0 },
        { "-", 0, -EINVAL, 0 },
        { "1e3", 0, -EINVAL, 0 },
        { "0b1", 0, -EINVAL, 0 },
        { "0x-1", 0, -EINVAL, 0 },
        { "0xg", 0, -EINVAL, 0 },
        { "0xa", 0, 0, 10 },
        { "0xA", 0, 0, 10 },
        { "0Xa", 0, 0, 10 },
        { "1\r", 0, 0, 1 },
        { "\t5", 0, 0, 5 },
        { "5\x85", 0, -EINVAL, 0 },
        { "\xc2\xa0" "5", 0, -EINVAL, 0 },
        { "5 \0 6", 5, 0, 5 },
        { "\xa0\xa0" "7\n\xa0", 0, 0, 7 },
        { "٣", 0, -EINVAL, 0 },
        { "1,000", 0, -EINVAL, 0 },
        { "1_000", 0, -EINVAL, 0 },
        { "0.0", 0, -EINVAL, 0 },
};

static void test_write(void)
{
        for (size_t i = 0; i < ELEMENTSOF(write_cases); i++) {
                const struct num_case *c = &write_cases[i];
                size_t len = c->len ? c->len : strlen(c->text);
                int pid = SENTINEL, r = procs_parse_write(c->text, len, &pid);

                ok(r == c->ret && (r < 0 ? pid == SENTINEL : pid == c->want), "procs_parse_write(%s) = %s, %d",
                   tap_quote(c->text, len), rets(r), r < 0 ? 0 : pid);
        }
}

/* One page, white space around a 0: the kernel takes 4096 bytes, not 4097 (E2BIG). */
static void test_write_page(void)
{
        static const size_t sizes[] = { 4095, 4096, 4097, 8192, 65536 };

        for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
                char *buf = malloc(sizes[i]);
                int pid = SENTINEL, r;

                memset(buf, ' ', sizes[i]);
                buf[sizes[i] / 2] = '0';
                r = procs_parse_write(buf, sizes[i], &pid);
                ok(sizes[i] <= 4096 ? r == 0 && pid == 0 : r == -E2BIG && pid == SENTINEL,
                   "a 0 padded to %zu bytes: %s", sizes[i], rets(r));
                free(buf);
        }
}

/* kstrtoint and kstrtoull themselves: one trailing newline, no stripping, overflow before garbage. */
static void test_kstrto(void)
{
        static const struct num_case ints[] = {
                { "5\n", 0, 0, 5 },
                { "5\n\n", 0, -EINVAL, 0 },
                { " 5", 0, -EINVAL, 0 },
                { "-2147483648", 0, 0, INT_MIN },
                { "-0x80000000", 0, 0, INT_MIN },
                { "-2147483649", 0, -ERANGE, 0 },
                { "2147483648", 0, -ERANGE, 0 },
                { "+2147483647", 0, 0, INT_MAX },
                { "18446744073709551615", 0, -ERANGE, 0 },
                { "18446744073709551616", 0, -ERANGE, 0 },
                { "99999999999999999999x", 0, -ERANGE, 0 },
                { "-9223372036854775808", 0, -ERANGE, 0 },
                { "-", 0, -EINVAL, 0 },
                { "", 0, -EINVAL, 0 },
        };
        static const struct num_case ulls[] = {
                { "18446744073709551615", 0, 0, -1 },
                { "0xffffffffffffffff", 0, 0, -1 },
                { "01777777777777777777777", 0, 0, -1 },
                { "18446744073709551616", 0, -ERANGE, 0 },
                { "0x10000000000000000", 0, -ERANGE, 0 },
                { "02000000000000000000000", 0, -ERANGE, 0 },
                { "+1", 0, 0, 1 },
                { "-1", 0, -EINVAL, 0 },
                { "0\n", 0, 0, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(ints); i++) {
                int v = SENTINEL, r = knum_strtoint(ints[i].text, strlen(ints[i].text), &v);

                ok(r == ints[i].ret && (r < 0 ? v == SENTINEL : v == ints[i].want), "knum_strtoint(%s) = %s, %d",
                   tap_quote(ints[i].text, strlen(ints[i].text)), rets(r), v);
        }
        for (size_t i = 0; i < ELEMENTSOF(ulls); i++) {
                unsigned long long v = SENTINEL;
                int r = knum_strtoull(ulls[i].text, strlen(ulls[i].text), &v);

                ok(r == ulls[i].ret && (r < 0 ? v == SENTINEL : v == (unsigned long long)ulls[i].want),
                   "knum_strtoull(%s) = %s, %llu", tap_quote(ulls[i].text, strlen(ulls[i].text)), rets(r), v);
        }
}

/* Any int >= 0, written in any of the kernel's forms with any white space, reads back as itself. */
static void test_write_roundtrip(void)
{
        static const char *const spaces[] = { "", " ", "\t", "\n", "\xa0", "\r\n", " \v\f" };
        unsigned bad = 0;

        for (int i = 0; i < 20000; i++) {
                int v = (int)(rnd() % ((uint64_t)INT_MAX + 1)), got = -1;
                char buf[64];
                const char *sign = rnd() % 3 == 0 ? "+" : v == 0 && rnd() % 2 ? "-" : "";

                switch (rnd() % 3) {
                case 0:
                        snprintf(buf, sizeof(buf), "%s%s%d%s", spaces[rnd() % 7], sign, v, spaces[rnd() % 7]);
                        break;
                case 1:
                        snprintf(buf, sizeof(buf), "%s%s0%c%x%s", spaces[rnd() % 7], sign, rnd() % 2 ? 'x' : 'X', v,
                                 spaces[rnd() % 7]);
                        break;
                default:
                        snprintf(buf, sizeof(buf), "%s%s0%o%s", spaces[rnd() % 7], sign, v, spaces[rnd() % 7]);
                }
                if (procs_parse_write(buf, strlen(buf), &got) < 0 || got != v) {
                        if (bad++ < 5)
                                diag("%s read as %d, not %d", tap_quote(buf, strlen(buf)), got, v);
                }
        }
        ok(bad == 0, "20000 numbers in decimal, hex and octal with signs and white space read back (%u wrong)", bad);
}

static void test_decimal(void)
{
        static const struct {
                const char *text;
                unsigned long long max;
                int ret;
                unsigned long long want;
        } cases[] = {
                { "0", 10, 0, 0 },
                { "10", 10, 0, 10 },
                { "11", 10, -ERANGE, 0 },
                { "9", 5, -ERANGE, 0 },
                { "4294967295", UINT32_MAX, 0, UINT32_MAX },
                { "4294967296", UINT32_MAX, -ERANGE, 0 },
                { "18446744073709551615", ULLONG_MAX, 0, ULLONG_MAX },
                { "18446744073709551616", ULLONG_MAX, -ERANGE, 0 },
                { "", 10, -EINVAL, 0 },
                { "+1", 10, -EINVAL, 0 },
                { "-1", 10, -EINVAL, 0 },
                { "1 ", 10, -EINVAL, 0 },
                { " 1", 10, -EINVAL, 0 },
                { "0x1", 10, -EINVAL, 0 },
                { "007", 10, 0, 7 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unsigned long long v = SENTINEL;
                int r = parse_decimal(cases[i].text, strlen(cases[i].text), cases[i].max, &v);

                ok(r == cases[i].ret && (r < 0 ? v == SENTINEL : v == cases[i].want), "parse_decimal(%s, max %llu) = %s",
                   tap_quote(cases[i].text, strlen(cases[i].text)), cases[i].max, rets(r));
        }
}

/* ---- listings in a PID namespace ---------------------------------------- */

/* After a wrap of the global numbers: 300 is 40000 in the namespace, 7 is invisible, others + 1000000. */
static pid_t wrapped(void *userdata, pid_t pid)
{
        (*(unsigned *)userdata)++;
        return pid == 300 ? 40000 : pid == 7 ? 0 : pid + 1000000;
}

static void test_translate(void)
{
        static const struct {
                const char *raw, *want;
                int ret;
        } cases[] = {
                { "", "", 0 },
                { "300\n", "40000\n", 0 },
                { "7\n", "", 0 },
                { "300\n7\n1\n", "40000\n1000001\n", 0 },
                { "300", "40000\n", 0 },
                { "300\nx\n", NULL, -EINVAL },
                { "300\n\n", NULL, -EINVAL },
                { "-1\n", NULL, -EINVAL },
                { "2147483648\n", NULL, -EINVAL },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *out = (char *)"untouched";
                size_t len = 12345;
                unsigned calls = 0;
                int r = procs_translate(cases[i].raw, strlen(cases[i].raw), wrapped, &calls, &out, &len);

                ok(r == cases[i].ret &&
                           (r < 0 ? !strcmp(out, "untouched") && len == 12345
                                  : !strcmp(out, cases[i].want) && len == strlen(cases[i].want)),
                   "procs_translate(%s) = %s, %s", tap_quote(cases[i].raw, strlen(cases[i].raw)), rets(r),
                   tap_quote(out, strlen(out)));
                if (r >= 0)
                        free(out);
        }
}

/* 10,000 three-digit global numbers, each six digits or more once translated: the output outgrows the input. */
static void test_translate_grows(void)
{
        size_t n = 10000, len = 0, out_len = 0;
        char *raw = malloc(n * 4 + 1), *out = NULL;
        unsigned calls = 0;
        int r;

        for (size_t i = 0; i < n; i++)
                len += (size_t)sprintf(raw + len, "%zu\n", 100 + i % 900);
        r = procs_translate(raw, len, wrapped, &calls, &out, &out_len);
        ok(r == 0 && calls == n && out_len > len * 3 / 2 && strlen(out) == out_len,
           "a listing that grows %zu -> %zu bytes in translation", len, out_len);
        free(raw);
        free(out);
}

static void test_common(void)
{
        static const struct {
                const char *a, *b;
                size_t want;
        } cases[] = {
                { "a/b", "a/c", 1 }, { "ab", "a", 0 },       { "a", "a", 1 },         { "a/b", "a", 1 },
                { "", "a", 0 },      { "", "", 0 },          { "a/b/c", "a/b/d", 3 }, { "a/bc", "a/b", 1 },
                { "x", "y", 0 },     { "a/b/c", "a/b", 3 },  { "g/u1/sub", "g/victim", 1 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                size_t r = procs_common_ancestor(cases[i].a, cases[i].b), r2 = procs_common_ancestor(cases[i].b, cases[i].a);

                ok(r == cases[i].want && r2 == r, "common ancestor of \"%s\" and \"%s\": %zu", cases[i].a, cases[i].b, r);
        }
}

/* Checked against /proc/<pid>/cgroup read in cgroup namespaces on this host. */
static void test_relative(void)
{
        static const struct {
                const char *from, *to, *want;
        } cases[] = {
                { "/lt/a/b", "/lt/c", "/../../c" }, { "/lt/a/b", "/", "/../../.." }, { "/", "/", "/" },
                { "/", "/a/b", "/a/b" },            { "/a", "/a", "/" },             { "/a", "/a/b", "/b" },
                { "/a/b", "/a", "/.." },            { "/ab", "/a", "/../a" },        { "/a", "/ab", "/../ab" },
                { "/a/b/c", "/a/b/d/e", "/../d/e" },
        };
        char buf[64], small[4];

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                int r = cgpath_relative(cases[i].from, cases[i].to, buf, sizeof(buf));

                ok(r == (int)strlen(cases[i].want) && !strcmp(buf, cases[i].want), "%s seen from a namespace at %s: %s",
                   cases[i].to, cases[i].from, r < 0 ? rets(r) : buf);
        }
        ok(cgpath_relative("/a/b/c", "/", small, sizeof(small)) == -ENAMETOOLONG, "too long for the buffer: ENAMETOOLONG");
}

/* ---- the move decision -------------------------------------------------- */

static void test_move(void)
{
        static const struct {
                const char *what;
                struct procs_move m;
                int want;
        } cases[] = {
                /* issue 7, item 1: a grant to manage g/u1 does not reach root's process in g/victim */
                { "granted, process outside the managed subtree", { .granted = true, .src = "g/victim", .src_rights = 0 }, -EACCES },
                { "granted, process only readable by grant", { .granted = true, .src = "g/victim", .src_rights = POLICY_READ }, -EACCES },
                { "granted, process above the served tree", { .granted = true, .src = NULL, .src_rights = 0 }, -EACCES },
                { "granted, process in the managed subtree", { .granted = true, .src = "g/u1", .src_rights = POLICY_READ | POLICY_MANAGE }, 0 },
                { "granted, process below the managed root", { .granted = true, .src = "g/u1/a", .src_rights = 7 }, 0 },
                /* item 2: nobody but root moves the daemon */
                { "granted user names the daemon", { .granted = true, .src = "g/u1", .src_rights = 7, .daemon = true }, -EACCES },
                { "delegated user names the daemon", { .src = "d", .daemon = true }, -EACCES },
                { "namespaced user names the daemon", { .ns_root = "c", .src = "c", .may_write_common = true, .daemon = true }, -EACCES },
                { "root names the daemon", { .opener_root = true, .src = "", .daemon = true }, 0 },
                /* the kernel judges plain callers itself */
                { "plain caller", { .src = "x" }, 0 },
                { "plain caller, process outside", { .src = NULL }, 0 },
                { "root", { .opener_root = true, .src = NULL }, 0 },
                /* nsdelegate: permission first (EACCES), then the boundary (ENOENT) */
                { "namespaced, may not write the common ancestor", { .ns_root = "c", .src = "c/a", .may_write_common = false }, -EACCES },
                { "namespaced, inside", { .ns_root = "c", .src = "c/a", .may_write_common = true }, 0 },
                { "namespaced, at its root", { .ns_root = "c", .src = "c", .may_write_common = true }, 0 },
                { "namespaced, from outside", { .ns_root = "c", .src = "d", .may_write_common = true }, -ENOENT },
                { "namespaced, from a sibling with a longer name", { .ns_root = "c", .src = "cc", .may_write_common = true }, -ENOENT },
                { "namespaced, from above the served tree", { .ns_root = "c", .src = NULL, .may_write_common = true }, -ENOENT },
                { "namespaced root, from outside", { .opener_root = true, .ns_root = "c", .src = "d" }, -ENOENT },
                { "namespaced and granted, inside both", { .granted = true, .ns_root = "c", .src = "c/u", .src_rights = 7 }, 0 },
                { "namespaced and granted, granted outside the namespace", { .granted = true, .ns_root = "c", .src = "d", .src_rights = 7 }, -ENOENT },
                { "namespaced and granted, not granted", { .granted = true, .ns_root = "c", .src = "c/v", .src_rights = 0 }, -EACCES },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                int r = procs_move_check(&cases[i].m);

                ok(r == cases[i].want, "move: %s: %s", cases[i].what, rets(r));
        }
}

/* ---- rules ------------------------------------------------------------------ */

static void test_mode(void)
{
        static const gid_t groups[] = { 50, 60 };
        static const struct rules_who alice = { 1000, 100, groups, 2, false }, root = { 0, 0, NULL, 0, true },
                                      bare_root = { 0, 0, NULL, 0, false };
        static const struct {
                const struct rules_who *who;
                uid_t uid;
                gid_t gid;
                mode_t mode;
                int mask;
                bool want;
        } cases[] = {
                { &alice, 1000, 0, 0100644, W_OK, true },
                { &alice, 1000, 0, 0100444, W_OK, false },
                { &alice, 0, 100, 0100664, W_OK, true },
                { &alice, 0, 60, 0100664, W_OK, true },
                { &alice, 0, 70, 0100664, W_OK, false },
                { &alice, 0, 70, 0100666, W_OK, true },
                /* the owner's bits decide for the owner, even when others get more */
                { &alice, 1000, 0, 0100066, W_OK, false },
                /* and a group's for a member */
                { &alice, 0, 50, 0100606, W_OK, false },
                { &alice, 0, 0, 0040755, X_OK, true },
                { &alice, 0, 0, 0040750, X_OK, false },
                { &alice, 1000, 0, 0100600, R_OK | W_OK, true },
                { &alice, 1000, 0, 0100400, R_OK | W_OK, false },
                { &root, 1000, 1000, 0100000, R_OK | W_OK, true },
                { &root, 1000, 1000, 0100644, X_OK, false },
                { &root, 1000, 1000, 0040700, X_OK, true },
                /* uid 0 without CAP_DAC_OVERRIDE is judged by the bits like anyone */
                { &bare_root, 1000, 1000, 0100644, W_OK, false },
                { &bare_root, 0, 0, 0100644, W_OK, true },
                { &bare_root, 0, 0, 0100444, W_OK, false },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                bool r = rules_mode_allows(cases[i].who, cases[i].uid, cases[i].gid, cases[i].mode, cases[i].mask);

                ok(r == cases[i].want, "uid %u, file %u:%u %o, mask %d: %s", (unsigned)cases[i].who->uid,
                   (unsigned)cases[i].uid, (unsigned)cases[i].gid, (unsigned)cases[i].mode, cases[i].mask,
                   r ? "allowed" : "refused");
        }
}

static void test_grant_rules(void)
{
        ok(rules_grant_need("cgroup.procs") == POLICY_MANAGE, "cgroup.procs needs manage");
        ok(rules_grant_need("cgroup.threads") == POLICY_MANAGE, "cgroup.threads needs manage");
        ok(rules_grant_need("cgroup.subtree_control") == POLICY_MANAGE, "cgroup.subtree_control needs manage");
        ok(rules_grant_need("cgroup.kill") == POLICY_MANAGE_BELOW, "cgroup.kill needs manage below");
        ok(rules_grant_need("memory.max") == POLICY_MANAGE_BELOW, "memory.max needs manage below");
        ok(rules_grant_need("cgroup.procs.x") == POLICY_MANAGE_BELOW, "cgroup.procs.x needs manage below");
        ok(rules_grant_need(NULL) == POLICY_MANAGE_BELOW, "a limits/ file needs manage below");
        ok(rules_grant_allows(-EACCES, 7, POLICY_MANAGE_BELOW), "EACCES with manage below: granted");
        ok(rules_grant_allows(-EPERM, 3, POLICY_MANAGE), "EPERM with manage: granted");
        ok(!rules_grant_allows(-EACCES, 3, POLICY_MANAGE_BELOW), "EACCES with manage only, below needed: refused");
        ok(!rules_grant_allows(-ENOENT, 7, POLICY_MANAGE), "ENOENT is not a refusal a grant lifts");
        ok(!rules_grant_allows(-EINVAL, 7, POLICY_MANAGE), "EINVAL is not a refusal a grant lifts");
        ok(!rules_grant_allows(0, 7, POLICY_MANAGE), "success needs no grant");
        ok(!rules_grant_allows(-EACCES, 0, POLICY_MANAGE), "no rights, no grant");
}

static void test_ns_root(void)
{
        ok(rules_ns_root_guarded("c", "c", "memory.max", false), "the namespace root's memory.max is guarded");
        ok(!rules_ns_root_guarded("c", "c", "cgroup.procs", true), "its delegatable cgroup.procs is not");
        ok(rules_ns_root_guarded("c", "c", NULL, false), "its limits/ files are");
        ok(!rules_ns_root_guarded("c/d", "c", "memory.max", false), "a child's memory.max is not");
        ok(!rules_ns_root_guarded("c/d", "c", NULL, false), "a child's limits/ are not");
        ok(!rules_ns_root_guarded("cc", "c", "memory.max", false), "a sibling's are not (whole names)");
        ok(rules_ns_root_guarded("", "", "cgroup.max.depth", false), "a namespace rooted at the served root");
}

static void test_fdquota(void)
{
        int r = 0, n = 0;

        fdquota_set(3);
        while ((r = fdquota_take(1000)) == 0 && n < 10)
                n++;
        ok(n == 3 && r == -EMFILE, "uid 1000 holds 3 files, the 4th is EMFILE (%d, %s)", n, rets(r));
        ok(fdquota_take(1001) == 0 && fdquota_held(1001) == 1, "uid 1001 is not held back by uid 1000");
        ok(fdquota_held(1000) == 3, "a refused open counts nothing");
        fdquota_put(1000);
        ok(fdquota_take(1000) == 0, "after a close, uid 1000 opens again");
        for (int i = 0; i < 3; i++)
                fdquota_put(1000);
        fdquota_put(1000); /* one more close than opens: no underflow */
        ok(fdquota_held(1000) == 0 && fdquota_take(1000) == 0 && fdquota_held(1000) == 1, "closes never go below 0");
        fdquota_set(0);
        for (n = 0; n < 100 && fdquota_take(1002) == 0; n++)
                ;
        ok(n == 100, "no bound with max 0");
}

int main(void)
{
        test_write();
        test_write_page();
        test_kstrto();
        test_write_roundtrip();
        test_decimal();
        test_translate();
        test_translate_grows();
        test_common();
        test_relative();
        test_move();
        test_mode();
        test_grant_rules();
        test_ns_root();
        test_fdquota();
        return tap_finish();
}
