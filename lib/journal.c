/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journal through sd-journal: filters, the tail, follow mode, the boots. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "i18n.h"
#include "journal.h"
#include "util.h"

struct node_journal {
        sd_journal *j;
        char *grep;
        bool positioned;      /* read position is after the newest entry read */
};

static const char *const priority_names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };

int node_journal_priority_parse(const char *s) {
        if (!s)
                return -1;
        if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
                return s[0] - '0';
        for (size_t i = 0; i < ELEMENTSOF(priority_names); i++)
                if (strcasecmp(s, priority_names[i]) == 0)
                        return (int)i;
        return -1;
}

const char *node_journal_priority_name(int priority) {
        return priority >= 0 && priority < (int)ELEMENTSOF(priority_names) ? priority_names[priority] : NULL;
}

char *node_journal_printable(const char *s, size_t len) {
        static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
        if (memchr(s, '\0', len)) {
                char *out;
                if (asprintf(&out, _("[%zu bytes of binary data]"), len) < 0)
                        return NULL;
                return out;
        }
        /* each input byte becomes at most 3 output bytes */
        char *out = malloc(len * 3 + 1);
        if (!out)
                return NULL;
        size_t o = 0;
        const unsigned char *u = (const unsigned char *)s;
        for (size_t i = 0; i < len;) {
                if (u[i] == '\t' || u[i] == '\n') {
                        out[o++] = ' ';
                        i++;
                } else if (u[i] < 0x20 || u[i] == 0x7f) {
                        memcpy(out + o, replacement, 3);
                        o += 3;
                        i++;
                } else {
                        bool c1_control;
                        size_t n = utf8_sequence_length(u + i, len - i, &c1_control);
                        if (n == 0 || c1_control) {
                                memcpy(out + o, replacement, 3);
                                o += 3;
                                i += n ? n : 1;
                        } else {
                                memcpy(out + o, u + i, n);
                                o += n;
                                i += n;
                        }
                }
        }
        /* trailing blanks from a final newline say nothing */
        while (o > 0 && out[o - 1] == ' ')
                o--;
        out[o] = '\0';
        return out;
}

/* The value of FIELD in the current entry, or NULL. */
static int field_value(sd_journal *j, const char *field, const char **value, size_t *len) {
        const void *data;
        size_t size;
        int r = sd_journal_get_data(j, field, &data, &size);
        if (r < 0)
                return r;
        size_t skip = strlen(field) + 1;
        if (size < skip)
                return -EBADMSG;
        *value = (const char *)data + skip;
        *len = size - skip;
        return 0;
}

char *node_journal_field(sd_journal *j, const char *field) {
        const char *v;
        size_t len;
        if (field_value(j, field, &v, &len) < 0)
                return NULL;
        return node_journal_printable(v, len);
}

static int field_int(sd_journal *j, const char *field, int fallback) {
        const char *v;
        size_t len;
        if (field_value(j, field, &v, &len) < 0 || len == 0 || len > 10)
                return fallback;
        int n = 0;
        for (size_t i = 0; i < len; i++) {
                if (v[i] < '0' || v[i] > '9')
                        return fallback;
                n = n * 10 + (v[i] - '0');
        }
        return n;
}

static bool message_matches(sd_journal *j, const char *grep) {
        if (!grep)
                return true;
        const char *v;
        size_t len;
        if (field_value(j, "MESSAGE", &v, &len) < 0)
                return false;
        _cleanup_free_ char *msg = strndup(v, len);
        return msg && strcasestr(msg, grep) != NULL;
}

static int read_entry(sd_journal *j, struct node_journal_entry *entry) {
        *entry = (struct node_journal_entry){ .priority = -1 };
        int r = sd_journal_get_realtime_usec(j, &entry->realtime_usec);
        if (r < 0)
                return r;
        entry->priority = field_int(j, "PRIORITY", -1);
        if (entry->priority > 7)
                entry->priority = -1;
        entry->pid = field_int(j, "_PID", 0);
        entry->unit = node_journal_field(j, "_SYSTEMD_UNIT");
        entry->identifier = node_journal_field(j, "SYSLOG_IDENTIFIER");
        if (!entry->identifier)
                entry->identifier = node_journal_field(j, "_COMM");
        entry->message = node_journal_field(j, "MESSAGE");
        if (!entry->message)
                entry->message = strdup("");
        return entry->message ? 0 : -ENOMEM;
}

void node_journal_entry_format(const struct node_journal_entry *en, char *buf, size_t size) {
        time_t t = (time_t)(en->realtime_usec / 1000000);
        struct tm tm;
        char when[32] = "?";
        if (localtime_r(&t, &tm))
                strftime(when, sizeof when, "%b %d %H:%M:%S", &tm);
        const char *who = en->identifier ? en->identifier : en->unit ? en->unit : "?";
        if (en->pid)
                snprintf(buf, size, "%s %s[%d]: %s", when, who, en->pid, en->message);
        else
                snprintf(buf, size, "%s %s: %s", when, who, en->message);
}

void node_journal_entries_free(struct node_journal_entry *entries, size_t n_entries) {
        for (size_t i = 0; i < n_entries; i++) {
                free(entries[i].unit);
                free(entries[i].identifier);
                free(entries[i].message);
        }
        free(entries);
}

int node_journal_open_raw(const struct node_context *ctx, sd_journal **j, struct node_error *e) {
        int r = ctx->journal_dir ? sd_journal_open_directory(j, ctx->journal_dir, 0)
                                 : sd_journal_open(j, SD_JOURNAL_LOCAL_ONLY);
        if (r < 0)
                return node_error_set(e, r, _("Cannot open the journal%s%s: %s."), ctx->journal_dir ? " " : "",
                                      ctx->journal_dir ? ctx->journal_dir : "", strerror(-r));
        /* a log line is shown on one screen line: 64 KiB is plenty and bounds memory */
        sd_journal_set_data_threshold(*j, 65536);
        return 0;
}

static int compare_boots(const void *a, const void *b) {
        const struct node_journal_boot *x = a, *y = b;
        return x->first_usec < y->first_usec ? -1 : x->first_usec > y->first_usec;
}

/* Boots of an open journal with no matches added, oldest first. */
static int collect_boots(sd_journal *j, struct node_journal_boot **boots, size_t *n_boots, struct node_error *e) {
        *boots = NULL;
        *n_boots = 0;
        int r = sd_journal_query_unique(j, "_BOOT_ID");
        if (r < 0)
                return node_error_set(e, r, _("Cannot list the boots in the journal: %s."), strerror(-r));

        size_t n = 0, cap = 0;
        struct node_journal_boot *list = NULL;
        const void *data;
        size_t len;
        SD_JOURNAL_FOREACH_UNIQUE(j, data, len) {
                if (len != strlen("_BOOT_ID=") + 32)
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 8;
                        struct node_journal_boot *grown = realloc(list, cap * sizeof *list);
                        if (!grown) {
                                free(list);
                                return node_error_set(e, ENOMEM, _("Out of memory."));
                        }
                        list = grown;
                }
                list[n] = (struct node_journal_boot){0};
                memcpy(list[n].id, (const char *)data + strlen("_BOOT_ID="), 32);
                n++;
        }
        sd_journal_restart_unique(j);

        for (size_t i = 0; i < n; i++) {
                char match[64];
                snprintf(match, sizeof match, "_BOOT_ID=%s", list[i].id);
                sd_journal_flush_matches(j);
                if (sd_journal_add_match(j, match, 0) < 0)
                        continue;
                if (sd_journal_seek_head(j) >= 0 && sd_journal_next(j) > 0)
                        sd_journal_get_realtime_usec(j, &list[i].first_usec);
                if (sd_journal_seek_tail(j) >= 0 && sd_journal_previous(j) > 0)
                        sd_journal_get_realtime_usec(j, &list[i].last_usec);
        }
        sd_journal_flush_matches(j);
        if (n > 1)
                qsort(list, n, sizeof *list, compare_boots);
        for (size_t i = 0; i < n; i++)
                list[i].offset = (int)i - (int)(n - 1);
        *boots = list;
        *n_boots = n;
        return 0;
}

int node_journal_list_boots(const struct node_context *ctx, struct node_journal_boot **boots, size_t *n_boots,
                            struct node_error *e) {
        sd_journal *j = NULL;
        int r = node_journal_open_raw(ctx, &j, e);
        if (r < 0)
                return r;
        r = collect_boots(j, boots, n_boots, e);
        sd_journal_close(j);
        return r;
}

static int add_filter_matches(sd_journal *j, const struct node_journal_filter *f, struct node_error *e) {
        int r;
        if (f->boot <= 0) {
                struct node_journal_boot *boots;
                size_t n;
                r = collect_boots(j, &boots, &n, e);
                if (r < 0)
                        return r;
                if (n == 0 && f->boot == 0) {
                        /* an empty journal has no boots: show nothing rather than fail */
                        free(boots);
                        return 0;
                }
                if ((size_t)(-f->boot) >= n) {
                        free(boots);
                        return node_error_set(e, EINVAL,
                                              _("The journal has no boot %d: it holds %zu boot(s), 0 being the newest."),
                                              f->boot, n);
                }
                char match[64];
                snprintf(match, sizeof match, "_BOOT_ID=%s", boots[n - 1 + f->boot].id);
                free(boots);
                if ((r = sd_journal_add_match(j, match, 0)) < 0)
                        return node_error_set(e, r, _("Cannot filter the journal: %s."), strerror(-r));
        }
        if (f->unit) {
                size_t len = strlen(f->unit);
                if (len == 0 || len > 255 || strpbrk(f->unit, "=\n/ "))
                        return node_error_set(e, EINVAL, _("'%.60s' is not a systemd unit name."), f->unit);
                _cleanup_free_ char *match = NULL;
                if (asprintf(&match, "_SYSTEMD_UNIT=%s%s", f->unit, strchr(f->unit, '.') ? "" : ".service") < 0)
                        return node_error_set(e, ENOMEM, _("Out of memory."));
                if ((r = sd_journal_add_match(j, match, 0)) < 0)
                        return node_error_set(e, r, _("Cannot filter the journal: %s."), strerror(-r));
        }
        if (f->max_priority >= 0) {
                if (f->max_priority > 7)
                        return node_error_set(e, EINVAL, _("Priority %d is not between 0 (emerg) and 7 (debug)."),
                                              f->max_priority);
                /* matches on one field are alternatives: PRIORITY=0 or ... or PRIORITY=max */
                for (int p = 0; p <= f->max_priority; p++) {
                        char match[] = "PRIORITY=0";
                        match[strlen(match) - 1] = (char)('0' + p);
                        if ((r = sd_journal_add_match(j, match, 0)) < 0)
                                return node_error_set(e, r, _("Cannot filter the journal: %s."), strerror(-r));
                }
        }
        return 0;
}

int node_journal_open(const struct node_context *ctx, const struct node_journal_filter *filter,
                      struct node_journal **journal, struct node_error *e) {
        *journal = NULL;
        if (filter->grep && strlen(filter->grep) > 1024)
                return node_error_set(e, EINVAL, _("The search text is longer than 1024 characters."));
        struct node_journal *nj = calloc(1, sizeof *nj);
        if (!nj)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        int r = node_journal_open_raw(ctx, &nj->j, e);
        if (r < 0) {
                free(nj);
                return r;
        }
        r = add_filter_matches(nj->j, filter, e);
        if (r == 0 && filter->grep && !(nj->grep = strdup(filter->grep)))
                r = node_error_set(e, ENOMEM, _("Out of memory."));
        if (r < 0) {
                node_journal_close(nj);
                return r;
        }
        *journal = nj;
        return 0;
}

void node_journal_close(struct node_journal *journal) {
        if (!journal)
                return;
        sd_journal_close(journal->j);
        free(journal->grep);
        free(journal);
}

static int append_entry(struct node_journal_entry **entries, size_t *n, size_t *cap, sd_journal *j) {
        if (*n == *cap) {
                size_t want = *cap ? *cap * 2 : 32;
                struct node_journal_entry *grown = realloc(*entries, want * sizeof **entries);
                if (!grown)
                        return -ENOMEM;
                *entries = grown;
                *cap = want;
        }
        int r = read_entry(j, &(*entries)[*n]);
        if (r < 0) {
                struct node_journal_entry *half = &(*entries)[*n];
                free(half->unit);
                free(half->identifier);
                free(half->message);
                return r;
        }
        (*n)++;
        return 0;
}

int node_journal_tail(struct node_journal *journal, size_t max, struct node_journal_entry **entries,
                      size_t *n_entries, struct node_error *e) {
        *entries = NULL;
        *n_entries = 0;
        sd_journal *j = journal->j;
        int r = sd_journal_seek_tail(j);
        size_t n = 0, cap = 0;
        struct node_journal_entry *list = NULL;
        while (r >= 0 && n < max && (r = sd_journal_previous(j)) > 0) {
                if (!message_matches(j, journal->grep))
                        continue;
                r = append_entry(&list, &n, &cap, j);
        }
        if (r < 0) {
                node_journal_entries_free(list, n);
                return node_error_set(e, r, _("Cannot read the journal: %s."), strerror(-r));
        }
        /* read newest first: turn into oldest first */
        for (size_t i = 0; i < n / 2; i++) {
                struct node_journal_entry t = list[i];
                list[i] = list[n - 1 - i];
                list[n - 1 - i] = t;
        }
        /* park after the newest entry so node_journal_read_new sees only what comes later */
        sd_journal_seek_tail(j);
        sd_journal_previous(j);
        journal->positioned = true;
        *entries = list;
        *n_entries = n;
        return 0;
}

int node_journal_read_new(struct node_journal *journal, struct node_journal_entry **entries, size_t *n_entries,
                          struct node_error *e) {
        *entries = NULL;
        *n_entries = 0;
        sd_journal *j = journal->j;
        if (!journal->positioned) {
                sd_journal_seek_tail(j);
                sd_journal_previous(j);
                journal->positioned = true;
        }
        sd_journal_process(j);
        size_t n = 0, cap = 0;
        struct node_journal_entry *list = NULL;
        int r;
        /* bounded per call so a log storm cannot starve the caller's loop */
        while (n < 4096 && (r = sd_journal_next(j)) > 0) {
                if (!message_matches(j, journal->grep))
                        continue;
                if ((r = append_entry(&list, &n, &cap, j)) < 0)
                        break;
        }
        if (r < 0) {
                node_journal_entries_free(list, n);
                return node_error_set(e, r, _("Cannot read the journal: %s."), strerror(-r));
        }
        *entries = list;
        *n_entries = n;
        return 0;
}

int node_journal_wait_fd(struct node_journal *journal, uint64_t *timeout_usec) {
        int fd = sd_journal_get_fd(journal->j);
        uint64_t deadline = UINT64_MAX;
        *timeout_usec = UINT64_MAX;
        if (fd >= 0 && sd_journal_get_timeout(journal->j, &deadline) >= 0 && deadline != UINT64_MAX) {
                struct timespec now;
                clock_gettime(CLOCK_MONOTONIC, &now);
                uint64_t now_usec = (uint64_t)now.tv_sec * 1000000 + (uint64_t)now.tv_nsec / 1000;
                *timeout_usec = deadline > now_usec ? deadline - now_usec : 0;
        }
        return fd;
}
