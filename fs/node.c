/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "cache.h"
#include "node.h"

struct entry {
        struct node n;
        uint64_t nlookup;
        UT_hash_handle hh;
};

static struct entry *by_id;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void entry_free(struct entry *e)
{
        free(e->n.path);
        free(e->n.name);
        free(e);
}

static struct entry *entry_new(uint64_t id, enum node_kind kind, const char *path, const char *name,
                               const struct view_file *vf, bool top)
{
        struct entry *e = calloc(1, sizeof(*e));

        if (!e)
                return NULL;
        e->n = (struct node){ .id = id, .kind = kind, .vf = vf, .top = top && name };
        e->n.path = strdup(path);
        e->n.name = name ? strdup(name) : NULL;
        if (!e->n.path || (name && !e->n.name)) {
                entry_free(e);
                return NULL;
        }
        return e;
}

int node_init(void)
{
        struct entry *root = entry_new(CACHE_ROOT_ID, NODE_CGROUP, "", NULL, NULL, false);

        if (!root)
                return -ENOMEM;
        root->nlookup = 1; /* never forgotten */
        HASH_ADD(hh, by_id, n.id, sizeof(uint64_t), root);
        return 0;
}

struct node *node_ref(uint64_t id, enum node_kind kind, const char *path, const char *name,
                      const struct view_file *vf, bool top)
{
        struct entry *e;

        pthread_mutex_lock(&lock);
        HASH_FIND(hh, by_id, &id, sizeof(id), e);
        if (e) {
                e->nlookup++;
                pthread_mutex_unlock(&lock);
                return &e->n;
        }
        pthread_mutex_unlock(&lock);
        /* Built outside the lock; thrown away if another thread made the node meanwhile. */
        struct entry *made = entry_new(id, kind, path, name, vf, top), *found;

        if (!made)
                return NULL;
        pthread_mutex_lock(&lock);
        HASH_FIND(hh, by_id, &id, sizeof(id), found);
        if (found) {
                found->nlookup++;
                pthread_mutex_unlock(&lock);
                entry_free(made);
                return &found->n;
        }
        made->nlookup = 1;
        HASH_ADD(hh, by_id, n.id, sizeof(uint64_t), made);
        pthread_mutex_unlock(&lock);
        cache_slot_ref(cache_id_slot(id), 1);
        return &made->n;
}

void node_forget(uint64_t id, uint64_t n)
{
        struct entry *e;

        if (id == CACHE_ROOT_ID)
                return;
        pthread_mutex_lock(&lock);
        HASH_FIND(hh, by_id, &id, sizeof(id), e);
        if (e && (e->nlookup -= n < e->nlookup ? n : e->nlookup) == 0)
                HASH_DELETE(hh, by_id, e);
        else
                e = NULL;
        pthread_mutex_unlock(&lock);
        if (e) {
                cache_slot_ref(cache_id_slot(id), -1);
                entry_free(e);
        }
}

struct node *node_get(uint64_t id)
{
        struct entry *e;

        pthread_mutex_lock(&lock);
        HASH_FIND(hh, by_id, &id, sizeof(id), e);
        pthread_mutex_unlock(&lock);
        return e ? &e->n : NULL;
}

size_t node_set_size(uint64_t id, size_t size)
{
        struct node *n = node_get(id);

        return n ? __atomic_exchange_n(&n->size, size, __ATOMIC_RELAXED) : 0;
}

char **node_top_names(void)
{
        struct entry *e, *tmp;
        size_t n = 0, bytes = sizeof(char *);
        char **names, *p;

        pthread_mutex_lock(&lock);
        HASH_ITER(hh, by_id, e, tmp)
                if (e->n.top) {
                        n++;
                        bytes += sizeof(char *) + strlen(e->n.name) + 1;
                }
        names = malloc(bytes);
        if (names) {
                p = (char *)(names + n + 1);
                n = 0;
                HASH_ITER(hh, by_id, e, tmp)
                        if (e->n.top) {
                                names[n++] = strcpy(p, e->n.name);
                                p += strlen(p) + 1;
                        }
                names[n] = NULL;
        }
        pthread_mutex_unlock(&lock);
        return names;
}

unsigned node_count(void)
{
        unsigned n;

        pthread_mutex_lock(&lock);
        n = HASH_CNT(hh, by_id);
        pthread_mutex_unlock(&lock);
        return n;
}
