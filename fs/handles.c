/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <uthash.h>

#include "handles.h"

#define INDEX_MAX (1u << 24)

struct slot {
        uint64_t fh; /* 0: free */
        void *p;
};

struct adopted {
        uint64_t fh;
        void *p;
        UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *slots;
static uint32_t cap, used, free_hint;
static struct adopted *adopted;
static uint64_t generation = 1;

void handles_set_generation(uint32_t g)
{
        generation = g & 0xff;
}

static uint32_t index_of(uint64_t fh)
{
        return (uint32_t)(fh >> 32) & (INDEX_MAX - 1);
}

/* A free index, growing the table if needed; INDEX_MAX if none. lock held. */
static uint32_t take_index(void)
{
        if (used == cap) {
                uint32_t c = cap ? cap * 2 : 256;
                struct slot *s;

                if (c > INDEX_MAX || !(s = realloc(slots, c * sizeof(*s))))
                        return INDEX_MAX;
                for (uint32_t i = cap; i < c; i++)
                        s[i] = (struct slot){ 0 };
                free_hint = cap;
                slots = s;
                cap = c;
        }
        for (uint32_t k = 0; k < cap; k++) {
                uint32_t i = (free_hint + k) % cap;

                if (!slots[i].fh) {
                        free_hint = i + 1;
                        return i;
                }
        }
        return INDEX_MAX;
}

uint64_t handles_put(void *p, uint32_t uid)
{
        uint64_t fh = 0;
        uint32_t i;

        pthread_mutex_lock(&lock);
        i = take_index();
        if (i < INDEX_MAX) {
                fh = generation << 56 | (uint64_t)i << 32 | uid;
                slots[i] = (struct slot){ fh, p };
                used++;
        }
        pthread_mutex_unlock(&lock);
        return fh;
}

/* Does fh stand for something put by this worker (its slot's number is fh)? lock held */
static bool own(uint64_t fh)
{
        uint32_t i = index_of(fh);

        return fh && i < cap && slots[i].fh == fh;
}

/* lock held */
static struct adopted *find_adopted(uint64_t fh)
{
        struct adopted *a;

        HASH_FIND(hh, adopted, &fh, sizeof(fh), a);
        return a;
}

void *handles_get(uint64_t fh)
{
        struct adopted *a;
        void *p = NULL;

        pthread_mutex_lock(&lock);
        if (own(fh))
                p = slots[index_of(fh)].p;
        else if ((a = find_adopted(fh)))
                p = a->p;
        pthread_mutex_unlock(&lock);
        return p;
}

void *handles_adopt(uint64_t fh, void *p)
{
        struct adopted *a;

        pthread_mutex_lock(&lock);
        a = find_adopted(fh);
        if (a) {
                p = a->p;
        } else if ((a = malloc(sizeof(*a)))) {
                a->fh = fh;
                a->p = p;
                HASH_ADD(hh, adopted, fh, sizeof(a->fh), a);
        } else {
                p = NULL;
        }
        pthread_mutex_unlock(&lock);
        return p;
}

void *handles_take(uint64_t fh)
{
        uint32_t i = index_of(fh);
        struct adopted *a;
        void *p = NULL;

        pthread_mutex_lock(&lock);
        if (own(fh)) {
                p = slots[i].p;
                slots[i] = (struct slot){ 0 };
                used--;
        } else if ((a = find_adopted(fh))) {
                p = a->p;
                HASH_DEL(adopted, a);
                free(a);
        }
        pthread_mutex_unlock(&lock);
        return p;
}

unsigned handles_count(void)
{
        unsigned n;

        pthread_mutex_lock(&lock);
        n = used + HASH_COUNT(adopted);
        pthread_mutex_unlock(&lock);
        return n;
}
