/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lvm.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "mount.h"
#include "nvr.h"
#include "spawn.h"
#include "util.h"

bool node_lvm_name_valid(const char *name) {
        return name && node_lv_name_valid(name);
}

const char *node_lvm_lv_path(const char *vg, const char *lv, char *buf, size_t size) {
        snprintf(buf, size, "/dev/%s/%s", vg, lv);
        return buf;
}

bool node_lvm_tags_have(const char *tags, const char *tag) {
        size_t n = strlen(tag);
        for (const char *p = tags; p && *p;) {
                const char *end = strchr(p, ',');
                size_t len = end ? (size_t)(end - p) : strlen(p);
                if (len == n && strncmp(p, tag, n) == 0)
                        return true;
                p = end ? end + 1 : NULL;
        }
        return false;
}

static int check_vg_name(const char *vg, struct node_error *e) {
        if (!node_lvm_name_valid(vg))
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid volume group name."), vg ? vg : "");
        return 0;
}

static int check_lv_name(const char *lv, struct node_error *e) {
        if (!node_lvm_name_valid(lv))
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid logical volume name."), lv ? lv : "");
        return 0;
}

static int check_tag(const char *tag, struct node_error *e) {
        /* tags share the name charset plus '/', '=', '!', ':', '&', '#' */
        if (!tag || !*tag || tag[0] == '-' || strlen(tag) > 1024)
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid LVM tag."), tag ? tag : "");
        for (const char *p = tag; *p; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+_.-/=!:&#", *p))
                        return node_error_set(e, EINVAL, _("\"%s\" is not a valid LVM tag."), tag);
        return 0;
}

/* Runs "lvm <args...>"; on a non-zero exit the error names what was being done
 * and quotes lvm's last stderr line.  *res is filled only on success. */
static int run_lvm(const struct node_context *ctx, const char *const *args, const char *doing,
                   struct node_spawn_result *res, struct node_error *e) {
        const char *argv[32];
        size_t n = 0;
        argv[n++] = node_context_lvm(ctx);
        for (; *args && n < ELEMENTSOF(argv) - 1; args++)
                argv[n++] = *args;
        argv[n] = NULL;

        struct node_spawn_result r;
        int q = node_spawn(argv, NULL, &r, e);
        if (q < 0)
                return q;
        if (r.exit_code != 0) {
                char line[512];
                node_tool_error(&r, line, sizeof line);
                bool not_found = strstr(r.err, " not found") != NULL || strstr(r.err, "Failed to find") != NULL;
                q = node_error_set(e, not_found ? ENOENT : EIO, _("Cannot %s: lvm says: %s."), doing, line);
                node_spawn_result_free(&r);
                return q;
        }
        if (res)
                *res = r;
        else
                node_spawn_result_free(&r);
        return 0;
}

static int bad_report(struct node_error *e, const char *detail) {
        return node_error_set(e, EBADMSG, _("lvm printed a report that cannot be read: %s."), detail);
}

/* The rows of section ("vg" or "lv") of lvm's JSON report. */
static int report_rows(const char *json, const char *section, json_object **root, json_object **rows,
                       struct node_error *e) {
        enum json_tokener_error jerr;
        json_object *top = json_tokener_parse_verbose(json, &jerr);
        if (!top)
                return bad_report(e, json_tokener_error_desc(jerr));
        json_object *report, *first, *list;
        if (!json_object_is_type(top, json_type_object) || !json_object_object_get_ex(top, "report", &report) ||
            !json_object_is_type(report, json_type_array) || json_object_array_length(report) < 1) {
                json_object_put(top);
                return bad_report(e, _("no \"report\" array"));
        }
        first = json_object_array_get_idx(report, 0);
        if (!json_object_is_type(first, json_type_object) || !json_object_object_get_ex(first, section, &list) ||
            !json_object_is_type(list, json_type_array)) {
                json_object_put(top);
                return bad_report(e, _("no list of volumes in the report"));
        }
        *root = top;
        *rows = list;
        return 0;
}

static int get_string(json_object *row, const char *key, char *buf, size_t size, struct node_error *e) {
        json_object *v;
        if (!json_object_is_type(row, json_type_object) || !json_object_object_get_ex(row, key, &v) ||
            !json_object_is_type(v, json_type_string)) {
                char detail[128];
                snprintf(detail, sizeof detail, _("field %s is missing"), key);
                return bad_report(e, detail);
        }
        const char *s = json_object_get_string(v);
        if (strlen(s) >= size) {
                char detail[128];
                snprintf(detail, sizeof detail, _("field %s is too long"), key);
                return bad_report(e, detail);
        }
        strcpy(buf, s);
        return 0;
}

static int get_u64(json_object *row, const char *key, uint64_t *out, struct node_error *e) {
        char s[64];
        int r = get_string(row, key, s, sizeof s, e);
        if (r < 0)
                return r;
        if (!*s) {
                *out = 0;
                return 0;
        }
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || *end || s[0] == '-') {
                char detail[128];
                snprintf(detail, sizeof detail, _("field %s is not a number"), key);
                return bad_report(e, detail);
        }
        *out = v;
        return 0;
}

int node_lvm_vg_info(const struct node_context *ctx, const char *vg, struct node_vg_info *info,
                     struct node_error *e) {
        int r = check_vg_name(vg, e);
        if (r < 0)
                return r;
        const char *args[] = { "vgs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o",
                               "vg_name,vg_tags,vg_size,vg_free,vg_extent_size,pv_count,lv_count", vg, NULL };
        struct node_spawn_result res;
        r = run_lvm(ctx, args, _("read the volume group"), &res, e);
        if (r == -ENOENT)
                return node_error_set(e, ENOENT, _("Volume group %s does not exist."), vg);
        if (r < 0)
                return r;
        json_object *root = NULL, *rows;
        r = report_rows(res.out, "vg", &root, &rows, e);
        node_spawn_result_free(&res);
        if (r < 0)
                return r;
        if (json_object_array_length(rows) != 1) {
                json_object_put(root);
                if (json_object_array_length(rows) == 0)
                        return node_error_set(e, ENOENT, _("Volume group %s does not exist."), vg);
                return bad_report(e, _("more than one volume group listed"));
        }
        json_object *row = json_object_array_get_idx(rows, 0);
        uint64_t pv = 0, lv = 0;
        memset(info, 0, sizeof *info);
        if ((r = get_string(row, "vg_name", info->name, sizeof info->name, e)) < 0 ||
            (r = get_string(row, "vg_tags", info->tags, sizeof info->tags, e)) < 0 ||
            (r = get_u64(row, "vg_size", &info->size_bytes, e)) < 0 ||
            (r = get_u64(row, "vg_free", &info->free_bytes, e)) < 0 ||
            (r = get_u64(row, "vg_extent_size", &info->extent_bytes, e)) < 0 ||
            (r = get_u64(row, "pv_count", &pv, e)) < 0 || (r = get_u64(row, "lv_count", &lv, e)) < 0) {
                json_object_put(root);
                return r;
        }
        json_object_put(root);
        if (!streq(info->name, vg))
                return bad_report(e, _("another volume group was listed"));
        info->pv_count = (unsigned)pv;
        info->lv_count = (unsigned)lv;
        return 0;
}

static int parse_lv_row(json_object *row, struct node_lv_info *lv, struct node_error *e) {
        char attr[32];
        int r;
        memset(lv, 0, sizeof *lv);
        if ((r = get_string(row, "lv_name", lv->name, sizeof lv->name, e)) < 0 ||
            (r = get_string(row, "lv_tags", lv->tags, sizeof lv->tags, e)) < 0 ||
            (r = get_string(row, "pool_lv", lv->pool, sizeof lv->pool, e)) < 0 ||
            (r = get_string(row, "origin", lv->origin, sizeof lv->origin, e)) < 0 ||
            (r = get_string(row, "segtype", lv->segtype, sizeof lv->segtype, e)) < 0 ||
            (r = get_string(row, "lv_path", lv->path, sizeof lv->path, e)) < 0 ||
            (r = get_string(row, "lv_attr", attr, sizeof attr, e)) < 0 ||
            (r = get_u64(row, "lv_size", &lv->size_bytes, e)) < 0)
                return r;
        /* lv_attr: [1] permission w/r/R, [4] state, [9] k = activation skip */
        if (strlen(attr) < 10)
                return bad_report(e, _("field lv_attr is too short"));
        lv->read_only = attr[1] == 'r' || attr[1] == 'R';
        lv->active = attr[4] == 'a';
        lv->activation_skip = attr[9] == 'k';
        return 0;
}

#define LV_FIELDS "lv_name,lv_tags,pool_lv,origin,segtype,lv_path,lv_attr,lv_size"

int node_lvm_list_lvs(const struct node_context *ctx, const char *vg, struct node_lv_info **out, size_t *n,
                      struct node_error *e) {
        int r = check_vg_name(vg, e);
        if (r < 0)
                return r;
        const char *args[] = { "lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", LV_FIELDS,
                               vg, NULL };
        struct node_spawn_result res;
        r = run_lvm(ctx, args, _("list the logical volumes"), &res, e);
        if (r == -ENOENT)
                return node_error_set(e, ENOENT, _("Volume group %s does not exist."), vg);
        if (r < 0)
                return r;
        json_object *root = NULL, *rows;
        r = report_rows(res.out, "lv", &root, &rows, e);
        node_spawn_result_free(&res);
        if (r < 0)
                return r;
        size_t count = json_object_array_length(rows);
        _cleanup_free_ struct node_lv_info *lvs = calloc(count ? count : 1, sizeof *lvs);
        if (!lvs) {
                json_object_put(root);
                return node_error_set(e, ENOMEM, _("Out of memory."));
        }
        for (size_t i = 0; i < count; i++) {
                r = parse_lv_row(json_object_array_get_idx(rows, i), &lvs[i], e);
                if (r < 0) {
                        json_object_put(root);
                        return r;
                }
        }
        json_object_put(root);
        *out = TAKE_PTR(lvs);
        *n = count;
        return 0;
}

int node_lvm_lv_info(const struct node_context *ctx, const char *vg, const char *lv, struct node_lv_info *info,
                     struct node_error *e) {
        int r;
        if ((r = check_vg_name(vg, e)) < 0 || (r = check_lv_name(lv, e)) < 0)
                return r;
        char full[300];
        snprintf(full, sizeof full, "%s/%s", vg, lv);
        const char *args[] = { "lvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o", LV_FIELDS,
                               full, NULL };
        struct node_spawn_result res;
        r = run_lvm(ctx, args, _("read the logical volume"), &res, e);
        if (r == -ENOENT)
                return node_error_set(e, ENOENT, _("Logical volume %s does not exist."), full);
        if (r < 0)
                return r;
        json_object *root = NULL, *rows;
        r = report_rows(res.out, "lv", &root, &rows, e);
        node_spawn_result_free(&res);
        if (r < 0)
                return r;
        if (json_object_array_length(rows) != 1) {
                json_object_put(root);
                return node_error_set(e, ENOENT, _("Logical volume %s does not exist."), full);
        }
        r = parse_lv_row(json_object_array_get_idx(rows, 0), info, e);
        json_object_put(root);
        if (r == 0 && !streq(info->name, lv))
                return bad_report(e, _("another logical volume was listed"));
        return r;
}

static void size_arg(char *buf, size_t size, uint64_t bytes) {
        snprintf(buf, size, "%" PRIu64 "b", bytes);
}

int node_lvm_create_thin_pool(const struct node_context *ctx, const char *vg, const char *pool,
                              uint64_t data_bytes, uint64_t metadata_bytes, const char *tag,
                              struct node_error *e) {
        int r;
        if ((r = check_vg_name(vg, e)) < 0 || (r = check_lv_name(pool, e)) < 0 || (tag && (r = check_tag(tag, e)) < 0))
                return r;
        char data[32], meta[32];
        size_arg(data, sizeof data, data_bytes);
        size_arg(meta, sizeof meta, metadata_bytes);
        const char *args[20];
        size_t n = 0;
        args[n++] = "lvcreate";
        args[n++] = "--yes";
        args[n++] = "--type";
        args[n++] = "thin-pool";
        args[n++] = "--size";
        args[n++] = data;
        if (metadata_bytes) {
                args[n++] = "--poolmetadatasize";
                args[n++] = meta;
        }
        args[n++] = "--name";
        args[n++] = pool;
        if (tag) {
                args[n++] = "--addtag";
                args[n++] = tag;
        }
        args[n++] = vg;
        args[n] = NULL;
        char doing[300];
        snprintf(doing, sizeof doing, _("create thin pool %s/%s"), vg, pool);
        return run_lvm(ctx, args, doing, NULL, e);
}

int node_lvm_create_thin(const struct node_context *ctx, const char *vg, const char *pool, const char *name,
                         uint64_t virtual_bytes, const char *tag, struct node_error *e) {
        int r;
        if ((r = check_vg_name(vg, e)) < 0 || (r = check_lv_name(pool, e)) < 0 ||
            (r = check_lv_name(name, e)) < 0 || (tag && (r = check_tag(tag, e)) < 0))
                return r;
        char vsize[32], full_pool[300];
        size_arg(vsize, sizeof vsize, virtual_bytes);
        snprintf(full_pool, sizeof full_pool, "%s/%s", vg, pool);
        const char *args[16];
        size_t n = 0;
        args[n++] = "lvcreate";
        args[n++] = "--yes";
        args[n++] = "--type";
        args[n++] = "thin";
        args[n++] = "--virtualsize";
        args[n++] = vsize;
        args[n++] = "--name";
        args[n++] = name;
        if (tag) {
                args[n++] = "--addtag";
                args[n++] = tag;
        }
        args[n++] = "--thinpool";
        args[n++] = full_pool;
        args[n] = NULL;
        char doing[400];
        snprintf(doing, sizeof doing, _("create thin volume %s/%s"), vg, name);
        return run_lvm(ctx, args, doing, NULL, e);
}

int node_lvm_create_snapshot(const struct node_context *ctx, const char *vg, const char *origin, const char *name,
                             const char *tag, struct node_error *e) {
        int r;
        if ((r = check_vg_name(vg, e)) < 0 || (r = check_lv_name(origin, e)) < 0 ||
            (r = check_lv_name(name, e)) < 0 || (tag && (r = check_tag(tag, e)) < 0))
                return r;
        char full_origin[300];
        snprintf(full_origin, sizeof full_origin, "%s/%s", vg, origin);
        const char *args[12];
        size_t n = 0;
        args[n++] = "lvcreate";
        args[n++] = "--yes";
        args[n++] = "--snapshot";
        args[n++] = "--name";
        args[n++] = name;
        if (tag) {
                args[n++] = "--addtag";
                args[n++] = tag;
        }
        args[n++] = full_origin;
        args[n] = NULL;
        char doing[400];
        snprintf(doing, sizeof doing, _("create snapshot %s/%s of %s"), vg, name, origin);
        return run_lvm(ctx, args, doing, NULL, e);
}

/* "VG" or "VG/LV" after validating both parts. */
static int target_name(const char *vg, const char *lv, char *buf, size_t size, struct node_error *e) {
        int r = check_vg_name(vg, e);
        if (r < 0)
                return r;
        if (lv) {
                if ((r = check_lv_name(lv, e)) < 0)
                        return r;
                snprintf(buf, size, "%s/%s", vg, lv);
        } else {
                snprintf(buf, size, "%s", vg);
        }
        return 0;
}

static int change_tag(const struct node_context *ctx, const char *vg, const char *lv, const char *tag, bool add,
                      struct node_error *e) {
        char target[300];
        int r = target_name(vg, lv, target, sizeof target, e);
        if (r < 0 || (r = check_tag(tag, e)) < 0)
                return r;
        const char *args[] = { lv ? "lvchange" : "vgchange", add ? "--addtag" : "--deltag", tag, target, NULL };
        char doing[1400];
        snprintf(doing, sizeof doing, add ? _("add tag %s to %s") : _("remove tag %s from %s"), tag, target);
        return run_lvm(ctx, args, doing, NULL, e);
}

int node_lvm_add_tag(const struct node_context *ctx, const char *vg, const char *lv, const char *tag,
                     struct node_error *e) {
        return change_tag(ctx, vg, lv, tag, true, e);
}

int node_lvm_del_tag(const struct node_context *ctx, const char *vg, const char *lv, const char *tag,
                     struct node_error *e) {
        return change_tag(ctx, vg, lv, tag, false, e);
}

static int lvchange(const struct node_context *ctx, const char *vg, const char *lv, const char *opt1,
                    const char *opt2, const char *opt3, const char *doing_fmt, struct node_error *e) {
        char target[300];
        int r = target_name(vg, lv, target, sizeof target, e);
        if (r < 0)
                return r;
        const char *args[6];
        size_t n = 0;
        args[n++] = "lvchange";
        args[n++] = opt1;
        if (opt2)
                args[n++] = opt2;
        if (opt3)
                args[n++] = opt3;
        args[n++] = target;
        args[n] = NULL;
        char doing[400];
        snprintf(doing, sizeof doing, doing_fmt, target);
        return run_lvm(ctx, args, doing, NULL, e);
}

int node_lvm_set_read_only(const struct node_context *ctx, const char *vg, const char *lv, bool read_only,
                           struct node_error *e) {
        return lvchange(ctx, vg, lv, "--permission", read_only ? "r" : "rw", NULL,
                        read_only ? _("make %s read-only") : _("make %s writable"), e);
}

int node_lvm_set_activation_skip(const struct node_context *ctx, const char *vg, const char *lv, bool skip,
                                 struct node_error *e) {
        return lvchange(ctx, vg, lv, "--setactivationskip", skip ? "y" : "n", NULL,
                        _("change the activation skip flag of %s"), e);
}

int node_lvm_activate(const struct node_context *ctx, const char *vg, const char *lv, bool ignore_skip,
                      struct node_error *e) {
        return lvchange(ctx, vg, lv, "--activate", "y", ignore_skip ? "--ignoreactivationskip" : NULL,
                        _("activate %s"), e);
}

int node_lvm_deactivate(const struct node_context *ctx, const char *vg, const char *lv, struct node_error *e) {
        return lvchange(ctx, vg, lv, "--activate", "n", NULL, _("deactivate %s"), e);
}

int node_lvm_remove(const struct node_context *ctx, const char *vg, const char *lv, struct node_error *e) {
        char target[300];
        int r = target_name(vg, lv, target, sizeof target, e);
        if (r < 0)
                return r;
        const char *args[] = { "lvremove", "--yes", "--force", target, NULL };
        char doing[400];
        snprintf(doing, sizeof doing, _("remove %s"), target);
        return run_lvm(ctx, args, doing, NULL, e);
}

int node_lvm_rename(const struct node_context *ctx, const char *vg, const char *old_name, const char *new_name,
                    struct node_error *e) {
        int r;
        if ((r = check_vg_name(vg, e)) < 0 || (r = check_lv_name(old_name, e)) < 0 ||
            (r = check_lv_name(new_name, e)) < 0)
                return r;
        const char *args[] = { "lvrename", vg, old_name, new_name, NULL };
        char doing[400];
        snprintf(doing, sizeof doing, _("rename %s/%s to %s"), vg, old_name, new_name);
        return run_lvm(ctx, args, doing, NULL, e);
}
