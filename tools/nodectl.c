/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl: the node's administration as a scriptable command line.  Every verb
 * is a thin shell around one lib call; what a verb prints on a terminal and in
 * --json is decided in tools/nodectl-*.c, what it does is decided in lib/.
 * This file holds what all verbs share: options, exit codes, dispatch. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "i18n.h"
#include "image.h"
#include "init.h"
#include "boot.h"
#include "layout.h"
#include "lock.h"
#include "lvm.h"
#include "nvr.h"
#include "rollback.h"
#include "util.h"

#include "audit.h"
#include "nodectl.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

int exit_code_for(int r) {
        switch (-r) {
        case 0:
                return EXIT_OK;
        case ENOENT:
        case EMEDIUMTYPE:
        case ENOTUNIQ:
                return EXIT_NO_LAYOUT;
        case ENOSPC:
                return EXIT_NO_SPACE;
        case EBADMSG:
        case EIO:
                return EXIT_TOOL;
        case EINVAL:
                return EXIT_USAGE;
        case EBUSY:
                return EXIT_LOCKED;
        default:
                return EXIT_FAILED;
        }
}

/* The length of the well-formed UTF-8 character at p, within avail bytes
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), 0
 * when there is none. */
static size_t utf8_char_len(const unsigned char *p, size_t avail) {
        if (*p < 0x80)
                return 1;
        size_t len = *p >= 0xc2 && *p <= 0xdf ? 2 : *p >= 0xe0 && *p <= 0xef ? 3 : *p >= 0xf0 && *p <= 0xf4 ? 4 : 0;
        if (len > avail)
                return 0;
        /* the second byte's range narrows after E0, ED, F0 and F4 */
        unsigned char lo = *p == 0xe0 ? 0xa0 : *p == 0xf0 ? 0x90 : 0x80;
        unsigned char hi = *p == 0xed ? 0x9f : *p == 0xf4 ? 0x8f : 0xbf;
        for (size_t i = 1; i < len; i++)
                if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
                        return 0;
        return len;
}

/* Copies s into out (size bytes) with every control character and every byte
 * that is not part of a UTF-8 character replaced by '?', stopping after
 * max_chars characters ("..." marks the cut). */
static const char *printable(const char *s, char *out, size_t size, size_t max_chars) {
        const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
        size_t o = 0, chars = 0;
        while (p < end && o + 5 < size) {
                if (chars == max_chars) {
                        snprintf(out + o, size - o, "...");
                        return out;
                }
                size_t len = utf8_char_len(p, (size_t)(end - p));
                /* C0 and C1 controls steer a terminal (ESC, CSI).  The analyzer does not tie
                 * end (s + strlen(s)) to a short array's contents, so it calls *p garbage. */
                // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult)
                bool control = len == 1 ? *p < 0x20 || *p == 0x7f : len == 2 && *p == 0xc2 && p[1] < 0xa0;
                if (len == 0 || control) {
                        out[o++] = '?';
                        p++;
                } else {
                        memcpy(out + o, p, len);
                        o += len;
                        p += len;
                }
                chars++;
        }
        out[o] = '\0';
        return out;
}

const char *quote_input(const char *s, char buf[QUOTE_SIZE]) {
        return printable(s, buf, QUOTE_SIZE, 60);
}

/* The audit record of a failed action carries the sentence the admin saw. */
static char last_error[sizeof(((struct node_error *)0)->message)];
static bool audit_skipped;

int fail(const struct node_error *e, int r) {
        snprintf(last_error, sizeof last_error, "%s", e->message[0] ? e->message : strerror(-r));
        char safe[sizeof last_error + 8];
        /* lib's sentence may quote what the admin typed or what a tool printed */
        fprintf(stderr, "nodectl: %s\n", printable(last_error, safe, sizeof safe, sizeof last_error));
        return exit_code_for(r);
}

void nodectl_audit_skip(void) {
        audit_skipped = true;
}

/* The arguments as the admin typed them, quoted where the shell would need it, at most ~1 KiB. */
static void join_arguments(char **args, int n, char *buf, size_t size) {
        size_t used = 0;
        buf[0] = '\0';
        for (int i = 0; i < n && used + 1 < size; i++) {
                const char *a = args[i];
                bool plain = *a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                             "-_.,:/=+@%") == strlen(a);
                int w = snprintf(buf + used, size - used, plain ? "%s%s" : "%s'%s'", i ? " " : "", a);
                if (w < 0 || (size_t)w >= size - used) {
                        buf[used] = '\0';
                        break;
                }
                used += (size_t)w;
        }
}

/* The verbs that change the node, each leaving an audit record of its kind:
 * one list, so a review sees at a glance what is audited. */
static const struct {
        const char *verb;
        enum node_audit_kind kind;
} audited_verbs[] = {
        { "init", NODE_AUDIT_LAYERS },     { "add-layer", NODE_AUDIT_LAYERS }, { "rollback", NODE_AUDIT_LAYERS },
        { "boot", NODE_AUDIT_LAYERS },     { "remove", NODE_AUDIT_LAYERS },    { "pin", NODE_AUDIT_LAYERS },
        { "unpin", NODE_AUDIT_LAYERS },    { "service", NODE_AUDIT_SERVICE },  { "register", NODE_AUDIT_ENGINE },
        { "unregister", NODE_AUDIT_ENGINE }, { "network", NODE_AUDIT_NETWORK },
        { "check", NODE_AUDIT_CHECK },     { "upgrade", NODE_AUDIT_UPGRADE },
        { "reboot", NODE_AUDIT_SESSION },  { "poweroff", NODE_AUDIT_SESSION }, { "ssh", NODE_AUDIT_SERVICE },
};

static enum node_audit_kind audit_kind_of(const char *verb) {
        for (size_t i = 0; i < ELEMENTSOF(audited_verbs); i++)
                if (streq(audited_verbs[i].verb, verb))
                        return audited_verbs[i].kind;
        return NODE_AUDIT_NONE;
}

/* Changing verbs leave a record in the journal.  A node without journald
 * (a container, the build host) has no trail to keep: that is not worth a warning. */
static void audit_verb(const struct nodectl_verb *verb, const char *arguments, int rc) {
        enum node_audit_kind kind = audit_kind_of(verb->name);
        if (kind == NODE_AUDIT_NONE || audit_skipped || rc == EXIT_USAGE)
                return;
        struct node_audit_record rec = {
                .kind = kind, .program = "nodectl", .action = verb->name,
                .arguments = arguments[0] ? arguments : NULL, .success = rc == EXIT_OK, .exit_code = rc,
                .error = rc != EXIT_OK && last_error[0] ? last_error : NULL,
        };
        struct node_error e = {0};
        int r = node_audit_write(&rec, &e);
        if (r < 0 && r != -ENOENT && r != -ECONNREFUSED)
                fprintf(stderr, _("nodectl: warning: %s\n"), e.message);
}

/* A name LVM would reject (or take for an option) never reaches lvm's argv. */
int check_vg_name(const char *vg) {
        if (node_lvm_name_valid(vg))
                return EXIT_OK;
        char q[QUOTE_SIZE];
        fprintf(stderr,
                _("nodectl: '%s' is not a valid volume group name: use up to 127 letters, digits and + _ . -, "
                  "not starting with -.\n"),
                quote_input(vg, q));
        return EXIT_USAGE;
}

int usage_error(const char *fmt, const char *arg) {
        char safe[4096];
        fputs("nodectl: ", stderr);
        fprintf(stderr, fmt, arg ? printable(arg, safe, sizeof safe, sizeof safe) : arg);
        fputs("\n", stderr);
        fprintf(stderr, _("Try 'nodectl --help'.\n"));
        return EXIT_USAGE;
}

/* "20G", "512M", "1073741824": binary units, whole numbers only. */
int parse_size(const char *s, uint64_t *out) {
        if (!s || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || end == s)
                return -EINVAL;
        unsigned shift = 0;
        switch (*end) {
        case '\0': break;
        case 'k': case 'K': shift = 10; end++; break;
        case 'm': case 'M': shift = 20; end++; break;
        case 'g': case 'G': shift = 30; end++; break;
        case 't': case 'T': shift = 40; end++; break;
        default: return -EINVAL;
        }
        if (*end == 'i' && shift)
                end++;
        if (*end == 'B' || *end == 'b')
                end++;
        if (*end != '\0' || v == 0 || v > (UINT64_MAX >> shift))
                return -EINVAL;
        *out = (uint64_t)v << shift;
        return 0;
}

int parse_tries(const char *s, int *tries) {
        if (!s || s[0] < '1' || s[0] > '9' || s[1] != '\0')
                return -EINVAL;
        *tries = s[0] - '0';
        return 0;
}

const char *human_size(uint64_t bytes, char *buf, size_t size) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
        double v = (double)bytes;
        unsigned u = 0;
        while (v >= 1024 && u + 1 < ELEMENTSOF(units)) {
                v /= 1024;
                u++;
        }
        if (u == 0)
                snprintf(buf, size, "%" PRIu64 " B", bytes);
        else
                snprintf(buf, size, "%.2f %s", v, units[u]);
        return buf;
}

void print_json(struct json_object *o) {
        puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
}

struct json_object *json_string_or_null(const char *s) {
        return s && *s ? json_object_new_string(s) : NULL;
}

struct json_object *json_percent(double p) {
        return p < 0 ? NULL : json_object_new_double(p);
}

/* On a terminal without --yes the admin confirms; scripts (no tty) do not. */
bool confirmed(bool yes, const char *question) {
        if (yes || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
                return true;
        printf("%s [y/N] ", question);
        fflush(stdout);
        char answer[16];
        if (!fgets(answer, sizeof answer, stdin))
                return false;
        return answer[0] == 'y' || answer[0] == 'Y';
}

/* A bar on a terminal, redrawn only when the whole percentage changes (this
 * may be a 9600 baud serial line); one line per step otherwise. */
int progress_lines(const char *step, double fraction, void *userdata) {
        struct progress_state *p = userdata;
        bool tty = isatty(STDERR_FILENO);
        bool new_step = !p->step || strcmp(p->step, step) != 0;
        int percent = fraction >= 0 ? (int)(fraction * 100 + 0.5) : -1;
        if (tty && percent >= 0) {
                if (!new_step && percent == p->percent)
                        return 0;
                int width = 30, filled = percent * width / 100;
                fprintf(stderr, "%s\r%-32.32s [%.*s%*s] %3d%%", new_step && p->step ? "\n" : "", step, filled,
                        "##############################", width - filled, "", percent);
                fflush(stderr);
        } else if (new_step) {
                fprintf(stderr, "%s%s\n", tty && p->step && p->percent >= 0 ? "\n" : "", step);
        }
        p->step = step;
        p->percent = percent;
        return 0;
}

/* One table per concern; --help lists them in this order. */
static const struct nodectl_verb *const verb_tables[] = {
        nodectl_layer_verbs,
        nodectl_upgrade_verbs,
        nodectl_vm_verbs,
        nodectl_log_verbs,
        nodectl_service_verbs,
        nodectl_support_verbs,
        nodectl_engine_verbs,
        nodectl_network_verbs,
        nodectl_check_verbs,
        nodectl_fault_verbs,
};

static const struct nodectl_verb *find_verb(const char *name) {
        for (size_t t = 0; t < ELEMENTSOF(verb_tables); t++)
                for (const struct nodectl_verb *v = verb_tables[t]; v->name; v++)
                        if (streq(v->name, name))
                                return v;
        return NULL;
}

static void help(void) {
        printf(_("Usage: nodectl [--vg VG] [--json] COMMAND [ARGS]\n\n"
                 "Administer an image-based hypervisor node.\n\nCommands:\n"));
        for (size_t t = 0; t < ELEMENTSOF(verb_tables); t++)
                for (const struct nodectl_verb *v = verb_tables[t]; v->name; v++)
                        printf("  %-44s %s\n", v->synopsis, _(v->summary));
        printf(_("\nOptions:\n"
                 "  --vg VG     use this volume group (default: the one tagged imgbased:vg)\n"
                 "  --json      print machine-readable JSON\n"
                 "  --help      show this help\n"
                 "  --version   show the version\n\n"
                 "Exit codes: 0 success, 1 failure, 2 usage error, 3 no such volume group or no node layout,\n"
                 "4 not a valid node image, 5 thin pool full or not enough space, 6 lvm failed or printed\n"
                 "something unreadable, 7 another changing operation is running, 8 the engine cannot be reached\n"
                 "or refused, 9 the engine's CA or certificate is not trusted, 10 the image is not newer than\n"
                 "(or the same as) an installed one.  See nodectl(8).\n"));
}

int main(int argc, char **argv) {
        node_i18n_init(LOCALEDIR);

        struct options o = {0};
        /* Lets tests put a fake lvm in front of nodectl, e.g. one that prints garbage. */
        o.ctx.lvm = getenv("NODECTL_LVM");
        /* Lets tests give a throw-away /boot and /proc/cmdline, and their own lock directory. */
        o.ctx.root = getenv("NODECTL_ROOT");
        o.ctx.run_dir = getenv("NODECTL_RUN_DIR");
        /* Lets tests use libvirt's test:/// driver instead of the node's hypervisor. */
        o.ctx.libvirt_uri = getenv("NODECTL_LIBVIRT_URI");
        /* Lets tests read journal files made for them instead of the system journal. */
        o.ctx.journal_dir = getenv("NODECTL_JOURNAL_DIR");
        /* Lets tests stand a program in for logind's Reboot and PowerOff. */
        o.ctx.reboot = getenv("NODECON_REBOOT");
        o.ctx.poweroff = getenv("NODECON_POWEROFF");
        /* The fault-injection test hook (lib/fault.h). */
        o.ctx.fault = getenv("NODECON_FAULT_AT");

        static const struct option longopts[] = {
                { "vg", required_argument, NULL, 'g' },
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {}
        };
        int c;
        opterr = 0;  /* getopt's message would start with argv[0]'s path: ours says it */
        while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) >= 0) {
                switch (c) {
                case 'g':
                        o.ctx.vg = optarg;
                        break;
                case 'j':
                        o.json = true;
                        break;
                case 'h':
                        help();
                        return EXIT_OK;
                case 'V':
                        printf("nodectl %s\n", NODECON_VERSION);
                        return EXIT_OK;
                case ':':
                        return usage_error(_("The option '%s' needs a value."), QUOTED(argv[optind - 1]));
                default:
                        /* a short option may sit inside a cluster ("-5G"): name only it */
                        if (optopt && !startswith(argv[optind - 1], "--")) {
                                char option[] = { '-', (char)optopt, '\0' };
                                return usage_error(_("Unknown option '%s'."), QUOTED(option));
                        }
                        return usage_error(_("Unknown option '%s'."), QUOTED(argv[optind - 1]));
                }
        }
        if (optind >= argc)
                return usage_error("%s", _("No command given."));
        if (o.ctx.vg && check_vg_name(o.ctx.vg) != EXIT_OK)
                return EXIT_USAGE;

        const char *verb = argv[optind];
        const struct nodectl_verb *found = find_verb(verb);
        if (found) {
                /* --json is accepted after the verb too: "nodectl layers --json". */
                int n = 0;
                char **args = calloc(argc - optind + 1, sizeof *args);
                if (!args)
                        return EXIT_FAILED;
                for (int k = optind; k < argc; k++) {
                        if (k > optind && streq(argv[k], "--json"))
                                o.json = true;
                        else
                                args[n++] = argv[k];
                }
                /* taken before the verb runs: getopt reorders args */
                char arguments[1024];
                join_arguments(args + 1, n - 1, arguments, sizeof arguments);
                int rc = found->run(&o, n, args);
                audit_verb(found, arguments, rc);
                free(args);
                return rc;
        }
        char q[QUOTE_SIZE];
        return usage_error(_("Unknown command '%s'."), quote_input(verb, q));
}
