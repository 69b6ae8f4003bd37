/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "health.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "lock.h"
#include "lvm.h"
#include "nvr.h"
#include "spawn.h"
#include "util.h"

/* lvm's own default when lvm.conf does not set the threshold: autoextension off. */
#define LVM_DEFAULT_AUTOEXTEND_THRESHOLD 100

const char *node_health_status_name(enum node_health_status status) {
        switch (status) {
        case NODE_HEALTH_OK: return "OK";
        case NODE_HEALTH_WARN: return "WARN";
        case NODE_HEALTH_FAILED: return "FAILED";
        }
        return "?";
}

void node_health_report_free(struct node_health_report *report) {
        free(report->items);
        free(report->leftovers);
        *report = (struct node_health_report){0};
}

/* ---- building the report ------------------------------------------------- */

struct verdict {
        struct node_health_report *r;
        size_t cap_items, cap_leftovers;
        size_t check_start;     /* first item of the check being made */
        bool nomem;
};

/* Makes room for one more element in *v (n used of *cap). */
static bool grow(void **v, size_t *cap, size_t n, size_t size) {
        if (n < *cap)
                return true;
        size_t more = *cap ? 2 * *cap : 8;
        void *grown = realloc(*v, more * size);
        if (!grown)
                return false;
        *v = grown;
        *cap = more;
        return true;
}

static void add(struct verdict *v, const char *check, enum node_health_status status, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void add(struct verdict *v, const char *check, enum node_health_status status, const char *fmt, ...) {
        struct node_health_report *r = v->r;
        if (!grow((void **)&r->items, &v->cap_items, r->n_items, sizeof *r->items)) {
                v->nomem = true;
                return;
        }
        struct node_health_item *it = &r->items[r->n_items++];
        snprintf(it->check, sizeof it->check, "%s", check);
        it->status = status;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(it->message, sizeof it->message, fmt, ap);
        va_end(ap);
        if (status > r->status)
                r->status = status;
}

static void begin(struct verdict *v) {
        v->check_start = v->r->n_items;
}

/* Whether the current check has said anything yet (else it adds its OK). */
static bool quiet(const struct verdict *v) {
        return v->r->n_items == v->check_start;
}

static bool has_leftover(const struct node_health_report *r, const char *name, enum node_leftover_kind kind) {
        for (size_t i = 0; i < r->n_leftovers; i++)
                if (r->leftovers[i].kind == kind && streq(r->leftovers[i].name, name))
                        return true;
        return false;
}

static void add_leftover(struct verdict *v, enum node_leftover_kind kind, const char *name) {
        struct node_health_report *r = v->r;
        if (has_leftover(r, name, kind))
                return;
        if (!grow((void **)&r->leftovers, &v->cap_leftovers, r->n_leftovers, sizeof *r->leftovers)) {
                v->nomem = true;
                return;
        }
        struct node_leftover *lo = &r->leftovers[r->n_leftovers++];
        lo->kind = kind;
        snprintf(lo->name, sizeof lo->name, "%s", name);
}

/* ---- looking things up in the layout ------------------------------------- */

static bool is_partial(const struct node_lv *lv) {
        return lv->tags && node_lvm_tags_have(lv->tags, NODE_TAG_PARTIAL);
}

/* Any LV of the layout by name (bases, layers, volumes, init, others). */
static const struct node_lv *lv_by_name(const struct node_layout *l, const char *name) {
        for (size_t i = 0; i < l->n_bases; i++) {
                const struct node_base *b = &l->bases[i];
                if (!b->missing && streq(b->lv.name, name))
                        return &b->lv;
                for (size_t k = 0; k < b->n_layers; k++)
                        if (streq(b->layers[k].lv.name, name))
                                return &b->layers[k].lv;
        }
        for (size_t i = 0; i < l->n_volumes; i++)
                if (streq(l->volumes[i].name, name))
                        return &l->volumes[i];
        if (l->init_lv && streq(l->init_lv->name, name))
                return l->init_lv;
        for (size_t i = 0; i < l->n_others; i++)
                if (streq(l->others[i].name, name))
                        return &l->others[i];
        return NULL;
}

static const struct node_layer *layer_by_name(const struct node_layout *l, const char *name) {
        return node_layout_find_layer(l, name);
}

static bool same(const char *a, const char *b) {
        return a && b && streq(a, b);
}

/* A layer that the node runs or boots next: never a leftover. */
static bool in_use(const struct node_health_facts *f, const char *name) {
        const struct node_layer *y = layer_by_name(f->layout, name);
        return (y && (y->booted || y->boot_default)) || same(f->cmdline_bootid, name) || same(f->default_layer, name);
}

/* ---- the checks ------------------------------------------------------------ */

static void check_layout(struct verdict *v, const struct node_health_facts *f) {
        const struct node_layout *l = f->layout;
        size_t n_bases = 0, n_layers = 0;
        begin(v);
        for (size_t i = 0; i < l->n_bases; i++) {
                const struct node_base *b = &l->bases[i];
                n_layers += b->n_layers;
                if (b->missing) {
                        add(v, "layout", NODE_HEALTH_WARN,
                            _("Base %s no longer exists, but %zu of its layers do (they still boot)."), b->lv.name,
                            b->n_layers);
                        continue;
                }
                n_bases++;
                if (!b->lv.read_only && !is_partial(&b->lv))
                        add(v, "layout", NODE_HEALTH_WARN,
                            _("Base %s is writable; a base must stay read-only to remain the image it was."),
                            b->lv.name);
                for (size_t k = 0; k < b->n_layers; k++) {
                        const struct node_lv *y = &b->layers[k].lv;
                        if (y->origin && *y->origin && !streq(y->origin, b->lv.name))
                                add(v, "layout", NODE_HEALTH_WARN,
                                    _("Layer %s is named after base %s but is a snapshot of %s."), y->name,
                                    b->lv.name, y->origin);
                }
        }
        for (size_t i = 0; i < l->n_others; i++) {
                const struct node_lv *o = &l->others[i];
                if (o->kind == NODE_LV_LAYER)
                        add(v, "layout", NODE_HEALTH_WARN,
                            _("LV %s is tagged imgbased:layer, but its name is not NVR+N."), o->name);
                else if (o->kind == NODE_LV_INIT)
                        add(v, "layout", NODE_HEALTH_WARN, _("LV %s is a second LV tagged imgbased:init."), o->name);
                else if (o->kind == NODE_LV_OTHER && !is_partial(o) &&
                         node_layer_name_parse(o->name, NULL, 0, NULL, NULL) == 0)
                        add(v, "layout", NODE_HEALTH_WARN,
                            _("LV %s is named like a layer but has no imgbased:layer tag, so it is not used as one."),
                            o->name);
        }
        if (n_layers == 0)
                add(v, "layout", NODE_HEALTH_FAILED, _("Volume group %s has no layer to boot."), l->vg);
        if (quiet(v))
                add(v, "layout", NODE_HEALTH_OK,
                    _("Volume group %s has %zu bases and %zu layers; their tags and names agree."), l->vg, n_bases,
                    n_layers);
}

static void check_booted(struct verdict *v, const struct node_health_facts *f) {
        const struct node_layout *l = f->layout;
        if (l->booted)
                add(v, "booted", NODE_HEALTH_OK, _("The node runs layer %s."), l->booted->lv.name);
        else if (f->cmdline_bootid)
                add(v, "booted", NODE_HEALTH_FAILED,
                    _("The kernel was started for layer %s (img.bootid), which volume group %s does not have."),
                    f->cmdline_bootid, l->vg);
        else
                add(v, "booted", NODE_HEALTH_WARN,
                    _("The node does not run from a layer of volume group %s (no img.bootid, and / is none of its "
                      "layers)."),
                    l->vg);
}

static bool layer_has_entry(const struct node_health_facts *f, const char *layer) {
        for (size_t i = 0; i < f->n_entries; i++)
                if (same(f->entries[i].layer, layer))
                        return true;
        return false;
}

static void check_boot_entries(struct verdict *v, const struct node_health_facts *f) {
        const struct node_layout *l = f->layout;
        begin(v);
        if (f->entries_error) {
                add(v, "boot-entries", NODE_HEALTH_WARN, "%s", f->entries_error);
                return;
        }
        if (f->n_entries == 0) {
                add(v, "boot-entries", NODE_HEALTH_WARN,
                    _("There are no boot entries in /boot/loader/entries, /boot/efi/loader/entries or "
                      "/efi/loader/entries."));
                return;
        }
        for (size_t i = 0; i < l->n_bases; i++)
                for (size_t k = 0; k < l->bases[i].n_layers; k++) {
                        const struct node_layer *y = &l->bases[i].layers[k];
                        if (!is_partial(&y->lv) && !layer_has_entry(f, y->lv.name))
                                add(v, "boot-entries", NODE_HEALTH_WARN,
                                    _("Layer %s has no boot entry, so it cannot be booted."), y->lv.name);
                }
        for (size_t i = 0; i < f->n_entries; i++) {
                const char *layer = f->entries[i].layer;
                if (layer && !node_lv_name_valid(layer))
                        add(v, "boot-entries", NODE_HEALTH_WARN,
                            _("Boot entry %s names layer \"%.64s\", which cannot be an LV name."), f->entries[i].id,
                            layer);
        }
        if (f->default_layer) {
                const struct node_lv *lv = lv_by_name(l, f->default_layer);
                if (!lv)
                        add(v, "boot-entries", NODE_HEALTH_FAILED,
                            _("The default boot entry starts layer %s, which does not exist; choose another with "
                              "nodectl boot --set-default."),
                            f->default_layer);
                else if (is_partial(lv))
                        add(v, "boot-entries", NODE_HEALTH_FAILED,
                            _("The default boot entry starts layer %s, an unfinished upgrade (tagged %s)."),
                            f->default_layer, NODE_TAG_PARTIAL);
        }
        if (quiet(v))
                add(v, "boot-entries", NODE_HEALTH_OK, _("Every layer has a boot entry (%zu entries)."), f->n_entries);
}

static void check_pool(struct verdict *v, const struct node_health_facts *f) {
        const struct node_pool *p = &f->layout->pool;
        if (!p->name || !*p->name) {
                add(v, "pool", NODE_HEALTH_FAILED, _("Volume group %s has no thin pool."), f->layout->vg);
                return;
        }
        if (!p->active || p->data_percent < 0 || p->metadata_percent < 0) {
                add(v, "pool", NODE_HEALTH_WARN, _("The use of thin pool %s is unknown: it is not active."), p->name);
                return;
        }
        double worst = p->data_percent > p->metadata_percent ? p->data_percent : p->metadata_percent;
        if (p->full || worst >= NODE_HEALTH_POOL_FAIL_PERCENT)
                add(v, "pool", NODE_HEALTH_FAILED,
                    _("Thin pool %s is nearly or completely full (data %.1f%%, metadata %.1f%%): writes to every "
                      "layer and volume are at risk; extend it now."),
                    p->name, p->data_percent, p->metadata_percent);
        else if (worst >= NODE_HEALTH_POOL_WARN_PERCENT)
                add(v, "pool", NODE_HEALTH_WARN,
                    _("Thin pool %s is above %.0f%% (data %.1f%%, metadata %.1f%%); extend it or remove old layers "
                      "before the next upgrade."),
                    p->name, NODE_HEALTH_POOL_WARN_PERCENT, p->data_percent, p->metadata_percent);
        else
                add(v, "pool", NODE_HEALTH_OK, _("Thin pool %s uses %.1f%% of its data and %.1f%% of its metadata."),
                    p->name, p->data_percent, p->metadata_percent);
}

static void check_autoextend(struct verdict *v, const struct node_health_facts *f) {
        const struct node_layout *l = f->layout;
        int t = f->autoextend_threshold;
        if (t < 0)
                add(v, "autoextend", NODE_HEALTH_WARN, "%s",
                    f->autoextend_error ? f->autoextend_error
                                        : _("Cannot read activation/thin_pool_autoextend_threshold from lvm."));
        else if (t >= 100)
                add(v, "autoextend", NODE_HEALTH_WARN,
                    _("The thin pool never extends itself (activation/thin_pool_autoextend_threshold is %d); set it "
                      "below 100 in lvm.conf so a filling pool grows instead of stopping every layer."),
                    t);
        else if (l->vg_free_bytes == 0)
                add(v, "autoextend", NODE_HEALTH_WARN,
                    _("The thin pool extends itself at %d%% use, but volume group %s has no free space to extend into."),
                    t, l->vg);
        else
                add(v, "autoextend", NODE_HEALTH_OK,
                    _("The thin pool extends itself at %d%% use; volume group %s has %.1f GiB free for it."), t, l->vg,
                    (double)l->vg_free_bytes / (1024.0 * 1024 * 1024));
}

static void check_var(struct verdict *v, const struct node_health_facts *f) {
        const struct node_layout *l = f->layout;
        if (!l->booted && !f->cmdline_bootid) {
                add(v, "var", NODE_HEALTH_WARN,
                    _("The node does not run from one of its layers, so /var is not checked."));
                return;
        }
        if (!f->var_mounted) {
                add(v, "var", NODE_HEALTH_FAILED,
                    _("/var is not a separate mount: it would be rolled back with the layer and lost on upgrade."));
                return;
        }
        for (size_t i = 0; i < l->n_volumes; i++)
                if (l->volumes[i].kernel_major == f->var_major && l->volumes[i].kernel_minor == f->var_minor) {
                        add(v, "var", NODE_HEALTH_OK, _("/var is volume %s, shared by every layer."),
                            l->volumes[i].name);
                        return;
                }
        add(v, "var", NODE_HEALTH_WARN,
            _("/var is mounted from device %d:%d, which is no volume of %s tagged imgbased:volume."), f->var_major,
            f->var_minor, l->vg);
}

static const char *busy_note(const struct node_health_facts *f) {
        return f->lock_busy ? _(" (another operation is running and may still be making it)") : "";
}

/* Boot files of layers that are gone or unfinished; never those of the
 * running or default layer (check_boot_entries speaks of those). */
static void boot_leftover(struct verdict *v, const struct node_health_facts *f, const char *name) {
        if (!name || !node_lv_name_valid(name) || in_use(f, name) || has_leftover(v->r, name, NODE_LEFTOVER_BOOT))
                return;
        const struct node_lv *lv = lv_by_name(f->layout, name);
        if (lv && !is_partial(lv))
                return;
        add_leftover(v, NODE_LEFTOVER_BOOT, name);
        if (lv)
                add(v, "leftovers", NODE_HEALTH_WARN,
                    _("The boot entry and /boot files of layer %s are left from an interrupted upgrade, layer addition "
                      "or removal (the layer is unfinished)%s; nodectl check --repair removes them."),
                    name, busy_note(f));
        else
                add(v, "leftovers", NODE_HEALTH_WARN,
                    _("The boot entry or /boot files of layer %s are left over: the layer does not exist%s; nodectl "
                      "check --repair removes them."),
                    name, busy_note(f));
}

static void lv_leftover(struct verdict *v, const struct node_health_facts *f, const struct node_lv *lv,
                        const char *what) {
        add_leftover(v, NODE_LEFTOVER_LV, lv->name);
        add(v, "leftovers", NODE_HEALTH_WARN,
            _("%s %s is left from an interrupted upgrade, layer addition or removal (tagged %s)%s; nodectl check "
              "--repair removes it."),
            what, lv->name, NODE_TAG_PARTIAL, busy_note(f));
}

static void check_leftovers(struct verdict *v, const struct node_health_facts *f) {
        const struct node_layout *l = f->layout;
        begin(v);
        for (size_t i = 0; i < f->n_entries; i++)
                boot_leftover(v, f, f->entries[i].layer);
        for (size_t i = 0; i < f->n_boot_dirs; i++)
                boot_leftover(v, f, f->boot_dirs[i]);

        for (size_t i = 0; i < l->n_bases; i++)
                for (size_t k = 0; k < l->bases[i].n_layers; k++) {
                        const struct node_layer *y = &l->bases[i].layers[k];
                        if (!is_partial(&y->lv))
                                continue;
                        if (in_use(f, y->lv.name))
                                add(v, "leftovers", NODE_HEALTH_FAILED,
                                    _("Layer %s runs or boots next but is tagged %s (an unfinished upgrade); it is "
                                      "not removed."),
                                    y->lv.name, NODE_TAG_PARTIAL);
                        else
                                lv_leftover(v, f, &y->lv, _("Layer"));
                }
        for (size_t i = 0; i < l->n_bases; i++) {
                const struct node_base *b = &l->bases[i];
                if (b->missing || !is_partial(&b->lv))
                        continue;
                const char *user = NULL;
                for (size_t k = 0; k < b->n_layers && !user; k++)
                        if (!is_partial(&b->layers[k].lv) || in_use(f, b->layers[k].lv.name))
                                user = b->layers[k].lv.name;
                if (user)
                        add(v, "leftovers", NODE_HEALTH_WARN,
                            _("Base %s is tagged %s, but layer %s uses it; it is not removed."), b->lv.name,
                            NODE_TAG_PARTIAL, user);
                else
                        lv_leftover(v, f, &b->lv, _("Base"));
        }
        for (size_t i = 0; i < l->n_others; i++)
                if (is_partial(&l->others[i]))
                        lv_leftover(v, f, &l->others[i], _("LV"));
        if (quiet(v))
                add(v, "leftovers", NODE_HEALTH_OK, _("Nothing is left over from an interrupted upgrade, layer addition or removal."));
}

static void check_services(struct verdict *v, const struct node_health_facts *f) {
        begin(v);
        if (f->services_error) {
                add(v, "services", NODE_HEALTH_WARN, "%s", f->services_error);
                return;
        }
        if (f->n_services == 0) {
                add(v, "services", NODE_HEALTH_OK,
                    _("No services are listed to be checked (health_services in %s)."), NODE_CONFIG_FILE);
                return;
        }
        char names[400] = "";
        for (size_t i = 0; i < f->n_services; i++) {
                size_t len = strlen(names);
                snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", f->services[i]);
        }
        if (!f->service_states) {
                add(v, "services", NODE_HEALTH_WARN, _("systemd is not running here, so %s are not checked."), names);
                return;
        }
        for (size_t i = 0; i < f->n_services; i++)
                if (!streq(f->service_states[i], "active"))
                        add(v, "services", NODE_HEALTH_FAILED, _("Service %s is not running (systemd says %s)."),
                            f->services[i], f->service_states[i]);
        if (quiet(v))
                add(v, "services", NODE_HEALTH_OK, _("Running: %s."), names);
}

int node_health_evaluate(const struct node_health_facts *facts, struct node_health_report *report,
                         struct node_error *e) {
        *report = (struct node_health_report){0};
        struct verdict v = { .r = report };
        check_layout(&v, facts);
        check_booted(&v, facts);
        check_boot_entries(&v, facts);
        check_pool(&v, facts);
        check_autoextend(&v, facts);
        check_var(&v, facts);
        check_leftovers(&v, facts);
        check_services(&v, facts);
        if (v.nomem) {
                node_health_report_free(report);
                return node_error_set(e, ENOMEM, _("Out of memory."));
        }
        return 0;
}

/* ---- gathering the facts --------------------------------------------------- */

struct gathered {
        struct node_health_facts f;
        struct node_layout *layout;
        char *cmdline_bootid, *default_layer;
        struct node_boot_entry *entries;
        struct node_error entries_error, autoextend_error, services_error;
};

static void gathered_free(struct gathered *g) {
        if (g->layout)
                node_layout_free(g->layout);
        free(g->cmdline_bootid);
        free(g->default_layer);
        if (g->entries)
                node_boot_entries_free(g->entries, g->f.n_entries);
        strv_free(g->f.boot_dirs);
        strv_free(g->f.services);
        strv_free(g->f.service_states);
}

static int strv_push(char ***v, size_t *n, const char *s) {
        char **grown = realloc(*v, (*n + 2) * sizeof **v);
        if (!grown)
                return -ENOMEM;
        *v = grown;
        if (!(grown[*n] = strdup(s)))
                return -ENOMEM;
        grown[++*n] = NULL;
        return 0;
}

static bool strv_contains(char **v, const char *s) {
        for (; v && *v; v++)
                if (streq(*v, s))
                        return true;
        return false;
}

/* Directories named NVR+N in the places boot.h keeps a layer's kernel files. */
static int find_boot_dirs(const struct node_context *ctx, struct node_health_facts *f) {
        static const char *const places[] = { "/boot", "/boot/efi", "/efi" };
        for (size_t i = 0; i < ELEMENTSOF(places); i++) {
                char path[PATH_MAX];
                _cleanup_closedir_ DIR *d = opendir(node_context_path(ctx, places[i], path, sizeof path));
                if (!d)
                        continue;
                struct dirent *de;
                while ((de = readdir(d))) {
                        struct stat st;
                        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode) ||
                            node_layer_name_parse(de->d_name, NULL, 0, NULL, NULL) < 0 ||
                            strv_contains(f->boot_dirs, de->d_name))
                                continue;
                        if (strv_push(&f->boot_dirs, &f->n_boot_dirs, de->d_name) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

/* The device mounted on /var (the last mount there hides the others). */
static void find_var_mount(const struct node_context *ctx, struct node_health_facts *f) {
        int major, minor;
        if (node_mounted_device(ctx, "/var", &major, &minor)) {
                f->var_mounted = true;
                f->var_major = major;
                f->var_minor = minor;
        }
}

/* lvm.conf's threshold as `lvmconfig --type current` says it; a key lvm.conf
 * does not set means lvm's default (100: off). */
static void find_autoextend(const struct node_context *ctx, struct gathered *g) {
        const char *argv[] = { node_context_lvm(ctx), "lvmconfig", "--type", "current",
                               "activation/thin_pool_autoextend_threshold", NULL };
        struct node_spawn_result res = {0};
        g->f.autoextend_threshold = -1;
        if (node_spawn(argv, NULL, &res, &g->autoextend_error) < 0) {
                node_error_prefix(&g->autoextend_error, "%s", _("Cannot read lvm's autoextend setting: "));
                g->f.autoextend_error = g->autoextend_error.message;
                node_spawn_result_free(&res);
                return;
        }
        const char *eq = res.out ? strchr(res.out, '=') : NULL;
        char *end = NULL;
        long t = eq ? strtol(eq + 1, &end, 10) : -1;
        if (res.exit_code == 0 && eq && end != eq + 1 && t >= 0 && t <= 100)
                g->f.autoextend_threshold = (int)t;
        else if (res.err && strstr(res.err, "not found"))
                g->f.autoextend_threshold = LVM_DEFAULT_AUTOEXTEND_THRESHOLD;
        else {
                char line[512];
                node_error_set(&g->autoextend_error, EIO,
                               _("lvmconfig could not read activation/thin_pool_autoextend_threshold: %s"),
                               *node_spawn_last_error_line(&res, line, sizeof line) ? line : _("no answer."));
                g->f.autoextend_error = g->autoextend_error.message;
        }
        node_spawn_result_free(&res);
}

static bool unit_name_valid(const char *s) {
        if (!*s || *s == '-' || strlen(s) > 255)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && !strchr("@._:-\\", *s))
                        return false;
        return true;
}

/* health_services = UNIT... lines of the config file (all of them add up). */
static int read_services(const struct node_context *ctx, struct gathered *g) {
        char path[PATH_MAX];
        node_context_path(ctx, NODE_CONFIG_FILE, path, sizeof path);
        _cleanup_fclose_ FILE *in = fopen(path, "re");
        if (!in) {
                if (errno != ENOENT) {
                        node_error_set(&g->services_error, errno, _("Cannot read %s: %m."), path);
                        g->f.services_error = g->services_error.message;
                }
                return 0;
        }
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        for (unsigned lineno = 1; getline(&line, &size, in) > 0; lineno++) {
                char *p = line + strspn(line, " \t");
                if (!startswith(p, "health_services"))
                        continue;
                p += strlen("health_services");
                p += strspn(p, " \t");
                if (*p != '=')
                        continue;
                char *save = NULL;
                for (char *w = strtok_r(p + 1, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
                        if (!unit_name_valid(w)) {
                                node_error_set(&g->services_error, EINVAL,
                                               _("%s line %u: \"%.64s\" is not a systemd unit name."), path, lineno, w);
                                g->f.services_error = g->services_error.message;
                                return 0;
                        }
                        if (!strv_contains(g->f.services, w) && strv_push(&g->f.services, &g->f.n_services, w) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

/* One `systemctl is-active` for every service; NULL states when systemd does
 * not run (sd_booted()'s test). */
static int service_states(const struct node_context *ctx, struct gathered *g) {
        char path[PATH_MAX];
        struct stat st;
        if (g->f.n_services == 0 ||
            stat(node_context_path(ctx, "/run/systemd/system", path, sizeof path), &st) < 0 || !S_ISDIR(st.st_mode))
                return 0;
        _cleanup_free_ const char **argv = calloc(g->f.n_services + 4, sizeof *argv);
        if (!argv)
                return -ENOMEM;
        size_t n = 0;
        argv[n++] = "systemctl";
        argv[n++] = "is-active";
        argv[n++] = "--";
        for (size_t i = 0; i < g->f.n_services; i++)
                argv[n++] = g->f.services[i];
        struct node_spawn_result res = {0};
        int r = node_spawn(argv, NULL, &res, NULL);
        size_t n_states = 0;
        char *save = NULL;
        char *text = r == 0 ? res.out : NULL;
        for (char *w = text ? strtok_r(text, "\n", &save) : NULL; w && n_states < g->f.n_services && r >= 0;
             w = strtok_r(NULL, "\n", &save))
                r = strv_push(&g->f.service_states, &n_states, w);
        node_spawn_result_free(&res);
        /* systemctl that could not run or answered short */
        while (n_states < g->f.n_services && r != -ENOMEM)
                if (strv_push(&g->f.service_states, &n_states, "unknown") < 0)
                        return -ENOMEM;
        return r == -ENOMEM ? r : 0;
}

static int gather(const struct node_context *ctx, bool lock_held, struct gathered *g, struct node_error *e) {
        int r = node_layout_read(ctx, &g->layout, e);
        if (r < 0)
                return r;
        g->f.layout = g->layout;

        char value[NODE_BOOT_ID_MAX];
        if (node_boot_running_id(ctx, value, sizeof value))
                g->f.cmdline_bootid = g->cmdline_bootid = strdup(value);
        if (node_boot_entries(ctx, &g->entries, &g->f.n_entries, &g->entries_error) < 0) {
                g->entries = NULL;
                g->f.n_entries = 0;
                g->f.entries_error = g->entries_error.message;
        }
        g->f.entries = g->entries;
        if (node_boot_default_layer(ctx, value, sizeof value, NULL) == 0)
                g->f.default_layer = g->default_layer = strdup(value);
        if (find_boot_dirs(ctx, &g->f) < 0)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        find_var_mount(ctx, &g->f);
        find_autoextend(ctx, g);
        if (read_services(ctx, g) < 0 || service_states(ctx, g) < 0)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        if (!lock_held) {
                struct node_lock lock = NODE_LOCK_INIT;
                g->f.lock_busy = node_lock_acquire(ctx, &lock, NULL) == -EBUSY;
                node_lock_release(&lock);
        }
        return 0;
}

int node_health_check(const struct node_context *ctx, bool lock_held, struct node_health_report *report,
                      struct node_error *e) {
        *report = (struct node_health_report){0};
        struct gathered g = {0};
        int r = gather(ctx, lock_held, &g, e);
        if (r >= 0)
                r = node_health_evaluate(&g.f, report, e);
        gathered_free(&g);
        return r;
}

/* ---- repair ---------------------------------------------------------------- */

int node_health_repair(const struct node_context *ctx, const struct node_health_report *report,
                       struct node_leftover *removed, size_t *n_removed, struct node_error *e) {
        *n_removed = 0;
        _cleanup_layout_ struct node_layout *l = NULL;
        int r = node_layout_read(ctx, &l, e);
        if (r < 0)
                return r;
        char bootid[NODE_BOOT_ID_MAX] = "", default_layer[NODE_BOOT_ID_MAX] = "";
        if (!node_boot_running_id(ctx, bootid, sizeof bootid))
                bootid[0] = '\0';
        node_boot_default_layer(ctx, default_layer, sizeof default_layer, NULL);

        for (size_t i = 0; i < report->n_leftovers; i++) {
                const struct node_leftover *lo = &report->leftovers[i];
                const struct node_lv *lv = lv_by_name(l, lo->name);
                const struct node_layer *y = layer_by_name(l, lo->name);
                /* what runs or boots next is never touched, whatever the report said */
                if (streq(lo->name, bootid) || streq(lo->name, default_layer) || (y && (y->booted || y->boot_default)))
                        continue;
                if (lo->kind == NODE_LEFTOVER_BOOT) {
                        if (lv && !is_partial(lv))
                                continue;
                        if ((r = node_boot_entry_remove(ctx, lo->name, e)) < 0)
                                return r;
                } else {
                        if (!lv || !is_partial(lv))
                                continue;
                        if ((r = node_lvm_remove(ctx, l->vg, lo->name, e)) < 0)
                                return r;
                }
                removed[(*n_removed)++] = *lo;
        }
        return 0;
}

/* ---- the boot's verdict --------------------------------------------------- */

/* Appends to a malloc'ed string; false (and *text freed) when out of memory. */
static bool append_text(char **text, size_t *len, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        char *piece = NULL;
        int n = vasprintf(&piece, fmt, ap);
        va_end(ap);
        char *grown = n < 0 ? NULL : realloc(*text, *len + (size_t)n + 1);
        if (!grown) {
                free(piece);
                free(*text);
                *text = NULL;
                return false;
        }
        memcpy(grown + *len, piece, (size_t)n + 1);
        free(piece);
        *text = grown;
        *len += (size_t)n;
        return true;
}

char *node_health_record_text(const struct node_health_report *report) {
        if (report->status == NODE_HEALTH_OK)
                return NULL;
        char *text = NULL;
        size_t len = 0;
        bool first = true;
        for (size_t i = 0; i < report->n_items; i++) {
                if (report->items[i].status != report->status)
                        continue;
                if (!append_text(&text, &len, "%s%s", first ? "" : " ", report->items[i].message))
                        return NULL;
                first = false;
        }
        if (!append_text(&text, &len, "\n"))
                return NULL;
        for (size_t i = 0; i < report->n_items; i++)
                if (report->items[i].status != NODE_HEALTH_OK &&
                    !append_text(&text, &len, "%s %s: %s\n", node_health_status_name(report->items[i].status),
                                 report->items[i].check, report->items[i].message))
                        return NULL;
        return text;
}

int node_health_record_boot(const struct node_context *ctx, const struct node_health_report *report, char *layer,
                            struct node_error *e) {
        if (!node_boot_running_id(ctx, layer, NODE_BOOT_ID_MAX)) {
                /* booted without img.bootid= (by hand, or straight from the kernel): the layer mounted on / */
                _cleanup_layout_ struct node_layout *l = NULL;
                if (node_layout_read(ctx, &l, NULL) < 0 || !l->booted)
                        return node_error_set(e, ENOENT,
                                              _("This boot runs no layer (no img.bootid= on the kernel command line, "
                                                "no layer mounted on /), so its health cannot be recorded."));
                snprintf(layer, NODE_BOOT_ID_MAX, "%s", l->booted->lv.name);
        }
        _cleanup_free_ char *text = node_health_record_text(report);
        if (report->status != NODE_HEALTH_OK && !text)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        int r = node_boot_health_record_write(ctx, layer, text, e);
        if (r < 0 || report->status == NODE_HEALTH_FAILED)
                return r;
        return node_boot_mark_good(ctx, e);
}
