/* SPDX-License-Identifier: MIT */
/* quota: cgq's pure logic and rendering (see quota.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "quota.h"

/* An appending writer: the first overflow sticks and the end reports it. */
struct out {
        char *buf;
        size_t n, len;
        bool full;
};

static void __attribute__((format(printf, 2, 3))) outf(struct out *o, const char *fmt, ...)
{
        va_list ap;
        int r;

        if (o->full)
                return;
        va_start(ap, fmt);
        r = vsnprintf(o->buf + o->len, o->n - o->len, fmt, ap);
        va_end(ap);
        if (r < 0 || (size_t)r >= o->n - o->len) {
                o->full = true;
                return;
        }
        o->len += (size_t)r;
}

static int out_end(struct out *o)
{
        if (o->full || o->len >= o->n) {
                if (o->n)
                        o->buf[0] = '\0';
                return -ENOBUFS;
        }
        return (int)o->len;
}

int quota_cmp(const struct quota_value *a, const struct quota_value *b)
{
        unsigned __int128 x, y;

        if (a->v == UNITS_MAX || b->v == UNITS_MAX)
                return (a->v == UNITS_MAX) - (b->v == UNITS_MAX);
        if (a->period && b->period) {
                x = (unsigned __int128)a->v * b->period;
                y = (unsigned __int128)b->v * a->period;
        } else {
                x = a->v;
                y = b->v;
        }
        return (x > y) - (x < y);
}

int quota_effective(const struct quota_value *levels, size_t n, const struct quota_value *known,
                    struct quota_value *ret_eff, int *ret_setter)
{
        struct quota_value eff = { 0 };
        int setter = QUOTA_SET_NONE;

        if (known && known->present)
                eff = *known;
        for (size_t i = 0; i < n; i++)
                if (levels[i].present && (!eff.present || quota_cmp(&levels[i], &eff) < 0))
                        eff = levels[i];
        if (!eff.present)
                return -ENOENT;
        if (eff.v != UNITS_MAX) {
                setter = QUOTA_SET_ABOVE;
                for (size_t i = 0; i < n; i++)
                        if (levels[i].present && quota_cmp(&levels[i], &eff) == 0) {
                                setter = (int)i;
                                break;
                        }
        }
        *ret_eff = eff;
        *ret_setter = setter;
        return 0;
}

uint64_t quota_kernel_bytes(uint64_t v, uint64_t page)
{
        if (!page)
                page = 1;
        return v >= (uint64_t)INT64_MAX / page * page ? UNITS_MAX : v;
}

int quota_headroom(uint64_t eff, uint64_t usage, uint64_t *ret)
{
        if (eff == UNITS_MAX)
                return -ENOENT;
        *ret = usage >= eff ? 0 : eff - usage;
        return 0;
}

unsigned quota_fill(uint64_t usage, uint64_t eff)
{
        unsigned __int128 f;

        if (eff == UNITS_MAX)
                return 0;
        if (eff == 0)
                return 1000;
        f = (unsigned __int128)usage * 1000 / eff;
        return f > 1000 ? 1000 : (unsigned)f;
}

enum quota_color quota_color(unsigned fill)
{
        return fill < 700 ? QUOTA_GREEN : fill < 900 ? QUOTA_YELLOW : QUOTA_RED;
}

int quota_bar(unsigned fill, bool color, char *buf, size_t n)
{
        static const char *const esc[] = { [QUOTA_GREEN] = "\033[32m", [QUOTA_YELLOW] = "\033[33m",
                                           [QUOTA_RED] = "\033[31m" };
        struct out o = { buf, n, 0, false };
        unsigned cells = (fill > 1000 ? 1000 : fill) * QUOTA_BAR_CELLS / 1000;

        if (fill > 0 && cells == 0)
                cells = 1;
        outf(&o, "[");
        if (color && cells)
                outf(&o, "%s", esc[quota_color(fill)]);
        for (unsigned i = 0; i < cells; i++)
                outf(&o, "#");
        if (color && cells)
                outf(&o, "\033[0m");
        if (color && cells < QUOTA_BAR_CELLS)
                outf(&o, "\033[2m");
        for (unsigned i = cells; i < QUOTA_BAR_CELLS; i++)
                outf(&o, ".");
        if (color && cells < QUOTA_BAR_CELLS)
                outf(&o, "\033[0m");
        outf(&o, "]");
        return out_end(&o);
}

/* The length of the valid UTF-8 sequence at s (1 to 4), 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
        size_t len;
        uint32_t cp;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                len = 2, cp = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                len = 3, cp = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                len = 4, cp = s[0] & 0x07;
        else
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        /* overlong, surrogates, beyond U+10FFFF */
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return len;
}

static void json_string(struct out *o, const char *s)
{
        const unsigned char *p = (const unsigned char *)s;

        outf(o, "\"");
        while (*p) {
                size_t len = utf8_len(p);

                if (*p == '"' || *p == '\\')
                        outf(o, "\\%c", *p);
                else if (*p == '\n')
                        outf(o, "\\n");
                else if (*p == '\t')
                        outf(o, "\\t");
                else if (*p < 0x20 || *p == 0x7f)
                        outf(o, "\\u%04x", *p);
                else if (len == 0) {
                        outf(o, "\\ufffd");
                        len = 1;
                } else
                        outf(o, "%.*s", (int)len, (const char *)p);
                p += len ? len : 1;
        }
        outf(o, "\"");
}

int quota_json_string(const char *s, char *buf, size_t n)
{
        struct out o = { buf, n, 0, false };

        json_string(&o, s);
        return out_end(&o);
}

const char *quota_setter_name(const struct quota_cgroup *cg, const struct quota_row *row)
{
        if (!row->has_eff || row->setter == QUOTA_SET_NONE)
                return "-";
        if (row->setter == QUOTA_SET_ABOVE)
                return "above";
        if (row->setter >= 0 && (size_t)row->setter < cg->nlevels)
                return cg->levels[row->setter];
        return "?";
}

bool quota_row_load(const struct quota_row *row, uint64_t *ret)
{
        if (row->kind == QUOTA_CPU || row->kind == QUOTA_IO) {
                if (!row->has_rate)
                        return false;
                *ret = row->rate;
                return true;
        }
        if (!row->has_usage)
                return false;
        *ret = row->usage;
        return true;
}

/* cpu values in us of CPU per second, so that a rate compares with them. */
static uint64_t cpu_per_s(const struct quota_value *v)
{
        unsigned __int128 x;

        if (v->v == UNITS_MAX || !v->period)
                return UNITS_MAX;
        x = (unsigned __int128)v->v * 1000000 / v->period;
        return x >= UNITS_MAX ? UNITS_MAX - 1 : (uint64_t)x;
}

/* The effective value in the units of quota_row_load(). */
static uint64_t eff_load(const struct quota_row *row)
{
        return row->kind == QUOTA_CPU ? cpu_per_s(&row->eff) : row->eff.v;
}

static bool iops(const struct quota_row *row)
{
        return row->kind == QUOTA_IO && row->dev[0] &&
               (row->field == UNITS_IO_RIOPS || row->field == UNITS_IO_WIOPS);
}

/* A limit in the view's exact units: "1.5G", "0.5", "512", "max". */
static void format_limit(const struct quota_row *row, const struct quota_value *v, char *buf, size_t n)
{
        if (!v->present)
                snprintf(buf, n, "-");
        else if (v->v == UNITS_MAX)
                snprintf(buf, n, "max");
        else if (row->kind == QUOTA_CPU)
                units_format_cpus(v->v, v->period, buf, n);
        else if (row->kind == QUOTA_PIDS || iops(row))
                snprintf(buf, n, "%" PRIu64, v->v);
        else
                units_format_size(v->v, buf, n);
}

/* CPUs to the thousandth: 250000 us/s -> "0.25". */
static void format_cpus_rate(uint64_t us_per_s, char *buf, size_t n)
{
        uint64_t m = us_per_s / 1000 + (us_per_s % 1000 >= 500);

        if (m % 1000 == 0)
                snprintf(buf, n, "%" PRIu64, m / 1000);
        else if (m % 100 == 0)
                snprintf(buf, n, "%" PRIu64 ".%01" PRIu64, m / 1000, m % 1000 / 100);
        else if (m % 10 == 0)
                snprintf(buf, n, "%" PRIu64 ".%02" PRIu64, m / 1000, m % 1000 / 10);
        else
                snprintf(buf, n, "%" PRIu64 ".%03" PRIu64, m / 1000, m % 1000);
}

/* An amount of the row's load (usage, rate, headroom), approximate like stats/. */
static void format_amount(const struct quota_row *row, uint64_t v, bool rate, char *buf, size_t n)
{
        if (row->kind == QUOTA_CPU && rate)
                format_cpus_rate(v, buf, n);
        else if (row->kind == QUOTA_CPU)
                units_format_duration_approx(v, buf, n);
        else if (row->kind == QUOTA_PIDS || iops(row))
                snprintf(buf, n, "%" PRIu64 "%s", v, rate ? "/s" : "");
        else {
                units_format_size_approx(v, buf, n);
                if (rate && strlen(buf) + 3 < n)
                        strcat(buf, "/s");
        }
}

static void row_label(const struct quota_row *row, char *buf, size_t n)
{
        if (row->kind == QUOTA_IO && row->dev[0])
                snprintf(buf, n, "io %s %s", row->dev, units_io_keys[row->field]);
        else
                snprintf(buf, n, "%s", row->name);
}

/* A name as a terminal may show it: control bytes (an escape sequence in a
 * cgroup's name, a newline) as \xNN, so that no name can drive the terminal
 * or break the layout. The length it takes: */
static size_t safe_len(const char *s)
{
        size_t n = 0;

        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
                n += *p < 0x20 || *p == 0x7f ? 4 : 1;
        return n;
}

/* s made safe, then padded with blanks to width. */
static void out_safe(struct out *o, const char *s, size_t width)
{
        size_t n = 0;

        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p < 0x20 || *p == 0x7f) {
                        outf(o, "\\x%02x", *p);
                        n += 4;
                } else {
                        outf(o, "%c", *p);
                        n++;
                }
        }
        for (; n < width; n++)
                outf(o, " ");
}

int quota_render_text(const struct quota_cgroup *cg, const char *prefix_title, const char *prefix, bool color,
                      char *buf, size_t n)
{
        struct out o = { buf, n, 0, false };
        size_t wname = strlen("resource"), wset = strlen("set by");

        for (size_t i = 0; i < cg->nrows; i++) {
                char label[96];
                size_t l;

                row_label(&cg->rows[i], label, sizeof(label));
                wname = strlen(label) > wname ? strlen(label) : wname;
                l = safe_len(quota_setter_name(cg, &cg->rows[i]));
                wset = l > wset ? l : wset;
        }
        outf(&o, "%s", prefix_title);
        out_safe(&o, cg->path, 0);
        if (cg->procs >= 0)
                outf(&o, "  %ld proc%s", cg->procs, cg->procs == 1 ? "" : "s");
        outf(&o, "\n");
        if (!cg->nrows) {
                outf(&o, "%s(no limit or usage files)\n", prefix);
                return out_end(&o);
        }
        outf(&o, "%s%-*s %-10s %-10s %-*s %-10s %-10s %-8s\n", prefix, (int)wname, "resource", "limit", "effective",
             (int)wset, "set by", "usage", "headroom", "pressure");
        for (size_t i = 0; i < cg->nrows; i++) {
                const struct quota_row *row = &cg->rows[i];
                char label[96], lim[UNITS_BUF], eff[UNITS_BUF], use[UNITS_BUF] = "-", room[UNITS_BUF] = "-",
                     psi[24] = "-", bar[64] = "";
                uint64_t load = 0, h;
                bool has_load = quota_row_load(row, &load);

                row_label(row, label, sizeof(label));
                format_limit(row, &row->limit, lim, sizeof(lim));
                if (row->has_eff)
                        format_limit(row, &row->eff, eff, sizeof(eff));
                else
                        snprintf(eff, sizeof(eff), "-");
                if (has_load)
                        format_amount(row, load, row->kind == QUOTA_CPU || row->kind == QUOTA_IO, use, sizeof(use));
                else if (row->has_usage)
                        format_amount(row, row->usage, false, use, sizeof(use));
                if (has_load && row->has_eff && quota_headroom(eff_load(row), load, &h) == 0) {
                        format_amount(row, h, row->kind == QUOTA_CPU || row->kind == QUOTA_IO, room, sizeof(room));
                        quota_bar(quota_fill(load, eff_load(row)), color, bar, sizeof(bar));
                }
                if (row->psi[0])
                        snprintf(psi, sizeof(psi), "%s%%", row->psi);
                outf(&o, "%s%-*s %-10s %-10s ", prefix, (int)wname, label, lim, eff);
                out_safe(&o, quota_setter_name(cg, row), wset);
                outf(&o, " %-10s %-10s %-8s", use, room, psi);
                if (bar[0])
                        outf(&o, " %s", bar);
                /* no trailing blanks: trim what the padding left */
                while (!o.full && o.len && o.buf[o.len - 1] == ' ')
                        o.buf[--o.len] = '\0';
                outf(&o, "\n");
        }
        return out_end(&o);
}

static void json_limit(struct out *o, const char *key, const struct quota_row *row, const struct quota_value *v)
{
        if (!v->present)
                return;
        outf(o, ", \"%s\": ", key);
        if (v->v == UNITS_MAX)
                outf(o, "null");
        else if (row->kind == QUOTA_CPU)
                outf(o, "{\"quota_us\": %" PRIu64 ", \"period_us\": %" PRIu64 "}", v->v, v->period);
        else
                outf(o, "%" PRIu64, v->v);
}

/* A rate or headroom for JSON: cpu in CPUs (3 decimals), the rest as integers. */
static void json_amount(struct out *o, const struct quota_row *row, uint64_t v)
{
        char b[UNITS_BUF];

        if (row->kind == QUOTA_CPU) {
                format_cpus_rate(v, b, sizeof(b));
                outf(o, "%s", b);
        } else
                outf(o, "%" PRIu64, v);
}

int quota_render_json(const struct quota_cgroup *cg, char *buf, size_t n)
{
        struct out o = { buf, n, 0, false };

        outf(&o, "{\"path\": ");
        json_string(&o, cg->path);
        if (cg->procs >= 0)
                outf(&o, ", \"procs\": %ld", cg->procs);
        outf(&o, ", \"resources\": [");
        for (size_t i = 0; i < cg->nrows; i++) {
                const struct quota_row *row = &cg->rows[i];
                uint64_t load = 0, h;
                bool has_load = quota_row_load(row, &load);

                outf(&o, "%s\n  {\"name\": ", i ? "," : "");
                json_string(&o, row->name);
                if (row->kind == QUOTA_IO && row->dev[0]) {
                        outf(&o, ", \"device\": ");
                        json_string(&o, row->dev);
                        outf(&o, ", \"field\": \"%s\"", units_io_keys[row->field]);
                }
                json_limit(&o, "limit", row, &row->limit);
                if (row->has_eff) {
                        json_limit(&o, "effective", row, &row->eff);
                        outf(&o, ", \"set_by\": ");
                        if (row->setter == QUOTA_SET_NONE)
                                outf(&o, "null");
                        else
                                json_string(&o, quota_setter_name(cg, row));
                }
                if (row->has_usage)
                        outf(&o, ", \"usage\": %" PRIu64, row->usage);
                if (row->has_rate) {
                        outf(&o, ", \"rate\": ");
                        json_amount(&o, row, row->rate);
                }
                if (has_load && row->has_eff) {
                        outf(&o, ", \"headroom\": ");
                        if (quota_headroom(eff_load(row), load, &h) == 0)
                                json_amount(&o, row, h);
                        else
                                outf(&o, "null");
                }
                if (row->psi[0])
                        outf(&o, ", \"pressure\": %s", row->psi);
                outf(&o, "}");
        }
        outf(&o, "%s]}", cg->nrows ? "\n" : "");
        return out_end(&o);
}

int quota_tree_prefix(const unsigned *depths, size_t n, size_t i, char *ret_title, char *ret_prefix, size_t size)
{
        struct out t = { ret_title, size, 0, false }, p = { ret_prefix, size, 0, false };
        unsigned d;
        bool children;

        if (i >= n)
                return -EINVAL;
        d = depths[i];
        children = i + 1 < n && depths[i + 1] > d;
        /* For each ancestor level k (1..d-1) and the item itself (level d): is there
         * a later sibling at that level before the listing leaves the subtree? */
        for (unsigned k = 1; k <= d; k++) {
                bool more = false;

                for (size_t j = i + 1; j < n && depths[j] >= k; j++)
                        if (depths[j] == k) {
                                more = true;
                                break;
                        }
                if (k < d) {
                        outf(&t, "%s", more ? "│  " : "   ");
                        outf(&p, "%s", more ? "│  " : "   ");
                } else {
                        outf(&t, "%s", more ? "├─ " : "└─ ");
                        outf(&p, "%s", more ? "│  " : "   ");
                }
        }
        outf(&t, "%s", "");
        outf(&p, "%s", children ? "│ " : "  ");
        if (out_end(&t) < 0)
                return -ENOBUFS;
        return out_end(&p) < 0 ? -ENOBUFS : 0;
}

int quota_path_normalize(const char *in, const char *base, char *buf, size_t n)
{
        size_t bl = strlen(base), len = 0;
        const char *p = in;
        char tmp[4096];

        while (bl > 1 && base[bl - 1] == '/')
                bl--;
        if (bl > 1 && !strncmp(in, base, bl) && (in[bl] == '/' || !in[bl]))
                p = in + bl;
        while (*p) {
                size_t l;

                p += strspn(p, "/");
                l = strcspn(p, "/");
                if (!l)
                        break;
                if (l == 2 && !strncmp(p, "..", 2))
                        return -EINVAL;
                if (!(l == 1 && *p == '.')) {
                        if (len + l + 2 > n || len + l + 2 > sizeof(tmp))
                                return -ENAMETOOLONG;
                        tmp[len++] = '/';
                        memcpy(tmp + len, p, l);
                        len += l;
                }
                p += l;
        }
        if (!len)
                tmp[len++] = '/';
        if (len + 1 > n)
                return -ENAMETOOLONG;
        memcpy(buf, tmp, len);
        buf[len] = '\0';
        return 0;
}

int quota_io_stat_get(const char *text, unsigned major, unsigned minor, const char *key, uint64_t *ret)
{
        char want[32];
        size_t wl = (size_t)snprintf(want, sizeof(want), "%u:%u ", major, minor), kl = strlen(key);

        for (const char *line = text; *line;) {
                size_t ll = strcspn(line, "\n");

                if (ll > wl && !strncmp(line, want, wl)) {
                        /* "8:0 rbytes=1 wbytes=2 ...": space-separated key=value tokens */
                        for (size_t i = wl; i < ll;) {
                                size_t tl = strcspn(line + i, " \n");

                                if (tl > kl + 1 && !strncmp(line + i, key, kl) && line[i + kl] == '=') {
                                        char num[32];
                                        uint64_t v;

                                        if (tl - kl - 1 >= sizeof(num))
                                                return -EINVAL;
                                        memcpy(num, line + i + kl + 1, tl - kl - 1);
                                        num[tl - kl - 1] = '\0';
                                        if (units_parse_count(num, &v) < 0 || !strcmp(num, "max"))
                                                return -EINVAL;
                                        *ret = v;
                                        return 0;
                                }
                                i += tl + 1;
                        }
                        return -ENOENT;
                }
                line += ll + (line[ll] == '\n');
        }
        return -ENOENT;
}
