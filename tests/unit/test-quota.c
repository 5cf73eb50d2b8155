/* SPDX-License-Identifier: MIT */
/*
 * test-quota: tables for cgq's pure logic (tools/quota.c), and golden files:
 * a fixed model rendered as text, as a tree and as JSON, compared byte for
 * byte with tests/golden/quota-*.{txt,json}.
 *
 * Regenerate the golden files after an intended change of the output:
 *   build/tests/test-quota --regen      (then review the diff: git diff tests/golden)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quota.h"
#include "tap.h"

#define MAX UNITS_MAX
#define V(x) { true, (x), 0 }
#define ABSENT { false, 0, 0 }
#define CPU(q, p) { true, (q), (p) }

static void test_effective(void)
{
        static const struct {
                const char *what;
                size_t n;
                struct quota_value levels[4];
                struct quota_value known;
                int want_r;
                uint64_t want_v;
                int want_setter;
        } cases[] = {
                { "max everywhere", 3, { V(MAX), V(MAX), V(MAX) }, ABSENT, 0, MAX, QUOTA_SET_NONE },
                { "parent tighter", 3, { V(MAX), V(64 << 20), V(MAX) }, ABSENT, 0, 64 << 20, 1 },
                { "self tighter", 3, { V(32 << 20), V(64 << 20), V(MAX) }, ABSENT, 0, 32 << 20, 0 },
                { "grandparent tighter", 3, { V(100), V(200), V(50) }, ABSENT, 0, 50, 2 },
                { "equal values: the nearest level wins", 3, { V(MAX), V(50), V(50) }, ABSENT, 0, 50, 1 },
                { "equal at self and parent: self", 2, { V(50), V(50) }, ABSENT, 0, 50, 0 },
                { "absent levels (the root) skipped", 3, { V(MAX), V(10), ABSENT }, ABSENT, 0, 10, 1 },
                { "no level has the file", 2, { ABSENT, ABSENT }, ABSENT, -ENOENT, 0, 0 },
                { "known tighter than every level: above", 2, { V(MAX), V(100) }, V(40), 0, 40, QUOTA_SET_ABOVE },
                { "known equal to a level: that level", 2, { V(MAX), V(100) }, V(100), 0, 100, 1 },
                { "known max, levels max: none", 2, { V(MAX), V(MAX) }, V(MAX), 0, MAX, QUOTA_SET_NONE },
                { "known looser than a level (a race): the level", 2, { V(10), V(MAX) }, V(20), 0, 10, 0 },
                { "known alone (no visible file): above", 1, { ABSENT }, V(7), 0, 7, QUOTA_SET_ABOVE },
                { "cpu: 0.5 CPU at 100ms beats 0.6 at 50ms", 2, { CPU(30000, 50000), CPU(50000, 100000) }, ABSENT,
                  0, 50000, 1 },
                { "cpu: equal ratios at other periods: nearest", 2, { CPU(25000, 50000), CPU(50000, 100000) },
                  ABSENT, 0, 25000, 0 },
                { "cpu: effective/ in CPUs per second matches a level", 2, { CPU(MAX, 100000), CPU(50000, 100000) },
                  CPU(500000, 1000000), 0, 500000, 1 },
                { "cpu: effective/ tighter: above", 2, { CPU(MAX, 100000), CPU(50000, 100000) },
                  CPU(250000, 1000000), 0, 250000, QUOTA_SET_ABOVE },
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct quota_value eff = { true, 12345, 0 };
                int setter = 99;
                int r = quota_effective(cases[i].levels, cases[i].n, &cases[i].known, &eff, &setter);

                if (cases[i].want_r < 0)
                        ok(r == cases[i].want_r && eff.v == 12345 && setter == 99,
                           "effective: %s -> %s, outputs untouched", cases[i].what, rets(r));
                else
                        ok(r == 0 && eff.present && eff.v == cases[i].want_v && setter == cases[i].want_setter,
                           "effective: %s -> %s v=%llu setter=%d", cases[i].what, rets(r),
                           (unsigned long long)eff.v, setter);
        }
        {
                struct quota_value eff;
                int setter;
                struct quota_value lv[] = { V(MAX), V(5) };

                ok(quota_effective(lv, 2, NULL, &eff, &setter) == 0 && eff.v == 5 && setter == 1,
                   "effective: known NULL computes from the visible levels");
        }
}

static void test_headroom_fill(void)
{
        static const struct {
                uint64_t eff, usage;
                int want_r;
                uint64_t want;
        } h[] = {
                { 100, 30, 0, 70 }, { 100, 100, 0, 0 }, { 100, 130, 0, 0 }, { MAX, 5, -ENOENT, 0 },
                { 0, 0, 0, 0 },     { MAX - 1, 0, 0, MAX - 1 },
        };
        static const struct {
                uint64_t usage, eff;
                unsigned want;
        } f[] = {
                { 0, 100, 0 },     { 69, 100, 690 },   { 70, 100, 700 },  { 89, 100, 890 },
                { 90, 100, 900 },  { 100, 100, 1000 }, { 150, 100, 1000 }, { 5, MAX, 0 },
                { 1, 0, 1000 },    { 0, 0, 1000 },     { MAX - 1, MAX - 1, 1000 }, { 1, 3, 333 },
        };
        static const struct {
                unsigned fill;
                enum quota_color want;
        } c[] = {
                { 0, QUOTA_GREEN }, { 699, QUOTA_GREEN }, { 700, QUOTA_YELLOW }, { 899, QUOTA_YELLOW },
                { 900, QUOTA_RED }, { 1000, QUOTA_RED },
        };

        ok(quota_kernel_bytes(UINT64_C(9223372036854771712), 4096) == MAX, "kernel bytes: hugetlb's unlimited is max");
        ok(quota_kernel_bytes(UINT64_C(9223372036854771711), 4096) == UINT64_C(9223372036854771711),
           "kernel bytes: one below stays");
        ok(quota_kernel_bytes(MAX, 4096) == MAX && quota_kernel_bytes(4096, 0) == 4096, "kernel bytes: max, page 0");
        for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
                uint64_t v = 424242;
                int r = quota_headroom(h[i].eff, h[i].usage, &v);

                ok(r == h[i].want_r && v == (r == 0 ? h[i].want : 424242), "headroom(%llu, %llu) -> %s %llu",
                   (unsigned long long)h[i].eff, (unsigned long long)h[i].usage, rets(r), (unsigned long long)v);
        }
        for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
                ok(quota_fill(f[i].usage, f[i].eff) == f[i].want, "fill(%llu, %llu) = %u (want %u)",
                   (unsigned long long)f[i].usage, (unsigned long long)f[i].eff, quota_fill(f[i].usage, f[i].eff),
                   f[i].want);
        for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
                ok(quota_color(c[i].fill) == c[i].want, "color(%u) = %d", c[i].fill, (int)c[i].want);
}

static void test_bar(void)
{
        static const struct {
                unsigned fill;
                bool color;
                const char *want;
        } b[] = {
                { 0, false, "[....................]" },
                { 1, false, "[#...................]" },
                { 50, false, "[#...................]" },
                { 99, false, "[#...................]" },
                { 100, false, "[##..................]" },
                { 500, false, "[##########..........]" },
                { 1000, false, "[####################]" },
                { 0, true, "[\033[2m....................\033[0m]" },
                { 500, true, "[\033[32m##########\033[0m\033[2m..........\033[0m]" },
                { 750, true, "[\033[33m###############\033[0m\033[2m.....\033[0m]" },
                { 950, true, "[\033[31m###################\033[0m\033[2m.\033[0m]" },
                { 1000, true, "[\033[31m####################\033[0m]" },
        };
        char buf[64];

        for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
                int r = quota_bar(b[i].fill, b[i].color, buf, sizeof(buf));

                ok(r == (int)strlen(b[i].want) && !strcmp(buf, b[i].want), "bar(%u, %s) = %s", b[i].fill,
                   b[i].color ? "color" : "plain", tap_quote(buf, strlen(buf)));
        }
        ok(quota_bar(500, false, buf, 10) == -ENOBUFS, "bar: a short buffer is -ENOBUFS");
}

static void test_json_string(void)
{
        static const struct {
                const char *in, *want;
        } j[] = {
                { "/web/api", "\"/web/api\"" },
                { "a\"b", "\"a\\\"b\"" },
                { "back\\slash", "\"back\\\\slash\"" },
                { "new\nline\ttab", "\"new\\nline\\ttab\"" },
                { "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
                { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
                { "bad\xff", "\"bad\\ufffd\"" },
                { "\xc0\xaf", "\"\\ufffd\\ufffd\"" },           /* overlong '/' */
                { "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" }, /* a surrogate */
                { "\xc3", "\"\\ufffd\"" },                       /* cut short */
                { "", "\"\"" },
        };
        char buf[128];

        for (size_t i = 0; i < sizeof(j) / sizeof(j[0]); i++) {
                int r = quota_json_string(j[i].in, buf, sizeof(buf));

                ok(r == (int)strlen(j[i].want) && !strcmp(buf, j[i].want), "json string %s -> %s",
                   tap_quote(j[i].in, strlen(j[i].in)), tap_quote(buf, strlen(buf)));
        }
        ok(quota_json_string("abcdef", buf, 5) == -ENOBUFS && buf[0] == '\0', "json string: short buffer");
}

static void test_tree_prefix(void)
{
        /* /           0
         * ├─ a        1  (children)
         * │  ├─ a1    2
         * │  └─ a2    2
         * └─ b        1
         *    └─ b1    2 */
        static const unsigned depths[] = { 0, 1, 2, 2, 1, 2 };
        static const char *const want[][2] = {
                { "", "│ " },           { "├─ ", "│  │ " }, { "│  ├─ ", "│  │    " },
                { "│  └─ ", "│       " }, { "└─ ", "   │ " }, { "   └─ ", "        " },
        };
        char t[128], p[128];

        for (size_t i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
                int r = quota_tree_prefix(depths, 6, i, t, p, sizeof(t));

                ok(r == 0 && !strcmp(t, want[i][0]) && !strcmp(p, want[i][1]), "tree prefix %zu: \"%s\" \"%s\"", i,
                   t, p);
        }
        ok(quota_tree_prefix(depths, 6, 6, t, p, sizeof(t)) == -EINVAL, "tree prefix: index out of range");
}

static void test_path(void)
{
        static const struct {
                const char *in, *base;
                int want_r;
                const char *want;
        } c[] = {
                { "/web/api", "/cg", 0, "/web/api" },
                { "/cg/web/api", "/cg", 0, "/web/api" },
                { "/cg", "/cg", 0, "/" },
                { "/cg/", "/cg/", 0, "/" },
                { "/cgx/web", "/cg", 0, "/cgx/web" },            /* not under the mount: a cgroup path */
                { "web//api/./", "/cg", 0, "/web/api" },
                { "/", "/cg", 0, "/" },
                { "", "/cg", 0, "/" },
                { "/sys/fs/cgroup/unified/a", "/sys/fs/cgroup/unified", 0, "/a" },
                { "/a/../b", "/cg", -EINVAL, NULL },
                { "/cg/..", "/cg", -EINVAL, NULL },
                { "/a/..b/...", "/cg", 0, "/a/..b/..." },          /* names, not "..": fine */
                { "/a", "", 0, "/a" },
        };
        char buf[64];

        for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
                int r;

                strcpy(buf, "untouched");
                r = quota_path_normalize(c[i].in, c[i].base, buf, sizeof(buf));
                ok(r == c[i].want_r && !strcmp(buf, c[i].want ? c[i].want : "untouched"), "path %s under %s -> %s %s",
                   c[i].in, c[i].base, rets(r), buf);
        }
        strcpy(buf, "untouched");
        ok(quota_path_normalize("/abcdef/ghi", "", buf, 8) == -ENAMETOOLONG && !strcmp(buf, "untouched"),
           "path: too long for the buffer, buffer untouched");
}

static void test_io_stat(void)
{
        static const char text[] = "8:0 rbytes=1024 wbytes=2048 rios=3 wios=4 dbytes=0 dios=0\n"
                                   "8:16 rbytes=5 wbytes=6 rios=7 wios=8\n"
                                   "253:0 rbytes=x wbytes=18446744073709551615\n";
        static const struct {
                unsigned ma, mi;
                const char *key;
                int want_r;
                uint64_t want;
        } c[] = {
                { 8, 0, "rbytes", 0, 1024 },  { 8, 0, "wios", 0, 4 },         { 8, 16, "wbytes", 0, 6 },
                { 8, 16, "rios", 0, 7 },      { 8, 1, "rbytes", -ENOENT, 0 }, { 8, 0, "bytes", -ENOENT, 0 },
                { 253, 0, "rbytes", -EINVAL, 0 }, { 253, 0, "wbytes", 0, UINT64_MAX }, { 80, 0, "rbytes", -ENOENT, 0 },
        };

        for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
                uint64_t v = 77;
                int r = quota_io_stat_get(text, c[i].ma, c[i].mi, c[i].key, &v);

                ok(r == c[i].want_r && v == (r == 0 ? c[i].want : 77), "io.stat %u:%u %s -> %s %llu", c[i].ma, c[i].mi,
                   c[i].key, rets(r), (unsigned long long)v);
        }
        {
                uint64_t v = 77;

                ok(quota_io_stat_get("", 8, 0, "rbytes", &v) == -ENOENT && v == 77, "io.stat: empty text");
        }
}

/* A cgroup's name can hold any byte but '/' and NUL: no escape sequence or newline reaches the terminal. */
static void test_text_safe(void)
{
        static const char *const lv[] = { "/a\x1b[31mb\nc", "/" };
        struct quota_cgroup cg = { .path = lv[0], .levels = lv, .nlevels = 2, .procs = -1, .nrows = 1 };
        char buf[1024];
        int r;

        cg.rows[0] = (struct quota_row){ .kind = QUOTA_PIDS, .name = "pids", .limit = V(10), .has_eff = true,
                                         .eff = V(10), .setter = 0, .has_usage = true, .usage = 1 };
        r = quota_render_text(&cg, "", "", false, buf, sizeof(buf));
        ok(r > 0 && !strchr(buf, '\x1b') && !strncmp(buf, "/a\\x1b[31mb\\x0ac\n", strlen("/a\\x1b[31mb\\x0ac\n")),
           "text: control bytes of a path as \\xNN: %s", tap_quote(buf, 40));
        ok(r > 0 && strstr(buf, "pids     10         10         /a\\x1b[31mb\\x0ac 1 "),
           "text: the setter too, and its column as wide as it prints: %s", tap_quote(buf, (size_t)r));
}

/* The golden model: /web/api under /web (which caps cpu, memory and io) and a host above (pids). */
static const char *const levels[] = { "/web/api", "/web", "/" };

static void model(struct quota_cgroup *cg)
{
        static const struct quota_row rows[] = {
                { .kind = QUOTA_CPU, .name = "cpu", .limit = CPU(MAX, 100000), .has_eff = true,
                  .eff = CPU(50000, 100000), .setter = 1, .has_usage = true, .usage = 12345678, .has_rate = true,
                  .rate = 250000, .psi = "1.20" },
                { .kind = QUOTA_MEMORY, .name = "memory", .limit = V(MAX), .has_eff = true, .eff = V(64 << 20),
                  .setter = 1, .has_usage = true, .usage = 50 << 20, .psi = "0.00" },
                { .kind = QUOTA_SWAP, .name = "swap", .limit = V(MAX), .has_eff = true, .eff = V(MAX),
                  .setter = QUOTA_SET_NONE, .has_usage = true, .usage = 0 },
                { .kind = QUOTA_PIDS, .name = "pids", .limit = V(MAX), .has_eff = true, .eff = V(20),
                  .setter = QUOTA_SET_ABOVE, .has_usage = true, .usage = 19 },
                { .kind = QUOTA_HUGETLB, .name = "hugetlb.2M", .limit = V(4 << 20), .has_eff = true,
                  .eff = V(4 << 20), .setter = 0, .has_usage = true, .usage = 0 },
                { .kind = QUOTA_IO, .name = "io", .has_usage = true, .usage = 1000000, .psi = "0.50" },
                { .kind = QUOTA_IO, .name = "io", .dev = "sda", .field = UNITS_IO_WBPS, .limit = V(MAX),
                  .has_eff = true, .eff = V(10 << 20), .setter = 1, .has_usage = true, .usage = 3 << 20,
                  .has_rate = true, .rate = 1 << 20 },
                { .kind = QUOTA_IO, .name = "io", .dev = "sda", .field = UNITS_IO_WIOPS, .limit = V(1000),
                  .has_eff = true, .eff = V(1000), .setter = 0, .has_usage = true, .usage = 5000 },
        };

        memset(cg, 0, sizeof(*cg));
        cg->path = levels[0];
        cg->levels = levels;
        cg->nlevels = 3;
        cg->procs = 3;
        cg->nrows = sizeof(rows) / sizeof(rows[0]);
        memcpy(cg->rows, rows, sizeof(rows));
}

/* A small tree: / (no rows), /web (one row), /web/"q (a name to escape). */
static const char *const lv_root[] = { "/" }, *const lv_web[] = { "/web", "/" },
                  *const lv_q[] = { "/web/\"q", "/web", "/" }, *const lv_b[] = { "/batch", "/" };

static void tree_model(struct quota_cgroup cg[4])
{
        memset(cg, 0, 4 * sizeof(*cg));
        cg[0] = (struct quota_cgroup){ .path = "/", .levels = lv_root, .nlevels = 1, .procs = 0 };
        cg[1] = (struct quota_cgroup){ .path = "/web", .levels = lv_web, .nlevels = 2, .procs = 1, .nrows = 1 };
        cg[1].rows[0] = (struct quota_row){ .kind = QUOTA_MEMORY, .name = "memory", .limit = V(1 << 30),
                                            .has_eff = true, .eff = V(1 << 30), .setter = 0, .has_usage = true,
                                            .usage = 900 << 20 };
        cg[2] = (struct quota_cgroup){ .path = "/web/\"q", .levels = lv_q, .nlevels = 3, .procs = 2, .nrows = 1 };
        cg[2].rows[0] = (struct quota_row){ .kind = QUOTA_MEMORY, .name = "memory", .limit = V(MAX),
                                            .has_eff = true, .eff = V(1 << 30), .setter = 1, .has_usage = true,
                                            .usage = 100 << 20 };
        cg[3] = (struct quota_cgroup){ .path = "/batch", .levels = lv_b, .nlevels = 2, .procs = -1, .nrows = 1 };
        cg[3].rows[0] = (struct quota_row){ .kind = QUOTA_PIDS, .name = "pids", .limit = V(MAX), .has_eff = true,
                                            .eff = V(MAX), .setter = QUOTA_SET_NONE, .has_usage = true, .usage = 4 };
}

static int render_golden(const char *name, char *out, size_t n)
{
        static struct quota_cgroup cg, tree[4];
        static const unsigned depths[] = { 0, 1, 2, 1 };
        size_t len = 0;
        int r;

        model(&cg);
        tree_model(tree);
        if (!strcmp(name, "quota-plain.txt"))
                r = quota_render_text(&cg, "", "", false, out, n);
        else if (!strcmp(name, "quota-color.txt"))
                r = quota_render_text(&cg, "", "", true, out, n);
        else if (!strcmp(name, "quota.json"))
                r = quota_render_json(&cg, out, n);
        else if (!strcmp(name, "quota-tree.txt") || !strcmp(name, "quota-tree.json")) {
                bool json = strstr(name, ".json");

                if (json)
                        len += (size_t)snprintf(out, n, "[\n");
                for (size_t i = 0; i < 4; i++) {
                        char t[64], p[64];

                        if ((r = quota_tree_prefix(depths, 4, i, t, p, sizeof(t))) < 0)
                                return r;
                        r = json ? quota_render_json(&tree[i], out + len, n - len)
                                 : quota_render_text(&tree[i], t, p, false, out + len, n - len);
                        if (r < 0)
                                return r;
                        len += (size_t)r;
                        if (json)
                                len += (size_t)snprintf(out + len, n - len, i < 3 ? ",\n" : "\n");
                }
                if (json)
                        len += (size_t)snprintf(out + len, n - len, "]");
                r = (int)len;
        } else
                return -ENOENT;
        /* the files end in a newline, as cgq prints them (text ends in one already) */
        if (r >= 0 && strstr(name, ".json") && (size_t)r + 1 < n) {
                out[r++] = '\n';
                out[r] = '\0';
        }
        return r;
}

static const char *const golden[] = { "quota-plain.txt", "quota-color.txt", "quota.json", "quota-tree.txt",
                                      "quota-tree.json" };

static void test_golden(bool regen)
{
        static char got[65536], want[65536];

        for (size_t i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
                char path[4096];
                int r = render_golden(golden[i], got, sizeof(got));
                FILE *f;
                size_t n = 0;

                snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, golden[i]);
                if (regen) {
                        f = fopen(path, "we");
                        ok(f && r >= 0 && fwrite(got, 1, (size_t)r, f) == (size_t)r && fclose(f) == 0,
                           "golden %s written", golden[i]);
                        continue;
                }
                f = fopen(path, "re");
                if (f) {
                        n = fread(want, 1, sizeof(want) - 1, f);
                        fclose(f);
                }
                want[n] = '\0';
                if (!ok(f && r >= 0 && (size_t)r == n && !memcmp(got, want, n), "golden %s matches (%d bytes)",
                        golden[i], r)) {
                        diag("rendered:");
                        fputs(got, stdout);
                        diag("regenerate with: build/tests/test-quota --regen (and review git diff tests/golden)");
                }
        }
}

int main(int argc, char **argv)
{
        bool regen = argc > 1 && !strcmp(argv[1], "--regen");

        if (!regen) {
                test_effective();
                test_headroom_fill();
                test_bar();
                test_json_string();
                test_tree_prefix();
                test_path();
                test_io_stat();
                test_text_safe();
        }
        test_golden(regen);
        return tap_finish();
}
