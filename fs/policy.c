/* SPDX-License-Identifier: MIT */
/*
 * policy: the grant file and the rights it gives.
 *
 * The parser works on spans of the text, line by line, and collects rules
 * in a growing array and their subtree paths in a growing pool; at the end
 * both are copied into one allocation, so a policy is freed with one
 * free() and never changes. Paths are kept normalized ("" for the root,
 * "a/b" below it), the form the daemon queries with, so matching is a
 * memcmp plus a look at the byte after the shorter path.
 */
#include "policy.h"
#include "span.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define PATH_LIMIT 4095 /* bytes of a subtree as written */
#define NAME_LIMIT 255  /* bytes of a path component, a user or a group name */

enum { WHO_UID, WHO_GID };

struct rule {
        uint32_t lo, hi;     /* the id range, inclusive */
        unsigned char who;   /* WHO_UID or WHO_GID */
        bool manage;         /* else read */
        size_t off;          /* of the path in the pool, while parsing */
        size_t len;          /* of the path, without its NUL */
        const char *path;    /* normalized, NUL-terminated; set once the policy is built */
};

struct policy {
        unsigned n;
        struct rule rules[]; /* followed by the paths, NUL-terminated */
};

struct builder {
        struct rule *rules;
        size_t n, cap;
        char *pool;
        size_t used, size;
};

/* ---- spans ------------------------------------------------------------- */

static bool is_control(char c)
{
        unsigned char u = (unsigned char) c;

        return u < 0x20 || u == 0x7f;
}

/* If s starts with prefix, drops it and returns true. */
static bool span_chop(struct span *s, const char *prefix)
{
        size_t n = strlen(prefix);

        if (s->len < n || memcmp(s->p, prefix, n) != 0)
                return false;
        *s = span_skip(*s, n);
        return true;
}

/*
 * Splits a line into fields at blanks, up to a comment. Fills at most max
 * fields and returns how many there are, counting one more than max when
 * there are more (the caller only needs to know "too many").
 */
static size_t split_fields(struct span line, struct span *f, size_t max)
{
        size_t n = 0, i = 0, j;

        for (;;) {
                while (i < line.len && is_blank(line.p[i]))
                        i++;
                if (i == line.len || line.p[i] == '#')
                        return n;
                if (n == max)
                        return n + 1;
                for (j = i; j < line.len && !is_blank(line.p[j]); j++)
                        ;
                f[n++] = (struct span){ line.p + i, j - i };
                i = j;
        }
}

static bool has_control(struct span s)
{
        for (size_t i = 0; i < s.len; i++)
                if (is_control(s.p[i]))
                        return true;
        return false;
}

/* ---- fields ------------------------------------------------------------ */

/* A 32-bit id: plain decimal, no sign, no leading zero. */
static bool parse_id(struct span s, uint32_t *ret)
{
        uint64_t v = 0;

        if (s.len == 0 || s.len > 10 || (s.p[0] == '0' && s.len > 1))
                return false;
        for (size_t i = 0; i < s.len; i++) {
                if (!is_digit(s.p[i]))
                        return false;
                v = v * 10 + (unsigned) (s.p[i] - '0');
        }
        if (v > UINT32_MAX)
                return false;
        *ret = (uint32_t) v;
        return true;
}

/* "N" or "N-M". */
static const char *parse_ids(struct span s, struct rule *r)
{
        const char *dash = memchr(s.p, '-', s.len);
        size_t n = dash ? (size_t) (dash - s.p) : s.len;
        uint32_t lo, hi;

        if (!parse_id((struct span){ s.p, n }, &lo))
                return "bad id";
        hi = lo;
        if (dash && !parse_id(span_skip(s, n + 1), &hi))
                return "bad id";
        if (lo > hi)
                return "bad id range";
        r->lo = lo;
        r->hi = hi;
        return NULL;
}

/* user:NAME or group:NAME through the resolver; -EINVAL or its own error. */
static int resolve(struct span name, bool group, const struct policy_resolver *res, struct rule *r,
                   const char **reason)
{
        int (*fn)(void *, const char *, uint32_t *) = NULL;
        char buf[NAME_LIMIT + 1];
        uint32_t id = 0;
        int k;

        if (name.len == 0 || name.len > NAME_LIMIT) {
                *reason = "bad name";
                return -EINVAL;
        }
        memcpy(buf, name.p, name.len);
        buf[name.len] = '\0';
        if (res)
                fn = group ? res->group : res->user;
        k = fn ? fn(res->userdata, buf, &id) : -ENOENT;
        if (k == -ENOENT) {
                *reason = group ? "unknown group" : "unknown user";
                return -EINVAL;
        }
        if (k < 0) {
                *reason = group ? "group lookup failed" : "user lookup failed";
                return k;
        }
        r->lo = r->hi = id;
        return 0;
}

static int parse_who(struct span s, const struct policy_resolver *res, struct rule *r, const char **reason)
{
        bool uid = span_chop(&s, "uid:");

        if (uid || span_chop(&s, "gid:")) {
                r->who = uid ? WHO_UID : WHO_GID;
                *reason = parse_ids(s, r);
                return *reason ? -EINVAL : 0;
        }
        if (span_chop(&s, "user:")) {
                r->who = WHO_UID;
                return resolve(s, false, res, r, reason);
        }
        if (span_chop(&s, "group:")) {
                r->who = WHO_GID;
                return resolve(s, true, res, r, reason);
        }
        *reason = "bad subject";
        return -EINVAL;
}

/* An absolute path, normalized into *ret: "" for "/", "a/b" for "/a/b/". */
static bool parse_subtree(struct span s, struct span *ret)
{
        struct span rest;

        if (s.len == 0 || s.len > PATH_LIMIT || s.p[0] != '/' || has_control(s))
                return false;
        s = span_skip(s, 1);
        if (s.len > 0 && s.p[s.len - 1] == '/') {
                s.len--;
                if (s.len == 0) /* "//" */
                        return false;
        }
        rest = s;
        while (rest.len > 0) {
                const char *slash = memchr(rest.p, '/', rest.len);
                struct span c = { rest.p, slash ? (size_t) (slash - rest.p) : rest.len };

                if (c.len == 0 || c.len > NAME_LIMIT || span_eq(c, ".") || span_eq(c, ".."))
                        return false;
                rest = span_skip(rest, slash ? c.len + 1 : c.len);
                if (slash && rest.len == 0) /* "a/" here means "a//" was written */
                        return false;
        }
        *ret = s;
        return true;
}

/* ---- building ---------------------------------------------------------- */

static int builder_add(struct builder *b, const struct rule *r, struct span path)
{
        if (b->n == b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 16;
                struct rule *p = realloc(b->rules, cap * sizeof *p);

                if (!p)
                        return -ENOMEM;
                b->rules = p;
                b->cap = cap;
        }
        if (b->size - b->used < path.len + 1) {
                size_t size = b->size ? b->size : 256;
                char *p;

                while (size - b->used < path.len + 1)
                        size *= 2;
                p = realloc(b->pool, size);
                if (!p)
                        return -ENOMEM;
                b->pool = p;
                b->size = size;
        }
        b->rules[b->n] = *r;
        b->rules[b->n].off = b->used;
        b->rules[b->n].len = path.len;
        memcpy(b->pool + b->used, path.p, path.len);
        b->pool[b->used + path.len] = '\0';
        b->used += path.len + 1;
        b->n++;
        return 0;
}

static struct policy *builder_finish(const struct builder *b)
{
        size_t rules = b->n * sizeof(struct rule);
        struct policy *p = malloc(sizeof *p + rules + b->used);
        char *pool;

        if (!p)
                return NULL;
        p->n = (unsigned) b->n;
        if (b->n > 0)
                memcpy(p->rules, b->rules, rules);
        pool = (char *) (p->rules + b->n);
        if (b->used > 0)
                memcpy(pool, b->pool, b->used);
        for (size_t i = 0; i < b->n; i++)
                p->rules[i].path = pool + p->rules[i].off;
        return p;
}

/* ---- parsing ----------------------------------------------------------- */

/* One line: 0 (a rule added, or nothing to add) or an error with *reason. */
static int parse_line(struct span line, const struct policy_resolver *res, struct builder *b,
                      const char **reason)
{
        struct span f[4], path;
        struct rule r = { .lo = 0 };
        size_t n;
        int k;

        if (memchr(line.p, '\0', line.len)) {
                *reason = "NUL byte";
                return -EINVAL;
        }
        n = split_fields(line, f, 4);
        if (n == 0)
                return 0;
        for (size_t i = 0; i < n && i < 4; i++)
                if (has_control(f[i])) {
                        *reason = "control character";
                        return -EINVAL;
                }
        if (!span_eq(f[0], "grant")) {
                *reason = "unknown verb";
                return -EINVAL;
        }
        if (n != 4) {
                *reason = n < 4 ? "missing field" : "extra field";
                return -EINVAL;
        }
        k = parse_who(f[1], res, &r, reason);
        if (k < 0)
                return k;
        if (!parse_subtree(f[2], &path)) {
                *reason = "bad subtree path";
                return -EINVAL;
        }
        if (span_eq(f[3], "manage"))
                r.manage = true;
        else if (!span_eq(f[3], "read")) {
                *reason = "unknown right";
                return -EINVAL;
        }
        if (b->n == POLICY_MAX_RULES) {
                *reason = "too many rules";
                return -EINVAL;
        }
        k = builder_add(b, &r, path);
        if (k < 0)
                *reason = "out of memory";
        return k;
}

int policy_parse(const char *text, size_t len, const struct policy_resolver *res, struct policy **ret,
                 unsigned *ret_line, const char **ret_reason)
{
        struct builder b = { .rules = NULL };
        struct span rest = { text, len }, line;
        const char *reason = NULL;
        unsigned lineno = 0;
        struct policy *p = NULL;
        int r = 0;

        while (r == 0 && next_line_crlf(&rest, &line)) {
                if (lineno == UINT_MAX) {
                        reason = "too many lines";
                        r = -EINVAL;
                        break;
                }
                lineno++;
                r = parse_line(line, res, &b, &reason);
        }
        if (r == 0) {
                p = builder_finish(&b);
                if (!p) {
                        reason = "out of memory";
                        r = -ENOMEM;
                }
        }
        free(b.rules);
        free(b.pool);
        if (r < 0) {
                if (ret_line)
                        *ret_line = lineno;
                if (ret_reason)
                        *ret_reason = reason;
                return r;
        }
        *ret = p;
        return 0;
}

void policy_free(struct policy *p)
{
        free(p);
}

unsigned policy_count(const struct policy *p)
{
        return p ? p->n : 0;
}

/* ---- queries ----------------------------------------------------------- */

static bool names(const struct rule *r, const struct policy_subject *s)
{
        if (r->who == WHO_UID)
                return s->uid >= r->lo && s->uid <= r->hi;
        for (size_t i = 0; i < s->ngids; i++)
                if (s->gids[i] >= r->lo && s->gids[i] <= r->hi)
                        return true;
        return false;
}

/* Whether path a (alen bytes) is b or an ancestor of it, by whole components. */
static bool covers(const char *a, size_t alen, const char *b, size_t blen)
{
        if (alen == 0)
                return true;
        return alen <= blen && memcmp(a, b, alen) == 0 && (alen == blen || b[alen] == '/');
}

unsigned policy_rights(const struct policy *p, const struct policy_subject *s, const char *cgroup)
{
        const unsigned all = POLICY_READ | POLICY_MANAGE | POLICY_MANAGE_BELOW;
        size_t len = strlen(cgroup);
        unsigned rights = 0;

        for (unsigned i = 0; p && i < p->n && rights != all; i++) {
                const struct rule *r = &p->rules[i];

                if (!covers(r->path, r->len, cgroup, len) || !names(r, s))
                        continue;
                rights |= POLICY_READ;
                if (r->manage)
                        rights |= len > r->len ? POLICY_MANAGE | POLICY_MANAGE_BELOW : POLICY_MANAGE;
        }
        return rights;
}

bool policy_on_the_way(const struct policy *p, const struct policy_subject *s, const char *cgroup)
{
        size_t len = strlen(cgroup);

        for (unsigned i = 0; p && i < p->n; i++) {
                const struct rule *r = &p->rules[i];

                if (covers(cgroup, len, r->path, r->len) && names(r, s))
                        return true;
        }
        return false;
}
