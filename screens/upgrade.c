/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Upgrade: the admin names a node image, the field says what is wrong with
 * the path until it names a readable file; the image is checked (lib reads
 * its NVR from inside it and plans the upgrade without changing anything)
 * and compared with the version that runs; a dialog says what the upgrade
 * will do, and under the node lock it runs in a worker with a progress bar
 * that names each step and can be cancelled (lib takes back what it made).
 * Then the restart is offered. */
#include "screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "image.h"
#include "layout.h"
#include "lock.h"
#include "media.h"
#include "nvr.h"
#include "tui/job.h"
#include "upgrade.h"
#include "tui/widgets.h"
#include "util.h"

#define FIELD_WIDTH 56
/* the form holds at most 1023 bytes; longer is a paste gone wrong */
#define FIELD_MAX_BYTES 1001

struct upgrade_view {
        struct tui_app *app;
        struct tui_form_field_spec fields[1];
        struct tui_form *form;
        struct tui_job *checking;
        bool checked;                     /* an answer came for the image below */
        char image[4096];
        int check_r;
        struct node_error error;
        struct node_image_info info;
        char running_nvr[256];            /* "" when unknown */
        /* the dry run: what the upgrade would do, or why it cannot */
        int plan_r;
        struct node_error plan_error;
        char from_layer[256];
        size_t etc_changes;
        unsigned keep;
        char vms[1200];                   /* which virtual machines run, "" if none */
        bool busy;                        /* the upgrade runs */
        /* the file picked in the browser, as bytes, and as the field shows it
         * (escaped where it is not text): while the field still shows that,
         * the bytes are what is checked */
        char picked[4096];
        char picked_shown[1024];
};

/* The path the field stands for: what was picked, unless it was edited. */
static const char *image_path(const struct upgrade_view *v, const char *value) {
        return v->picked[0] && streq(value, v->picked_shown) ? v->picked : value;
}

/* Said after the field's label: "Image file does not exist." */
static const char *validate_image_path(const char *field, void *userdata) {
        const char *value = image_path(userdata, field);
        if (strlen(field) >= FIELD_MAX_BYTES)
                return _("is too long: a path has at most 1000 bytes here.");
        for (const unsigned char *c = (const unsigned char *)field; *c; c++)
                if (*c < ' ' || *c == 0x7f)
                        return _("contains control characters; type the path again.");
        if (!*value)
                return _("is needed: the path of a node image (.squashfs).");
        if (value[0] != '/')
                return _("must be an absolute path, starting with /.");
        struct stat st;
        if (stat(value, &st) < 0)
                return errno == ENOENT || errno == ENOTDIR ? _("does not exist.") : _("cannot be looked at.");
        if (S_ISDIR(st.st_mode))
                return _("is a directory; name the image file in it.");
        if (!S_ISREG(st.st_mode))
                return _("is not a regular file.");
        if (access(value, R_OK) < 0)
                return _("cannot be read.");
        return NULL;
}

struct image_check {
        const struct node_context *ctx;
        char image[4096];
        struct node_image_info info;
        char running_nvr[256];
        struct node_upgrade_result plan;
        int plan_r;
        struct node_error plan_error;
        char vms[1200];
};

static void free_check(void *input) {
        struct image_check *c = input;
        node_upgrade_result_free(&c->plan);
        free(c);
}

/* The image, and what runs now to compare it with (unknown if the layout
 * cannot be read: the image's own answer matters most). */
static int run_check(void *input, struct node_error *e) {
        struct image_check *c = input;
        int r = node_image_inspect(c->ctx, c->image, &c->info, e);
        if (r < 0)
                return r;
        struct node_layout *l = NULL;
        struct node_error ignored = { 0 };
        if (node_layout_read(c->ctx, &l, &ignored) == 0) {
                if (l->booted && l->booted->nvr)
                        snprintf(c->running_nvr, sizeof c->running_nvr, "%s", l->booted->nvr);
                node_layout_free(l);
        }
        node_power_vm_warning(c->ctx, node_vms_list_by_nodectl, c->vms, sizeof c->vms);
        /* lib's own preflight, changing nothing: version, space, /var, boot loader */
        struct node_upgrade_opts opts = { .image = c->image, .dry_run = true };
        c->plan_r = node_upgrade(c->ctx, &opts, &c->plan, &c->plan_error);
        return 0;
}

/* ---- the upgrade itself --------------------------------------------------- */

struct install {
        const struct node_context *ctx;
        char image[4096];
        struct node_lock lock;
        struct tui_job_progress progress;
        struct node_upgrade_result result;
        struct upgrade_view *view;
};

static void free_install(void *input) {
        struct install *in = input;
        node_lock_release(&in->lock);
        tui_job_progress_clear(&in->progress);
        node_upgrade_result_free(&in->result);
        free(in);
}

static int run_install(void *input, struct node_error *e) {
        struct install *in = input;
        struct node_upgrade_opts opts = {
                .image = in->image, .progress = tui_job_progress_report, .userdata = &in->progress,
                .cancel = &in->progress.cancel,
        };
        return node_upgrade(in->ctx, &opts, &in->result, e);
}

static void install_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct install *in = input;
        in->view->busy = false;
        in->view->checked = false;
        node_lock_release(&in->lock);
        if (r == -ECANCELED) {
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Upgrade cancelled"), e->message, NULL, NULL);
                return;
        }
        if (r < 0) {
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The upgrade failed"), e->message, NULL, NULL);
                return;
        }
        screen_offer_restart(app, in->result.layer);
        /* on top, so it is read first: the upgrade worked, its cleanup did not */
        if (in->result.cleanup_warning[0])
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Old images were not all removed"),
                                in->result.cleanup_warning, NULL, NULL);
}

static void install_answer(struct tui_app *app, bool confirmed, void *userdata) {
        struct upgrade_view *v = userdata;
        if (!confirmed)
                return;
        struct install *in = calloc(1, sizeof *in);
        if (!in)
                return;
        in->ctx = tui_app_context(app);
        in->lock = (struct node_lock)NODE_LOCK_INIT;
        in->view = v;
        snprintf(in->image, sizeof in->image, "%s", v->image);
        tui_job_progress_init(&in->progress);
        struct node_error e = { 0 };
        if (node_lock_acquire(in->ctx, &in->lock, &e) < 0) {
                char text[1200];
                snprintf(text, sizeof text, _("%s Nothing was changed."), e.message);
                free_install(in);
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("Another operation is running"), text, NULL, NULL);
                return;
        }
        struct tui_job_spec spec = {
                .run = run_install, .done = install_done, .input = in, .free_input = free_install,
                .title = _("Upgrading"), .step = _("Starting"), .cancellable = true, .progress = &in->progress,
        };
        v->busy = tui_job_start(app, &spec, NULL) == 0;
        if (!v->busy)
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The upgrade failed"),
                                _("No worker could be started; nothing was changed."), NULL, NULL);
}

static void ask_install(struct upgrade_view *v) {
        char text[2048];
        snprintf(text, sizeof text,
                 _("A new base %s and its first layer are made from the image; /etc is carried over from %s "
                   "(%zu changes) and /var stays shared. The boot default changes last, so %s stays bootable "
                   "until then and afterwards. Images beyond %u are removed, pinned layers are kept. "
                   "The virtual machines keep running until the restart. %s"),
                 v->info.nvr, v->from_layer[0] ? v->from_layer : _("the running layer"), v->etc_changes,
                 v->from_layer[0] ? v->from_layer : _("the running layer"), v->keep, v->vms);
        tui_dialog_push(v->app, TUI_DIALOG_CONFIRM, _("Upgrade the node?"), text, install_answer, v);
}

static void check_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)app;
        struct upgrade_view *v = userdata;
        struct image_check *c = input;
        v->checking = NULL;
        v->checked = true;
        v->check_r = r;
        node_error_clear(&v->error);
        if (r == -ECANCELED)
                node_error_set(&v->error, ECANCELED, _("You stopped waiting for the check of the image."));
        else if (r < 0)
                v->error = *e;
        v->info = c->info;
        snprintf(v->running_nvr, sizeof v->running_nvr, "%s", c->running_nvr);
        v->plan_r = c->plan_r;
        v->plan_error = c->plan_error;
        snprintf(v->from_layer, sizeof v->from_layer, "%s", c->plan.from_layer);
        v->etc_changes = c->plan.etc.n_changes;
        v->keep = c->plan.keep;
        snprintf(v->vms, sizeof v->vms, "%s", c->vms);
        if (r == 0 && c->plan_r == 0)
                ask_install(v);
}

static void start_check(struct upgrade_view *v, const char *path) {
        if (v->checking)
                return;
        struct image_check *c = calloc(1, sizeof *c);
        if (!c)
                return;
        c->ctx = tui_app_context(v->app);
        snprintf(c->image, sizeof c->image, "%s", path);
        snprintf(v->image, sizeof v->image, "%s", path);
        v->checked = false;
        struct tui_job_spec spec = {
                .run = run_check, .done = check_done, .input = c, .free_input = free_check, .userdata = v,
                .title = _("Checking the image"), .step = _("Reading the version inside the image"),
                .dialog_after_ms = 300, .cancellable = true,
        };
        if (tui_job_start(v->app, &spec, &v->checking) < 0)
                v->checking = NULL;
}

static int upgrade_init(struct tui_screen *s, void *arg) {
        (void)arg;
        struct upgrade_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        v->app = s->app;
        s->data = v;
        v->fields[0] = (struct tui_form_field_spec){
                .label = _("Image file"), .initial = "", .width = FIELD_WIDTH, .validate = validate_image_path,
                .userdata = v,
        };
        return tui_form_new(v->fields, ELEMENTSOF(v->fields), &v->form);
}

static void upgrade_free(struct tui_screen *s) {
        struct upgrade_view *v = s->data;
        tui_job_abandon(v->checking);
        tui_form_free(v->form);
        free(v);
        /* the field showed the cursor; no other screen wants it */
        curs_set(0);
}

static void row(WINDOW *w, int y, const char *label, const char *value, enum tui_style style) {
        tui_put(w, y, 2, 16, label, TUI_STYLE_LABEL);
        tui_put(w, y, 18, getmaxx(w) - 19, value, style);
}

static void draw_result(struct upgrade_view *v, WINDOW *w, int y) {
        int cols = getmaxx(w) - 4;
        if (!v->checked)
                return;
        if (v->check_r < 0) {
                tui_put(w, y++, 2, cols, _("This image cannot be used:"), TUI_STYLE_ERROR);
                tui_put_wrapped(w, y, 2, cols, 4, v->error.message, TUI_STYLE_NORMAL);
                return;
        }
        char text[512], size[32];
        row(w, y++, _("Image version"), v->info.nvr, TUI_STYLE_NORMAL);
        row(w, y++, _("Running now"), v->running_nvr[0] ? v->running_nvr : _("unknown"), TUI_STYLE_NORMAL);
        if (v->running_nvr[0]) {
                int cmp = node_nvr_compare(v->info.nvr, v->running_nvr);
                row(w, y++, "",
                    cmp > 0   ? _("The image is newer: it can be installed.")
                    : cmp < 0 ? _("The image is OLDER than what runs.")
                              : _("The image is the version that runs."),
                    cmp > 0 ? TUI_STYLE_GOOD : TUI_STYLE_WARNING);
        }
        snprintf(text, sizeof text, _("%s file system, %s in use"), v->info.fstype,
                 screen_format_bytes(v->info.rootfs_used_bytes, size, sizeof size));
        row(w, y++, _("Contents"), text, TUI_STYLE_NORMAL);
        y++;
        if (v->plan_r < 0) {
                tui_put(w, y++, 2, cols, _("It cannot be installed:"), TUI_STYLE_ERROR);
                tui_put_wrapped(w, y, 2, cols, 4, v->plan_error.message, TUI_STYLE_NORMAL);
        } else {
                tui_put(w, y, 2, cols, _("Ready to install: choose OK again to be asked once more."),
                        TUI_STYLE_GOOD);
        }
}

static void upgrade_draw(struct tui_screen *s) {
        struct upgrade_view *v = s->data;
        WINDOW *w = s->win;
        const struct tui_key_help keys[] = {
                { "Tab", _("Next") },
                { "Enter", _("Check") },
                { "^B", _("Browse") },
                { "^U", _("Clear") },
                { "Esc", _("Back") },
        };
        tui_form_sync(v->form);
        /* a new path makes the old answer stale */
        if (v->checked && strcmp(image_path(v, tui_form_value(v->form, 0)), v->image) != 0)
                v->checked = false;
        tui_frame_draw(w, _("nodecon: upgrade"), NULL, keys, ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4;
        y += tui_put_wrapped(w, y, 2, cols, 3,
                             _("Name a node image: the squashfs file that ovirt-node-ng-image-update ships, on a "
                               "local disk or mounted media."),
                             TUI_STYLE_NORMAL);
        y++;
        int form_y = y;
        y += tui_form_rows(v->form) + 1;
        draw_result(v, w, y);
        /* last, so the cursor ends in the field */
        tui_form_draw(v->form, w, form_y, 2);
}

static void image_picked(struct tui_app *app, const char *path, void *userdata) {
        (void)app;
        struct upgrade_view *v = userdata;
        snprintf(v->picked, sizeof v->picked, "%s", path);
        node_media_display_name(path, v->picked_shown, sizeof v->picked_shown);
        tui_form_set_value(v->form, 0, v->picked_shown);
        tui_form_sync(v->form);
        /* as OK would: the field's sentence, or the image's check */
        if (!tui_form_problem(v->form))
                start_check(v, v->picked);
}

/* OK checks the image typed, as a pick in the browser does. */
static void check_typed_image(void *userdata) {
        struct upgrade_view *v = userdata;
        start_check(v, image_path(v, tui_form_value(v->form, 0)));
}

static bool upgrade_key(struct tui_screen *s, wint_t key, bool function_key) {
        static const struct tui_form_actions actions = { .ok = check_typed_image };
        struct upgrade_view *v = s->data;
        if (v->busy)
                return true;
        if ((!function_key && key == TUI_CTRL('b')) || (function_key && key == KEY_F(2))) {
                tui_form_sync(v->form);
                struct browse_request request = {
                        .start = image_path(v, tui_form_value(v->form, 0)), .max_length = FIELD_MAX_BYTES - 1,
                        .picked = image_picked, .userdata = v,
                };
                tui_push(s->app, &browse_screen_ops, &request);
                return true;
        }
        return tui_form_screen_key(s, v->form, key, function_key, &actions, v);
}

const struct screen_ops upgrade_screen_ops = {
        .name = "upgrade",
        .init = upgrade_init,
        .draw = upgrade_draw,
        .key = upgrade_key,
        .free = upgrade_free,
};
