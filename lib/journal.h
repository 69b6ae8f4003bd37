/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* The systemd journal, read through sd-journal: what the log viewer and
 * `nodectl logs` show.  Messages come back printable: control characters
 * (an ESC in a log line must not drive the admin's terminal) and invalid
 * UTF-8 are replaced, binary payloads summarised. */

#define NODE_JOURNAL_ALL_BOOTS 1   /* any positive boot number: no boot filter */

struct node_journal_filter {
        int boot;             /* 0: the newest boot in the journal (the running one), -1 the one
                                 before, ...; NODE_JOURNAL_ALL_BOOTS: every boot */
        const char *unit;     /* only this systemd unit ("vdsmd" means vdsmd.service); NULL: all */
        int max_priority;     /* 0 (emerg) .. 7 (debug): this priority and more urgent; -1: all */
        const char *grep;     /* only messages containing this text, case-insensitive; NULL: all */
};

struct node_journal_entry {
        uint64_t realtime_usec;
        int priority;         /* -1 when the entry has none */
        int pid;              /* 0 when unknown */
        char *unit;           /* _SYSTEMD_UNIT, or NULL */
        char *identifier;     /* SYSLOG_IDENTIFIER, else _COMM, else NULL */
        char *message;        /* printable, never NULL */
};

struct node_journal_boot {
        char id[33];
        int offset;           /* 0 newest, -1 the one before, ... */
        uint64_t first_usec, last_usec;
};

struct node_journal;

int node_journal_open(const struct node_context *ctx, const struct node_journal_filter *filter,
                      struct node_journal **journal, struct node_error *e);
void node_journal_close(struct node_journal *journal);

/* The last max matching entries, oldest first; afterwards node_journal_read_new
 * returns what is appended after them. */
int node_journal_tail(struct node_journal *journal, size_t max, struct node_journal_entry **entries,
                      size_t *n_entries, struct node_error *e);

/* Matching entries appended since the last read (none is fine), oldest first. */
int node_journal_read_new(struct node_journal *journal, struct node_journal_entry **entries, size_t *n_entries,
                          struct node_error *e);

/* A descriptor that becomes readable when the journal changes (for poll or a
 * GLib watch), and how long to wait at most, in µs (UINT64_MAX: no limit).
 * Call node_journal_read_new when it fires or the timeout passes. */
int node_journal_wait_fd(struct node_journal *journal, uint64_t *timeout_usec);

void node_journal_entries_free(struct node_journal_entry *entries, size_t n_entries);

/* The boots the journal knows, oldest first. */
int node_journal_list_boots(const struct node_context *ctx, struct node_journal_boot **boots, size_t *n_boots,
                            struct node_error *e);

/* "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" <-> 0..7;
 * the parser also takes the digits.  -1 / NULL for anything else. */
int node_journal_priority_parse(const char *s);
const char *node_journal_priority_name(int priority);

/* Copies s into a newly allocated printable string (see above). */
char *node_journal_printable(const char *s, size_t len);
