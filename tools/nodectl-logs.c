/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl logs: the journal as the log viewer shows it, for scripts and SSH. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "journal.h"
#include "nodectl.h"
#include "util.h"

static void format_time(uint64_t usec, char *buf, size_t size, bool iso) {
        time_t t = (time_t)(usec / 1000000);
        struct tm tm;
        if (iso ? !gmtime_r(&t, &tm) : !localtime_r(&t, &tm)) {
                snprintf(buf, size, "?");
                return;
        }
        strftime(buf, size, iso ? "%Y-%m-%dT%H:%M:%S" : "%b %d %H:%M:%S", &tm);
        if (iso) {
                size_t len = strlen(buf);
                snprintf(buf + len, size - len, ".%06uZ", (unsigned)(usec % 1000000));
        }
}

static struct json_object *entry_json(const struct node_journal_entry *en) {
        char when[48];
        format_time(en->realtime_usec, when, sizeof when, true);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "time", json_object_new_string(when));
        json_object_object_add(o, "realtime_usec", json_object_new_uint64(en->realtime_usec));
        json_object_object_add(o, "priority", en->priority >= 0 ? json_object_new_int(en->priority) : NULL);
        json_object_object_add(o, "priority_name", json_string_or_null(node_journal_priority_name(en->priority)));
        json_object_object_add(o, "unit", json_string_or_null(en->unit));
        json_object_object_add(o, "identifier", json_string_or_null(en->identifier));
        json_object_object_add(o, "pid", en->pid ? json_object_new_int(en->pid) : NULL);
        json_object_object_add(o, "message", json_object_new_string(en->message));
        return o;
}

static void print_entry_line(const struct node_journal_entry *en) {
        char when[32];
        format_time(en->realtime_usec, when, sizeof when, false);
        const char *who = en->identifier ? en->identifier : en->unit ? en->unit : "?";
        if (en->pid)
                printf("%s %s[%d]: %s\n", when, who, en->pid, en->message);
        else
                printf("%s %s: %s\n", when, who, en->message);
}

static void print_entries(const struct node_journal_entry *entries, size_t n, bool json, bool json_lines) {
        if (json && !json_lines) {
                struct json_object *arr = json_object_new_array();
                for (size_t i = 0; i < n; i++)
                        json_object_array_add(arr, entry_json(&entries[i]));
                struct json_object *root = json_object_new_object();
                json_object_object_add(root, "entries", arr);
                print_json(root);
                json_object_put(root);
                return;
        }
        for (size_t i = 0; i < n; i++) {
                if (json_lines) {
                        struct json_object *o = entry_json(&entries[i]);
                        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                        json_object_put(o);
                } else {
                        print_entry_line(&entries[i]);
                }
        }
        fflush(stdout);
}

static int list_boots(const struct options *o) {
        struct node_error e = {0};
        struct node_journal_boot *boots;
        size_t n;
        int r = node_journal_list_boots(&o->ctx, &boots, &n, &e);
        if (r < 0)
                return fail(&e, r);
        struct json_object *arr = o->json ? json_object_new_array() : NULL;
        for (size_t i = 0; i < n; i++) {
                char first[48], last[48];
                format_time(boots[i].first_usec, first, sizeof first, o->json);
                format_time(boots[i].last_usec, last, sizeof last, o->json);
                if (arr) {
                        struct json_object *b = json_object_new_object();
                        json_object_object_add(b, "offset", json_object_new_int(boots[i].offset));
                        json_object_object_add(b, "id", json_object_new_string(boots[i].id));
                        json_object_object_add(b, "first", json_object_new_string(first));
                        json_object_object_add(b, "last", json_object_new_string(last));
                        json_object_array_add(arr, b);
                } else {
                        printf("%3d %s %s - %s\n", boots[i].offset, boots[i].id, first, last);
                }
        }
        free(boots);
        if (arr) {
                struct json_object *root = json_object_new_object();
                json_object_object_add(root, "boots", arr);
                print_json(root);
                json_object_put(root);
        }
        return EXIT_OK;
}

static int parse_int_option(const char *s, long min, long max, long *out) {
        if (!s || !*s)
                return -EINVAL;
        errno = 0;
        char *end;
        long v = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -EINVAL;
        *out = v;
        return 0;
}

static int follow(struct node_journal *j, bool json) {
        for (;;) {
                uint64_t timeout_usec;
                int fd = node_journal_wait_fd(j, &timeout_usec);
                if (fd >= 0) {
                        struct pollfd p = { .fd = fd, .events = POLLIN };
                        int ms = timeout_usec == UINT64_MAX ? -1
                                 : timeout_usec / 1000 > INT_MAX ? INT_MAX : (int)(timeout_usec / 1000);
                        poll(&p, 1, ms);
                } else {
                        /* no change notification (e.g. inotify exhausted): look again every second */
                        poll(NULL, 0, 1000);
                }
                struct node_error e = {0};
                struct node_journal_entry *entries;
                size_t n;
                int r = node_journal_read_new(j, &entries, &n, &e);
                if (r < 0)
                        return fail(&e, r);
                print_entries(entries, n, json, json);
                node_journal_entries_free(entries, n);
                if (ferror(stdout))
                        return EXIT_FAILED;
        }
}

static int verb_logs(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = {
                { "boot", required_argument, NULL, 'b' }, { "unit", required_argument, NULL, 'u' },
                { "priority", required_argument, NULL, 'p' }, { "grep", required_argument, NULL, 'g' },
                { "lines", required_argument, NULL, 'n' }, { "follow", no_argument, NULL, 'f' },
                { "list-boots", no_argument, NULL, 'L' }, {}
        };
        struct node_journal_filter filter = { .boot = 0, .max_priority = -1 };
        long lines = 50;
        bool follow_mode = false, boots = false;
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "+b:u:p:g:n:f", longopts, NULL)) >= 0) {
                long v;
                switch (c) {
                case 'b':
                        if (streq(optarg, "all"))
                                filter.boot = NODE_JOURNAL_ALL_BOOTS;
                        else if (parse_int_option(optarg, INT_MIN / 2, 0, &v) == 0)
                                filter.boot = (int)v;
                        else
                                return usage_error(_("--boot takes 0 (this boot), -1 (the one before), ... or 'all', "
                                                     "not '%.60s'."),
                                                   optarg);
                        break;
                case 'u':
                        filter.unit = optarg;
                        break;
                case 'p':
                        filter.max_priority = node_journal_priority_parse(optarg);
                        if (filter.max_priority < 0)
                                return usage_error(_("--priority takes 0-7 or emerg, alert, crit, err, warning, notice, "
                                                     "info, debug, not '%.60s'."),
                                                   optarg);
                        break;
                case 'g':
                        filter.grep = optarg;
                        break;
                case 'n':
                        if (parse_int_option(optarg, 0, 1000000, &lines) < 0)
                                return usage_error(_("--lines takes a number from 0 to 1000000, not '%.60s'."), optarg);
                        break;
                case 'f':
                        follow_mode = true;
                        break;
                case 'L':
                        boots = true;
                        break;
                default:
                        return usage_error("%s", _("Unknown option for 'logs'."));
                }
        }
        if (optind < argc)
                return usage_error(_("'logs' takes no arguments: %.60s"), argv[optind]);
        if (boots)
                return list_boots(o);

        struct node_error e = {0};
        struct node_journal *j;
        int r = node_journal_open(&o->ctx, &filter, &j, &e);
        if (r < 0) {
                /* exit codes 3-7 speak of the node's layout; a journal problem is a plain failure */
                int rc = fail(&e, r);
                return rc == EXIT_USAGE ? rc : EXIT_FAILED;
        }
        struct node_journal_entry *entries;
        size_t n;
        r = node_journal_tail(j, (size_t)lines, &entries, &n, &e);
        if (r < 0) {
                node_journal_close(j);
                return fail(&e, r);
        }
        print_entries(entries, n, o->json, o->json && follow_mode);
        node_journal_entries_free(entries, n);
        int rc = follow_mode ? follow(j, o->json) : EXIT_OK;
        node_journal_close(j);
        return rc;
}

const struct nodectl_verb nodectl_log_verbs[] = {
        { "logs", verb_logs, "logs [-b N|all] [-u UNIT] [-p PRIO] [-g TEXT] [-n N] [-f] [--list-boots]",
          N_("The journal: this or an earlier boot, by unit, priority, text; follow") },
        {}
};
