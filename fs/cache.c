/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "cache.h"

/*
 * The class table. A class is made on first use and lives as long as the
 * daemon (a caller's class is its view, PID namespace, uid, groups and own
 * cgroup: as many as distinct such callers ever came). Each slot belongs to
 * at most one class; a class has one current slot and may have retired ones
 * that the kernel still holds nodes of (a directory open, a working
 * directory). Slot CACHE_SLOTS - 1 is shared, never cached: the fallback
 * when slots run out.
 */
#define UNCACHED_SLOT (CACHE_SLOTS - 1)
#define MAX_CLASSES 32768

struct class {
        uint16_t slot;  /* current */
        uint32_t epoch; /* of the current slot: stale when the global epoch moved on */
        UT_hash_handle hh;
        char key[];
};

struct slot {
        struct class *class; /* NULL: free, or a slot of a worker before this one (foreign) */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static struct class *classes;
static unsigned n_classes;
static struct slot slots[CACHE_SLOTS];
/* Nodes the kernel holds in each slot: in memory the next worker inherits (cache_share_counts). */
static uint32_t own_counts[CACHE_SLOTS];
static uint32_t *nodes = own_counts;
static bool foreign_possible; /* some slot was counted when the counts were shared: a worker before's */
static unsigned slots_used;
static uint16_t next_free = 1;
static uint32_t epoch = 1;
static bool watched; /* nothing is cached until the watcher has watched every cgroup */

uint64_t cache_id(uint16_t slot, uint8_t kind, uint64_t kernfs_ino)
{
        /* kernfs on 64 bits: generation in the high half of st_ino, the ino in the low one. */
        return (uint64_t)slot << 48 | (uint64_t)kind << 40 | ((kernfs_ino >> 32) & 0xff) << 32 |
               (kernfs_ino & 0xffffffffu);
}

uint16_t cache_id_slot(uint64_t id)
{
        return (uint16_t)(id >> 48);
}

uint8_t cache_id_kind(uint64_t id)
{
        return (uint8_t)(id >> 40);
}

uint64_t cache_id_ino(uint64_t id)
{
        return id & 0xffffffffffull;
}

/* A free slot for class k, or UNCACHED_SLOT. lock held. */
static uint16_t slot_take(struct class *k)
{
        for (unsigned i = 0; i < UNCACHED_SLOT - 1; i++) {
                uint16_t s = (uint16_t)(1 + (next_free - 1 + i) % (UNCACHED_SLOT - 1));

                if (!slots[s].class && !nodes[s]) {
                        slots[s].class = k;
                        slots_used++;
                        next_free = (uint16_t)(s % (UNCACHED_SLOT - 1) + 1);
                        return s;
                }
        }
        return UNCACHED_SLOT;
}

/* A retired slot with no node left is free again. lock held. */
static void slot_maybe_free(uint16_t s)
{
        struct slot *sl = &slots[s];

        if (s == UNCACHED_SLOT || !sl->class || nodes[s] || sl->class->slot == s)
                return;
        sl->class = NULL;
        slots_used--;
}

static struct class *class_get(const char *key)
{
        struct class *k;
        size_t len = strlen(key);

        HASH_FIND(hh, classes, key, len, k);
        if (k || n_classes >= MAX_CLASSES)
                return k;
        k = calloc(1, sizeof(*k) + len + 1);
        if (!k)
                return NULL;
        memcpy(k->key, key, len + 1);
        k->slot = slot_take(k);
        k->epoch = epoch;
        HASH_ADD(hh, classes, key, len, k);
        n_classes++;
        return k;
}

uint16_t cache_class_slot(const char *key, bool *cacheable)
{
        struct class *k;
        uint16_t s;

        pthread_mutex_lock(&lock);
        k = class_get(key);
        if (k && (k->epoch != epoch || k->slot == UNCACHED_SLOT)) {
                /* Stale: a new slot; the old one lives on until the kernel forgets its nodes. */
                uint16_t old = k->slot;

                k->slot = slot_take(k);
                k->epoch = epoch;
                slot_maybe_free(old);
        }
        s = k ? k->slot : UNCACHED_SLOT;
        *cacheable = watched && s != UNCACHED_SLOT;
        pthread_mutex_unlock(&lock);
        return s;
}

bool cache_slot_current(uint16_t slot, const char *key)
{
        struct class *k;
        bool r;

        pthread_mutex_lock(&lock);
        k = slots[slot].class;
        r = watched && slot != UNCACHED_SLOT && k && k->slot == slot && k->epoch == epoch && !strcmp(k->key, key);
        pthread_mutex_unlock(&lock);
        return r;
}

bool cache_slot_foreign(uint16_t slot)
{
        bool r;

        /* The first worker on a connection (every lookup asks): no lock. */
        if (!foreign_possible)
                return false;
        pthread_mutex_lock(&lock);
        r = slot != CACHE_NO_SLOT && slot != UNCACHED_SLOT && !slots[slot].class && nodes[slot];
        pthread_mutex_unlock(&lock);
        return r;
}

bool cache_slot_of(uint16_t slot, const char *key)
{
        bool r;

        pthread_mutex_lock(&lock);
        r = slot != UNCACHED_SLOT && slots[slot].class && !strcmp(slots[slot].class->key, key);
        pthread_mutex_unlock(&lock);
        return r;
}

void cache_slot_ref(uint16_t slot, int delta)
{
        if (slot == CACHE_NO_SLOT || slot == UNCACHED_SLOT)
                return;
        pthread_mutex_lock(&lock);
        /* Never below zero: a count too high only keeps a slot from reuse, one too low would hand it on. */
        if (delta > 0 || nodes[slot] >= (uint32_t)-delta)
                nodes[slot] += (uint32_t)delta;
        slot_maybe_free(slot);
        pthread_mutex_unlock(&lock);
}

void cache_share_counts(uint32_t *counts)
{
        pthread_mutex_lock(&lock);
        nodes = counts;
        for (unsigned s = 0; s < CACHE_SLOTS && !foreign_possible; s++)
                foreign_possible = nodes[s] != 0;
        pthread_mutex_unlock(&lock);
}

void cache_changed(void)
{
        pthread_mutex_lock(&lock);
        epoch++;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
}

uint32_t cache_epoch(void)
{
        uint32_t e;

        pthread_mutex_lock(&lock);
        e = epoch;
        pthread_mutex_unlock(&lock);
        return e;
}

uint32_t cache_wait_change(uint32_t seen)
{
        uint32_t e;

        pthread_mutex_lock(&lock);
        while (epoch == seen)
                pthread_cond_wait(&changed, &lock);
        e = epoch;
        pthread_mutex_unlock(&lock);
        return e;
}

void cache_set_watched(bool all_watched)
{
        pthread_mutex_lock(&lock);
        /* Either way, what was cached may be out of date: unreported changes, or cached without a watch. */
        if (watched != all_watched) {
                epoch++;
                pthread_cond_broadcast(&changed);
        }
        watched = all_watched;
        pthread_mutex_unlock(&lock);
}

void cache_stats(struct cache_stats *ret)
{
        pthread_mutex_lock(&lock);
        *ret = (struct cache_stats){ n_classes, slots_used, epoch };
        pthread_mutex_unlock(&lock);
}
