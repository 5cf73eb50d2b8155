/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "log.h"

static bool use_syslog;

void log_to_syslog(void)
{
        openlog("cgview", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        use_syslog = true;
}

void log_msg(int prio, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        if (use_syslog) {
                vsyslog(prio, fmt, ap);
        } else {
                /* One fprintf per line so that lines of concurrent workers do not interleave. */
                char line[1024];

                vsnprintf(line, sizeof(line), fmt, ap);
                fprintf(stderr, "cgview: %s\n", line);
        }
        va_end(ap);
}
