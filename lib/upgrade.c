/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "upgrade.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "boot.h"
#include "config.h"
#include "i18n.h"
#include "image.h"
#include "layout.h"
#include "lvm.h"
#include "mount.h"
#include "nvr.h"
#include "rollback.h"
#include "util.h"

#define MiB (UINT64_C(1) << 20)
#define HASH_BLOCK (4 * MiB)
/* dm-thin maps a chunk (64 KiB at the smallest) with a btree entry; counting
 * 128 bytes a chunk is twice what the metadata needs, the margin imgbased lacked */
#define THIN_MIN_CHUNK (64 * UINT64_C(1024))
#define METADATA_PER_CHUNK 128
#define DATA_MARGIN (64 * MiB)
#define METADATA_MARGIN (4 * MiB)

/* ---- the image's digest --------------------------------------------------- */

static bool hex_digest_valid(const char *hex) {
        size_t n = 0;
        for (; hex[n]; n++)
                if (!isxdigit((unsigned char)hex[n]))
                        return false;
        return n == 64;
}

/* The digest a sha256sum file gives for the image: its first word. */
static int read_digest_file(const char *path, char *hex, size_t size, struct node_error *e) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return errno == ENOENT ? -ENOENT : node_error_set(e, errno, _("Cannot read %s: %m."), path);
        char line[512];
        if (!fgets(line, sizeof line, f) || sscanf(line, "%127s", hex) != 1 || strlen(hex) >= size)
                return node_error_set(e, EINVAL, _("%s holds no SHA-256 digest (expected sha256sum's \"HEX  NAME\")."),
                                      path);
        if (!hex_digest_valid(hex))
                return node_error_set(e, EINVAL, _("%s holds no SHA-256 digest (expected sha256sum's \"HEX  NAME\")."),
                                      path);
        return 0;
}

static int sha256_file(const char *path, char hex[65], struct node_error *e) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return node_error_set(e, errno, _("Cannot read the image file %s: %m."), path);
        _cleanup_free_ unsigned char *buf = malloc(HASH_BLOCK);
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        int r = 0;
        if (!buf || !md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
                r = node_error_set(e, ENOMEM, _("Cannot compute the SHA-256 digest of %s."), path);
                goto out;
        }
        for (;;) {
                ssize_t n = read(fd, buf, HASH_BLOCK);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = node_error_set(e, errno, _("Cannot read the image file %s: %m."), path);
                        goto out;
                }
                if (n == 0)
                        break;
                if (EVP_DigestUpdate(md, buf, (size_t)n) != 1) {
                        r = node_error_set(e, EIO, _("Cannot compute the SHA-256 digest of %s."), path);
                        goto out;
                }
        }
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned len = 0;
        if (EVP_DigestFinal_ex(md, digest, &len) != 1 || len != 32) {
                r = node_error_set(e, EIO, _("Cannot compute the SHA-256 digest of %s."), path);
                goto out;
        }
        for (unsigned i = 0; i < len; i++)
                snprintf(hex + 2 * (size_t)i, 3, "%02x", digest[i]);
out:
        EVP_MD_CTX_free(md);
        return r;
}

int node_image_verify_sha256(const char *path, const char *expected, bool *checked, struct node_error *e) {
        *checked = false;
        char want[128];
        if (expected) {
                if (!hex_digest_valid(expected))
                        return node_error_set(e, EINVAL, _("\"%.70s\" is not a SHA-256 digest: give 64 hexadecimal digits."),
                                              expected);
                snprintf(want, sizeof want, "%s", expected);
        } else {
                char digest_file[PATH_MAX];
                if (snprintf(digest_file, sizeof digest_file, "%s.sha256", path) >= (int)sizeof digest_file)
                        return node_error_set(e, ENAMETOOLONG, _("The image path %s is too long."), path);
                int r = read_digest_file(digest_file, want, sizeof want, e);
                if (r == -ENOENT)
                        return 0;
                if (r < 0)
                        return r;
        }
        char got[65];
        int r = sha256_file(path, got, e);
        if (r < 0)
                return r;
        if (strcasecmp(got, want) != 0)
                return node_error_set(e, EBADE, _("The image %s does not match its SHA-256 digest: it is %s, expected %s."),
                                      path, got, want);
        *checked = true;
        return 0;
}

/* ---- configuration -------------------------------------------------------- */

int node_upgrade_keep_images(const struct node_context *ctx, unsigned *keep, struct node_error *e) {
        *keep = NODE_KEEP_IMAGES_DEFAULT;
        return node_config_number(ctx, "keep_images", 1, 100, keep, e);
}

/* ---- one run -------------------------------------------------------------- */

struct run {
        const struct node_context *ctx;
        const struct node_upgrade_opts *o;
        struct node_upgrade_result *res;
        struct node_reporter rep;
        struct node_undo undo;
        struct node_image_info image;
        char vg[128];
        char pool[128];
        char from_base[256];          /* the base of res->from_layer */
        bool from_booted;
        bool entry_written;
        char made_dirs[4][4096];      /* log directories this run created, outermost first */
        size_t n_made_dirs;
};

/* Reports a step and honours the fault hook (a test hook named in the
 * tests; the names are NODE_UPGRADE_STEPS). */
static int step(struct run *u, const char *name, const char *text, double fraction, struct node_error *e) {
        int r = node_report(&u->rep, text, fraction, e);
        if (r < 0)
                return r;
        const char *fault = u->o->fault;
        if (!fault)
                return 0;
        if (streq(fault, name))
                return node_error_set(e, EIO, _("Upgrade failed on purpose at step \"%s\" (test hook)."), name);
        if (startswith(fault, "term:") && streq(fault + 5, name)) {
                raise(SIGTERM);
                return node_report(&u->rep, text, fraction, e);
        }
        /* "upgrade.STEP" is the name nodectl fault-points lists (lib/fault.h) */
        if ((startswith(fault, "kill:") && streq(fault + 5, name)) ||
            (startswith(fault, "upgrade.") && streq(fault + 8, name)))
                raise(SIGKILL);
        /* the test resumes it (SIGCONT) and then kills the whole machine mid-step */
        if (startswith(fault, "stop:") && streq(fault + 5, name))
                raise(SIGSTOP);
        return 0;
}

static const char *human(uint64_t bytes, char *buf, size_t size) {
        if (bytes >= 1024 * MiB)
                snprintf(buf, size, "%.1f GiB", (double)bytes / (1024 * MiB));
        else
                snprintf(buf, size, "%.0f MiB", (double)bytes / MiB);
        return buf;
}

static bool lv_partial(const struct node_lv *lv) {
        return lv->tags && node_lvm_tags_have(lv->tags, NODE_TAG_PARTIAL);
}

/* The image must be newer than every installed base; --force lets any NVR
 * in that is not installed (a base's name is its NVR, so it cannot be twice). */
static int check_version(const struct node_layout *l, const char *nvr, bool force, struct node_error *e) {
        for (size_t i = 0; i < l->n_bases; i++) {
                const struct node_base *b = &l->bases[i];
                if (b->missing || lv_partial(&b->lv))
                        continue;
                if (streq(b->nvr, nvr))
                        return node_error_set(e, EEXIST,
                                              _("Image %s is installed already (base %s); remove its layers first to "
                                                "install it again."),
                                              nvr, b->lv.name);
                if (!force && node_nvr_compare(nvr, b->nvr) <= 0)
                        return node_error_set(e, ESTALE,
                                              _("Image %s is not newer than the installed %s; use --force to install "
                                                "it anyway."),
                                              nvr, b->nvr);
        }
        return 0;
}

/* Room in the pool for the image's data and the metadata that maps it, with
 * a margin for the new layer's first writes. */
static int check_space(const struct node_layout *l, uint64_t used, struct node_error *e) {
        const struct node_pool *p = &l->pool;
        if (p->data_percent < 0 || p->metadata_percent < 0)
                return node_error_set(e, EIO, _("The usage of thin pool %s is unknown; is it active?"), p->name);
        uint64_t data_free = (uint64_t)((double)p->size_bytes * (100.0 - p->data_percent) / 100.0);
        uint64_t meta_free = (uint64_t)((double)p->metadata_size_bytes * (100.0 - p->metadata_percent) / 100.0);
        uint64_t data_need = used + used / 20 + DATA_MARGIN;
        uint64_t meta_need = used / THIN_MIN_CHUNK * METADATA_PER_CHUNK + METADATA_MARGIN;
        char need[32], have[32];
        if (data_free < data_need)
                return node_error_set(e, ENOSPC,
                                      _("Thin pool %s has %s free, but the image needs %s (its data and a margin); "
                                        "remove old layers or grow the pool first."),
                                      p->name, human(data_free, have, sizeof have), human(data_need, need, sizeof need));
        if (meta_free < meta_need)
                return node_error_set(e, ENOSPC,
                                      _("Thin pool %s has %s of metadata free, but the image needs %s; grow the "
                                        "pool's metadata first (lvextend --poolmetadatasize)."),
                                      p->name, human(meta_free, have, sizeof have), human(meta_need, need, sizeof need));
        return 0;
}

/* The layer /etc comes from: the one running, else the boot default, else
 * the newest layer of the newest base. */
static const struct node_layer *source_layer(const struct node_layout *l) {
        if (l->booted)
                return l->booted;
        if (l->boot_default)
                return l->boot_default;
        for (size_t i = l->n_bases; i-- > 0;)
                if (l->bases[i].n_layers && !lv_partial(&l->bases[i].lv))
                        return &l->bases[i].layers[l->bases[i].n_layers - 1];
        return NULL;
}

/* The image alone: valid, bootable, the digest it should have. */
static int check_image(struct run *u, struct node_error *e) {
        const struct node_upgrade_opts *o = u->o;
        int r = node_report(&u->rep, _("Checking the image"), -1, e);
        if (r < 0)
                return r;
        if ((r = node_image_inspect(u->ctx, o->image, &u->image, e)) < 0)
                return r;
        if (!u->image.kernel_version[0])
                return node_error_set(e, EMEDIUMTYPE, _("%s is not a bootable node image: its /boot has no kernel."),
                                      o->image);
        snprintf(u->res->nvr, sizeof u->res->nvr, "%s", u->image.nvr);
        snprintf(u->res->kernel_version, sizeof u->res->kernel_version, "%s", u->image.kernel_version);
        u->res->image_used_bytes = u->image.rootfs_used_bytes;
        if ((r = node_report(&u->rep, _("Verifying the image's digest"), -1, e)) < 0)
                return r;
        bool checked;
        return node_image_verify_sha256(o->image, o->sha256, &checked, e);
}

/* The image against the node: newer, room for it, somewhere to boot it from. */
static int check_node(struct run *u, const struct node_layout *l, struct node_error *e) {
        const struct node_upgrade_opts *o = u->o;
        int r;
        snprintf(u->vg, sizeof u->vg, "%s", l->vg);
        snprintf(u->pool, sizeof u->pool, "%s", l->pool.name);
        if ((r = check_version(l, u->image.nvr, o->force, e)) < 0)
                return r;
        char layer[NODE_LV_NAME_MAX + 1];
        if ((r = node_layer_name_format(layer, sizeof layer, u->image.nvr, 1, e)) < 0)
                return r;
        snprintf(u->res->base, sizeof u->res->base, "%s", u->image.nvr);
        snprintf(u->res->layer, sizeof u->res->layer, "%s", layer);
        for (size_t i = 0; i < l->n_others; i++)
                if (streq(l->others[i].name, u->image.nvr) || streq(l->others[i].name, layer))
                        return node_error_set(e, EEXIST, _("Volume group %s already has a logical volume named %s."),
                                              l->vg, l->others[i].name);
        bool has_var = false;
        for (size_t i = 0; i < l->n_volumes; i++)
                has_var |= streq(l->volumes[i].name, NODE_VAR_VOLUME);
        if (!has_var)
                return node_error_set(e, EMEDIUMTYPE,
                                      _("Volume group %s has no separate /var volume (%s tagged %s): an upgrade would "
                                        "lose /var."),
                                      l->vg, NODE_VAR_VOLUME, NODE_TAG_VOLUME);
        const struct node_layer *from = source_layer(l);
        if (!from)
                return node_error_set(e, ENOENT, _("Volume group %s has no layer to carry /etc from."), l->vg);
        snprintf(u->res->from_layer, sizeof u->res->from_layer, "%s", from->lv.name);
        snprintf(u->from_base, sizeof u->from_base, "%s", from->lv.origin ? from->lv.origin : "");
        if (!u->from_base[0])
                return node_error_set(e, ENOENT, _("Layer %s is not a snapshot of a base, so its /etc changes cannot "
                                                   "be told apart."), from->lv.name);
        u->from_booted = from->booted;
        struct node_boot_setup setup;
        if ((r = node_boot_detect(u->ctx, &setup, e)) < 0)
                return r;
        if (o->tries && (o->tries < 1 || o->tries > 9))
                return node_error_set(e, ERANGE, _("The number of tries must be between 1 and 9, not %d."), o->tries);
        if ((r = check_space(l, u->image.rootfs_used_bytes, e)) < 0)
                return r;
        unsigned keep = o->keep;
        if (!keep && (r = node_upgrade_keep_images(u->ctx, &keep, e)) < 0)
                return r;
        u->res->keep = keep;
        return 0;
}

/* LVs an interrupted upgrade left (tagged NODE_TAG_PARTIAL), layers first. */
static int remove_leftovers(struct run *u, const struct node_layout *l, struct node_error *e) {
        const char *names[ELEMENTSOF(u->res->leftovers)];
        size_t n = 0;
        for (size_t i = 0; i < l->n_bases; i++) {
                for (size_t k = 0; k < l->bases[i].n_layers; k++) {
                        const struct node_layer *y = &l->bases[i].layers[k];
                        if (lv_partial(&y->lv) && !y->booted && !y->boot_default && n < ELEMENTSOF(names))
                                names[n++] = y->lv.name;
                }
        }
        for (size_t i = 0; i < l->n_bases; i++) {
                const struct node_base *b = &l->bases[i];
                bool in_use = false;
                for (size_t k = 0; k < b->n_layers; k++)
                        in_use |= !lv_partial(&b->layers[k].lv);
                if (!b->missing && lv_partial(&b->lv) && !in_use && n < ELEMENTSOF(names))
                        names[n++] = b->lv.name;
        }
        if (!n)
                return 0;
        int r = step(u, "leftovers", _("Removing what an interrupted operation left"), -1, e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                if (node_boot_entry_remove(u->ctx, names[i], e) < 0 || node_lvm_remove(u->ctx, u->vg, names[i], e) < 0)
                        return node_error_prefix(e, _("Cannot remove %s, left by an interrupted operation: "), names[i]);
                snprintf(u->res->leftovers[u->res->n_leftovers++], sizeof u->res->leftovers[0], "%s", names[i]);
        }
        return 0;
}

static int make_base(struct run *u, struct node_error *e) {
        const char *vg = u->vg, *base = u->res->base;
        int r = step(u, "base", _("Creating the base"), -1, e);
        if (r < 0)
                return r;
        struct node_vg_info info;
        if ((r = node_lvm_vg_info(u->ctx, vg, &info, e)) < 0)
                return r;
        uint64_t extent = info.extent_bytes ? info.extent_bytes : 4 * MiB;
        uint64_t size = (u->image.rootfs_size_bytes + extent - 1) / extent * extent;
        if ((r = node_lvm_create_thin(u->ctx, vg, u->pool, base, size, NODE_TAG_BASE, e)) < 0)
                return r;
        node_undo_lv(&u->undo, base);
        if ((r = node_lvm_add_tag(u->ctx, vg, base, NODE_TAG_PARTIAL, e)) < 0)
                return r;

        char device[PATH_MAX];
        node_lvm_lv_path(vg, base, device, sizeof device);
        if ((r = step(u, "copy", _("Copying the image"), 0.0, e)) < 0)
                return r;
        {
                _cleanup_mount_ struct node_mount squash = {0};
                if ((r = node_mount_open(u->ctx, "image", u->o->image, "squashfs", "ro,loop", &squash, e)) < 0)
                        return r;
                char rootfs[PATH_MAX];
                node_mount_path(&squash, NODE_IMAGE_ROOTFS, rootfs, sizeof rootfs);
                if ((r = node_copy_sparse(rootfs, device, &u->rep, _("Copying the image"), e)) < 0 ||
                    (r = node_mount_close(&squash, e)) < 0)
                        return r;
        }
        if ((r = step(u, "grow", _("Checking the file system"), -1, e)) < 0 ||
            (r = node_fs_check_and_grow(u->ctx, device, u->image.fstype, e)) < 0)
                return r;
        if ((r = step(u, "uuid", _("Giving the file system a new UUID"), -1, e)) < 0 ||
            (r = node_fs_new_uuid(device, u->image.fstype, e)) < 0)
                return r;
        if ((r = step(u, "protect", _("Protecting the base"), -1, e)) < 0)
                return r;
        return node_base_protect(u->ctx, vg, base, e);
}

/* A layer's device mounted for reading: the running layer's file system is
 * mounted read-write as / already, and the kernel refuses a second, read-only
 * mount of it, so that one is mounted as it is. */
static int mount_layer(struct run *u, const char *what, const char *lv, const char *options, struct node_mount *m,
                       struct node_error *e) {
        char device[PATH_MAX], fstype[16];
        node_lvm_lv_path(u->vg, lv, device, sizeof device);
        int r = node_fs_probe(device, fstype, sizeof fstype, NULL, e);
        if (r < 0)
                return r;
        if (options && streq(options, "ro"))
                options = streq(fstype, "xfs") ? "ro,norecovery" : "ro,noload";
        return node_mount_open(u->ctx, what, device, fstype, options, m, e);
}

/* Activates an LV for the run (ignoring activation skip); *was_active says
 * whether it has to be deactivated again. */
static int activate(struct run *u, const char *lv, bool *was_active, struct node_error *e) {
        struct node_lv_info info;
        int r = node_lvm_lv_info(u->ctx, u->vg, lv, &info, e);
        if (r < 0)
                return r;
        *was_active = info.active;
        return info.active ? 0 : node_lvm_activate(u->ctx, u->vg, lv, true, e);
}

static int write_etc_log(struct run *u, struct node_error *e) {
        char dir[PATH_MAX], path[PATH_MAX];
        node_context_path(u->ctx, NODE_UPGRADE_LOG_DIR, dir, sizeof dir);
        if (snprintf(path, sizeof path, "%s/upgrade-%s-etc.log", dir, u->res->layer) >= (int)sizeof path)
                return node_error_set(e, ENAMETOOLONG, _("The log path %s is too long."), dir);
        /* every directory on the way, remembered so a failed run leaves none it made */
        for (char *p = dir + 1;; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char end = *p;
                *p = '\0';
                if (mkdir(dir, 0755) == 0) {
                        if (u->n_made_dirs < ELEMENTSOF(u->made_dirs))
                                snprintf(u->made_dirs[u->n_made_dirs++], sizeof u->made_dirs[0], "%s", dir);
                } else if (errno != EEXIST)
                        return node_error_set(e, errno, _("Cannot create %s: %m."), dir);
                *p = end;
                if (!end)
                        break;
        }
        _cleanup_fclose_ FILE *f = fopen(path, "we");
        if (!f)
                return node_error_set(e, errno, _("Cannot write %s: %m."), path);
        snprintf(u->res->etc_log, sizeof u->res->etc_log, "%s", path);
        int r = node_etc_plan_write(&u->res->etc, f, e);
        if (r < 0)
                return r;
        FILE *out = TAKE_PTR(f);
        if (fflush(out) != 0 || fsync(fileno(out)) < 0) {
                fclose(out);
                return node_error_set(e, errno, _("Cannot write %s: %m."), path);
        }
        if (fclose(out) != 0)
                return node_error_set(e, errno, _("Cannot write %s: %m."), path);
        return 0;
}

/* Plans (and unless dry) applies the /etc carry-over: the old base is the
 * factory, the source layer the current /etc, new_root the new layer (or in
 * a dry run the image's own file system, read-only). */
static int carry_etc(struct run *u, const char *new_root, bool dry, struct node_error *e) {
        bool base_was_active = true, layer_was_active = true;
        int r = activate(u, u->from_base, &base_was_active, e);
        if (r < 0)
                return r;
        if ((r = activate(u, u->res->from_layer, &layer_was_active, e)) < 0)
                goto out;
        {
                _cleanup_mount_ struct node_mount factory = {0}, current = {0};
                if ((r = mount_layer(u, "factory", u->from_base, "ro", &factory, e)) < 0 ||
                    (r = mount_layer(u, "current", u->res->from_layer, u->from_booted ? NULL : "ro", &current, e)) < 0)
                        goto out;
                char factory_etc[PATH_MAX], current_etc[PATH_MAX], new_etc[PATH_MAX];
                node_mount_path(&factory, "etc", factory_etc, sizeof factory_etc);
                node_mount_path(&current, "etc", current_etc, sizeof current_etc);
                snprintf(new_etc, sizeof new_etc, "%s/etc", new_root);
                if ((r = node_etc_plan(factory_etc, current_etc, new_etc, &u->res->etc, e)) < 0)
                        goto out;
                if (!dry && ((r = write_etc_log(u, e)) < 0 ||
                             (r = node_etc_apply(&u->res->etc, factory_etc, current_etc, new_etc, e)) < 0))
                        goto out;
                if ((r = node_mount_close(&current, e)) < 0 || (r = node_mount_close(&factory, e)) < 0)
                        goto out;
        }
out:
        if (!layer_was_active)
                node_lvm_deactivate(u->ctx, u->vg, u->res->from_layer, NULL);
        if (!base_was_active)
                node_lvm_deactivate(u->ctx, u->vg, u->from_base, NULL);
        return r;
}

static int make_layer(struct run *u, struct node_error *e) {
        int r = step(u, "layer", _("Creating the layer"), -1, e);
        if (r < 0 || (r = node_layer_make(u->ctx, &u->undo, u->vg, u->res->base, u->res->layer, true,
                                          NODE_TAG_PARTIAL, e)) < 0)
                return r;
        if ((r = step(u, "etc", _("Carrying /etc over"), -1, e)) < 0)
                return r;
        _cleanup_mount_ struct node_mount layer = {0};
        if ((r = mount_layer(u, "new", u->res->layer, NULL, &layer, e)) < 0 ||
            (r = carry_etc(u, layer.dir, false, e)) < 0)
                return r;
        /* a carried fstab names the old layer as /: it must name this one */
        char device[PATH_MAX], var_device[PATH_MAX];
        node_lvm_lv_path(u->vg, u->res->layer, device, sizeof device);
        node_lvm_lv_path(u->vg, NODE_VAR_VOLUME, var_device, sizeof var_device);
        if ((r = node_fstab_rewrite(layer.dir, u->res->layer, device, u->image.fstype, var_device, e)) < 0)
                return r;
        if ((r = step(u, "kernel", _("Writing the boot entry"), -1, e)) < 0)
                return r;
        u->entry_written = true;
        if ((r = node_layer_boot_entry_write(u->ctx, u->vg, u->res->nvr, u->res->layer, layer.dir, u->res->entry,
                                             sizeof u->res->entry, e)) < 0)
                return r;
        return node_mount_close(&layer, e);
}

/* Everything this run made, newest first; the boot default was not touched. */
static void undo(struct run *u) {
        if (u->entry_written)
                node_boot_entry_remove(u->ctx, u->res->layer, NULL);
        if (u->res->etc_log[0])
                unlink(u->res->etc_log);
        for (size_t i = u->n_made_dirs; i-- > 0;)
                rmdir(u->made_dirs[i]);
        node_undo_roll_back(&u->undo);
}

/* Keeps the newest keep images (bases): older bases go with their layers,
 * except those with a booted, default or pinned layer. */
static void keep_images(struct run *u) {
        struct node_error e = {0};
        _cleanup_layout_ struct node_layout *l = NULL;
        if (node_layout_read(u->ctx, &l, &e) < 0) {
                snprintf(u->res->cleanup_warning, sizeof u->res->cleanup_warning, "%s", e.message);
                return;
        }
        size_t n_images = 0;
        for (size_t i = 0; i < l->n_bases; i++)
                n_images += !l->bases[i].missing;
        for (size_t i = 0; i < l->n_bases && n_images > u->res->keep; i++) {
                const struct node_base *b = &l->bases[i];
                bool held = b->missing;
                for (size_t k = 0; k < b->n_layers; k++) {
                        const struct node_layer *y = &b->layers[k];
                        held |= y->booted || y->boot_default || (y->lv.tags && node_lvm_tags_have(y->lv.tags, NODE_TAG_PINNED));
                }
                if (held)
                        continue;
                for (size_t k = b->n_layers; k-- > 0;) {
                        struct node_remove_result removed;
                        if (node_layer_remove(u->ctx, b->layers[k].lv.name, &removed, &e) < 0) {
                                snprintf(u->res->cleanup_warning, sizeof u->res->cleanup_warning, "%s", e.message);
                                return;
                        }
                        if (u->res->n_removed < ELEMENTSOF(u->res->removed))
                                snprintf(u->res->removed[u->res->n_removed++], sizeof u->res->removed[0], "%s",
                                         b->layers[k].lv.name);
                }
                n_images--;
        }
}

static int run_upgrade(struct run *u, struct node_error *e) {
        _cleanup_layout_ struct node_layout *l = NULL;
        int r = check_image(u, e);
        if (r < 0 || (r = node_layout_read(u->ctx, &l, e)) < 0 || (r = check_node(u, l, e)) < 0)
                return r;
        if (u->o->dry_run) {
                _cleanup_mount_ struct node_mount squash = {0}, image = {0};
                char rootfs[PATH_MAX];
                if ((r = node_report(&u->rep, _("Planning the /etc carry-over"), -1, e)) < 0 ||
                    (r = node_mount_open(u->ctx, "image", u->o->image, "squashfs", "ro,loop", &squash, e)) < 0)
                        return r;
                node_mount_path(&squash, NODE_IMAGE_ROOTFS, rootfs, sizeof rootfs);
                if ((r = node_mount_open(u->ctx, "rootfs", rootfs, u->image.fstype,
                                         streq(u->image.fstype, "xfs") ? "ro,loop,norecovery" : "ro,loop,noload",
                                         &image, e)) < 0 ||
                    (r = carry_etc(u, image.dir, true, e)) < 0 || (r = node_mount_close(&image, e)) < 0)
                        return r;
                return node_mount_close(&squash, e);
        }
        /* nothing was changed up to here */
        if ((r = remove_leftovers(u, l, e)) < 0 || (r = make_base(u, e)) < 0 || (r = make_layer(u, e)) < 0)
                return r;
        if ((r = step(u, "finish", _("Finishing the layer"), -1, e)) < 0 ||
            (r = node_lvm_del_tag(u->ctx, u->vg, u->res->base, NODE_TAG_PARTIAL, e)) < 0 ||
            (r = node_lvm_del_tag(u->ctx, u->vg, u->res->layer, NODE_TAG_PARTIAL, e)) < 0)
                return r;
        if ((r = step(u, "default", _("Making it the boot default"), -1, e)) < 0 ||
            (r = u->o->tries > 0 ? node_boot_set_default_trial(u->ctx, u->res->layer, u->o->tries, e)
                                 : node_boot_set_default(u->ctx, u->res->layer, e)) < 0)
                return r;
        /* the upgrade is done: from here a failure or a signal changes nothing made */
        u->rep.cancel = NULL;
        if (step(u, "keep", _("Removing old images"), -1, e) < 0)
                snprintf(u->res->cleanup_warning, sizeof u->res->cleanup_warning, "%s", e->message);
        else
                keep_images(u);
        node_error_clear(e);
        return node_report(&u->rep, _("Done"), 1.0, e);
}

int node_upgrade(const struct node_context *ctx, const struct node_upgrade_opts *opts,
                 struct node_upgrade_result *result, struct node_error *e) {
        memset(result, 0, sizeof *result);
        if (!opts->image)
                return node_error_set(e, EINVAL, _("An upgrade needs an image."));
        struct run u = {
                .ctx = ctx,
                .o = opts,
                .res = result,
                .rep = { .progress = opts->progress, .userdata = opts->userdata, .cancel = opts->cancel,
                         .cancelled = _("The upgrade was cancelled; what it had made was removed and the boot "
                                        "default is unchanged.") },
        };
        u.undo.ctx = ctx;
        u.undo.vg = u.vg;
        int r = run_upgrade(&u, e);
        if (r < 0) {
                undo(&u);
                result->etc_log[0] = '\0';
        }
        return r;
}

void node_upgrade_result_free(struct node_upgrade_result *result) {
        node_etc_plan_free(&result->etc);
}
