/* SPDX-License-Identifier: MIT */
/*
 * Tests for fs/cache.c, printed as TAP: node ids as a table of round trips
 * and of the fields kept apart, then the class and slot rules that keep the
 * kernel's caches exact and per class, driven as ops.c and node.c drive
 * them: classes apart, a change making every class stale, slots reused
 * only once the kernel forgot every node of them, the unwatched mode, and
 * what happens when slots run out.
 */
#include "cache.h"
#include "tap.h"

#include <stdbool.h>
#include <stdio.h>

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static void test_ids(void)
{
        static const struct {
                uint16_t slot;
                uint8_t kind;
                uint64_t ino;
        } t[] = {
                { 1, CACHE_KIND_KERNFS, 1 },
                { 1, CACHE_KIND_KERNFS, 0xffffffffu },
                { 65534, CACHE_KIND_FRIENDLY | 0x7f, 0x100000007ull },
                { 2, CACHE_KIND_LIMITS, 0x1200000034ull },
                { 3, CACHE_KIND_STATS, 0xab00000001ull },
                { 4, CACHE_KIND_SELF, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                uint64_t id = cache_id(t[i].slot, t[i].kind, t[i].ino);

                ok(cache_id_slot(id) == t[i].slot && cache_id_kind(id) == t[i].kind &&
                           cache_id_ino(id) == (t[i].ino & 0xffffffffffull),
                   "id of slot %u kind %#x ino %#llx round-trips", t[i].slot, t[i].kind,
                   (unsigned long long)t[i].ino);
                ok(id != CACHE_ROOT_ID, "id of slot %u is never the root's", t[i].slot);
        }
        ok(cache_id(1, CACHE_KIND_LIMITS, 7) != cache_id(1, CACHE_KIND_STATS, 7) &&
                   cache_id(1, CACHE_KIND_KERNFS, 7) != cache_id(1, CACHE_KIND_LIMITS, 7),
           "limits/ and stats/ of a cgroup and the cgroup itself have three ids");
        ok(cache_id(1, CACHE_KIND_KERNFS, 0x100000007ull) != cache_id(1, CACHE_KIND_KERNFS, 0x200000007ull),
           "a kernfs ino reused with another generation is another id");
        ok(cache_id(1, 0, 7) != cache_id(2, 0, 7), "two slots, two ids for one object");
}

static void test_classes(void)
{
        bool c1, c2;

        ok(!cache_class_slot("v9:p0:all", &c1) || !c1, "nothing is cacheable before the watcher has watched everything");
        cache_set_watched(true);
        uint16_t root = cache_class_slot("v0:p0:all", &c1);
        uint16_t alice = cache_class_slot("v0:p0:u1000:g1000:c/a:G", &c2);

        ok(root != alice && c1 && c2, "two classes get two cacheable slots (%u, %u)", root, alice);
        ok(cache_class_slot("v0:p0:all", &c1) == root && c1, "a class keeps its slot while nothing changes");
        ok(cache_slot_current(root, "v0:p0:all") && !cache_slot_current(root, "v0:p0:u1000:g1000:c/a:G"),
           "a slot is current for its own class only");
        ok(cache_slot_of(alice, "v0:p0:u1000:g1000:c/a:G") && !cache_slot_of(alice, "v0:p0:all"),
           "a slot belongs to its own class only");
        ok(!cache_slot_of(CACHE_NO_SLOT, "v0:p0:all"), "slot 0 (the root's) is no class's");

        /* The kernel holds a node in root's slot, then something changes. */
        cache_slot_ref(root, 1);
        cache_changed();
        ok(!cache_slot_current(root, "v0:p0:all"), "a change makes the slot stale before the next walk");
        ok(cache_slot_of(root, "v0:p0:all"), "a stale slot still belongs to its class");
        uint16_t root2 = cache_class_slot("v0:p0:all", &c1);
        ok(root2 != root && c1, "the next walk gets a new slot (%u -> %u)", root, root2);
        ok(cache_slot_current(root2, "v0:p0:all") && !cache_slot_current(root, "v0:p0:all"),
           "only the new slot is current");
        ok(cache_slot_of(root, "v0:p0:all"), "the retired slot belongs to the class while the kernel holds a node");
        cache_slot_ref(root, -1);
        ok(!cache_slot_of(root, "v0:p0:all"), "a retired slot with no node is free");

        struct cache_stats before;
        cache_stats(&before);
        cache_changed();
        ok(cache_wait_change(before.epoch) == before.epoch + 1, "a change wakes a waiter at once, with the new epoch");
        uint16_t alice2 = cache_class_slot("v0:p0:u1000:g1000:c/a:G", &c2);
        ok(alice2 != alice && c2, "every class is stale after a change, not only the one that walked");
        ok(!cache_slot_of(alice, "v0:p0:u1000:g1000:c/a:G"), "its old slot, never used, is free at once");

        /* Unwatched cgroups: nothing may be kept; watched again: a new slot, as changes went unseen. */
        cache_set_watched(false);
        ok(!cache_slot_current(root2, "v0:p0:all"), "losing a watch makes every slot stale");
        uint16_t r3 = cache_class_slot("v0:p0:all", &c1);
        ok(!c1, "nothing is cacheable while a cgroup is unwatched");
        cache_set_watched(true);
        uint16_t r4 = cache_class_slot("v0:p0:all", &c1);
        ok(c1 && r4 != r3, "watched again: cacheable, in a new slot (%u -> %u)", r3, r4);
}

static void test_exhaustion(void)
{
        char key[64];
        bool c;
        unsigned got = 0, uncached = 0;
        uint16_t s = 0;

        /* A class per key until slots run out: the rest share the uncached slot. */
        for (unsigned i = 0; i < CACHE_SLOTS + 10; i++) {
                snprintf(key, sizeof(key), "v%u:p0:all", i + 100);
                s = cache_class_slot(key, &c);
                if (c)
                        got++;
                else
                        uncached++;
        }
        ok(got > 0 && got < CACHE_SLOTS && uncached > 0,
           "slots run out: %u classes cached, %u share the uncached slot", got, uncached);
        ok(!cache_slot_current(s, key), "the uncached slot is never current");
        struct cache_stats st;
        cache_stats(&st);
        ok(st.slots_used <= CACHE_SLOTS - 1, "slots in use stay within the table (%u)", st.slots_used);
}

int main(void)
{
        test_ids();
        test_classes();
        test_exhaustion();
        return tap_finish();
}
