/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The home screen: what an admin at the console wants to know first.  It
 * refreshes in place; drawing rewrites every cell into the window, but curses
 * only sends the cells whose content changed, so a tick costs a few bytes. */
#include "screens.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "layout.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"
#include "vms.h"

#define STATUS_TICK_MS 2000
/* The layout costs an lvm run; it changes only when an admin acts. */
#define LAYOUT_EVERY_TICKS 5
/* A read this old is worth a word: lvm may hang on a dead disk or a lock. */
#define LAYOUT_SLOW_SECONDS 4
#define MAX_ADDRESSES 4
#define LABEL_WIDTH 16
/* Asking the engine costs a TLS handshake: every 30 s, and at once when the
 * registration changed (an admin registered on the Engine screen). */
#define ENGINE_EVERY_TICKS 15
#define ENGINE_PROBE_TIMEOUT_SECONDS 5

struct status {
        struct tui_app *app;
        char hostname[256];
        char addresses[MAX_ADDRESSES][INET6_ADDRSTRLEN + IFNAMSIZ + 8];
        size_t n_addresses;
        size_t more_addresses;

        bool layout_read;          /* at least one attempt made */
        struct node_error layout_error;
        char vg[128];
        char booted[256], booted_nvr[256], boot_default[256];
        bool pool_known;
        double data_percent, metadata_percent;

        bool system_known;
        double uptime_seconds;
        double load[3];
        unsigned long long mem_total_kib, mem_available_kib;

        bool engine_known;         /* at least one probe answered */
        struct screen_engine_now engine;
        struct tui_job *probing;
        struct timespec engine_state_mtime;
        bool engine_state_exists;

        /* libvirt, asked by a child nodectl in a worker as the layout is read */
        bool vms_read;
        bool vms_reachable;
        struct node_error vms_error;  /* why not, when nodectl itself failed */
        char **vm_names;           /* the active ones, libvirt's order */
        size_t n_active_vms;
        struct tui_job *counting;  /* the VM read under way, NULL if none */

        unsigned ticks;
        struct tui_job *reading;   /* the layout read under way, NULL if none */
        gint64 read_started_us;
};

static void read_addresses(struct status *st) {
        st->n_addresses = st->more_addresses = 0;
        struct ifaddrs *list = NULL;
        if (getifaddrs(&list) < 0)
                return;
        for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
                if (!ifa->ifa_addr || (ifa->ifa_flags & IFF_LOOPBACK) || !(ifa->ifa_flags & IFF_UP))
                        continue;
                int family = ifa->ifa_addr->sa_family;
                const void *addr;
                unsigned prefix = 0;
                if (family == AF_INET) {
                        addr = &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
                        if (ifa->ifa_netmask)
                                prefix = __builtin_popcount(((struct sockaddr_in *)ifa->ifa_netmask)->sin_addr.s_addr);
                } else if (family == AF_INET6) {
                        const struct in6_addr *a6 = &((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
                        /* Link-local addresses cannot reach a management network. */
                        if (IN6_IS_ADDR_LINKLOCAL(a6))
                                continue;
                        addr = a6;
                        if (ifa->ifa_netmask) {
                                const uint8_t *m = ((struct sockaddr_in6 *)ifa->ifa_netmask)->sin6_addr.s6_addr;
                                for (int i = 0; i < 16; i++)
                                        prefix += __builtin_popcount(m[i]);
                        }
                } else {
                        continue;
                }
                if (st->n_addresses == MAX_ADDRESSES) {
                        st->more_addresses++;
                        continue;
                }
                char text[INET6_ADDRSTRLEN];
                inet_ntop(family, addr, text, sizeof text);
                snprintf(st->addresses[st->n_addresses++], sizeof st->addresses[0], "%-10s %s/%u",
                         ifa->ifa_name, text, prefix);
        }
        freeifaddrs(list);
}

static unsigned long long meminfo_kib(const char *text, const char *key) {
        const char *p = strstr(text, key);
        return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

static void read_system(struct status *st) {
        if (gethostname(st->hostname, sizeof st->hostname - 1) < 0)
                st->hostname[0] = '\0';
        read_addresses(st);

        st->system_known = false;
        _cleanup_fclose_ FILE *up = fopen("/proc/uptime", "re");
        /* NOLINTNEXTLINE(cert-err34-c): the kernel writes this number; a bad one only shows as 0 */
        if (!up || fscanf(up, "%lf", &st->uptime_seconds) != 1)
                return;
        if (getloadavg(st->load, 3) != 3)
                return;
        _cleanup_fclose_ FILE *mem = fopen("/proc/meminfo", "re");
        char text[4096];
        size_t n = mem ? fread(text, 1, sizeof text - 1, mem) : 0;
        text[n] = '\0';
        st->mem_total_kib = meminfo_kib(text, "MemTotal:");
        st->mem_available_kib = meminfo_kib(text, "MemAvailable:");
        st->system_known = st->mem_total_kib > 0;
}

static void apply_layout(struct status *st, const struct node_layout *l) {
        snprintf(st->vg, sizeof st->vg, "%s", l->vg ? l->vg : "");
        snprintf(st->booted, sizeof st->booted, "%s", l->booted ? l->booted->lv.name : "");
        snprintf(st->booted_nvr, sizeof st->booted_nvr, "%s", l->booted && l->booted->nvr ? l->booted->nvr : "");
        snprintf(st->boot_default, sizeof st->boot_default, "%s", l->boot_default ? l->boot_default->lv.name : "");
        st->pool_known = l->pool.name != NULL;
        st->data_percent = l->pool.data_percent;
        st->metadata_percent = l->pool.metadata_percent;
}

static void layout_arrived(struct tui_app *app, int r, const struct node_error *e, struct node_layout **layout,
                           void *userdata) {
        (void)app;
        struct status *st = userdata;
        st->reading = NULL;
        st->layout_read = true;
        node_error_clear(&st->layout_error);
        if (r < 0) {
                st->layout_error = *e;
                st->pool_known = false;
                st->vg[0] = st->booted[0] = st->booted_nvr[0] = st->boot_default[0] = '\0';
                return;
        }
        apply_layout(st, *layout);
}

struct vm_read {
        const struct node_context *ctx;
        struct node_vm_list list;
};

static int run_vm_read(void *input, struct node_error *e) {
        struct vm_read *rd = input;
        return node_vms_list_by_nodectl(rd->ctx, &rd->list, e);
}

static void free_vm_read(void *input) {
        struct vm_read *rd = input;
        node_vm_list_free(&rd->list);
        free(rd);
}

static void vms_arrived(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)app;
        struct status *st = userdata;
        struct vm_read *rd = input;
        st->counting = NULL;
        st->vms_read = true;
        st->vms_reachable = r == 0;
        node_error_clear(&st->vms_error);
        if (r < 0)
                st->vms_error = *e;
        strv_free(st->vm_names);
        st->vm_names = NULL;
        st->n_active_vms = 0;
        if (r < 0)
                return;
        st->vm_names = calloc(rd->list.n_active + 1, sizeof *st->vm_names);
        if (!st->vm_names)
                return;
        for (size_t i = 0; i < rd->list.n_vms && rd->list.vms[i].active; i++) {
                st->vm_names[st->n_active_vms] = strdup(rd->list.vms[i].name);
                if (!st->vm_names[st->n_active_vms])
                        break;
                st->n_active_vms++;
        }
}

/* libvirt may be slow to answer (or hang with vdsm's daemon): never on the loop. */
static void start_vm_read(struct status *st) {
        if (st->counting)
                return;
        struct vm_read *rd = calloc(1, sizeof *rd);
        if (!rd)
                return;
        rd->ctx = tui_app_context(st->app);
        struct tui_job_spec spec = {
                .run = run_vm_read, .done = vms_arrived, .input = rd, .free_input = free_vm_read, .userdata = st,
        };
        if (tui_job_start(st->app, &spec, &st->counting) < 0)
                st->counting = NULL;
}

/* "3 active (db1, web2, ...)" cut to width columns: whole names only. */
static void format_vms(const struct status *st, int width, char *buf, size_t size) {
        if (st->n_active_vms == 0) {
                snprintf(buf, size, "%s", _("none active"));
                return;
        }
        int n = snprintf(buf, size, P_("%zu active", "%zu active", st->n_active_vms), st->n_active_vms);
        if (n < 0 || (size_t)n >= size)
                return;
        static const char more[] = ", ...)";
        size_t used = (size_t)n;
        for (size_t i = 0; i < st->n_active_vms; i++) {
                bool last = i + 1 == st->n_active_vms;
                char piece[300];
                snprintf(piece, sizeof piece, "%s%s%s", i ? ", " : " (", st->vm_names[i], last ? ")" : "");
                /* room for ", ...)" unless this name ends the list */
                int need = tui_text_width(buf) + tui_text_width(piece) + (last ? 0 : (int)strlen(more));
                if (need > width || used + strlen(piece) + strlen(more) >= size) {
                        snprintf(buf + used, size - used, "%s", i ? more : "");
                        return;
                }
                used += (size_t)snprintf(buf + used, size - used, "%s", piece);
        }
}

/* The layout costs an lvm run, done in a worker: the dashboard keeps its
 * clock and its keys while lvm takes its time (or hangs). */
static void start_layout_read(struct status *st) {
        if (st->reading)
                return;
        st->read_started_us = g_get_monotonic_time();
        if (screen_read_layout(st->app, NULL, layout_arrived, st, &st->reading) < 0)
                st->reading = NULL;
}

static void engine_arrived(struct tui_app *app, const struct screen_engine_now *now, void *userdata) {
        (void)app;
        struct status *st = userdata;
        st->probing = NULL;
        st->engine_known = true;
        st->engine = *now;
}

static void start_engine_probe(struct status *st) {
        if (st->probing)
                return;
        if (screen_probe_engine(st->app, ENGINE_PROBE_TIMEOUT_SECONDS, engine_arrived, st, &st->probing) < 0)
                st->probing = NULL;
}

/* Whether the saved registration changed since the last look (a stat, no read). */
static bool engine_state_changed(struct status *st) {
        char path[4096];
        struct stat sb;
        node_context_path(tui_app_context(st->app), NODE_ENGINE_STATE_FILE, path, sizeof path);
        bool exists = stat(path, &sb) == 0;
        struct timespec mtime = exists ? sb.st_mtim : (struct timespec){ 0 };
        bool changed = exists != st->engine_state_exists || mtime.tv_sec != st->engine_state_mtime.tv_sec ||
                       mtime.tv_nsec != st->engine_state_mtime.tv_nsec;
        st->engine_state_exists = exists;
        st->engine_state_mtime = mtime;
        return changed;
}

static int status_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct status *st = calloc(1, sizeof *st);
        if (!st)
                return -ENOMEM;
        st->app = s->app;
        s->data = st;
        read_system(st);
        /* The first frame goes out before lvm answers, so the console answers at once. */
        start_layout_read(st);
        engine_state_changed(st);
        start_engine_probe(st);
        start_vm_read(st);
        return 0;
}

static void status_free(struct tui_screen *s) {
        struct status *st = s->data;
        tui_job_abandon(st->reading);
        tui_job_abandon(st->probing);
        tui_job_abandon(st->counting);
        strv_free(st->vm_names);
        free(st);
}

static void status_tick(struct tui_screen *s) {
        struct status *st = s->data;
        read_system(st);
        if (++st->ticks % LAYOUT_EVERY_TICKS == 0) {
                start_layout_read(st);
                start_vm_read(st);
        }
        if (engine_state_changed(st) || st->ticks % ENGINE_EVERY_TICKS == 0)
                start_engine_probe(st);
}

static void format_uptime(double seconds, char *buf, size_t size) {
        unsigned long total = (unsigned long)seconds;
        unsigned long days = total / 86400, hours = total / 3600 % 24, minutes = total / 60 % 60;
        if (days)
                snprintf(buf, size, ngettext("%lu day, %lu:%02lu", "%lu days, %lu:%02lu", days), days,
                         hours, minutes);
        else
                snprintf(buf, size, "%lu:%02lu", hours, minutes);
}

static void row(WINDOW *w, int y, const char *label, const char *value, enum tui_style style) {
        int cols = getmaxx(w);
        tui_put(w, y, 2, LABEL_WIDTH, label, TUI_STYLE_LABEL);
        tui_put(w, y, 2 + LABEL_WIDTH, cols - 3 - LABEL_WIDTH, value, style);
}

static enum tui_style usage_style(double percent) {
        return percent >= 90 ? TUI_STYLE_ERROR : percent >= 80 ? TUI_STYLE_WARNING : TUI_STYLE_NORMAL;
}

/* "engine.example.com:443 (reachable)", "(unreachable: why)", "not registered" */
static int draw_engine(struct status *st, WINDOW *w, int y) {
        char buf[1400], target[300];
        if (!st->engine_known) {
                row(w, y, _("Engine"), _("asking..."), TUI_STYLE_NORMAL);
                return 1;
        }
        if (!st->engine.registered) {
                row(w, y, _("Engine"), st->engine.why.code ? st->engine.why.message : _("not registered"),
                    st->engine.why.code ? TUI_STYLE_WARNING : TUI_STYLE_NORMAL);
                return 1;
        }
        screen_engine_target(&st->engine.state, target, sizeof target);
        if (st->engine.reachable) {
                snprintf(buf, sizeof buf, _("%s (reachable)"), target);
                row(w, y, _("Engine"), buf, TUI_STYLE_GOOD);
                return 1;
        }
        snprintf(buf, sizeof buf, _("%s (unreachable: %s)"), target, st->engine.why.message);
        tui_put(w, y, 2, LABEL_WIDTH, _("Engine"), TUI_STYLE_LABEL);
        return tui_put_wrapped(w, y, 2 + LABEL_WIDTH, getmaxx(w) - 3 - LABEL_WIDTH, 2, buf, TUI_STYLE_ERROR);
}

static void status_draw(struct tui_screen *s) {
        struct status *st = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "m", _("Menu") },
                { "l", _("Layers") },
                { "r", _("Rollback") },
                { "u", _("Upgrade") },
                { "?", _("Help") },
                { "^X", _("Lock") },
                /* on a narrow line in a long language it is what goes (? lists it) */
                { "^L", _("Redraw") },
                { "q", _("Quit") },
        };
        char clock[64] = "";
        time_t now = time(NULL);
        struct tm tm;
        if (localtime_r(&now, &tm))
                strftime(clock, sizeof clock, "%Y-%m-%d %H:%M:%S", &tm);
        tui_frame_draw(w, _("nodecon: node status"), clock, keys, ELEMENTSOF(keys));

        int y = TUI_FRAME_BODY_TOP;
        char buf[512];
        row(w, y++, _("Hostname"), st->hostname[0] ? st->hostname : _("(not set)"), TUI_STYLE_NORMAL);
        if (st->n_addresses == 0)
                row(w, y++, _("Addresses"), _("none configured"), TUI_STYLE_WARNING);
        for (size_t i = 0; i < st->n_addresses; i++)
                row(w, y++, i ? "" : _("Addresses"), st->addresses[i], TUI_STYLE_NORMAL);
        if (st->more_addresses) {
                snprintf(buf, sizeof buf, ngettext("and %zu more", "and %zu more", st->more_addresses),
                         st->more_addresses);
                row(w, y++, "", buf, TUI_STYLE_NORMAL);
        }
        y += draw_engine(st, w, y);
        y++;

        int waited = st->reading ? (int)((g_get_monotonic_time() - st->read_started_us) / G_USEC_PER_SEC) : 0;
        if (waited >= LAYOUT_SLOW_SECONDS) {
                snprintf(buf, sizeof buf,
                         st->layout_read ? _("lvm has not answered for %d s; the values below are older")
                                         : _("lvm has not answered for %d s"),
                         waited);
                row(w, y++, _("Layout"), buf, TUI_STYLE_WARNING);
        }
        if (!st->layout_read) {
                row(w, y++, _("Booted layer"), _("reading the layout..."), TUI_STYLE_NORMAL);
        } else if (st->layout_error.code) {
                row(w, y++, _("Layout"), _("cannot be read:"), TUI_STYLE_ERROR);
                /* The sentence from lib, as it is: it says what is wrong. */
                y += tui_put_wrapped(w, y, 2 + LABEL_WIDTH, getmaxx(w) - 3 - LABEL_WIDTH, 4,
                                     st->layout_error.message, TUI_STYLE_NORMAL);
        } else {
                row(w, y++, _("Volume group"), st->vg, TUI_STYLE_NORMAL);
                row(w, y++, _("Booted layer"), st->booted[0] ? st->booted : _("not booted from a layer"),
                    st->booted[0] ? TUI_STYLE_NORMAL : TUI_STYLE_WARNING);
                if (st->booted_nvr[0])
                        row(w, y++, _("Image"), st->booted_nvr, TUI_STYLE_NORMAL);
                if (st->boot_default[0] && !streq(st->boot_default, st->booted))
                        row(w, y++, _("Boot default"), st->boot_default, TUI_STYLE_WARNING);
                if (st->pool_known) {
                        snprintf(buf, sizeof buf, _("data %.1f%%, metadata %.1f%%"), st->data_percent,
                                 st->metadata_percent);
                        double worst = st->data_percent > st->metadata_percent ? st->data_percent
                                                                               : st->metadata_percent;
                        row(w, y++, _("Thin pool"), buf, usage_style(worst));
                }
        }
        if (!st->vms_read)
                row(w, y++, _("VMs"), _("asking libvirt..."), TUI_STYLE_NORMAL);
        else if (!st->vms_reachable && st->vms_error.code == -ENOTCONN)
                row(w, y++, _("VMs"), _("libvirt not reachable"), TUI_STYLE_WARNING);
        else if (!st->vms_reachable) {
                /* nodectl missing or talking nonsense: lib's sentence names it */
                tui_put(w, y, 2, LABEL_WIDTH, _("VMs"), TUI_STYLE_LABEL);
                y += tui_put_wrapped(w, y, 2 + LABEL_WIDTH, getmaxx(w) - 3 - LABEL_WIDTH, 2, st->vms_error.message,
                                     TUI_STYLE_WARNING);
        } else {
                format_vms(st, getmaxx(w) - 3 - LABEL_WIDTH, buf, sizeof buf);
                row(w, y++, _("VMs"), buf, TUI_STYLE_NORMAL);
        }
        y++;

        if (st->system_known) {
                format_uptime(st->uptime_seconds, buf, sizeof buf);
                row(w, y++, _("Uptime"), buf, TUI_STYLE_NORMAL);
                snprintf(buf, sizeof buf, "%.2f %.2f %.2f", st->load[0], st->load[1], st->load[2]);
                row(w, y++, _("Load"), buf, TUI_STYLE_NORMAL);
                char used[32], total[32];
                unsigned long long used_kib = st->mem_total_kib - st->mem_available_kib;
                snprintf(buf, sizeof buf, _("%s used of %s"),
                         screen_format_bytes(used_kib * 1024, used, sizeof used),
                         screen_format_bytes(st->mem_total_kib * 1024, total, sizeof total));
                row(w, y++, _("Memory"), buf, TUI_STYLE_NORMAL);
        }
}

static bool status_key(struct tui_screen *s, wint_t key, bool function_key) {
        /* F2 as on the old node; '!' where there are no function keys */
        if ((function_key && key == KEY_F(2)) || (!function_key && key == '!'))
                return screen_rescue_shell(s->app) >= 0;
        if (function_key)
                return false;
        if (key == 'm' || key == 'M') {
                tui_push(s->app, &menu_screen_ops, NULL);
                return true;
        }
        /* 's' is this screen itself */
        if (key != 's' && key != 'S' && screen_open_by_key(s->app, key))
                return true;
        if (key == '?' || key == 'h' || key == 'H') {
                tui_push(s->app, &help_screen_ops, NULL);
                return true;
        }
        return false;
}

const struct screen_ops status_screen_ops = {
        .name = "status",
        .init = status_init,
        .draw = status_draw,
        .key = status_key,
        .tick = status_tick,
        .tick_ms = STATUS_TICK_MS,
        .free = status_free,
};
