/* SPDX-License-Identifier: MIT */
/*
 * handles: the numbers the kernel keeps for open files and directories
 * (FUSE's fh), so that a number a dead worker gave out is never taken for
 * a pointer (takeover.h).
 *
 *   63..56 worker generation (low bits)   55..32 index   31..0 opener's uid
 *
 * A number whose generation is not this worker's, or whose slot holds
 * another number, is a worker before's: its file is opened again where it
 * is next used and kept under that number (handles_adopt) until released.
 * The uid says who opened it, which the kernel vouches for (a caller
 * cannot choose the fh of its requests).
 *
 * Pure: no FUSE header, unit-tested in tests/unit/test-handles.c.
 */
#pragma once

#include <stdint.h>

void handles_set_generation(uint32_t generation);

/* A number for p (not NULL) opened by uid; 0 on ENOMEM. */
uint64_t handles_put(void *p, uint32_t uid);

/* What fh stands for in this worker (put or adopted); NULL if nothing. */
void *handles_get(uint64_t fh);

/* Keep p under a worker before's number fh; if another thread was first, its p (free yours). NULL on ENOMEM. */
void *handles_adopt(uint64_t fh, void *p);

/* Forget fh; returns what it stood for (NULL if nothing). */
void *handles_take(uint64_t fh);

static inline uint32_t handles_uid(uint64_t fh)
{
        return (uint32_t)fh;
}

unsigned handles_count(void);
