/* SPDX-License-Identifier: MIT */
/*
 * grants: the policy file (SPEC 5.4) in force. Loaded at start, where a bad
 * line stops the daemon; SIGHUP reloads it, keeping the old rules when the
 * new file is bad.
 */
#pragma once

#include <stdbool.h>

#include "caller.h"
#include "policy.h"

/* Load file (NULL: no grants). On a bad file, logs file:line: reason and returns -EINVAL. */
int grants_load(const char *file);

/* Ask for a reload at the next request (async-signal-safe). */
void grants_reload_soon(void);

/* Do a reload asked for; called with the daemon's own credentials, before acting as a caller. */
void grants_refresh(void);

/* The rights c has on cgroup by grant (POLICY_* bits), and whether it is on the way to a granted subtree. */
unsigned grants_rights(const struct caller *c, const char *cgroup);
bool grants_on_the_way(const struct caller *c, const char *cgroup);
