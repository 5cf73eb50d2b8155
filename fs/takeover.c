/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "polltable.h"
#include "takeover.h"

#define MAGIC 0x3276776569766763ull /* "cgview2": a new layout of struct state takes a new one */
#define INIT_MAX 1024
/* A request: its header, fuse_write_in and up to max_write bytes (the kernel's minimum read size). */
#define SLOT_BYTES (TAKEOVER_MAX_WRITE + 4096)

enum {
        SLOT_FREE,
        SLOT_REQUEST, /* claimed by a reader; holds a request once its header is non-zero */
        SLOT_REPLY,   /* the request, and after it the reply being written: never run again, only resent */
};

struct jslot {
        uint32_t state;            /* SLOT_*, atomic */
        uint32_t reply_off, reply_len;
        uint32_t pad;
        uint64_t unique;           /* the request's once read (atomic): how a reply finds its slot */
        uint8_t buf[SLOT_BYTES];
};

struct state {
        uint64_t magic;
        uint32_t generation;    /* workers attached so far */
        uint32_t replay_deaths; /* a worker died by itself before its replays were answered */
        uint32_t init_len, reply_len;
        uint8_t init[INIT_MAX], reply[INIT_MAX];
        uint32_t slot_counts[TAKEOVER_SLOT_COUNTS];
        struct jslot journal[TAKEOVER_JOURNAL_SLOTS];
        struct polltable_entry polled[TAKEOVER_POLLED];
};

static struct state *st;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static bool inject_init;    /* a later worker: hand out the kept INIT first */
static bool init_answered;  /* no other request before the INIT reply (atomic) */
static uint64_t init_unique; /* of the INIT handed out again (set before any thread reads) */
static uint64_t capture;     /* the first worker: the unique of the INIT whose reply to keep (atomic) */
static uint8_t replay[TAKEOVER_JOURNAL_SLOTS]; /* journal slots to hand out first, by unique */
static unsigned n_replay, replay_next, replay_open, replayed;
static __thread bool thread_replaying;
/*
 * The kernel lets a request follow only what it was answered before (a
 * release after the reply to the opendir, a forget after the last use):
 * every write to the connection happens before the reads after it. Thread
 * sanitizers see that through a descriptor they saw opened, never through
 * one inherited from the supervisor: this counter says it to them.
 */
static unsigned long io_order;

static struct fuse_in_header *slot_header(unsigned i)
{
        return (struct fuse_in_header *)st->journal[i].buf;
}

static uint32_t slot_state(unsigned i)
{
        return __atomic_load_n(&st->journal[i].state, __ATOMIC_ACQUIRE);
}

/* lock held */
static void slot_free(unsigned i)
{
        __atomic_store_n(&st->journal[i].unique, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&st->journal[i].state, SLOT_FREE, __ATOMIC_RELEASE);
        pthread_cond_signal(&cond);
}

/* Requests that take no reply: their slot is free as soon as they are read, and they are never replayed. */
static bool takes_no_reply(uint32_t opcode)
{
        return opcode == FUSE_FORGET || opcode == FUSE_BATCH_FORGET || opcode == FUSE_INTERRUPT ||
               opcode == FUSE_NOTIFY_REPLY;
}

int takeover_create(void)
{
        int fd = memfd_create("cgview-takeover", MFD_CLOEXEC);

        if (fd < 0)
                return -errno;
        if (ftruncate(fd, sizeof(struct state)) < 0) {
                int r = -errno;

                close(fd);
                return r;
        }
        return fd;
}

static int cmp_unique(const void *a, const void *b)
{
        uint64_t x = slot_header(*(const uint8_t *)a)->unique, y = slot_header(*(const uint8_t *)b)->unique;

        return x < y ? -1 : x > y;
}

/* Answer a request the worker before could not: with EIO, never again the request that killed it. */
static void answer_eio(int fd, unsigned i)
{
        struct fuse_out_header oh = { .len = sizeof(oh), .error = -EIO, .unique = slot_header(i)->unique };

        if (write(fd, &oh, sizeof(oh)) < 0 && errno != ENOENT)
                log_warn("takeover: cannot answer request %llu: %m", (unsigned long long)oh.unique);
        slot_free(i);
}

/*
 * What the worker before left in the journal: replies it was writing are
 * written again (the kernel drops one it had: ENOENT), requests it had not
 * answered are replayed, or answered EIO if they killed it.
 */
static void collect_journal(int fuse_fd)
{
        unsigned resent = 0;

        for (unsigned i = 0; i < TAKEOVER_JOURNAL_SLOTS; i++) {
                struct jslot *j = &st->journal[i];
                struct fuse_in_header *h = slot_header(i);

                if (j->state == SLOT_REPLY) {
                        if (write(fuse_fd, j->buf + j->reply_off, j->reply_len) >= 0)
                                resent++;
                        slot_free(i);
                } else if (j->state == SLOT_REQUEST && h->len >= sizeof(*h) && h->unique &&
                           !takes_no_reply(h->opcode)) {
                        __atomic_store_n(&j->unique, h->unique, __ATOMIC_RELEASE); /* it may have died before */
                        replay[n_replay++] = (uint8_t)i;
                } else if (j->state != SLOT_FREE) {
                        slot_free(i); /* a reader that had nothing yet, or nothing to answer */
                }
        }
        if (resent)
                log_info("takeover: %u replies the worker before was writing are written again", resent);
        qsort(replay, n_replay, 1, cmp_unique);
        replayed = n_replay;
        if (n_replay && st->replay_deaths) {
                log_err("takeover: %u requests the worker before died replaying: answered EIO", n_replay);
                for (unsigned k = 0; k < n_replay; k++)
                        answer_eio(fuse_fd, replay[k]);
                n_replay = 0;
                st->replay_deaths = 0;
        } else if (n_replay) {
                log_info("takeover: %u requests the worker before had read are answered now", n_replay);
                st->replay_deaths++;
        }
        replay_open = n_replay;
}

/*
 * The pollers the kernel keeps waiting: a worker's watches die with it, so
 * the next one wakes every poller a worker before was asked to wake (noted
 * at the poll, forgotten at the file's release). Each woken poller polls again, and
 * this worker watches it from then on; a wake with nothing new costs the
 * poller one more poll. Kept as requests are read, so that no poll a worker
 * was given is left out. Lock-free: workers before may have died anywhere.
 */
static void polled_note(const struct fuse_in_header *h, size_t n)
{
        if (h->opcode == FUSE_POLL && n >= sizeof(*h) + sizeof(struct fuse_poll_in)) {
                const struct fuse_poll_in *in = (const void *)(h + 1);

                if ((in->flags & FUSE_POLL_SCHEDULE_NOTIFY) &&
                    polltable_note(st->polled, TAKEOVER_POLLED, in->fh, in->kh) == -ENOSPC)
                        log_warn("takeover: more than %d files polled at once: a takeover may not wake some",
                                 TAKEOVER_POLLED);
        } else if (h->opcode == FUSE_RELEASE && n >= sizeof(*h) + sizeof(struct fuse_release_in)) {
                polltable_forget(st->polled, TAKEOVER_POLLED, ((const struct fuse_release_in *)(h + 1))->fh);
        }
}

/* A new worker: wake every poller noted (FUSE_NOTIFY_POLL; the kernel ignores a kh it no longer has). */
static void polled_wake(int fuse_fd)
{
        static uint64_t khs[TAKEOVER_POLLED];
        size_t n = polltable_list(st->polled, TAKEOVER_POLLED, khs, TAKEOVER_POLLED);
        unsigned woken = 0;

        for (size_t i = 0; i < n; i++) {
                struct {
                        struct fuse_out_header oh;
                        struct fuse_notify_poll_wakeup_out out;
                } msg = { { sizeof(msg), FUSE_NOTIFY_POLL, 0 }, { khs[i] } };

                if (write(fuse_fd, &msg, sizeof(msg)) == (ssize_t)sizeof(msg))
                        woken++;
        }
        if (woken)
                log_info("takeover: %u pollers woken to poll again", woken);
}

int takeover_check(int fd)
{
        struct stat sb;
        uint64_t magic;

        if (fstat(fd, &sb) < 0)
                return -errno;
        if ((size_t)sb.st_size != sizeof(struct state))
                return -EPROTO;
        if (pread(fd, &magic, sizeof(magic), 0) != sizeof(magic))
                return -EIO;
        return magic == MAGIC || magic == 0 ? 0 : -EPROTO;
}

int takeover_attach(int fd, bool before_killed)
{
        void *p = mmap(NULL, sizeof(struct state), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

        if (p == MAP_FAILED)
                return -errno;
        st = p;
        if (st->magic != MAGIC) {
                /* A new state: zero-filled by ftruncate. */
                st->magic = MAGIC;
        }
        st->generation++;
        if (before_killed)
                st->replay_deaths = 0;
        if (st->reply_len) {
                inject_init = true;
                init_unique = ((struct fuse_in_header *)st->init)->unique;
        }
        return 0;
}

uint32_t *takeover_slot_counts(void)
{
        return st ? st->slot_counts : NULL;
}

uint32_t takeover_generation(void)
{
        return st ? st->generation : 0;
}

unsigned takeover_replayed(void)
{
        return replayed;
}

bool takeover_replaying(void)
{
        return thread_replaying;
}

static ssize_t hand_out(void *buf, size_t len, const void *src, size_t n)
{
        if (n > len) {
                errno = EINVAL;
                return -1;
        }
        memcpy(buf, src, n);
        return (ssize_t)n;
}

ssize_t takeover_read(int fd, void *buf, size_t len, void *userdata)
{
        static bool collected;
        struct fuse_in_header *h;
        unsigned i;
        ssize_t n;

        thread_replaying = false;
        pthread_mutex_lock(&lock);
        if (!collected) {
                collected = true;
                collect_journal(fd);
                polled_wake(fd);
        }
        if (inject_init) {
                inject_init = false;
                pthread_mutex_unlock(&lock);
                return hand_out(buf, len, st->init, st->init_len);
        }
        while (init_unique && !__atomic_load_n(&init_answered, __ATOMIC_RELAXED))
                pthread_cond_wait(&cond, &lock);
        if (replay_next < n_replay) {
                i = replay[replay_next++];
                pthread_mutex_unlock(&lock);
                thread_replaying = true;
                return hand_out(buf, len, st->journal[i].buf, slot_header(i)->len);
        }
        for (;;) {
                for (i = 0; i < TAKEOVER_JOURNAL_SLOTS && slot_state(i) != SLOT_FREE; i++)
                        ;
                if (i < TAKEOVER_JOURNAL_SLOTS)
                        break;
                pthread_cond_wait(&cond, &lock);
        }
        h = slot_header(i);
        memset(h, 0, sizeof(*h));
        __atomic_store_n(&st->journal[i].state, SLOT_REQUEST, __ATOMIC_RELEASE);
        pthread_mutex_unlock(&lock);

        /* Straight into shared memory: from here on the request outlives this process. */
        n = read(fd, st->journal[i].buf, len < SLOT_BYTES ? len : SLOT_BYTES);
        (void)__atomic_load_n(&io_order, __ATOMIC_ACQUIRE);
        if (n >= (ssize_t)sizeof(*h) && h->opcode == FUSE_INIT && !__atomic_load_n(&st->reply_len, __ATOMIC_ACQUIRE) &&
            (size_t)n <= INIT_MAX) {
                memcpy(st->init, h, (size_t)n);
                st->init_len = (uint32_t)n;
                __atomic_store_n(&capture, h->unique, __ATOMIC_RELEASE);
        }
        if (n > 0) {
                memcpy(buf, h, (size_t)n);
                polled_note(h, (size_t)n);
        }
        if (n < (ssize_t)sizeof(*h) || takes_no_reply(h->opcode)) {
                int e = errno;

                pthread_mutex_lock(&lock);
                slot_free(i);
                pthread_mutex_unlock(&lock);
                errno = e;
        } else {
                __atomic_store_n(&st->journal[i].unique, h->unique, __ATOMIC_RELEASE);
        }
        return n;
}

/* The kept INIT reply against the one this worker made: a new binary may want what the kernel never agreed to. */
static void check_init_reply(const struct iovec *iov, int count)
{
        uint8_t mine[INIT_MAX];
        size_t n = 0;

        for (int k = 0; k < count; k++) {
                if (n + iov[k].iov_len > sizeof(mine))
                        return;
                memcpy(mine + n, iov[k].iov_base, iov[k].iov_len);
                n += iov[k].iov_len;
        }
        if (n != st->reply_len || memcmp(mine, st->reply, n))
                log_warn("takeover: this worker would answer FUSE_INIT otherwise than the connection was set up; "
                         "it serves the connection as it is (remount to apply new settings)");
}

static void keep_init_reply(const struct iovec *iov, int count)
{
        size_t n = 0;

        for (int k = 0; k < count; k++) {
                if (n + iov[k].iov_len > INIT_MAX)
                        return;
                memcpy(st->reply + n, iov[k].iov_base, iov[k].iov_len);
                n += iov[k].iov_len;
        }
        __atomic_store_n(&st->reply_len, (uint32_t)n, __ATOMIC_RELEASE);
}

/*
 * The slot of the request unique, with the reply about to be written kept
 * after the request: a worker that dies while writing it leaves a reply to
 * resend, never a request to run twice. -1 if no slot holds the request.
 */
static int keep_reply(uint64_t unique, const struct iovec *iov, int count)
{
        struct jslot *j;
        size_t off, len = 0;
        int i;

        for (i = 0; i < TAKEOVER_JOURNAL_SLOTS; i++)
                if (slot_state((unsigned)i) == SLOT_REQUEST &&
                    __atomic_load_n(&st->journal[i].unique, __ATOMIC_ACQUIRE) == unique)
                        break;
        if (i == TAKEOVER_JOURNAL_SLOTS)
                return -1;
        /* The request is this thread's alone now: no reader takes a slot that is not free. */
        j = &st->journal[i];
        off = (slot_header((unsigned)i)->len + 7) & ~(size_t)7;
        for (int k = 0; k < count; k++)
                len += iov[k].iov_len;
        if (off + len > SLOT_BYTES)
                return i;
        j->reply_off = (uint32_t)off;
        j->reply_len = (uint32_t)len;
        for (int k = 0; k < count; k++) {
                memcpy(j->buf + off, iov[k].iov_base, iov[k].iov_len);
                off += iov[k].iov_len;
        }
        __atomic_store_n(&j->state, SLOT_REPLY, __ATOMIC_RELEASE);
        return i;
}

ssize_t takeover_writev(int fd, struct iovec *iov, int count, void *userdata)
{
        const struct fuse_out_header *oh = iov[0].iov_base;
        uint64_t unique = oh->unique;
        bool init_reply;
        int e, slot = -1;
        ssize_t n;

        if (unique && init_unique && unique == init_unique && !__atomic_load_n(&init_answered, __ATOMIC_ACQUIRE)) {
                check_init_reply(iov, count);
                pthread_mutex_lock(&lock);
                __atomic_store_n(&init_answered, true, __ATOMIC_RELEASE);
                pthread_cond_broadcast(&cond);
                pthread_mutex_unlock(&lock);
                return (ssize_t)oh->len;
        }
        init_reply = unique && unique == __atomic_load_n(&capture, __ATOMIC_ACQUIRE);
        if (unique)
                slot = keep_reply(unique, iov, count);
        __atomic_fetch_add(&io_order, 1, __ATOMIC_RELEASE);
        n = writev(fd, iov, count);
        e = errno;
        if (n >= 0 && init_reply) {
                keep_init_reply(iov, count);
                __atomic_store_n(&capture, 0, __ATOMIC_RELAXED);
        }
        if (unique) {
                /* Answered (or no longer wanted: ENOENT): the request leaves the journal. */
                pthread_mutex_lock(&lock);
                if (slot >= 0)
                        slot_free((unsigned)slot);
                if (thread_replaying && replay_open && --replay_open == 0)
                        st->replay_deaths = 0;
                pthread_mutex_unlock(&lock);
        }
        errno = e;
        return n;
}
