/* SPDX-License-Identifier: MIT */
/*
 * cache: what the kernel may keep of the view, and node ids that say it.
 *
 * The kernel's dentry, attribute and page caches are per inode and shared
 * by every caller, while callers see different trees under the same names
 * (visibility, SPEC 5.2; cgroup namespaces, 5.3). So every caller belongs
 * to a class (the facts that decide what it sees: its view root, its PID
 * namespace, and for a caller that does not see everything its uid,
 * groups and own cgroup), and each class gets node ids of its own: a
 * slot, 16 bits of every id. Below the top of the mount, an entry that a
 * caller looked up in its own class's tree may stay in the kernel's cache
 * for as long as nothing changed; the top's children are looked up again
 * on every walk (entry timeout 0), and that lookup answers with the id of
 * the walker's class, so a walk never goes on into another class's tree.
 *
 * Exactness: anything that can change a cached entry or attribute (a cgroup
 * made or removed, a chown or chmod, controllers enabled or disabled)
 * arrives as an inotify event, and cache_changed() makes every class stale:
 * its next walk from the top gets a new slot, so the kernel drops what it
 * held under the old one and looks everything up again. Values are not
 * cached this way: every open reads the value and pushes it into the page
 * cache (ops.c), so that reads cost no request and are never stale.
 *
 * Node ids, from what the kernel gives back (a fresh process can resolve
 * them from a kernfs file handle and the class table):
 *
 *   63..48 slot   47..40 kind   39..32 kernfs generation (low bits)   31..0 kernfs ino
 *
 * kind: 0 a kernel file or directory, 1 limits/, 2 stats/, 3 self, 0x80 | i
 * the friendly file i (view.h). Slot 0 holds the mount's root alone (id 1).
 *
 * Pure: no FUSE header, unit-tested in tests/unit/test-cache.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CACHE_ROOT_ID 1
#define CACHE_SLOTS 65536
#define CACHE_NO_SLOT 0

enum {
        CACHE_KIND_KERNFS = 0,
        CACHE_KIND_LIMITS = 1,
        CACHE_KIND_STATS = 2,
        CACHE_KIND_SELF = 3,
        CACHE_KIND_EFFECTIVE = 4,
        CACHE_KIND_FRIENDLY = 0x80,
};

uint64_t cache_id(uint16_t slot, uint8_t kind, uint64_t kernfs_ino);
uint16_t cache_id_slot(uint64_t id);
uint8_t cache_id_kind(uint64_t id);
/* The kernfs inode number an id was made from, as far as it holds it (ino, generation's low bits). */
uint64_t cache_id_ino(uint64_t id);

/*
 * The slot for new nodes of the class named by key (made on first use):
 * its current one, or a new one if the class is stale. *cacheable says
 * whether the kernel may keep entries made in it (false when slots ran
 * out: the class then shares an uncached slot, every entry looked up anew).
 */
uint16_t cache_class_slot(const char *key, bool *cacheable);

/* Is slot the current, fresh slot of the class named by key? (Entries made in it may be cached.) */
bool cache_slot_current(uint16_t slot, const char *key);

/* Is slot one of a worker before's that the kernel still holds ids of (cache_share_counts)? */
bool cache_slot_foreign(uint16_t slot);

/* Does slot belong to the class named by key (current or retired)? */
bool cache_slot_of(uint16_t slot, const char *key);

/* One node more (1) or less (-1) in slot; a retired slot with no node left is reused. */
void cache_slot_ref(uint16_t slot, int delta);

/*
 * Keep the per-slot node counts in counts (CACHE_SLOTS of them, shared with
 * the next worker: takeover.h). A slot counted there but unknown to this
 * process was a worker before's: it is given to no class until the kernel
 * has forgotten its last node, so no walk ever reaches an entry another
 * class cached. Call before any other cache_ function.
 */
void cache_share_counts(uint32_t *counts);

/* Something a cached entry or attribute may show changed: every class is stale. */
void cache_changed(void);

/* Everything may be cached only while every change is reported (watches on every cgroup); false at start. */
void cache_set_watched(bool all_watched);

/* The epoch now: it moves on at every change. */
uint32_t cache_epoch(void);

/* Wait until the epoch is no longer seen (something changed); returns the epoch now. */
uint32_t cache_wait_change(uint32_t seen);

struct cache_stats {
        unsigned classes, slots_used, epoch;
};
void cache_stats(struct cache_stats *ret);
