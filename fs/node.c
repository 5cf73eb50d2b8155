/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "node.h"

struct entry {
        struct node n;
        uint64_t nlookup;
        bool adopted; /* made from an id a worker before this one gave out (node_adopt) */
};

/* Linear probing over a power-of-two table, at most half full; removal shifts the run back. */
static struct entry **table;
static size_t cap, count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_of(uint64_t id, size_t c)
{
        id ^= id >> 33;
        id *= 0xff51afd7ed558ccdull;
        id ^= id >> 33;
        return (size_t)id & (c - 1);
}

/* The index of id's entry, or of the empty slot where it would go. lock held. */
static size_t find(uint64_t id)
{
        size_t i = slot_of(id, cap);

        while (table[i] && table[i]->n.id != id)
                i = (i + 1) & (cap - 1);
        return i;
}

static int grow(void)
{
        size_t c = cap ? cap * 2 : 1024;
        struct entry **t = calloc(c, sizeof(*t));

        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < cap; i++)
                if (table[i]) {
                        size_t j = slot_of(table[i]->n.id, c);

                        while (t[j])
                                j = (j + 1) & (c - 1);
                        t[j] = table[i];
                }
        free(table);
        table = t;
        cap = c;
        return 0;
}

static int insert(struct entry *e)
{
        if (2 * (count + 1) > cap && grow() < 0)
                return -ENOMEM;
        table[find(e->n.id)] = e;
        count++;
        return 0;
}

static void erase(size_t i)
{
        size_t j = i;

        table[i] = NULL;
        count--;
        /* Move back every later entry of the run that its home slot lets move. */
        for (;;) {
                size_t home;

                j = (j + 1) & (cap - 1);
                if (!table[j])
                        return;
                home = slot_of(table[j]->n.id, cap);
                if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
                        table[i] = table[j];
                        table[j] = NULL;
                        i = j;
                }
        }
}

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
        e->n = (struct node){ .id = id, .kind = (uint8_t)kind, .vf = vf, .top = top && name };
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
        if (insert(root) < 0) {
                entry_free(root);
                return -ENOMEM;
        }
        return 0;
}

/*
 * Add made (built outside the lock), or find the entry another thread added
 * meanwhile and give it lookups more (made is freed then). *added: made went
 * in. NULL on ENOMEM.
 */
static struct entry *add(struct entry *made, uint64_t lookups, bool *added)
{
        struct entry *e;

        pthread_mutex_lock(&lock);
        e = table[find(made->n.id)];
        *added = !e && insert(made) >= 0;
        if (e)
                e->nlookup += lookups;
        else if (*added)
                e = made;
        pthread_mutex_unlock(&lock);
        if (e != made)
                entry_free(made);
        return e;
}

struct node *node_ref(uint64_t id, enum node_kind kind, const char *path, const char *name,
                      const struct view_file *vf, bool top)
{
        struct entry *e, *made;
        bool added;

        pthread_mutex_lock(&lock);
        e = table[find(id)];
        if (e)
                e->nlookup++;
        pthread_mutex_unlock(&lock);
        if (e)
                return &e->n;
        made = entry_new(id, kind, path, name, vf, top);
        if (!made)
                return NULL;
        made->nlookup = 1;
        e = add(made, 1, &added);
        if (added)
                cache_slot_ref(cache_id_slot(id), 1);
        return e ? &e->n : NULL;
}

struct node *node_adopt(uint64_t id, enum node_kind kind, const char *path, const char *name,
                        const struct view_file *vf)
{
        struct entry *made = entry_new(id, kind, path, name, vf, false), *e;
        bool added;

        if (!made)
                return NULL;
        made->adopted = true;
        e = add(made, 0, &added);
        return e ? &e->n : NULL;
}

void node_forget(uint64_t id, uint64_t n)
{
        struct entry *e;
        bool known;

        if (id == CACHE_ROOT_ID)
                return;
        pthread_mutex_lock(&lock);
        size_t i = find(id);

        e = table[i];
        known = e;
        /*
         * An adopted node: no lookup gives its id out again (its slot is the
         * worker before's: ops.c's reply_child), so the kernel's forget of it
         * is the one of its evicted inode, with every count the kernel had.
         */
        if (e && (e->adopted || n >= e->nlookup)) {
                erase(i);
        } else if (e) {
                e->nlookup -= n;
                e = NULL;
        }
        pthread_mutex_unlock(&lock);
        /* A node of the worker before that this one never saw still counts in its slot. */
        if (e || !known)
                cache_slot_ref(cache_id_slot(id), -1);
        if (e)
                entry_free(e);
}

struct node *node_get(uint64_t id)
{
        struct entry *e;

        pthread_mutex_lock(&lock);
        e = table[find(id)];
        pthread_mutex_unlock(&lock);
        return e ? &e->n : NULL;
}

uint32_t node_set_size(uint64_t id, uint32_t size)
{
        struct node *n = node_get(id);

        return n ? __atomic_exchange_n(&n->size, size, __ATOMIC_RELAXED) : 0;
}

char **node_top_names(void)
{
        size_t n = 0, bytes = sizeof(char *);
        char **names, *p;

        pthread_mutex_lock(&lock);
        for (size_t i = 0; i < cap; i++)
                if (table[i] && table[i]->n.top) {
                        n++;
                        bytes += sizeof(char *) + strlen(table[i]->n.name) + 1;
                }
        names = malloc(bytes);
        if (names) {
                p = (char *)(names + n + 1);
                n = 0;
                for (size_t i = 0; i < cap; i++)
                        if (table[i] && table[i]->n.top) {
                                names[n++] = strcpy(p, table[i]->n.name);
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
        n = (unsigned)count;
        pthread_mutex_unlock(&lock);
        return n;
}
