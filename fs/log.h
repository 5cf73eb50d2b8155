/* SPDX-License-Identifier: MIT */
/* log: one line per event, to stderr in the foreground, to syslog once daemonized. */
#pragma once

#include <syslog.h>

void log_to_syslog(void);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Lines any caller can cause at will (a rejected write): at most burst of
 * them every 10 seconds, so that a loop cannot flood the journal; the first
 * line after a gap says how many went unsaid. burst 0: every line.
 */
#define LOG_LIMITED_BURST 200
void log_set_limit(unsigned burst);
void log_limited(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
