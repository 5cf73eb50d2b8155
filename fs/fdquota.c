/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <uthash.h>

#include "fdquota.h"

struct held {
        uid_t uid;
        unsigned n;
        UT_hash_handle hh;
};

static struct held *table;
static unsigned max_per_uid;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void fdquota_set(unsigned max)
{
        max_per_uid = max;
}

unsigned fdquota_max(void)
{
        return max_per_uid;
}

int fdquota_take(uid_t uid)
{
        struct held *h;
        int r = 0;

        pthread_mutex_lock(&lock);
        HASH_FIND(hh, table, &uid, sizeof(uid), h);
        if (!h) {
                h = calloc(1, sizeof(*h));
                if (h) {
                        h->uid = uid;
                        HASH_ADD(hh, table, uid, sizeof(uid), h);
                }
        }
        if (!h)
                r = -ENOMEM;
        else if (max_per_uid && h->n >= max_per_uid)
                r = -EMFILE;
        else
                h->n++;
        pthread_mutex_unlock(&lock);
        return r;
}

void fdquota_put(uid_t uid)
{
        struct held *h;

        pthread_mutex_lock(&lock);
        HASH_FIND(hh, table, &uid, sizeof(uid), h);
        if (h && h->n > 0 && --h->n == 0) {
                /* A uid with nothing open takes no memory. */
                HASH_DEL(table, h);
                free(h);
        }
        pthread_mutex_unlock(&lock);
}

unsigned fdquota_held(uid_t uid)
{
        struct held *h;
        unsigned n;

        pthread_mutex_lock(&lock);
        HASH_FIND(hh, table, &uid, sizeof(uid), h);
        n = h ? h->n : 0;
        pthread_mutex_unlock(&lock);
        return n;
}
