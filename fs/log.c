/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "log.h"
#include "ratelimit.h"

static bool use_syslog;
static struct ratelimit limit = { .interval_us = 10 * 1000000ull, .burst = LOG_LIMITED_BURST };
static pthread_mutex_t limit_lock = PTHREAD_MUTEX_INITIALIZER;

void log_to_syslog(void)
{
        openlog("cgview", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        use_syslog = true;
}

static void log_va(int prio, const char *fmt, va_list ap)
{
        if (use_syslog) {
                vsyslog(prio, fmt, ap);
        } else {
                /* One fprintf per line so that lines of concurrent workers do not interleave. */
                char line[1024];

                vsnprintf(line, sizeof(line), fmt, ap);
                fprintf(stderr, "cgview: %s\n", line);
        }
}

void log_msg(int prio, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        log_va(prio, fmt, ap);
        va_end(ap);
}

void log_set_limit(unsigned burst)
{
        pthread_mutex_lock(&limit_lock);
        limit.burst = burst;
        pthread_mutex_unlock(&limit_lock);
}

void log_limited(int prio, const char *fmt, ...)
{
        struct timespec ts;
        unsigned long dropped;
        va_list ap;
        bool pass;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        pthread_mutex_lock(&limit_lock);
        pass = ratelimit_pass(&limit, (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000, &dropped);
        pthread_mutex_unlock(&limit_lock);
        if (!pass)
                return;
        if (dropped)
                log_msg(prio, "%lu rejected writes were not logged (at most %u lines every 10 s: -o log_rejects)",
                        dropped, limit.burst);
        va_start(ap, fmt);
        log_va(prio, fmt, ap);
        va_end(ap);
}
