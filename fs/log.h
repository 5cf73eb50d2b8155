/* SPDX-License-Identifier: MIT */
/* log: one line per event, to stderr in the foreground, to syslog once daemonized. */
#pragma once

#include <syslog.h>

void log_to_syslog(void);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
