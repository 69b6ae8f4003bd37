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
#include <locale.h>
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

int fail(const struct node_error *e, int r) {
        fprintf(stderr, "nodectl: %s\n", e->message[0] ? e->message : strerror(-r));
        return exit_code_for(r);
}

/* A name LVM would reject (or take for an option) never reaches lvm's argv;
 * the message quotes at most 60 characters of it. */
int check_vg_name(const char *vg) {
        if (node_lvm_name_valid(vg))
                return EXIT_OK;
        fprintf(stderr,
                _("nodectl: '%.60s%s' is not a valid volume group name: use up to 127 letters, digits and + _ . -, "
                  "not starting with -.\n"),
                vg, strlen(vg) > 60 ? "..." : "");
        return EXIT_USAGE;
}

int usage_error(const char *fmt, const char *arg) {
        fputs("nodectl: ", stderr);
        fprintf(stderr, fmt, arg);
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
                 "something unreadable, 7 another changing operation is running, 10 the image is not newer than\n"
                 "(or the same as) an installed one.  See nodectl(8).\n"));
}

int main(int argc, char **argv) {
        setlocale(LC_ALL, "");
        bindtextdomain(NODECON_TEXTDOMAIN, LOCALEDIR);
        textdomain(NODECON_TEXTDOMAIN);

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

        static const struct option longopts[] = {
                { "vg", required_argument, NULL, 'g' },
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {}
        };
        int c;
        while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) >= 0) {
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
                default:
                        fprintf(stderr, _("Try 'nodectl --help'.\n"));
                        return EXIT_USAGE;
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
                int rc = found->run(&o, n, args);
                free(args);
                return rc;
        }
        return usage_error(_("Unknown command '%s'."), verb);
}
