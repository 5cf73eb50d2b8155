/* SPDX-License-Identifier: MIT */
/*
 * Tests for fs/node.c, printed as TAP: the inode table against a reference
 * over pseudo-random references and forgets (fixed seed), with ids made to
 * collide in the table's slots so that removal inside long probe runs is
 * exercised; then the top's names and the counts.
 */
#include "cache.h"
#include "node.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDS 5000
#define STEPS 200000

static uint64_t refs[IDS];

/* Ids that crowd the table: few slots' worth of distinct inos in two slots of ids. */
static uint64_t id_of(unsigned i)
{
        return cache_id((uint16_t)(1 + i % 2), CACHE_KIND_KERNFS, 0x100000000ull | (i / 2));
}

int main(void)
{
        unsigned seed = 12345, bad = 0, live = 0;
        char path[32];

        ok(node_init() == 0 && node_count() == 1, "the root is there from the start");
        for (unsigned step = 0; step < STEPS; step++) {
                unsigned i;

                seed = seed * 1103515245u + 12345u;
                i = (seed >> 8) % IDS;
                snprintf(path, sizeof(path), "p%u", i);
                if ((seed >> 4) & 1 || !refs[i]) {
                        struct node *n = node_ref(id_of(i), NODE_CGROUP, path, NULL, NULL, false);

                        if (!n || n->id != id_of(i) || strcmp(n->path, path))
                                bad++;
                        if (!refs[i]++)
                                live++;
                } else {
                        uint64_t k = 1 + (seed >> 16) % refs[i];

                        node_forget(id_of(i), k);
                        refs[i] -= k;
                        if (!refs[i])
                                live--;
                }
                /* Every 1000 steps, every id: present exactly when referenced, with its own path. */
                if (step % 1000 == 999)
                        for (unsigned j = 0; j < IDS; j++) {
                                struct node *n = node_get(id_of(j));

                                snprintf(path, sizeof(path), "p%u", j);
                                if (refs[j] ? !n || n->id != id_of(j) || strcmp(n->path, path) : n != NULL)
                                        bad++;
                        }
        }
        ok(bad == 0, "%u steps of references and forgets: every lookup agrees with the reference (%u wrong)",
           STEPS, bad);
        ok(node_count() == live + 1, "the count is the live nodes and the root (%u, %u)", node_count(), live + 1);
        for (unsigned j = 0; j < IDS; j++)
                if (refs[j])
                        node_forget(id_of(j), refs[j]);
        ok(node_count() == 1 && node_get(CACHE_ROOT_ID), "all forgotten: the root alone is left");
        node_forget(CACHE_ROOT_ID, 5);
        ok(node_get(CACHE_ROOT_ID) != NULL, "the root is never forgotten");

        node_ref(cache_id(3, CACHE_KIND_KERNFS, 7), NODE_CGROUP, "web", "web", NULL, true);
        node_ref(cache_id(3, CACHE_KIND_LIMITS, 1), NODE_LIMITS, "", "limits", NULL, true);
        node_ref(cache_id(3, CACHE_KIND_KERNFS, 8), NODE_CGROUP, "web/a", NULL, NULL, false);
        char **names = node_top_names();
        unsigned n = 0, web = 0, limits = 0;

        for (; names && names[n]; n++) {
                web += !strcmp(names[n], "web");
                limits += !strcmp(names[n], "limits");
        }
        ok(n == 2 && web == 1 && limits == 1, "the top's names are the top's entries only (%u)", n);
        free(names);
        node_ref(cache_id(3, CACHE_KIND_KERNFS, 9), NODE_FILE, "f", "f", NULL, true);
        ok(node_set_size(cache_id(3, CACHE_KIND_KERNFS, 9), 12) == 0 &&
                   node_set_size(cache_id(3, CACHE_KIND_KERNFS, 9), 5) == 12,
           "a pushed length replaces the one before, which it returns");

        /* The worker after a takeover (takeover.h): ids of the worker before, counted in shared slot counts. */
        static uint32_t counts[CACHE_SLOTS];
        bool cacheable;

        for (unsigned s = 1; s < 5; s++)
                counts[s] = 1; /* slots 1 to 4: ids of the worker before that the kernel holds */
        counts[5] = 2;         /* and two in slot 5 */
        cache_share_counts(counts);
        uint64_t a = cache_id(5, CACHE_KIND_KERNFS, 100), b = cache_id(5, CACHE_KIND_KERNFS, 101);
        uint16_t mine = cache_class_slot("someone", &cacheable);

        ok(mine > 5, "a new class never gets a slot the kernel still holds ids of (got %u)", mine);
        struct node *n1 = node_adopt(a, NODE_CGROUP, "x", NULL, NULL);

        ok(n1 && node_get(a) == n1 && node_adopt(a, NODE_CGROUP, "x", NULL, NULL) == n1 && counts[5] == 2,
           "adopted: found again, not counted twice in its slot");
        ok(cache_slot_foreign(5) && !cache_slot_foreign(mine), "slot 5 is a worker before's, the new class's is not");
        node_forget(a, 3);
        ok(node_get(a) == NULL && counts[5] == 1, "the forget of the evicted inode frees it and counts down its slot");
        node_forget(b, 7);
        ok(counts[5] == 0, "the forget of an id never seen by this worker still counts down its slot");
        node_forget(b, 7);
        ok(counts[5] == 0 && !cache_slot_foreign(5), "never below zero; slot 5 is free for a class again");
        return tap_finish();
}
