/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A progress dialog for a long lib call: title, current step, a bar, and
 * "c Cancel" where cancelling is safe.  The lib call runs on the main loop's
 * thread, so every update redraws and lets pending keys in. */
#include "widgets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#define PROGRESS_COLS 60

struct tui_progress {
        struct tui_app *app;
        char *title;
        char step[256];
        double fraction;
        unsigned phase;            /* where the block of an unknown fraction is */
        bool cancellable;
        bool cancelled;
};

struct progress_args {
        const char *title;
        bool cancellable;
        struct tui_progress **out;
};

static int progress_init(struct tui_screen *s, void *arg) {
        const struct progress_args *a = arg;
        struct tui_progress *p = calloc(1, sizeof *p);
        if (!p)
                return -ENOMEM;
        s->data = p;
        p->app = s->app;
        p->title = strdup(a->title ? a->title : "");
        p->fraction = -1;
        p->cancellable = a->cancellable;
        if (!p->title)
                return -ENOMEM;
        *a->out = p;
        return 0;
}

static void progress_free(struct tui_screen *s) {
        struct tui_progress *p = s->data;
        if (!p)
                return;
        free(p->title);
        free(p);
}

static void progress_size(struct tui_screen *s, int *rows, int *cols) {
        (void)s;
        *rows = 8;
        *cols = PROGRESS_COLS;
}

static void progress_draw(struct tui_screen *s) {
        struct tui_progress *p = s->data;
        WINDOW *w = s->win;
        int rows = getmaxy(w), cols = getmaxx(w);
        /* DIALOG, the border of every dialog: in both of term.c's schemes it
         * has the attributes of NORMAL, the style this border had before. */
        tui_dialog_frame(w, TUI_STYLE_DIALOG, p->title);
        tui_put(w, 2, 2, cols - 4, p->cancelled ? _("Cancelling...") : p->step, TUI_STYLE_DIALOG);

        /* [#####.....]  42%: the bar uses the block cell of the line mode. */
        int bar = cols - 4 - 6;
        char percent[16] = "";
        int filled = 0;
        if (p->fraction >= 0) {
                double f = p->fraction > 1 ? 1 : p->fraction;
                filled = (int)(f * bar + 0.5);
                snprintf(percent, sizeof percent, "%3d%%", (int)(f * 100 + 0.5));
        }
        /* Unknown fraction: a short block sweeps the bar, so a wait that goes
         * on still shows that nothing hangs on our side. */
        int sweep = bar / 6 > 1 ? bar / 6 : 1, span = bar - sweep, from = -1;
        if (p->fraction < 0 && span > 0) {
                int pos = (int)(p->phase % (unsigned)(2 * span));
                from = pos < span ? pos : 2 * span - pos;
        }
        for (int i = 0; i < bar; i++) {
                if (i < filled || (from >= 0 && i >= from && i < from + sweep))
                        mvwadd_wch(w, 4, 2 + i, tui_line(TUI_BLOCK));
                else
                        mvwaddch(w, 4, 2 + i, p->fraction >= 0 ? '.' : ' ');
        }
        tui_put_right(w, 4, 2 + bar, 6, percent, TUI_STYLE_DIALOG);
        if (p->cancellable && !p->cancelled) {
                tui_put(w, rows - 2, 2, 1, "c", TUI_STYLE_HELP_KEY);
                tui_put(w, rows - 2, 4, cols - 6, _("Cancel"), TUI_STYLE_HELP);
        }
}

static bool progress_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct tui_progress *p = s->data;
        if (!function_key && p->cancellable && (key == 'c' || key == 'C' || key == TUI_KEY_ESC))
                p->cancelled = true;
        return true;
}

static const struct screen_ops progress_ops = {
        .name = "progress",
        .overlay = true,
        .size = progress_size,
        .init = progress_init,
        .draw = progress_draw,
        .key = progress_key,
        .free = progress_free,
};

int tui_progress_push(struct tui_app *app, const char *title, bool cancellable, struct tui_progress **out) {
        struct progress_args args = { title, cancellable, out };
        int r = tui_push(app, &progress_ops, &args);
        if (r == 0)
                tui_flush(app);
        return r;
}

void tui_progress_set(struct tui_progress *p, const char *step, double fraction) {
        if (step)
                snprintf(p->step, sizeof p->step, "%s", step);
        p->fraction = fraction;
        if (fraction < 0)
                p->phase += 2;
        tui_flush(p->app);
}

void tui_progress_update(struct tui_progress *p, const char *step, double fraction) {
        tui_iterate(p->app);
        tui_progress_set(p, step, fraction);
}

bool tui_progress_cancelled(const struct tui_progress *p) { return p->cancelled; }

void tui_progress_close(struct tui_progress *p) {
        struct tui_screen *top = tui_top(p->app);
        if (top && top->data == p)
                tui_pop(p->app);
}
