/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for what a caller writes to and reads from
 * cgroup.procs/threads through the view (fs/procs.h, fs/knum.h). The input
 * is one write, NUL bytes included. Beyond not crashing, it checks the
 * promises and abort()s when one breaks: an accepted write is a number
 * >= 0 whose canonical decimal reads back the same; a write over one page
 * is E2BIG and anything else refused is EINVAL; the value is what
 * kstrtoint reads from the stripped text before the first NUL; and the
 * same bytes as a kernel listing translate without overrunning, into lines
 * of positive decimals only.
 */
#include "knum.h"
#include "procs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool cond, const char *what)
{
        if (cond)
                return;
        fprintf(stderr, "fuzz-procs: %s broken\n", what);
        abort();
}

/* Numbers grow by six digits and every third one disappears: the output outgrows the input. */
static pid_t map(void *userdata, pid_t pid)
{
        return pid % 3 == 0 ? 0 : pid % 1000 + 1000000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *buf = (const char *)data, *text;
        int pid = -7, r = procs_parse_write(buf, size, &pid), again = -7, direct = -7;
        size_t tlen, out_len;
        char canon[16], *out;

        if (size > KNUM_WRITE_MAX) {
                check(r == -E2BIG && pid == -7, "E2BIG over a page");
                return 0;
        }
        check(r == 0 || r == -EINVAL, "errno of a write");
        check(knum_write_text(buf, size, &text, &tlen) == 0, "a page is taken");
        check(tlen == 0 || (!knum_isspace((unsigned char)text[0]) && !knum_isspace((unsigned char)text[tlen - 1])),
              "strip");
        check(memchr(text, 0, tlen) == NULL, "text ends at the first NUL");
        if (r == 0) {
                check(pid >= 0, "a PID >= 0");
                check(knum_strtoint(text, tlen, &direct) == 0 && direct == pid, "the value kstrtoint reads");
                snprintf(canon, sizeof(canon), "%d", pid);
                check(procs_parse_write(canon, strlen(canon), &again) == 0 && again == pid, "canonical round trip");
        } else
                check(pid == -7, "output untouched on failure");

        r = procs_translate(buf, size, map, NULL, &out, &out_len);
        if (r == 0) {
                check(strlen(out) == out_len, "listing length");
                for (size_t i = 0; i < out_len;) {
                        size_t end = (size_t)(strchr(out + i, '\n') - out);
                        unsigned long long v;

                        check(parse_decimal(out + i, end - i, INT32_MAX, &v) == 0 && v > 0, "listing lines");
                        i = end + 1;
                }
                free(out);
        } else
                check(r == -EINVAL, "errno of a listing");
        return 0;
}
