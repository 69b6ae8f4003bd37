/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "screens.h"

#include <errno.h>
#include <stdlib.h>

#include "i18n.h"
#include "layout.h"
#include "tui/job.h"

/* Shown only when lvm is slow: a quick read never flashes a dialog. */
#define READ_DIALOG_AFTER_MS 700

struct layout_read {
        const struct node_context *ctx;
        struct node_layout *layout;
        screen_layout_done_fn done;
        void *userdata;
};

static int run_read(void *input, struct node_error *e) {
        struct layout_read *rd = input;
        return node_layout_read(rd->ctx, &rd->layout, e);
}

static void read_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct layout_read *rd = input;
        rd->done(app, r, e, &rd->layout, rd->userdata);
}

static void free_read(void *input) {
        struct layout_read *rd = input;
        if (rd->layout)
                node_layout_free(rd->layout);
        free(rd);
}

int screen_read_layout(struct tui_app *app, const char *title, screen_layout_done_fn done, void *userdata,
                       struct tui_job **job) {
        struct layout_read *rd = calloc(1, sizeof *rd);
        if (!rd)
                return -ENOMEM;
        *rd = (struct layout_read){ .ctx = tui_app_context(app), .done = done, .userdata = userdata };
        struct tui_job_spec spec = {
                .run = run_read, .done = read_done, .input = rd, .free_input = free_read,
                .title = title, .step = _("Waiting for lvm to report the layout"),
                .dialog_after_ms = READ_DIALOG_AFTER_MS, .cancellable = true,
        };
        return tui_job_start(app, &spec, job);
}
