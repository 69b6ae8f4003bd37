/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "boot.h"
#include "fault.h"
#include "health.h"
#include "i18n.h"
#include "image.h"
#include "install.h"
#include "layout.h"
#include "lvm.h"
#include "mount.h"
#include "nvr.h"
#include "spawn.h"
#include "util.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

#define POOL_NAME "pool00"       /* the name anaconda gives a node's pool */
#define DEFAULT_VAR_SIZE GiB

static struct node_reporter init_reporter(const struct node_init_opts *o) {
        return (struct node_reporter){ .progress = o->progress, .userdata = o->userdata,
                                       .cancelled = _("Initialisation was cancelled; what it had made was removed.") };
}

static uint64_t round_up(uint64_t v, uint64_t unit) {
        return unit ? (v + unit - 1) / unit * unit : v;
}

static uint64_t round_down(uint64_t v, uint64_t unit) {
        return unit ? v / unit * unit : v;
}

static const char *human(uint64_t bytes, char *buf, size_t size) {
        if (bytes >= GiB)
                snprintf(buf, size, "%.1f GiB", (double)bytes / GiB);
        else
                snprintf(buf, size, "%.0f MiB", (double)bytes / MiB);
        return buf;
}

/* Copies what is inside directory from (if it exists) into to, with one cp
 * for all entries so owners, modes, links and times are kept. */
static int copy_contents(const char *from, const char *to, struct node_error *e) {
        _cleanup_closedir_ DIR *d = opendir(from);
        if (!d)
                return 0;
        size_t cap = 16, n = 0;
        _cleanup_strv_free_ char **argv = calloc(cap, sizeof *argv);
        if (!argv || !(argv[n++] = strdup("cp")) || !(argv[n++] = strdup("-a")))
                return node_error_set(e, ENOMEM, _("Out of memory."));
        for (struct dirent *de; (de = readdir(d));) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (n + 2 >= cap) {
                        char **bigger = realloc(argv, 2 * cap * sizeof *argv);
                        if (!bigger)
                                return node_error_set(e, ENOMEM, _("Out of memory."));
                        argv = bigger;
                        cap *= 2;
                }
                if (asprintf(&argv[n], "%s/%s", from, de->d_name) < 0) {
                        argv[n] = NULL;
                        return node_error_set(e, ENOMEM, _("Out of memory."));
                }
                argv[++n] = NULL;
        }
        if (n == 2)
                return 0;
        if (!(argv[n++] = strdup(to)))
                return node_error_set(e, ENOMEM, _("Out of memory."));
        argv[n] = NULL;
        return node_run_tool((const char *const *)argv, 0, _("copy /var of the image"), e);
}

/* The VG must not have been laid out already, nor hold LVs with the names
 * this run is going to make. */
static int check_no_layout(const struct node_context *ctx, const struct node_vg_info *vg,
                           const char *const *names, struct node_error *e) {
        if (node_lvm_tags_have(vg->tags, NODE_TAG_VG))
                return node_error_set(e, EEXIST, _("Volume group %s already has a node layout."), vg->name);
        _cleanup_free_ struct node_lv_info *lvs = NULL;
        size_t n = 0;
        int r = node_lvm_list_lvs(ctx, vg->name, &lvs, &n, e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                if (strstr(lvs[i].tags, "imgbased:"))
                        return node_error_set(e, EEXIST,
                                              _("Volume group %s already has a node layout: %s is tagged %s."),
                                              vg->name, lvs[i].name, lvs[i].tags);
                for (const char *const *p = names; *p; p++)
                        if (streq(lvs[i].name, *p))
                                return node_error_set(e, EEXIST,
                                                      _("Volume group %s already has a logical volume named %s."),
                                                      vg->name, *p);
        }
        return 0;
}

struct pool_plan {
        uint64_t data, metadata, needed;
};

/* Thin pool sizes for a VG: metadata about 1/256 of the data (at least 16 MiB,
 * at most 1 GiB: small metadata was imgbased's trouble), counted twice for
 * lvm's spare copy, and a margin left free in the VG. */
static void plan_pool(const struct node_vg_info *vg, uint64_t requested_data, uint64_t content, struct pool_plan *p) {
        uint64_t extent = vg->extent_bytes ? vg->extent_bytes : 4 * MiB;
        uint64_t basis = requested_data ? requested_data : vg->free_bytes;
        uint64_t meta = basis / 256;
        meta = meta < 16 * MiB ? 16 * MiB : meta > GiB ? GiB : meta;
        meta = round_up(meta, extent);
        uint64_t margin = round_up(vg->free_bytes / 100 > 32 * MiB ? vg->free_bytes / 100 : 32 * MiB, extent);
        if (requested_data)
                p->data = round_up(requested_data, extent);
        else
                p->data = vg->free_bytes > 2 * meta + margin ? round_down(vg->free_bytes - 2 * meta - margin, extent) : 0;
        p->metadata = meta;
        uint64_t data_needed = round_up(content, extent);
        p->needed = (p->data > data_needed ? p->data : data_needed) + 2 * meta + margin;
}

static int init_from_image(const struct node_context *ctx, const struct node_init_opts *o,
                           const struct node_vg_info *vg, struct node_undo *j, struct node_init_result *result,
                           struct node_error *e) {
        const struct node_reporter rep = init_reporter(o);
        int r = node_report(&rep, _("Checking the image"), -1, e);
        if (r < 0)
                return r;
        struct node_image_info info;
        if ((r = node_image_inspect(ctx, o->image, &info, e)) < 0)
                return r;
        char layer[NODE_LV_NAME_MAX + 1];
        if ((r = node_layer_name_format(layer, sizeof layer, info.nvr, 1, e)) < 0)
                return r;
        const char *names[] = { POOL_NAME, NODE_VAR_VOLUME, info.nvr, layer, NULL };
        if ((r = check_no_layout(ctx, vg, names, e)) < 0)
                return r;

        uint64_t extent = vg->extent_bytes ? vg->extent_bytes : 4 * MiB;
        uint64_t var_size = round_up(o->var_size_bytes ? o->var_size_bytes : DEFAULT_VAR_SIZE, extent);
        uint64_t base_size = round_up(info.rootfs_size_bytes, extent);
        /* what the pool must hold at once: the image's data, a fresh /var (its
         * journal and copied files), and room for the first writes */
        uint64_t content = info.rootfs_used_bytes + info.rootfs_used_bytes / 20 + 64 * MiB + 64 * MiB;
        struct pool_plan plan;
        plan_pool(vg, o->pool_size_bytes, content, &plan);
        if (plan.needed > vg->free_bytes || plan.data < content) {
                char need[32], have[32];
                return node_error_set(e, ENOSPC,
                                      _("Volume group %s has %s free, but the node layout needs %s "
                                        "(image data, /var, thin pool metadata and a margin)."),
                                      vg->name, human(vg->free_bytes, have, sizeof have),
                                      human(plan.needed, need, sizeof need));
        }

        /* nothing was changed up to here */
        if ((r = node_report(&rep, _("Creating the thin pool"), -1, e)) < 0)
                return r;
        if ((r = node_lvm_add_tag(ctx, vg->name, NULL, NODE_TAG_VG, e)) < 0)
                return r;
        node_undo_tag(j, NULL, NODE_TAG_VG);
        if ((r = node_lvm_create_thin_pool(ctx, vg->name, POOL_NAME, plan.data, plan.metadata, NODE_TAG_POOL, e)) < 0)
                return r;
        node_undo_lv(j, POOL_NAME);

        if ((r = node_lvm_create_thin(ctx, vg->name, POOL_NAME, info.nvr, base_size, NODE_TAG_BASE, e)) < 0)
                return r;
        node_undo_lv(j, info.nvr);
        char base_dev[PATH_MAX];
        node_lvm_lv_path(vg->name, info.nvr, base_dev, sizeof base_dev);
        {
                _cleanup_mount_ struct node_mount squash = {0};
                if ((r = node_mount_open(ctx, "image", o->image, "squashfs", "ro,loop", &squash, e)) < 0)
                        return r;
                char rootfs[PATH_MAX];
                node_mount_path(&squash, NODE_IMAGE_ROOTFS, rootfs, sizeof rootfs);
                if ((r = node_copy_sparse(rootfs, base_dev, &rep, _("Copying the image"), e)) < 0)
                        return r;
                if ((r = node_mount_close(&squash, e)) < 0)
                        return r;
        }
        if ((r = node_report(&rep, _("Checking the file system"), -1, e)) < 0)
                return r;
        if ((r = node_fs_check_and_grow(ctx, base_dev, info.fstype, e)) < 0 || (r = node_fs_new_uuid(base_dev, info.fstype, e)) < 0)
                return r;

        if ((r = node_report(&rep, _("Creating the /var volume"), -1, e)) < 0)
                return r;
        if ((r = node_lvm_create_thin(ctx, vg->name, POOL_NAME, NODE_VAR_VOLUME, var_size, NODE_TAG_VOLUME, e)) < 0)
                return r;
        node_undo_lv(j, NODE_VAR_VOLUME);
        char var_dev[PATH_MAX];
        node_lvm_lv_path(vg->name, NODE_VAR_VOLUME, var_dev, sizeof var_dev);
        const char *mkfs[] = { "mkfs.ext4", "-q", "-F", "-L", "var", var_dev, NULL };
        if ((r = node_run_tool(mkfs, 0, _("make the /var file system"), e)) < 0)
                return r;
        {
                _cleanup_mount_ struct node_mount base_m = {0}, var_m = {0};
                if ((r = node_mount_open(ctx, "base", base_dev, info.fstype, "ro", &base_m, e)) < 0 ||
                    (r = node_mount_open(ctx, "var", var_dev, "ext4", NULL, &var_m, e)) < 0)
                        return r;
                char image_var[PATH_MAX];
                node_mount_path(&base_m, "var", image_var, sizeof image_var);
                if ((r = copy_contents(image_var, var_m.dir, e)) < 0)
                        return r;
                if ((r = node_mount_close(&var_m, e)) < 0 || (r = node_mount_close(&base_m, e)) < 0)
                        return r;
        }

        if ((r = node_report(&rep, _("Creating the first layer"), -1, e)) < 0)
                return r;
        if ((r = node_base_protect(ctx, vg->name, info.nvr, e)) < 0 ||
            (r = node_layer_make(ctx, j, vg->name, info.nvr, layer, true, NULL, e)) < 0)
                return r;
        snprintf(result->base, sizeof result->base, "%s", info.nvr);
        snprintf(result->layer, sizeof result->layer, "%s", layer);
        return node_report(&rep, _("Done"), 1.0, e);
}

static int init_adopt(const struct node_context *ctx, const struct node_init_opts *o, const struct node_vg_info *vg,
                      struct node_undo *j, struct node_init_result *result, struct node_error *e) {
        const char *lv = o->adopt_lv;
        const char *slash = strchr(lv, '/');
        if (slash) {
                if ((size_t)(slash - lv) != strlen(vg->name) || strncmp(lv, vg->name, strlen(vg->name)) != 0)
                        return node_error_set(e, EINVAL, _("%s is not in volume group %s."), lv, vg->name);
                lv = slash + 1;
        }
        const struct node_reporter rep = init_reporter(o);
        int r = node_report(&rep, _("Checking the root volume"), -1, e);
        if (r < 0)
                return r;
        struct node_lv_info root;
        if ((r = node_lvm_lv_info(ctx, vg->name, lv, &root, e)) < 0)
                return r;
        if (!root.pool[0] || !streq(root.segtype, "thin"))
                return node_error_set(e, EMEDIUMTYPE, _("%s/%s is not a thin volume: only a thin root can be adopted."),
                                      vg->name, lv);
        if (!root.active && (r = node_lvm_activate(ctx, vg->name, lv, true, e)) < 0)
                return r;
        char root_dev[PATH_MAX], fstype[16], what[PATH_MAX + 300], nvr[NODE_LV_NAME_MAX + 1];
        node_lvm_lv_path(vg->name, lv, root_dev, sizeof root_dev);
        if ((r = node_fs_probe(root_dev, fstype, sizeof fstype, NULL, e)) < 0)
                return r;
        {
                _cleanup_mount_ struct node_mount m = {0};
                if ((r = node_mount_open(ctx, "adopt", root_dev, fstype,
                                         streq(fstype, "xfs") ? "ro,norecovery" : "ro,noload", &m, e)) < 0)
                        return r;
                snprintf(what, sizeof what, _("The volume %s/%s"), vg->name, lv);
                if ((r = node_image_read_nvr(m.dir, what, nvr, sizeof nvr, e)) < 0 ||
                    (r = node_mount_close(&m, e)) < 0)
                        return r;
        }
        char layer[NODE_LV_NAME_MAX + 1];
        if ((r = node_layer_name_format(layer, sizeof layer, nvr, 1, e)) < 0)
                return r;
        const char *names[] = { nvr, layer, NULL };
        if ((r = check_no_layout(ctx, vg, names, e)) < 0)
                return r;
        struct node_lv_info pool;
        if ((r = node_lvm_lv_info(ctx, vg->name, root.pool, &pool, e)) < 0)
                return r;
        _cleanup_free_ struct node_lv_info *lvs = NULL;
        size_t n = 0;
        if ((r = node_lvm_list_lvs(ctx, vg->name, &lvs, &n, e)) < 0)
                return r;
        bool has_var = false;
        for (size_t i = 0; i < n; i++)
                has_var |= streq(lvs[i].name, NODE_VAR_VOLUME) && node_lvm_tags_have(lvs[i].tags, NODE_TAG_VOLUME);

        /* nothing was changed up to here */
        if ((r = node_report(&rep, _("Creating the base"), -1, e)) < 0)
                return r;
        if ((r = node_lvm_add_tag(ctx, vg->name, lv, NODE_TAG_INIT, e)) < 0)
                return r;
        node_undo_tag(j, lv, NODE_TAG_INIT);
        if ((r = node_lvm_add_tag(ctx, vg->name, NULL, NODE_TAG_VG, e)) < 0)
                return r;
        node_undo_tag(j, NULL, NODE_TAG_VG);
        if ((r = node_lvm_add_tag(ctx, vg->name, root.pool, NODE_TAG_POOL, e)) < 0)
                return r;
        node_undo_tag(j, root.pool, NODE_TAG_POOL);
        if ((r = node_lvm_create_snapshot(ctx, vg->name, lv, nvr, NODE_TAG_BASE, e)) < 0)
                return r;
        node_undo_lv(j, nvr);
        char base_dev[PATH_MAX];
        node_lvm_lv_path(vg->name, nvr, base_dev, sizeof base_dev);
        if ((r = node_lvm_activate(ctx, vg->name, nvr, true, e)) < 0 || (r = node_fs_check(base_dev, fstype, e)) < 0 ||
            (r = node_fs_new_uuid(base_dev, fstype, e)) < 0)
                return r;
        if ((r = node_report(&rep, _("Creating the first layer"), -1, e)) < 0)
                return r;
        if ((r = node_base_protect(ctx, vg->name, nvr, e)) < 0 ||
            (r = node_layer_make(ctx, j, vg->name, nvr, layer, has_var, NULL, e)) < 0)
                return r;
        snprintf(result->base, sizeof result->base, "%s", nvr);
        snprintf(result->layer, sizeof result->layer, "%s", layer);
        return node_report(&rep, _("Done"), 1.0, e);
}

int node_init(const struct node_context *ctx, const struct node_init_opts *opts, struct node_init_result *result,
              struct node_error *e) {
        memset(result, 0, sizeof *result);
        if (!opts->vg || !node_lvm_name_valid(opts->vg))
                return node_error_set(e, EINVAL, _("\"%s\" is not a valid volume group name."),
                                      opts->vg ? opts->vg : "");
        if (!opts->image == !opts->adopt_lv)
                return node_error_set(e, EINVAL, _("Initialisation needs either an image or a volume to adopt."));
        struct node_vg_info vg;
        int r = node_lvm_vg_info(ctx, opts->vg, &vg, e);
        if (r < 0)
                return r;
        if (node_lvm_tags_have(vg.tags, NODE_TAG_VG))
                return node_error_set(e, EEXIST, _("Volume group %s already has a node layout."), vg.name);

        struct node_undo j = { .ctx = ctx, .vg = vg.name };
        r = opts->image ? init_from_image(ctx, opts, &vg, &j, result, e) : init_adopt(ctx, opts, &vg, &j, result, e);
        if (r < 0) {
                node_undo_roll_back(&j);
                memset(result, 0, sizeof *result);
        }
        return r;
}

/* The new layer's boot entry, from the kernel in its own /boot (mounted
 * read-only).  No boot loader on the node is not a failure: the layer is made
 * without an entry and the result says why. */
static int add_layer_entry(const struct node_context *ctx, const char *vg, const char *nvr,
                           struct node_layer_add_result *result, struct node_error *e) {
        struct node_boot_setup setup;
        struct node_error detect = {0};
        int r = node_boot_detect(ctx, &setup, &detect);
        if (r == -ENOENT) {
                snprintf(result->no_entry_reason, sizeof result->no_entry_reason, "%s", detect.message);
                return 0;
        }
        if (r < 0)
                return node_error_set(e, -r, "%s", detect.message);
        char device[PATH_MAX], fstype[16];
        node_lvm_lv_path(vg, result->layer, device, sizeof device);
        _cleanup_mount_ struct node_mount m = {0};
        if ((r = node_fs_probe(device, fstype, sizeof fstype, NULL, e)) < 0 ||
            (r = node_mount_open(ctx, "layer", device, fstype, "ro", &m, e)) < 0)
                return r;
        r = node_layer_boot_entry_write(ctx, vg, nvr, result->layer, m.dir, result->entry, sizeof result->entry, e);
        /* the loader was found, so ENOENT is the kernel: the message would name the temporary mount */
        if (r == -ENOENT)
                return node_error_set(e, ENOEXEC, _("Base %s has no kernel in /boot (boot/vmlinuz-*)."), nvr);
        if (r < 0)
                return r;
        return node_mount_close(&m, e);
}

int node_layer_add(const struct node_context *ctx, const char *base_nvr, struct node_layer_add_result *result,
                   struct node_error *e) {
        memset(result, 0, sizeof *result);
        _cleanup_layout_ struct node_layout *l = NULL;
        int r = node_layout_read(ctx, &l, e);
        if (r < 0)
                return r;
        struct node_base *base = base_nvr ? node_layout_find_base(l, base_nvr) : node_layout_latest_base(l);
        if (!base) {
                if (base_nvr)
                        return node_error_set(e, ENOENT, _("Volume group %s has no base %s."), l->vg, base_nvr);
                return node_error_set(e, ENOENT, _("Volume group %s has no base to add a layer to."), l->vg);
        }
        if (l->pool.full)
                return node_error_set(e, ENOSPC,
                                      _("The thin pool %s is full (data %.0f%%, metadata %.0f%%): "
                                        "remove old layers or grow the pool first."),
                                      l->pool.name, l->pool.data_percent, l->pool.metadata_percent);
        unsigned number = 1;
        for (size_t i = 0; i < base->n_layers; i++)
                if (base->layers[i].number >= number)
                        number = base->layers[i].number + 1;
        char name[NODE_LV_NAME_MAX + 1];
        if ((r = node_layer_name_format(name, sizeof name, base->nvr, number, e)) < 0)
                return r;
        if (snprintf(result->layer, sizeof result->layer, "%s", name) >= (int)sizeof result->layer)
                return node_error_set(e, ENAMETOOLONG, _("The layer name %s is too long."), name);
        bool has_var = false;
        for (size_t i = 0; i < l->n_volumes; i++)
                has_var |= streq(l->volumes[i].name, NODE_VAR_VOLUME);

        struct node_undo j = { .ctx = ctx, .vg = l->vg };
        bool entry_tried = false;
        /* tagged partial until its boot entry is written: killed in between, it
         * is a leftover nodectl check names, never a layer that looks whole
         * but cannot boot */
        r = node_layer_make(ctx, &j, l->vg, base->lv.name, name, has_var, NODE_TAG_PARTIAL, e);
        if (r >= 0) {
                node_fault_point(ctx, "add-layer.layer");
                entry_tried = true;
                r = add_layer_entry(ctx, l->vg, base->nvr, result, e);
                if (r < 0)
                        r = node_error_prefix(e, _("No boot entry could be written for layer %s, so it was removed "
                                                   "again: "),
                                              name);
        }
        if (r >= 0) {
                node_fault_point(ctx, "add-layer.entry");
                r = node_lvm_del_tag(ctx, l->vg, name, NODE_TAG_PARTIAL, e);
        }
        if (r < 0) {
                if (entry_tried)
                        node_boot_entry_remove(ctx, name, NULL);
                node_undo_roll_back(&j);
                memset(result, 0, sizeof *result);
        }
        return r;
}
