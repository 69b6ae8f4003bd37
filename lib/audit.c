/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Audit records in the journal: written with sd_journal_send, read back by
 * their MESSAGE_IDs. */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "audit.h"
#include "i18n.h"
#include "journal.h"
#include "util.h"

struct audit_kind_info {
        const char *name;
        const char *message_id;
};

/* Fixed for good: scripts and journalctl filters depend on these. */
static const struct audit_kind_info kinds[NODE_AUDIT_KIND_MAX] = {
        [NODE_AUDIT_LAYERS] = { "layers", "2bc8764c0ac1427084e240e5e7832f39" },
        [NODE_AUDIT_UPGRADE] = { "upgrade", "5996d9bbfe894076b33cbb54e8cfef9a" },
        [NODE_AUDIT_SERVICE] = { "service", "98a91df8fdff40fba63c7b324522d4cd" },
        [NODE_AUDIT_NETWORK] = { "network", "1a68033e27cc4d1a84208c60e5868310" },
        [NODE_AUDIT_ENGINE] = { "engine", "e918cd2deaff42aaa251c19f247c2a99" },
        [NODE_AUDIT_SESSION] = { "session", "6f3b96eeadc945969a531231d1ceba23" },
        [NODE_AUDIT_CHECK] = { "check", "80a33603e93b4711835f5838efc1b7a5" },
};

const char *node_audit_kind_name(enum node_audit_kind kind) {
        return kind > NODE_AUDIT_NONE && kind < NODE_AUDIT_KIND_MAX ? kinds[kind].name : NULL;
}

const char *node_audit_kind_message_id(enum node_audit_kind kind) {
        return kind > NODE_AUDIT_NONE && kind < NODE_AUDIT_KIND_MAX ? kinds[kind].message_id : NULL;
}

static enum node_audit_kind kind_from_message_id(const char *id) {
        for (int k = NODE_AUDIT_NONE + 1; id && k < NODE_AUDIT_KIND_MAX; k++)
                if (streq(id, kinds[k].message_id))
                        return (enum node_audit_kind)k;
        return NODE_AUDIT_NONE;
}

int node_audit_write(const struct node_audit_record *rec, struct node_error *e) {
        const char *id = node_audit_kind_message_id(rec->kind);
        if (!id || !rec->program || !rec->action)
                return node_error_set(e, EINVAL, _("An audit record needs a kind, a program and an action."));

        struct passwd *pw = getpwuid(getuid());
        char uid[16];
        snprintf(uid, sizeof uid, "%u", (unsigned)getuid());
        const char *user = pw ? pw->pw_name : uid;
        const char *sudo_user = getenv("SUDO_USER");
        const char *tty = ttyname(STDIN_FILENO);
        const char *outcome = rec->success ? "success" : "failure";

        _cleanup_free_ char *message = NULL;
        if (asprintf(&message, "%s %s%s%s: %s%s%s", rec->program, rec->action, rec->arguments ? " " : "",
                     rec->arguments ? rec->arguments : "", outcome, rec->error ? ": " : "",
                     rec->error ? rec->error : "") < 0)
                return node_error_set(e, ENOMEM, _("Out of memory."));

        int r = sd_journal_send("MESSAGE=%s", message, "MESSAGE_ID=%s", id, "PRIORITY=%d", rec->success ? 5 : 4,
                                "SYSLOG_IDENTIFIER=%s", rec->program, "NODECON_USER=%s", user,
                                "NODECON_SUDO_USER=%s", sudo_user ? sudo_user : "", "NODECON_TTY=%s",
                                tty ? tty : "none", "NODECON_PROGRAM=%s", rec->program, "NODECON_ACTION=%s",
                                rec->action, "NODECON_ARGUMENTS=%s", rec->arguments ? rec->arguments : "",
                                "NODECON_OUTCOME=%s", outcome, "NODECON_EXIT=%d", rec->exit_code, "NODECON_ERROR=%s",
                                rec->error ? rec->error : "", NULL);
        if (r < 0)
                return node_error_set(e, r, _("Could not write the audit record to the journal: %s."), strerror(-r));
        return 0;
}

static void audit_entry_clear(struct node_audit_entry *a) {
        free(a->user);
        free(a->tty);
        free(a->program);
        free(a->action);
        free(a->arguments);
        free(a->outcome);
        free(a->error);
        *a = (struct node_audit_entry){0};
}

void node_audit_entries_free(struct node_audit_entry *entries, size_t n) {
        for (size_t i = 0; i < n; i++)
                audit_entry_clear(&entries[i]);
        free(entries);
}

static int read_record(sd_journal *j, struct node_audit_entry *a) {
        *a = (struct node_audit_entry){0};
        sd_journal_get_realtime_usec(j, &a->realtime_usec);
        _cleanup_free_ char *id = node_journal_field(j, "MESSAGE_ID");
        a->kind = kind_from_message_id(id);
        char *sudo_user = node_journal_field(j, "NODECON_SUDO_USER");
        char *user = node_journal_field(j, "NODECON_USER");
        /* "alice via sudo" is who acted; root alone says nothing */
        if (sudo_user && *sudo_user && user && asprintf(&a->user, "%s (sudo from %s)", user, sudo_user) >= 0) {
                free(user);
        } else {
                a->user = user;
        }
        free(sudo_user);
        a->tty = node_journal_field(j, "NODECON_TTY");
        a->program = node_journal_field(j, "NODECON_PROGRAM");
        a->action = node_journal_field(j, "NODECON_ACTION");
        a->arguments = node_journal_field(j, "NODECON_ARGUMENTS");
        a->outcome = node_journal_field(j, "NODECON_OUTCOME");
        a->error = node_journal_field(j, "NODECON_ERROR");
        return a->action ? 0 : -EBADMSG;
}

int node_audit_read(const struct node_context *ctx, size_t max, struct node_audit_entry **entries, size_t *n_entries,
                    struct node_error *e) {
        *entries = NULL;
        *n_entries = 0;
        sd_journal *j = NULL;
        int r = node_journal_open_raw(ctx, &j, e);
        if (r < 0)
                return r;
        for (int k = NODE_AUDIT_NONE + 1; r >= 0 && k < NODE_AUDIT_KIND_MAX; k++) {
                char match[64];
                snprintf(match, sizeof match, "MESSAGE_ID=%s", kinds[k].message_id);
                r = sd_journal_add_match(j, match, 0);
        }
        size_t n = 0;
        struct node_audit_entry *list = max ? calloc(max, sizeof *list) : NULL;
        if (r >= 0 && max && !list)
                r = -ENOMEM;
        if (r >= 0)
                r = sd_journal_seek_tail(j);
        while (r >= 0 && n < max && (r = sd_journal_previous(j)) > 0) {
                /* a record some other program forged without our fields is skipped, not fatal */
                if (read_record(j, &list[n]) == 0)
                        n++;
                else
                        audit_entry_clear(&list[n]);
        }
        sd_journal_close(j);
        if (r < 0) {
                node_audit_entries_free(list, n);
                return node_error_set(e, r, _("Cannot read the audit records: %s."), strerror(-r));
        }
        for (size_t i = 0; i < n / 2; i++) {
                struct node_audit_entry t = list[i];
                list[i] = list[n - 1 - i];
                list[n - 1 - i] = t;
        }
        *entries = list;
        *n_entries = n;
        return 0;
}
