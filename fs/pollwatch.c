/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <uthash.h>

#include "log.h"
#include "pollwatch.h"
#include "util.h"

struct watch {
        uint64_t id;
        int fd;
        void *key;
        void *ph;   /* the poller to wake, NULL once woken */
        bool latch; /* the file's poll clears its event (PSI): keep what the watcher saw */
        bool pri;   /* latched POLLPRI, not handed on yet */
        UT_hash_handle hh;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct watch *watches; /* by id, under lock */
static uint64_t next_id = 1;
static const struct pollwatch_ops *ops;
static int ep = -1, stop_fd = -1;
static pthread_t thread;
static bool running, stopped;

void pollwatch_init(const struct pollwatch_ops *o)
{
        ops = o;
}

static void *watch_loop(void *arg)
{
        for (;;) {
                struct epoll_event ev[16];
                int n = epoll_wait(ep, ev, ELEMENTSOF(ev), -1);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        log_err("poll: epoll_wait: %m; pollers are no longer woken");
                        return NULL;
                }
                for (int i = 0; i < n; i++) {
                        uint64_t id = ev[i].data.u64, inval = 0;
                        struct watch *w;
                        void *ph = NULL;

                        if (!id)
                                return NULL; /* pollwatch_stop */
                        pthread_mutex_lock(&lock);
                        HASH_FIND(hh, watches, &id, sizeof(id), w);
                        if (w) {
                                if (w->latch && (ev[i].events & EPOLLPRI))
                                        w->pri = true;
                                inval = ops->event(w->key);
                                ph = TAKE_PTR(w->ph);
                        }
                        pthread_mutex_unlock(&lock);
                        if (w)
                                ops->wake(inval, ph);
                }
        }
}

/* lock held */
static int start(void)
{
        sigset_t all, old;
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0 };
        int r;

        if (stopped)
                return -ESHUTDOWN;
        ep = epoll_create1(EPOLL_CLOEXEC);
        stop_fd = eventfd(0, EFD_CLOEXEC);
        if (ep < 0 || stop_fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, stop_fd, &ev) < 0) {
                r = NEG_ERRNO();
                goto fail;
        }
        /* Signals go to the FUSE threads, which must wake to end the session. */
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        r = -pthread_create(&thread, NULL, watch_loop, NULL);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r == 0) {
                running = true;
                return 0;
        }
fail:
        if (ep >= 0)
                close(ep);
        if (stop_fd >= 0)
                close(stop_fd);
        ep = stop_fd = -1;
        return r;
}

int pollwatch_arm(uint64_t *id, int fd, void *key, bool latch, void *ph)
{
        struct watch *w = NULL;
        void *old = NULL;
        int r = 0;

        pthread_mutex_lock(&lock);
        if (!running)
                r = start();
        if (r >= 0 && *id)
                HASH_FIND(hh, watches, id, sizeof(*id), w);
        if (r >= 0 && !w) {
                /* Edge-triggered: each notification once, not the state the file stays in until read. */
                struct epoll_event ev = { .events = EPOLLPRI | EPOLLET };

                w = calloc(1, sizeof(*w));
                if (!w) {
                        r = -ENOMEM;
                } else {
                        w->id = next_id++;
                        w->fd = fd;
                        w->key = key;
                        w->latch = latch;
                        ev.data.u64 = w->id;
                        HASH_ADD(hh, watches, id, sizeof(w->id), w);
                        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
                                r = NEG_ERRNO();
                                HASH_DEL(watches, w);
                                free(w);
                                w = NULL;
                        } else {
                                *id = w->id;
                        }
                }
        }
        if (w) {
                old = w->ph;
                w->ph = ph;
        } else {
                old = ph;
        }
        pthread_mutex_unlock(&lock);
        if (old)
                ops->drop(old);
        return r;
}

unsigned pollwatch_revents(uint64_t id, int fd)
{
        struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI };
        struct watch *w;
        unsigned revents = 0;

        if (poll(&p, 1, 0) > 0)
                revents = (unsigned)p.revents;
        if (!id)
                return revents;
        pthread_mutex_lock(&lock);
        HASH_FIND(hh, watches, &id, sizeof(id), w);
        if (w && w->pri) {
                w->pri = false;
                revents |= POLLPRI;
        }
        pthread_mutex_unlock(&lock);
        return revents;
}

void pollwatch_remove(uint64_t id)
{
        struct watch *w;
        void *ph = NULL;

        if (!id)
                return;
        pthread_mutex_lock(&lock);
        HASH_FIND(hh, watches, &id, sizeof(id), w);
        if (w) {
                HASH_DEL(watches, w);
                epoll_ctl(ep, EPOLL_CTL_DEL, w->fd, NULL);
                ph = w->ph;
                free(w);
        }
        pthread_mutex_unlock(&lock);
        if (ph)
                ops->drop(ph);
}

unsigned pollwatch_count(void)
{
        unsigned n;

        pthread_mutex_lock(&lock);
        n = HASH_COUNT(watches);
        pthread_mutex_unlock(&lock);
        return n;
}

void pollwatch_stop(void)
{
        struct watch *w, *tmp;
        uint64_t one = 1;
        bool was_running;

        pthread_mutex_lock(&lock);
        stopped = true;
        was_running = running;
        pthread_mutex_unlock(&lock);
        if (!was_running)
                return;
        if (write(stop_fd, &one, sizeof(one)) < 0)
                log_warn("poll: cannot stop the watcher: %m");
        pthread_join(thread, NULL);
        pthread_mutex_lock(&lock);
        running = false;
        HASH_ITER(hh, watches, w, tmp) {
                HASH_DEL(watches, w);
                if (w->ph)
                        ops->drop(w->ph);
                free(w);
        }
        close(ep);
        close(stop_fd);
        ep = stop_fd = -1;
        pthread_mutex_unlock(&lock);
}
