/* SPDX-License-Identifier: MIT */
/* blockdev: block device names <-> MAJ:MIN, from /sys/dev/block and /sys/class/block. */
#pragma once

#include <stddef.h>

/*
 * "sda", "/dev/sda" or "8:0" -> 8, 0. -ENODEV when there is no such block
 * device, or none the calling thread may reach: the path is looked up with
 * the thread's fsuid/fsgid/groups (stat(), never access()), so a caller
 * resolves only what it could stat itself.
 */
int blockdev_resolve(const char *token, unsigned *ret_major, unsigned *ret_minor);

/* 8, 0 -> "sda"; "8:0" when the kernel has no name for it. */
int blockdev_name(unsigned major, unsigned minor, char *buf, size_t n);
