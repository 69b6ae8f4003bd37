/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl verbs over the image layout: list, init, layers, rollback, boot
 * entries, remove, pin. */
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
#include "fault.h"
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

static struct json_object *pool_json(const struct node_layout *l) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_string_or_null(l->pool.name));
        json_object_object_add(o, "size", json_object_new_uint64(l->pool.size_bytes));
        json_object_object_add(o, "metadata_size", json_object_new_uint64(l->pool.metadata_size_bytes));
        json_object_object_add(o, "data_percent", json_percent(l->pool.data_percent));
        json_object_object_add(o, "metadata_percent", json_percent(l->pool.metadata_percent));
        json_object_object_add(o, "usage_from_kernel", json_object_new_boolean(l->pool.usage_from_dm));
        json_object_object_add(o, "full", json_object_new_boolean(l->pool.full));
        return o;
}

static void lv_json_fields(struct json_object *o, const struct node_lv *lv) {
        json_object_object_add(o, "name", json_object_new_string(lv->name));
        json_object_object_add(o, "size", json_object_new_uint64(lv->size_bytes));
        json_object_object_add(o, "data_percent", json_percent(lv->data_percent));
        json_object_object_add(o, "active", json_object_new_boolean(lv->active));
        json_object_object_add(o, "read_only", json_object_new_boolean(lv->read_only));
        json_object_object_add(o, "activation_skip", json_object_new_boolean(lv->activation_skip));
        json_object_object_add(o, "tags", json_object_new_string(lv->tags ? lv->tags : ""));
        json_object_object_add(o, "time", json_string_or_null(lv->time));
        json_object_object_add(o, "path", json_string_or_null(lv->path));
}

struct json_object *layout_json(const struct node_layout *l) {
        struct json_object *root = json_object_new_object();
        json_object_object_add(root, "vg", json_object_new_string(l->vg));
        json_object_object_add(root, "vg_size", json_object_new_uint64(l->vg_size_bytes));
        json_object_object_add(root, "vg_free", json_object_new_uint64(l->vg_free_bytes));
        json_object_object_add(root, "pool", pool_json(l));

        struct json_object *bases = json_object_new_array();
        for (size_t i = 0; i < l->n_bases; i++) {
                const struct node_base *b = &l->bases[i];
                struct json_object *bo = json_object_new_object();
                lv_json_fields(bo, &b->lv);
                json_object_object_add(bo, "nvr", json_object_new_string(b->nvr));
                struct json_object *layers = json_object_new_array();
                for (size_t j = 0; j < b->n_layers; j++) {
                        const struct node_layer *y = &b->layers[j];
                        struct json_object *yo = json_object_new_object();
                        lv_json_fields(yo, &y->lv);
                        json_object_object_add(yo, "nvr", json_object_new_string(y->nvr));
                        json_object_object_add(yo, "number", json_object_new_int(y->number));
                        json_object_object_add(yo, "origin", json_string_or_null(y->lv.origin));
                        json_object_object_add(yo, "booted", json_object_new_boolean(y->booted));
                        json_object_object_add(yo, "default", json_object_new_boolean(y->boot_default));
                        json_object_array_add(layers, yo);
                }
                json_object_object_add(bo, "layers", layers);
                json_object_array_add(bases, bo);
        }
        json_object_object_add(root, "bases", bases);

        struct json_object *volumes = json_object_new_array();
        for (size_t i = 0; i < l->n_volumes; i++) {
                struct json_object *vo = json_object_new_object();
                lv_json_fields(vo, &l->volumes[i]);
                json_object_array_add(volumes, vo);
        }
        json_object_object_add(root, "volumes", volumes);
        if (l->init_lv) {
                struct json_object *io = json_object_new_object();
                lv_json_fields(io, l->init_lv);
                json_object_object_add(root, "init", io);
        }
        json_object_object_add(root, "booted", json_string_or_null(l->booted ? l->booted->lv.name : NULL));
        json_object_object_add(root, "default",
                               json_string_or_null(l->boot_default ? l->boot_default->lv.name : NULL));
        return root;
}

/* A full pool is reported after the listing: the admin still sees the layout,
 * and scripts still get a non-zero exit code. */
int pool_verdict(const struct node_layout *l) {
        if (!l->pool.full)
                return EXIT_OK;
        fprintf(stderr,
                _("nodectl: Thin pool %s/%s is full (data %.1f%%, metadata %.1f%%): layers cannot be written; "
                  "extend the pool with lvextend or remove unused layers.\n"),
                l->vg, l->pool.name, l->pool.data_percent, l->pool.metadata_percent);
        return EXIT_NO_SPACE;
}

int read_layout(const struct options *o, struct node_layout **l) {
        struct node_error e = {0};
        int r = node_layout_read(&o->ctx, l, &e);
        if (r < 0)
                return fail(&e, r);
        return EXIT_OK;
}

static int verb_layers(const struct options *o, int argc, char **argv) {
        (void)argv;
        if (argc > 1)
                return usage_error(_("'layers' takes no arguments: %s"), QUOTED(argv[1]));
        _cleanup_layout_ struct node_layout *l = NULL;
        int rc = read_layout(o, &l);
        if (rc != EXIT_OK)
                return rc;
        if (o->json) {
                struct json_object *j = layout_json(l);
                print_json(j);
                json_object_put(j);
                return pool_verdict(l);
        }
        /* The shape of `imgbase layout`, so admins' habits and scripts carry over. */
        for (size_t i = 0; i < l->n_bases; i++) {
                const struct node_base *b = &l->bases[i];
                puts(b->lv.name);
                for (size_t j = 0; j < b->n_layers; j++) {
                        const struct node_layer *y = &b->layers[j];
                        char marks[128] = "";
                        if (y->booted)
                                strcat(marks, _(" [booted]"));
                        if (y->boot_default)
                                strcat(marks, _(" [default]"));
                        printf(" +- %s%s\n", y->lv.name, marks);
                }
        }
        return pool_verdict(l);
}

/* "fell back from X because ..." when the boot loader skipped a layer whose tries ran out. */
static void fallback_sentence(const struct node_boot_fallback *fb, char *buf, size_t size) {
        unsigned long n = fb->tries > 0 ? (unsigned long)fb->tries : 0;
        if (fb->reason[0])
                snprintf(buf, size,
                         dngettext(NODECON_TEXTDOMAIN, "fell back from %s because its health check failed on %d boot: %s",
                                   "fell back from %s because its health check failed on %d boots: %s", n),
                         fb->from_layer, fb->tries, fb->reason);
        else
                snprintf(buf, size,
                         dngettext(NODECON_TEXTDOMAIN, "fell back from %s because its %d boot was not confirmed healthy",
                                   "fell back from %s because none of its %d boots was confirmed healthy", n),
                         fb->from_layer, fb->tries);
}

static int verb_info(const struct options *o, int argc, char **argv) {
        if (argc > 1)
                return usage_error(_("'info' takes no arguments: %s"), QUOTED(argv[1]));
        _cleanup_layout_ struct node_layout *l = NULL;
        int rc = read_layout(o, &l);
        if (rc != EXIT_OK)
                return rc;
        const struct node_base *latest = node_layout_latest_base(l);
        /* the fallback is a note: a node whose boot side cannot be read still has its info */
        struct node_boot_fallback fb;
        char fallback[1024] = "";
        if (node_boot_last_fallback(&o->ctx, &fb, NULL) == 0 && fb.fell_back)
                fallback_sentence(&fb, fallback, sizeof fallback);
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "vg", json_object_new_string(l->vg));
                json_object_object_add(j, "booted", json_string_or_null(l->booted ? l->booted->lv.name : NULL));
                json_object_object_add(j, "booted_nvr", json_string_or_null(l->booted ? l->booted->nvr : NULL));
                json_object_object_add(j, "default",
                                       json_string_or_null(l->boot_default ? l->boot_default->lv.name : NULL));
                json_object_object_add(j, "latest_nvr", json_string_or_null(latest ? latest->nvr : NULL));
                struct json_object *images = json_object_new_array();
                size_t n_layers = 0;
                for (size_t i = 0; i < l->n_bases; i++) {
                        json_object_array_add(images, json_object_new_string(l->bases[i].nvr));
                        n_layers += l->bases[i].n_layers;
                }
                json_object_object_add(j, "images", images);
                json_object_object_add(j, "layers", json_object_new_uint64(n_layers));
                json_object_object_add(j, "pool", pool_json(l));
                json_object_object_add(j, "engine", engine_info_json(o));
                struct json_object *fj = NULL;
                if (fallback[0]) {
                        fj = json_object_new_object();
                        json_object_object_add(fj, "from", json_object_new_string(fb.from_layer));
                        json_object_object_add(fj, "tries", json_object_new_int(fb.tries));
                        json_object_object_add(fj, "reason", json_string_or_null(fb.reason[0] ? fb.reason : NULL));
                        json_object_object_add(fj, "sentence", json_object_new_string(fallback));
                }
                json_object_object_add(j, "fallback", fj);
                print_json(j);
                json_object_put(j);
                return pool_verdict(l);
        }
        char a[32], b[32];
        printf(_("Volume group:    %s (%s, %s free)\n"), l->vg, human_size(l->vg_size_bytes, a, sizeof a),
               human_size(l->vg_free_bytes, b, sizeof b));
        printf(_("Booted layer:    %s\n"), l->booted ? l->booted->lv.name : _("none (not booted from a layer of this VG)"));
        printf(_("Boot default:    %s\n"), l->boot_default ? l->boot_default->lv.name : _("unknown (no boot loader entry names a layer)"));
        if (fallback[0])
                printf(_("Last boot:       %s\n"), fallback);
        printf(_("Newest image:    %s\n"), latest ? latest->nvr : _("none"));
        printf(_("Images:          %zu\n"), l->n_bases);
        for (size_t i = 0; i < l->n_bases; i++)
                printf("                 %s (%zu %s)\n", l->bases[i].nvr, l->bases[i].n_layers,
                       l->bases[i].n_layers == 1 ? _("layer") : _("layers"));
        printf(_("Thin pool:       %s/%s, %s, data %.1f%%, metadata %.1f%%%s\n"), l->vg, l->pool.name,
               human_size(l->pool.size_bytes, a, sizeof a), l->pool.data_percent, l->pool.metadata_percent,
               l->pool.usage_from_dm ? "" : _(" (as lvm reports it)"));
        engine_info_print(o);
        return pool_verdict(l);
}

/* A path that leads to no file is exit 4 (not a valid node image) before lib
 * opens it; the sentence quotes at most 60 characters of it. */
static int check_image_file(const char *path) {
        if (access(path, F_OK) == 0)
                return EXIT_OK;
        if (errno == ENOENT)
                fprintf(stderr, _("nodectl: The image file '%s' does not exist.\n"), QUOTED(path));
        else
                fprintf(stderr, _("nodectl: The image file '%s' cannot be opened: %s.\n"), QUOTED(path),
                        strerror(errno));
        return EXIT_BAD_IMAGE;
}

/* --adopt takes VG/LV or LV: names LVM would accept, at most one '/'. */
static bool adopt_lv_valid(const char *name) {
        const char *slash = strchr(name, '/');
        if (!slash)
                return node_lvm_name_valid(name);
        char vg[NODE_LV_NAME_MAX + 1];
        size_t len = (size_t)(slash - name);
        if (len >= sizeof vg)
                return false;
        memcpy(vg, name, len);
        vg[len] = '\0';
        return node_lvm_name_valid(vg) && node_lvm_name_valid(slash + 1);
}

static int verb_image_info(const struct options *o, int argc, char **argv) {
        if (argc != 2)
                return usage_error(_("'image-info' needs exactly one image file%s"), "");
        int rc = check_image_file(argv[1]);
        if (rc != EXIT_OK)
                return rc;
        struct node_image_info info = {0};
        struct node_error e = {0};
        int r = node_image_inspect(&o->ctx, argv[1], &info, &e);
        if (r < 0) {
                rc = fail(&e, r);
                return r == -ENOENT || r == -EACCES || r == -EMEDIUMTYPE || r == -ENODATA || r == -EINVAL
                               ? EXIT_BAD_IMAGE
                               : rc;
        }
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "path", json_object_new_string(argv[1]));
                json_object_object_add(j, "nvr", json_object_new_string(info.nvr));
                json_object_object_add(j, "fstype", json_object_new_string(info.fstype));
                json_object_object_add(j, "rootfs_size", json_object_new_uint64(info.rootfs_size_bytes));
                print_json(j);
                json_object_put(j);
                return EXIT_OK;
        }
        char s[32];
        printf(_("Image:    %s\nVersion:  %s\nRoot fs:  %s, %s\n"), argv[1], info.nvr, info.fstype,
               human_size(info.rootfs_size_bytes, s, sizeof s));
        return EXIT_OK;
}

static int verb_init(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = {
                { "image", required_argument, NULL, 'i' },
                { "adopt", required_argument, NULL, 'a' },
                { "pool-size", required_argument, NULL, 'p' },
                { "var-size", required_argument, NULL, 'v' },
                {}
        };
        struct progress_state progress = { .percent = -1 };
        struct node_init_opts io = { .progress = progress_lines, .userdata = &progress };
        int c;
        optind = 1;
        opterr = 0;  /* the one sentence below says it */
        while ((c = getopt_long(argc, argv, "+", longopts, NULL)) >= 0) {
                switch (c) {
                case 'i': io.image = optarg; break;
                case 'a': io.adopt_lv = optarg; break;
                case 'p':
                        if (parse_size(optarg, &io.pool_size_bytes) < 0)
                                return usage_error(_("Invalid --pool-size '%s': give a size such as 20G."),
                                                   QUOTED(optarg));
                        break;
                case 'v':
                        if (parse_size(optarg, &io.var_size_bytes) < 0)
                                return usage_error(_("Invalid --var-size '%s': give a size such as 2G."),
                                                   QUOTED(optarg));
                        break;
                default:
                        return usage_error("%s", _("Invalid option for 'init'."));
                }
        }
        if (optind != argc - 1)
                return usage_error("%s", _("'init' needs exactly one volume group: nodectl init --image FILE VG"));
        if (!io.image == !io.adopt_lv)
                return usage_error("%s", _("'init' needs either --image FILE or --adopt VG/LV."));
        io.vg = argv[optind];
        int rc = check_vg_name(io.vg);
        if (rc != EXIT_OK)
                return rc;
        if (io.adopt_lv && !adopt_lv_valid(io.adopt_lv))
                return usage_error(_("'%s' is not a logical volume name (VG/LV or LV)."), QUOTED(io.adopt_lv));
        /* lib says ENOENT for a missing VG and a missing image alike; the exit
         * code tells them apart for scripts. */
        if (io.image && (rc = check_image_file(io.image)) != EXIT_OK)
                return rc;

        struct node_init_result res = {0};
        struct node_error e = {0};
        int r = node_init(&o->ctx, &io, &res, &e);
        if (progress.percent >= 0 && isatty(STDERR_FILENO))
                fputc('\n', stderr);
        if (r < 0) {
                rc = fail(&e, r);
                if (io.image && (r == -EMEDIUMTYPE || r == -ENODATA || r == -EINVAL || r == -EACCES))
                        return EXIT_BAD_IMAGE;
                return r == -EEXIST ? EXIT_FAILED : rc;
        }
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "vg", json_object_new_string(io.vg));
                json_object_object_add(j, "base", json_object_new_string(res.base));
                json_object_object_add(j, "layer", json_object_new_string(res.layer));
                print_json(j);
                json_object_put(j);
        } else {
                printf(_("Node layout created in %s: base %s, layer %s.\n"), io.vg, res.base, res.layer);
        }
        return EXIT_OK;
}

/* Every changing verb holds the node lock until it returns. */
static int take_lock(const struct options *o, struct node_lock *lock) {
        struct node_error e = {0};
        int r = node_lock_acquire(&o->ctx, lock, &e);
        if (r < 0)
                return fail(&e, r);
        return EXIT_OK;
}

static int verb_add_layer(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = { { "base", required_argument, NULL, 'b' }, {} };
        const char *base = NULL;
        int c;
        optind = 1;
        opterr = 0;  /* the one sentence below says it */
        while ((c = getopt_long(argc, argv, "+", longopts, NULL)) >= 0) {
                if (c != 'b')
                        return usage_error("%s", _("Invalid option for 'add-layer'."));
                base = optarg;
        }
        if (optind != argc)
                return usage_error(_("'add-layer' takes no arguments: %s"), QUOTED(argv[optind]));
        if (base && node_nvr_check_lv_name(base, NULL) < 0)
                return usage_error(_("'%s' is not the name of a base (NAME-VERSION-RELEASE)."), QUOTED(base));
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        int rc = take_lock(o, &lock);
        if (rc != EXIT_OK)
                return rc;
        struct node_layer_add_result res;
        struct node_error e = {0};
        int r = node_layer_add(&o->ctx, base, &res, &e);
        if (r < 0)
                return fail(&e, r);
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "layer", json_object_new_string(res.layer));
                json_object_object_add(j, "boot_entry", json_string_or_null(res.entry));
                json_object_object_add(j, "no_boot_entry_reason", json_string_or_null(res.no_entry_reason));
                print_json(j);
                json_object_put(j);
        } else if (res.entry[0]) {
                printf(_("Layer %s created with boot entry %s; the boot default is unchanged.\n"), res.layer,
                       res.entry);
                printf(_("%s can be booted with: nodectl boot --set-default %s\n"), res.layer, res.layer);
        } else {
                printf(_("Layer %s created.\n"), res.layer);
                fprintf(stderr, _("nodectl: warning: layer %s has no boot entry, so nodectl boot cannot pick it: %s\n"),
                        res.layer, res.no_entry_reason);
        }
        return EXIT_OK;
}

/* ---- changing the boot side: rollback, boot, remove, pin ------------------ */


/* Verbs that take one LAYER and maybe --yes / --to: a small shared parser. */
static int parse_layer_args(int argc, char **argv, const char *verb, bool allow_yes, bool *yes,
                            const char **layer) {
        static const struct option longopts[] = { { "yes", no_argument, NULL, 'y' }, {} };
        int c;
        /* optind 0 re-reads the option string: without '+', "remove LAYER --yes" reads as
         * well as "remove --yes LAYER" (main's own parse stopped at the verb) */
        optind = 0;
        opterr = 0;  /* the one sentence below says it */
        while ((c = getopt_long(argc, argv, "", allow_yes ? longopts : longopts + 1, NULL)) >= 0) {
                if (c != 'y')
                        return usage_error(_("Invalid option for '%s'."), verb);
                *yes = true;
        }
        if (optind != argc - 1)
                return usage_error(_("'%s' needs exactly one layer name (NVR+N)."), verb);
        *layer = argv[optind];
        if (node_layer_name_parse(*layer, NULL, 0, NULL, NULL) < 0)
                return usage_error(_("'%s' is not a layer name (NVR+N)."), QUOTED(*layer));
        return EXIT_OK;
}

static int verb_rollback(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = {
                { "to", required_argument, NULL, 't' }, { "yes", no_argument, NULL, 'y' }, {}
        };
        const char *to = NULL;
        bool yes = false;
        int c;
        optind = 1;
        opterr = 0;  /* the one sentence below says it */
        while ((c = getopt_long(argc, argv, "+", longopts, NULL)) >= 0) {
                switch (c) {
                case 't': to = optarg; break;
                case 'y': yes = true; break;
                default: return usage_error("%s", _("Invalid option for 'rollback'."));
                }
        }
        if (optind != argc)
                return usage_error(_("'rollback' takes no arguments (name a layer with --to): '%s'."),
                                   QUOTED(argv[optind]));
        if (to && node_layer_name_parse(to, NULL, 0, NULL, NULL) < 0)
                return usage_error(_("'%s' is not a layer name (NVR+N)."), QUOTED(to));

        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        int rc = take_lock(o, &lock);
        if (rc != EXIT_OK)
                return rc;
        struct node_rollback_result res;
        struct node_error e = {0};
        int r = node_rollback_plan(&o->ctx, to, &res, &e);
        if (r < 0)
                return fail(&e, r);
        if (!o->json) {
                printf(_("The next boot will start layer %s (boot entry %s) instead of %s.\n"), res.to, res.entry,
                       res.from[0] ? res.from : _("an unknown layer"));
                printf(_("/etc and /var are not rolled back: they stay as they are now.\n"));
        }
        if (!o->json && !confirmed(yes, _("Make it the boot default?"))) {
                fprintf(stderr, _("nodectl: Nothing was changed.\n"));
                return EXIT_FAILED;
        }
        node_fault_point(&o->ctx, "rollback.planned");
        if ((r = node_boot_set_default(&o->ctx, res.to, &e)) < 0)
                return fail(&e, r);
        node_fault_point(&o->ctx, "rollback.default");
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "from", json_string_or_null(res.from));
                json_object_object_add(j, "to", json_object_new_string(res.to));
                json_object_object_add(j, "entry", json_object_new_string(res.entry));
                json_object_object_add(j, "etc_var_rolled_back", json_object_new_boolean(false));
                print_json(j);
                json_object_put(j);
        } else {
                printf(_("Done: reboot to start %s.\n"), res.to);
        }
        return EXIT_OK;
}

static struct json_object *boot_entry_json(const struct node_boot_entry *b, bool is_default) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(b->id));
        json_object_object_add(o, "layer", json_string_or_null(b->layer));
        json_object_object_add(o, "title", json_string_or_null(b->title));
        json_object_object_add(o, "version", json_string_or_null(b->version));
        json_object_object_add(o, "linux", json_string_or_null(b->linux_path));
        json_object_object_add(o, "initrd", json_string_or_null(b->initrd));
        json_object_object_add(o, "options", json_string_or_null(b->options));
        json_object_object_add(o, "path", json_string_or_null(b->path));
        json_object_object_add(o, "default", json_object_new_boolean(is_default));
        json_object_object_add(o, "tries_left", b->tries_left < 0 ? NULL : json_object_new_int(b->tries_left));
        json_object_object_add(o, "tries_done", b->tries_done < 0 ? NULL : json_object_new_int(b->tries_done));
        return o;
}

static int verb_boot(const struct options *o, int argc, char **argv) {
        static const struct option longopts[] = {
                { "list", no_argument, NULL, 'l' }, { "set-default", required_argument, NULL, 's' },
                { "tries", required_argument, NULL, 't' }, {}
        };
        bool list = false;
        const char *set_default = NULL, *tries_arg = NULL;
        int c;
        optind = 1;
        opterr = 0;  /* the one sentence below says it */
        while ((c = getopt_long(argc, argv, "+", longopts, NULL)) >= 0) {
                switch (c) {
                case 'l': list = true; break;
                case 's': set_default = optarg; break;
                case 't': tries_arg = optarg; break;
                default: return usage_error("%s", _("Invalid option for 'boot'."));
                }
        }
        if (optind != argc)
                return usage_error(_("'boot' takes no arguments: '%s'."), QUOTED(argv[optind]));
        if (list == !!set_default)
                return usage_error("%s", _("'boot' needs either --list or --set-default LAYER."));
        if (list)
                nodectl_audit_skip();
        int tries = 0;
        if (tries_arg && (!set_default || parse_tries(tries_arg, &tries) < 0))
                return usage_error("%s", _("--tries takes a number from 1 to 9 and goes with --set-default."));

        struct node_error e = {0};
        int r;
        if (set_default) {
                if (node_layer_name_parse(set_default, NULL, 0, NULL, NULL) < 0)
                        return usage_error(_("'%s' is not a layer name (NVR+N)."), QUOTED(set_default));
                _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
                int rc = take_lock(o, &lock);
                if (rc != EXIT_OK)
                        return rc;
                /* only layers of this node's layout may become the default */
                struct node_rollback_result res;
                r = node_rollback_plan(&o->ctx, set_default, &res, &e);
                if (r == -EALREADY) {
                        printf(_("Layer %s is already the boot default.\n"), set_default);
                        return EXIT_OK;
                }
                if (r < 0)
                        return fail(&e, r);
                if (tries > 0) {
                        if ((r = node_boot_set_default_trial(&o->ctx, set_default, tries, &e)) < 0)
                                return fail(&e, r);
                        printf(dngettext(NODECON_TEXTDOMAIN,
                                         "The next boot will try layer %s (boot entry %s); unless it is healthy within "
                                         "%d boot, the node falls back to %s by itself.\n",
                                         "The next boots will try layer %s (boot entry %s); unless it is healthy within "
                                         "%d boots, the node falls back to %s by itself.\n",
                                         (unsigned long)tries),
                               res.to, res.entry, tries, res.from);
                        return EXIT_OK;
                }
                node_fault_point(&o->ctx, "rollback.planned");
                if ((r = node_boot_set_default(&o->ctx, set_default, &e)) < 0)
                        return fail(&e, r);
                node_fault_point(&o->ctx, "rollback.default");
                printf(_("The next boot will start layer %s (boot entry %s).\n"), res.to, res.entry);
                return EXIT_OK;
        }

        struct node_boot_entry *entries;
        size_t n;
        long default_index;
        if ((r = node_boot_list(&o->ctx, &entries, &n, &default_index, &e)) < 0)
                return fail(&e, r);
        if (o->json) {
                struct json_object *j = json_object_new_array();
                for (size_t i = 0; i < n; i++)
                        json_object_array_add(j, boot_entry_json(&entries[i], (long)i == default_index));
                print_json(j);
                json_object_put(j);
        } else if (n == 0) {
                printf(_("No boot entries.\n"));
        } else {
                for (size_t i = 0; i < n; i++)
                        printf("%c %-50s %s\n", (long)i == default_index ? '*' : ' ', entries[i].id,
                               entries[i].layer ? entries[i].layer : _("(no layer)"));
        }
        node_boot_entries_free(entries, n);
        return EXIT_OK;
}

static int verb_remove(const struct options *o, int argc, char **argv) {
        bool yes = false;
        const char *layer = NULL;
        int rc = parse_layer_args(argc, argv, "remove", true, &yes, &layer);
        if (rc != EXIT_OK)
                return rc;
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        if ((rc = take_lock(o, &lock)) != EXIT_OK)
                return rc;
        struct node_remove_result res;
        struct node_error e = {0};
        int r = node_layer_remove_check(&o->ctx, layer, &res, &e);
        if (r < 0)
                return fail(&e, r);
        char question[512];
        if (res.base[0])
                snprintf(question, sizeof question,
                         _("Remove layer %s, its boot entry and its base %s (its last layer)?"), layer, res.base);
        else
                snprintf(question, sizeof question, _("Remove layer %s and its boot entry?"), layer);
        if (!confirmed(yes, question)) {
                fprintf(stderr, _("nodectl: Nothing was changed.\n"));
                return EXIT_FAILED;
        }
        if ((r = node_layer_remove(&o->ctx, layer, &res, &e)) < 0)
                return fail(&e, r);
        if (o->json) {
                struct json_object *j = json_object_new_object();
                json_object_object_add(j, "removed", json_object_new_string(res.layer));
                json_object_object_add(j, "base_removed", json_string_or_null(res.base));
                print_json(j);
                json_object_put(j);
        } else if (res.base[0]) {
                printf(_("Layer %s and its base %s were removed.\n"), res.layer, res.base);
        } else {
                printf(_("Layer %s was removed.\n"), res.layer);
        }
        return EXIT_OK;
}

static int pin_or_unpin(const struct options *o, int argc, char **argv, bool pin) {
        bool yes = false;
        const char *layer = NULL;
        int rc = parse_layer_args(argc, argv, pin ? "pin" : "unpin", false, &yes, &layer);
        if (rc != EXIT_OK)
                return rc;
        _cleanup_lock_ struct node_lock lock = NODE_LOCK_INIT;
        if ((rc = take_lock(o, &lock)) != EXIT_OK)
                return rc;
        bool changed;
        struct node_error e = {0};
        int r = node_layer_pin(&o->ctx, layer, pin, &changed, &e);
        if (r < 0)
                return fail(&e, r);
        if (pin)
                printf(changed ? _("Layer %s is pinned: it will not be removed.\n")
                               : _("Layer %s was already pinned.\n"), layer);
        else
                printf(changed ? _("Layer %s is no longer pinned.\n") : _("Layer %s was not pinned.\n"), layer);
        return EXIT_OK;
}

static int verb_pin(const struct options *o, int argc, char **argv) { return pin_or_unpin(o, argc, argv, true); }
static int verb_unpin(const struct options *o, int argc, char **argv) { return pin_or_unpin(o, argc, argv, false); }

const struct nodectl_verb nodectl_layer_verbs[] = {
        { "info", verb_info, "info", N_("Versions, booted and default layer, pool use") },
        { "layers", verb_layers, "layers", N_("The bases and their layers, like imgbase layout") },
        { "init", verb_init, "init (--image FILE | --adopt VG/LV) [--pool-size SIZE] [--var-size SIZE] VG",
          N_("Create the node layout on a volume group") },
        { "add-layer", verb_add_layer, "add-layer [--base NVR]", N_("Add a new layer on a base (default: newest)") },
        { "image-info", verb_image_info, "image-info FILE", N_("Check a node image and show its version") },
        { "rollback", verb_rollback, "rollback [--to LAYER] [--yes]",
          N_("Boot the previous layer next time (/etc and /var stay)") },
        { "boot", verb_boot, "boot (--list | --set-default LAYER [--tries N])", N_("List boot entries or set the default") },
        { "remove", verb_remove, "remove LAYER [--yes]", N_("Remove a layer, its boot entry and a base left empty") },
        { "pin", verb_pin, "pin LAYER", N_("Keep a layer: remove and cleanup skip it") },
        { "unpin", verb_unpin, "unpin LAYER", N_("Let a layer be removed again") },
        {}
};
