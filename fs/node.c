/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "node.h"

#define ROOT_ID 1 /* FUSE_ROOT_ID, without including FUSE here */

struct entry {
        struct node n;
        uint64_t nlookup;
        char *key;
        UT_hash_handle hh_id, hh_key;
};

static struct entry *by_id, *by_key;
static uint64_t next_id = ROOT_ID + 1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void entry_free(struct entry *e)
{
        free(e->n.path);
        free(e->n.name);
        free(e->key);
        free(e);
}

static struct entry *entry_new(uint64_t id, uint32_t view, enum node_kind kind, const char *path,
                               const char *name, const struct view_file *vf)
{
        struct entry *e = calloc(1, sizeof(*e));

        if (!e)
                return NULL;
        e->n = (struct node){ .id = id, .kind = kind, .view = view, .vf = vf };
        e->n.path = strdup(path);
        e->n.name = name ? strdup(name) : NULL;
        /* The kind's tag keeps a FRIENDLY "a" + "cpu" apart from a cgroup "a/cpu". */
        if (asprintf(&e->key, "%u:%d:%s/%s", view, (int)kind, path, name ? name : "") < 0)
                e->key = NULL;
        if (!e->n.path || (name && !e->n.name) || !e->key) {
                entry_free(e);
                return NULL;
        }
        return e;
}

int node_init(void)
{
        struct entry *root = entry_new(ROOT_ID, 0, NODE_CGROUP, "", NULL, NULL);

        if (!root)
                return -ENOMEM;
        root->nlookup = 1; /* never forgotten */
        HASH_ADD(hh_id, by_id, n.id, sizeof(uint64_t), root);
        HASH_ADD_KEYPTR(hh_key, by_key, root->key, strlen(root->key), root);
        return 0;
}

struct node *node_ref(uint32_t view, enum node_kind kind, const char *path, const char *name,
                      const struct view_file *vf)
{
        struct entry *e, *found;

        /* Built outside the lock; thrown away if the node already exists. */
        e = entry_new(0, view, kind, path, name, vf);
        if (!e)
                return NULL;
        pthread_mutex_lock(&lock);
        HASH_FIND(hh_key, by_key, e->key, strlen(e->key), found);
        if (found) {
                found->nlookup++;
                pthread_mutex_unlock(&lock);
                entry_free(e);
                return &found->n;
        }
        e->n.id = next_id++;
        e->nlookup = 1;
        HASH_ADD(hh_id, by_id, n.id, sizeof(uint64_t), e);
        HASH_ADD_KEYPTR(hh_key, by_key, e->key, strlen(e->key), e);
        pthread_mutex_unlock(&lock);
        return &e->n;
}

void node_forget(uint64_t id, uint64_t n)
{
        struct entry *e;

        if (id == ROOT_ID)
                return;
        pthread_mutex_lock(&lock);
        HASH_FIND(hh_id, by_id, &id, sizeof(id), e);
        if (e && (e->nlookup -= n < e->nlookup ? n : e->nlookup) == 0) {
                HASH_DELETE(hh_id, by_id, e);
                HASH_DELETE(hh_key, by_key, e);
        } else
                e = NULL;
        pthread_mutex_unlock(&lock);
        if (e)
                entry_free(e);
}

struct node *node_get(uint64_t id)
{
        struct entry *e;

        pthread_mutex_lock(&lock);
        HASH_FIND(hh_id, by_id, &id, sizeof(id), e);
        pthread_mutex_unlock(&lock);
        return e ? &e->n : NULL;
}

unsigned node_count(void)
{
        unsigned n;

        pthread_mutex_lock(&lock);
        n = HASH_CNT(hh_id, by_id);
        pthread_mutex_unlock(&lock);
        return n;
}
