/* SPDX-License-Identifier: MIT */
/*
 * Replays fuzz inputs through LLVMFuzzerTestOneInput as a TAP test, so the
 * committed corpus runs with the normal tests: replay DIR|FILE...
 * A crash or abort() fails the run; an unreadable or empty argument is a
 * "not ok", so a moved corpus cannot pass silently.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned n_tests, n_failed;

static void result(bool pass, const char *path)
{
        n_tests++;
        n_failed += !pass;
        printf("%sok %u - %s\n", pass ? "" : "not ", n_tests, path);
        fflush(stdout); /* so the last line before a crash names the input */
}

static bool read_file(const char *path, uint8_t **ret, size_t *ret_size)
{
        FILE *f = fopen(path, "rb");
        uint8_t *buf = NULL;
        size_t size = 0, cap = 0, n;

        if (!f)
                return false;
        do {
                if (size == cap) {
                        uint8_t *p = realloc(buf, cap = cap ? cap * 2 : 4096);

                        if (!p) {
                                free(buf);
                                fclose(f);
                                return false;
                        }
                        buf = p;
                }
                n = fread(buf + size, 1, cap - size, f);
                size += n;
        } while (n > 0);
        if (ferror(f)) {
                free(buf);
                fclose(f);
                return false;
        }
        fclose(f);
        *ret = buf;
        *ret_size = size;
        return true;
}

static void replay_file(const char *path)
{
        uint8_t *data;
        size_t size;

        if (!read_file(path, &data, &size)) {
                result(false, path);
                return;
        }
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        result(true, path);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *d)
{
        return d->d_name[0] != '.';
}

/* Sorted, so that runs are comparable. */
static void replay_dir(const char *dir)
{
        struct dirent **names;
        int n = scandir(dir, &names, not_hidden, by_name);

        if (n <= 0) {
                result(false, dir);
                return;
        }
        for (int i = 0; i < n; i++) {
                char path[4096];
                struct stat st;

                snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
                if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
                        replay_file(path);
                free(names[i]);
        }
        free(names);
}

int main(int argc, char **argv)
{
        struct stat st;

        if (argc < 2) {
                fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
                return 2;
        }
        for (int i = 1; i < argc; i++) {
                if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
                        replay_dir(argv[i]);
                else
                        replay_file(argv[i]);
        }
        printf("1..%u\n", n_tests);
        return n_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
