/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "layout.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "boot.h"
#include "dm.h"
#include "i18n.h"
#include "nvr.h"
#include "spawn.h"
#include "util.h"

const char *const NODE_LVS_FIELDS =
        "vg_name,vg_tags,vg_size,vg_free,lv_name,lv_tags,lv_size,lv_attr,origin,pool_lv,"
        "data_percent,metadata_percent,lv_metadata_size,lv_time,lv_active,lv_permissions,"
        "lv_skip_activation,lv_kernel_major,lv_kernel_minor,lv_path";

/* What went wrong in lvs' report, for the one sentence the admin gets. */
struct report_problem {
        char detail[512];
};

static void set_problem(struct report_problem *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_problem(struct report_problem *p, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->detail, sizeof p->detail, fmt, ap);
        va_end(ap);
}

/* Records what is wrong and is false, for "return problem(...)".  A macro, so
 * static analysers (which do not follow variadic calls) see the false and do
 * not assume the caller's out-parameters were filled. */
#define problem(p, ...) ({ set_problem((p), __VA_ARGS__); false; })

static int report_error(struct node_error *e, const struct report_problem *p) {
        return node_error_set(e, EBADMSG, _("lvm printed a report that cannot be read: %s."), p->detail);
}

static void json_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}

static bool has_tag(const char *tags, const char *tag) {
        size_t len = strlen(tag);
        for (const char *p = tags; p && *p;) {
                const char *comma = strchr(p, ',');
                size_t item = comma ? (size_t)(comma - p) : strlen(p);
                if (item == len && strncmp(p, tag, len) == 0)
                        return true;
                p = comma ? comma + 1 : NULL;
        }
        return false;
}

/* ---- reading one row ---------------------------------------------------- */

static bool row_field(json_object *row, const char *key, json_object **value, struct report_problem *p) {
        if (!json_object_object_get_ex(row, key, value) || !*value)
                return problem(p, _("a row has no field %s"), key);
        return true;
}

static bool row_string(json_object *row, const char *key, const char **out, struct report_problem *p) {
        json_object *v;
        if (!row_field(row, key, &v, p))
                return false;
        if (!json_object_is_type(v, json_type_string))
                return problem(p, _("the field %s is not text"), key);
        *out = json_object_get_string(v);
        return true;
}

/* lvm's "json" format quotes every number; "json_std" (lvm 2.03.17+) does
 * not.  Both are read, so a newer default does not break nodectl. */
static bool row_u64(json_object *row, const char *key, bool empty_is_zero, uint64_t *out,
                    struct report_problem *p) {
        json_object *v;
        if (!row_field(row, key, &v, p))
                return false;
        if (json_object_is_type(v, json_type_int)) {
                int64_t n = json_object_get_int64(v);
                if (n < 0 || n == INT64_MAX)
                        return problem(p, _("the field %s holds %s, not a size"), key, json_object_to_json_string(v));
                *out = (uint64_t)n;
                return true;
        }
        if (!json_object_is_type(v, json_type_string))
                return problem(p, _("the field %s is not a number"), key);
        const char *text = json_object_get_string(v);
        if (*text == '\0' && empty_is_zero) {
                *out = 0;
                return true;
        }
        uint64_t n = 0;
        if (*text == '\0')
                return problem(p, _("the field %s is empty"), key);
        for (const char *c = text; *c; c++) {
                if (*c < '0' || *c > '9')
                        return problem(p, _("the field %s holds \"%.40s\", not a size in bytes"), key, text);
                unsigned digit = (unsigned)(*c - '0');
                if (n > (UINT64_MAX - digit) / 10)
                        return problem(p, _("the field %s holds a number too large (%.40s)"), key, text);
                n = n * 10 + digit;
        }
        *out = n;
        return true;
}

/* A percentage; "" (unknown, e.g. an inactive LV) reads as -1. */
static bool row_percent(json_object *row, const char *key, double *out, struct report_problem *p) {
        json_object *v;
        if (!row_field(row, key, &v, p))
                return false;
        double value;
        if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) {
                value = json_object_get_double(v);
        } else if (json_object_is_type(v, json_type_string)) {
                const char *text = json_object_get_string(v);
                if (*text == '\0') {
                        *out = -1;
                        return true;
                }
                char *end;
                errno = 0;
                value = strtod(text, &end);
                if (errno != 0 || end == text || *end != '\0' || (*text < '0' || *text > '9'))
                        return problem(p, _("the field %s holds \"%.40s\", not a percentage"), key, text);
        } else {
                return problem(p, _("the field %s is not a percentage"), key);
        }
        if (!isfinite(value) || value < 0 || value > 1000)
                return problem(p, _("the field %s holds an impossible percentage"), key);
        *out = value;
        return true;
}

static bool row_kernel_number(json_object *row, const char *key, int *out, struct report_problem *p) {
        json_object *v;
        if (!row_field(row, key, &v, p))
                return false;
        long long value;
        if (json_object_is_type(v, json_type_int)) {
                value = json_object_get_int64(v);
        } else if (json_object_is_type(v, json_type_string)) {
                const char *text = json_object_get_string(v);
                char *end;
                errno = 0;
                value = strtoll(text, &end, 10);
                if (errno != 0 || end == text || *end != '\0' || (*text != '-' && (*text < '0' || *text > '9')))
                        return problem(p, _("the field %s holds \"%.40s\", not a device number"), key, text);
        } else {
                return problem(p, _("the field %s is not a device number"), key);
        }
        if (value < -1 || value > INT_MAX)
                return problem(p, _("the field %s holds an impossible device number"), key);
        *out = (int)value;
        return true;
}

/* Binary columns are "" / "skip activation" in "json", 0 / 1 in "json_std". */
static bool row_flag(json_object *row, const char *key, bool *out, struct report_problem *p) {
        json_object *v;
        if (!row_field(row, key, &v, p))
                return false;
        if (json_object_is_type(v, json_type_int))
                *out = json_object_get_int64(v) != 0;
        else if (json_object_is_type(v, json_type_string))
                *out = json_object_get_string(v)[0] != '\0';
        else
                return problem(p, _("the field %s is neither text nor a number"), key);
        return true;
}

static void lv_clear(struct node_lv *lv) {
        free(lv->name);
        free(lv->tags);
        free(lv->origin);
        free(lv->pool);
        free(lv->time);
        free(lv->path);
        *lv = (struct node_lv){ 0 };
}

static bool dup_all(struct node_lv *lv, const char *name, const char *tags, const char *origin, const char *pool,
                    const char *time, const char *path) {
        lv->name = strdup(name);
        lv->tags = strdup(tags);
        lv->origin = strdup(origin);
        lv->pool = strdup(pool);
        lv->time = strdup(time);
        lv->path = strdup(path);
        return lv->name && lv->tags && lv->origin && lv->pool && lv->time && lv->path;
}

/* Fills lv from a row; also the pool figures, which only pools have. */
static int lv_from_row(json_object *row, struct node_lv *lv, char attr[11], uint64_t *metadata_size,
                       double *metadata_percent, struct report_problem *p) {
        const char *name = NULL, *tags = NULL, *attr_text = NULL, *origin = NULL, *pool = NULL, *time = NULL,
                   *active = NULL, *permissions = NULL, *path = NULL;
        bool skip = false;

        if (!row_string(row, "lv_name", &name, p) || !row_string(row, "lv_tags", &tags, p) ||
            !row_string(row, "lv_attr", &attr_text, p) || !row_string(row, "origin", &origin, p) ||
            !row_string(row, "pool_lv", &pool, p) || !row_string(row, "lv_time", &time, p) ||
            !row_string(row, "lv_active", &active, p) || !row_string(row, "lv_permissions", &permissions, p) ||
            !row_string(row, "lv_path", &path, p) || !row_flag(row, "lv_skip_activation", &skip, p) ||
            !row_u64(row, "lv_size", false, &lv->size_bytes, p) ||
            !row_u64(row, "lv_metadata_size", true, metadata_size, p) ||
            !row_percent(row, "data_percent", &lv->data_percent, p) ||
            !row_percent(row, "metadata_percent", metadata_percent, p) ||
            !row_kernel_number(row, "lv_kernel_major", &lv->kernel_major, p) ||
            !row_kernel_number(row, "lv_kernel_minor", &lv->kernel_minor, p))
                return -EBADMSG;
        if (name[0] == '\0')
                return problem(p, _("a logical volume has no name")), -EBADMSG;
        if (strlen(attr_text) != 10)
                return problem(p, _("the attributes of %.130s are \"%.20s\", not 10 characters"), name, attr_text),
                       -EBADMSG;
        memcpy(attr, attr_text, 11);

        if (!dup_all(lv, name, tags, origin, pool, time, path))
                return -ENOMEM;
        lv->active = active[0] != '\0';
        lv->activation_skip = skip;
        /* an inactive thin snapshot reports "unknown" permissions; its
         * attributes still know */
        if (streq(permissions, "unknown"))
                lv->read_only = attr[1] == 'r' || attr[1] == 'R';
        else
                lv->read_only = startswith(permissions, "read-only");
        return 0;
}

/* ---- the layout ------------------------------------------------------------ */

static void base_clear(struct node_base *base) {
        for (size_t i = 0; i < base->n_layers; i++) {
                lv_clear(&base->layers[i].lv);
                free(base->layers[i].nvr);
        }
        free(base->layers);
        lv_clear(&base->lv);
        free(base->nvr);
}

void node_layout_free(struct node_layout *l) {
        if (!l)
                return;
        free(l->vg);
        free(l->pool.name);
        for (size_t i = 0; i < l->n_bases; i++)
                base_clear(&l->bases[i]);
        free(l->bases);
        for (size_t i = 0; i < l->n_volumes; i++)
                lv_clear(&l->volumes[i]);
        free(l->volumes);
        if (l->init_lv) {
                lv_clear(l->init_lv);
                free(l->init_lv);
        }
        for (size_t i = 0; i < l->n_others; i++)
                lv_clear(&l->others[i]);
        free(l->others);
        free(l);
}

/* Grows *array by one zeroed element of elem_size; NULL when out of memory. */
static void *append_element(void **array, size_t *n, size_t elem_size) {
        void *grown = realloc(*array, (*n + 1) * elem_size);
        if (!grown)
                return NULL;
        *array = grown;
        void *slot = (char *)grown + *n * elem_size;
        memset(slot, 0, elem_size);
        (*n)++;
        return slot;
}

static struct node_base *base_by_name(struct node_layout *l, const char *name) {
        for (size_t i = 0; i < l->n_bases; i++)
                if (streq(l->bases[i].lv.name, name))
                        return &l->bases[i];
        return NULL;
}

static struct node_base *add_missing_base(struct node_layout *l, const char *nvr) {
        struct node_base *base = append_element((void **)&l->bases, &l->n_bases, sizeof *base);
        if (!base)
                return NULL;
        base->missing = true;
        base->lv.kind = NODE_LV_BASE;
        base->lv.data_percent = -1;
        base->lv.kernel_major = base->lv.kernel_minor = -1;
        base->nvr = strdup(nvr);
        if (!base->nvr || !dup_all(&base->lv, nvr, "", "", "", "", ""))
                return NULL;
        return base;
}

/* Layers waiting for their base: bases are only all known after every row. */
struct pending_layer {
        struct node_layer layer;
        char nvr_from_name[NODE_LV_NAME_MAX + 1];
};

static int attach_layers(struct node_layout *l, struct pending_layer *pending, size_t n_pending) {
        for (size_t i = 0; i < n_pending; i++) {
                struct pending_layer *p = &pending[i];
                /* the origin is what the layer's data was made from; the name
                 * decides only when the origin is gone or not a base */
                struct node_base *base = p->layer.lv.origin[0] ? base_by_name(l, p->layer.lv.origin) : NULL;
                if (!base)
                        base = base_by_name(l, p->nvr_from_name);
                if (!base)
                        base = add_missing_base(l, p->nvr_from_name);
                if (!base)
                        return -ENOMEM;
                p->layer.nvr = strdup(base->nvr);
                if (!p->layer.nvr)
                        return -ENOMEM;
                struct node_layer *slot = append_element((void **)&base->layers, &base->n_layers, sizeof *slot);
                if (!slot) {
                        free(p->layer.nvr);
                        p->layer.nvr = NULL;
                        return -ENOMEM;
                }
                *slot = p->layer;
                p->layer = (struct node_layer){ 0 };
        }
        return 0;
}

static int compare_bases(const void *a, const void *b) {
        const struct node_base *x = a, *y = b;
        return node_nvr_compare(x->nvr, y->nvr);
}

static int compare_layers(const void *a, const void *b) {
        const struct node_layer *x = a, *y = b;
        if (x->number != y->number)
                return x->number < y->number ? -1 : 1;
        return strcmp(x->lv.name, y->lv.name);
}

/* Picks the VG: the one asked for, or the only one tagged imgbased:vg. */
static int choose_vg(json_object *rows, const char *vg, const char **chosen, struct node_error *e) {
        struct report_problem p;
        size_t n = json_object_array_length(rows);
        char tagged[512] = "";
        size_t n_tagged = 0;
        const char *first_tagged = NULL;

        for (size_t i = 0; i < n; i++) {
                json_object *row = json_object_array_get_idx(rows, i);
                const char *name, *tags;
                if (!json_object_is_type(row, json_type_object))
                        return problem(&p, _("a row is not an object")), report_error(e, &p);
                if (!row_string(row, "vg_name", &name, &p) || !row_string(row, "vg_tags", &tags, &p))
                        return report_error(e, &p);
                if (name[0] == '\0')
                        return problem(&p, _("a row has an empty vg_name")), report_error(e, &p);
                if (vg) {
                        if (streq(name, vg)) {
                                if (!has_tag(tags, NODE_TAG_VG))
                                        return node_error_set(e, EMEDIUMTYPE,
                                                              _("Volume group %s is not tagged %s, so it holds no node layout."),
                                                              vg, NODE_TAG_VG);
                                *chosen = name;
                                return 0;
                        }
                        continue;
                }
                if (!has_tag(tags, NODE_TAG_VG) || has_tag(tagged, name))
                        continue;
                if (!first_tagged)
                        first_tagged = name;
                n_tagged++;
                size_t used = strlen(tagged);
                snprintf(tagged + used, sizeof tagged - used, "%s%s", used ? "," : "", name);
        }

        if (vg)
                /* lvs lists a VG only through its LVs */
                return node_error_set(e, EMEDIUMTYPE,
                                      _("Volume group %s has no logical volumes, so it holds no node layout."), vg);
        if (n_tagged == 0)
                return node_error_set(e, ENOENT,
                                      _("No volume group is tagged %s: this machine has no node layout (run nodectl init)."),
                                      NODE_TAG_VG);
        if (n_tagged > 1) {
                char names[sizeof tagged * 2] = "";
                for (char *c = tagged, *o = names; *c; c++) {
                        *o++ = *c;
                        if (*c == ',')
                                *o++ = ' ';
                }
                return node_error_set(e, ENOTUNIQ,
                                      _("Several volume groups are tagged %s (%s): name the one to use."),
                                      NODE_TAG_VG, names);
        }
        *chosen = first_tagged;
        return 0;
}

/* The rows of lvs' report: {"report":[{"lv":[...]}]}, maybe with a "log". */
static int report_rows(json_object *root, json_object **rows, struct node_error *e) {
        struct report_problem p;
        json_object *report;
        if (!json_object_is_type(root, json_type_object))
                return problem(&p, _("it is not a JSON object")), report_error(e, &p);
        if (!json_object_object_get_ex(root, "report", &report) || !json_object_is_type(report, json_type_array))
                return problem(&p, _("it has no \"report\" list")), report_error(e, &p);
        for (size_t i = 0; i < json_object_array_length(report); i++) {
                json_object *part = json_object_array_get_idx(report, i);
                if (part && json_object_is_type(part, json_type_object) &&
                    json_object_object_get_ex(part, "lv", rows)) {
                        if (!json_object_is_type(*rows, json_type_array))
                                return problem(&p, _("its \"lv\" part is not a list")), report_error(e, &p);
                        return 0;
                }
        }
        return problem(&p, _("it lists no logical volumes (\"lv\")")), report_error(e, &p);
}

static int parse_json(const char *json, json_object **root, struct node_error *e) {
        struct report_problem p;
        if (!json || !*json)
                return problem(&p, _("it is empty")), report_error(e, &p);

        struct json_tokener *tok = json_tokener_new();
        if (!tok)
                return node_error_set(e, ENOMEM, _("Out of memory while reading lvm's report."));
        size_t len = strlen(json);
        int r = 0;
        if (len > INT_MAX) {
                r = (problem(&p, _("it is too large")), report_error(e, &p));
                goto out;
        }
        *root = json_tokener_parse_ex(tok, json, (int)len);
        enum json_tokener_error err = json_tokener_get_error(tok);
        if (err == json_tokener_continue) {
                r = (problem(&p, _("it ends in the middle")), report_error(e, &p));
        } else if (err != json_tokener_success || !*root) {
                problem(&p, _("it is not JSON (%s at byte %zu)"), json_tokener_error_desc(err),
                        json_tokener_get_parse_end(tok));
                r = report_error(e, &p);
        } else {
                for (const char *rest = json + json_tokener_get_parse_end(tok); *rest; rest++)
                        if (!strchr(" \t\r\n", *rest)) {
                                problem(&p, _("something follows the JSON at byte %zu"), (size_t)(rest - json));
                                r = report_error(e, &p);
                                break;
                        }
        }
        if (r < 0 && *root) {
                json_object_put(*root);
                *root = NULL;
        }
out:
        json_tokener_free(tok);
        return r;
}

static int no_memory(struct node_error *e) {
        return node_error_set(e, ENOMEM, _("Out of memory while reading the node layout."));
}

static void pending_free(struct pending_layer *pending, size_t n) {
        for (size_t i = 0; i < n; i++) {
                lv_clear(&pending[i].layer.lv);
                free(pending[i].layer.nvr);
        }
        free(pending);
}

/* Files one LV of the chosen VG under its kind. */
static int place_lv(struct node_layout *l, struct node_lv *lv, const char *attr, uint64_t metadata_size,
                    double metadata_percent, struct pending_layer **pending, size_t *n_pending, size_t *n_pools,
                    char *pool_names, size_t pool_names_size) {
        const char *tags = lv->tags;

        if (has_tag(tags, NODE_TAG_POOL) && attr[0] == 't') {
                lv->kind = NODE_LV_POOL;
                size_t used = strlen(pool_names);
                snprintf(pool_names + used, pool_names_size - used, "%s%s", used ? " " : "", lv->name);
                if ((*n_pools)++ == 0) {
                        l->pool.name = TAKE_PTR(lv->name);
                        l->pool.size_bytes = lv->size_bytes;
                        l->pool.metadata_size_bytes = metadata_size;
                        l->pool.data_percent = lv->data_percent;
                        l->pool.metadata_percent = metadata_percent;
                        l->pool.active = lv->active;
                        l->pool.full = lv->data_percent >= 100 || metadata_percent >= 100;
                }
                lv_clear(lv);
                return 0;
        }

        if (has_tag(tags, NODE_TAG_BASE)) {
                lv->kind = NODE_LV_BASE;
                struct node_base *base = append_element((void **)&l->bases, &l->n_bases, sizeof *base);
                if (!base)
                        return -ENOMEM;
                base->lv = *lv;
                *lv = (struct node_lv){ 0 };
                base->nvr = strdup(base->lv.name);
                return base->nvr ? 0 : -ENOMEM;
        }

        if (has_tag(tags, NODE_TAG_LAYER)) {
                lv->kind = NODE_LV_LAYER;
                char nvr[NODE_LV_NAME_MAX + 1];
                unsigned number;
                /* a layer whose name is not NVR+N cannot be ordered or
                 * booted by name: it is listed with the other LVs */
                if (node_layer_name_parse(lv->name, nvr, sizeof nvr, &number, NULL) == 0) {
                        struct pending_layer *p = append_element((void **)pending, n_pending, sizeof *p);
                        if (!p)
                                return -ENOMEM;
                        p->layer.lv = *lv;
                        *lv = (struct node_lv){ 0 };
                        p->layer.number = number;
                        strcpy(p->nvr_from_name, nvr);
                        return 0;
                }
        } else if (has_tag(tags, NODE_TAG_INIT) && !l->init_lv) {
                lv->kind = NODE_LV_INIT;
                l->init_lv = malloc(sizeof *l->init_lv);
                if (!l->init_lv)
                        return -ENOMEM;
                *l->init_lv = *lv;
                *lv = (struct node_lv){ 0 };
                return 0;
        } else if (has_tag(tags, NODE_TAG_VOLUME)) {
                lv->kind = NODE_LV_VOLUME;
                struct node_lv *slot = append_element((void **)&l->volumes, &l->n_volumes, sizeof *slot);
                if (!slot)
                        return -ENOMEM;
                *slot = *lv;
                *lv = (struct node_lv){ 0 };
                return 0;
        }

        struct node_lv *slot = append_element((void **)&l->others, &l->n_others, sizeof *slot);
        if (!slot)
                return -ENOMEM;
        *slot = *lv;
        *lv = (struct node_lv){ 0 };
        return 0;
}

int node_layout_from_lvs_json(const char *json, const char *vg, struct node_layout **out, struct node_error *e) {
        _cleanup_(json_putp) json_object *root = NULL;
        json_object *rows;
        const char *chosen = NULL;
        struct report_problem p;

        *out = NULL;
        int r = parse_json(json, &root, e);
        if (r < 0)
                return r;
        r = report_rows(root, &rows, e);
        if (r < 0)
                return r;
        r = choose_vg(rows, vg, &chosen, e);
        if (r < 0)
                return r;

        struct node_layout *l = calloc(1, sizeof *l);
        if (!l)
                return no_memory(e);
        struct pending_layer *pending = NULL;
        size_t n_pending = 0, n_pools = 0;
        char pool_names[512] = "";
        bool vg_read = false;

        l->vg = strdup(chosen);
        l->pool.data_percent = l->pool.metadata_percent = -1;
        if (!l->vg) {
                r = no_memory(e);
                goto fail;
        }

        for (size_t i = 0; i < json_object_array_length(rows); i++) {
                json_object *row = json_object_array_get_idx(rows, i);
                const char *name;
                if (!row_string(row, "vg_name", &name, &p)) {
                        r = report_error(e, &p);
                        goto fail;
                }
                if (!streq(name, chosen))
                        continue;
                if (!vg_read) {
                        if (!row_u64(row, "vg_size", false, &l->vg_size_bytes, &p) ||
                            !row_u64(row, "vg_free", false, &l->vg_free_bytes, &p)) {
                                r = report_error(e, &p);
                                goto fail;
                        }
                        vg_read = true;
                }

                struct node_lv lv = { 0 };
                char attr[11];
                uint64_t metadata_size;
                double metadata_percent;
                r = lv_from_row(row, &lv, attr, &metadata_size, &metadata_percent, &p);
                if (r == 0)
                        r = place_lv(l, &lv, attr, metadata_size, metadata_percent, &pending, &n_pending, &n_pools,
                                     pool_names, sizeof pool_names);
                lv_clear(&lv);
                if (r == -EBADMSG) {
                        r = report_error(e, &p);
                        goto fail;
                }
                if (r < 0) {
                        r = no_memory(e);
                        goto fail;
                }
        }

        if (n_pools == 0) {
                r = node_error_set(e, EMEDIUMTYPE,
                                   _("Volume group %s has no thin pool tagged %s, so it holds no node layout."),
                                   l->vg, NODE_TAG_POOL);
                goto fail;
        }
        if (n_pools > 1) {
                r = node_error_set(e, EMEDIUMTYPE,
                                   _("Volume group %s has several thin pools tagged %s (%s): remove the tag from all but one."),
                                   l->vg, NODE_TAG_POOL, pool_names);
                goto fail;
        }

        r = attach_layers(l, pending, n_pending);
        if (r < 0) {
                r = no_memory(e);
                goto fail;
        }
        pending_free(pending, n_pending);
        pending = NULL;

        if (l->n_bases > 1)
                qsort(l->bases, l->n_bases, sizeof *l->bases, compare_bases);
        for (size_t i = 0; i < l->n_bases; i++)
                if (l->bases[i].n_layers > 1)
                        qsort(l->bases[i].layers, l->bases[i].n_layers, sizeof *l->bases[i].layers,
                              compare_layers);

        *out = l;
        return 0;

fail:
        pending_free(pending, n_pending);
        node_layout_free(l);
        return r;
}

/* ---- lookups and marks --------------------------------------------------- */

struct node_layer *node_layout_find_layer(const struct node_layout *l, const char *name) {
        for (size_t i = 0; l && name && i < l->n_bases; i++)
                for (size_t j = 0; j < l->bases[i].n_layers; j++)
                        if (streq(l->bases[i].layers[j].lv.name, name))
                                return &l->bases[i].layers[j];
        return NULL;
}

struct node_base *node_layout_find_base(const struct node_layout *l, const char *nvr) {
        for (size_t i = 0; l && nvr && i < l->n_bases; i++)
                if (streq(l->bases[i].nvr, nvr))
                        return &l->bases[i];
        return NULL;
}

struct node_base *node_layout_latest_base(const struct node_layout *l) {
        for (size_t i = l ? l->n_bases : 0; i > 0; i--)
                if (!l->bases[i - 1].missing)
                        return &l->bases[i - 1];
        return NULL;
}

void node_layout_mark_booted(struct node_layout *l, const char *cmdline, int root_major, int root_minor) {
        l->booted = NULL;
        for (size_t i = 0; i < l->n_bases; i++)
                for (size_t j = 0; j < l->bases[i].n_layers; j++)
                        l->bases[i].layers[j].booted = false;

        char bootid[NODE_LV_NAME_MAX + 1];
        if (cmdline && node_cmdline_get(cmdline, "img.bootid", bootid, sizeof bootid))
                l->booted = node_layout_find_layer(l, bootid);

        for (size_t i = 0; !l->booted && root_major >= 0 && i < l->n_bases; i++)
                for (size_t j = 0; j < l->bases[i].n_layers; j++) {
                        struct node_layer *layer = &l->bases[i].layers[j];
                        if (layer->lv.kernel_major == root_major && layer->lv.kernel_minor == root_minor) {
                                l->booted = layer;
                                break;
                        }
                }
        if (l->booted)
                l->booted->booted = true;
}

void node_layout_mark_default(struct node_layout *l, const char *layer_name) {
        for (size_t i = 0; i < l->n_bases; i++)
                for (size_t j = 0; j < l->bases[i].n_layers; j++)
                        l->bases[i].layers[j].boot_default = false;
        l->boot_default = node_layout_find_layer(l, layer_name);
        if (l->boot_default)
                l->boot_default->boot_default = true;
}

/* ---- the real machine ---------------------------------------------------- */

/* Reads a small text file whole; NULL when it cannot be read. */
static char *read_small_file(const char *path, size_t max) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return NULL;
        _cleanup_free_ char *text = malloc(max + 1);
        if (!text)
                return NULL;
        size_t n = fread(text, 1, max, f);
        if (ferror(f))
                return NULL;
        text[n] = '\0';
        return TAKE_PTR(text);
}

bool node_mounted_device(const struct node_context *ctx, const char *mount_point, int *major, int *minor) {
        char path[PATH_MAX];
        _cleanup_fclose_ FILE *f = fopen(node_context_path(ctx, "/proc/self/mountinfo", path, sizeof path), "re");
        if (!f)
                return false;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        bool found = false;
        while (getline(&line, &size, f) > 0) {
                char dev[32], where[PATH_MAX];
                /* id parent major:minor root mount-point ... */
                if (sscanf(line, "%*s %*s %31s %*s %4095s", dev, where) != 2 || !streq(where, mount_point))
                        continue;
                char *colon, *end;
                long maj = strtol(dev, &colon, 10);
                if (*colon != ':')
                        continue;
                long min = strtol(colon + 1, &end, 10);
                if (*end || maj < 0 || min < 0 || maj > INT_MAX || min > INT_MAX)
                        continue;
                *major = (int)maj;
                *minor = (int)min;
                found = true;
        }
        return found;
}

static bool valid_vg_name(const char *vg) {
        return node_lv_name_valid(vg);
}

int node_layout_read(const struct node_context *ctx, struct node_layout **out, struct node_error *e) {
        const char *vg = ctx ? ctx->vg : NULL;
        *out = NULL;
        if (vg && !valid_vg_name(vg))
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid volume group name."), vg);

        const char *argv[] = {
                node_context_lvm(ctx), "lvs", "--reportformat", "json", "--units", "b", "--nosuffix",
                "-o", NODE_LVS_FIELDS, vg, NULL,
        };
        struct node_spawn_result res = { 0 };
        int r = node_spawn(argv, NULL, &res, e);
        if (r < 0) {
                node_spawn_result_free(&res);
                /* lvm that cannot run is a broken tool, not a missing VG */
                if (e)
                        e->code = -EIO;
                return -EIO;
        }
        if (res.exit_code != 0) {
                char wanted[300], line[512];
                snprintf(wanted, sizeof wanted, "Volume group \"%s\" not found", vg ? vg : "");
                if (vg && res.err && strstr(res.err, wanted))
                        r = node_error_set(e, ENOENT, _("Volume group %s does not exist."), vg);
                else if (*node_spawn_last_error_line(&res, line, sizeof line))
                        r = node_error_set(e, EIO, _("lvm could not list the logical volumes: %s"), line);
                else
                        r = node_error_set(e, EIO, _("lvm could not list the logical volumes (exit code %d)."),
                                           res.exit_code);
                node_spawn_result_free(&res);
                return r;
        }

        struct node_layout *l = NULL;
        r = node_layout_from_lvs_json(res.out, vg, &l, e);
        node_spawn_result_free(&res);
        if (r < 0)
                return r;

        if (l->pool.active) {
                struct node_thin_pool_status status;
                /* without device-mapper access lvs' rounded figures stay */
                if (node_dm_thin_pool_status(l->vg, l->pool.name, &status, NULL) == 0 && !status.failed) {
                        l->pool.data_percent = status.data_percent;
                        l->pool.metadata_percent = status.metadata_percent;
                        l->pool.usage_from_dm = true;
                        l->pool.full = status.out_of_data_space || status.data_percent >= 100 ||
                                       status.metadata_percent >= 100;
                }
        }

        char path[PATH_MAX];
        _cleanup_free_ char *cmdline = read_small_file(node_context_path(ctx, "/proc/cmdline", path, sizeof path),
                                                       65536);
        int major = -1, minor = -1;
        if (!node_mounted_device(ctx, "/", &major, &minor))
                major = minor = -1;
        node_layout_mark_booted(l, cmdline, major, minor);

        char layer[NODE_LV_NAME_MAX + 1];
        if (node_boot_default_layer(ctx, layer, sizeof layer, NULL) == 0)
                node_layout_mark_default(l, layer);

        *out = l;
        return 0;
}
