/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Work that may block (every lib call that runs lvm, mount or a reboot) runs
 * in a worker thread, so a slow or hung lvm never freezes keys, the clock or
 * a redraw.  The result comes back on the main loop, where done() runs.
 *
 * The worker only calls lib (no globals, no curses); everything it reads or
 * fills lives in the job's input, which the job owns and frees.  A job whose
 * owner goes away is abandoned: its result is thrown away when it arrives.
 * A lib call cannot be interrupted; "stop waiting" drops the result. */

#include <signal.h>
#include <stdbool.h>

#include "error.h"
#include "loop.h"

struct tui_job;

/* How far a long lib call is, written by the worker, read by the dialog.
 * Lives in the job's input; tui_job_progress_report has the shape of lib's
 * progress callbacks (install.h node_progress_fn), with the struct as its
 * userdata, and cancel is what lib's cancel flag points at. */
struct tui_job_progress {
        GMutex lock;
        char step[256];
        double fraction;                 /* < 0: unknown */
        volatile sig_atomic_t cancel;    /* set by the dialog's Cancel */
};
void tui_job_progress_init(struct tui_job_progress *p);
void tui_job_progress_clear(struct tui_job_progress *p);
/* Worker side.  Returns non-zero once the admin asked to cancel. */
int tui_job_progress_report(const char *step, double fraction, void *progress);

/* Runs in the worker thread.  Returns 0 or a negative errno and fills e. */
typedef int (*tui_job_run_fn)(void *input, struct node_error *e);
/* Runs on the main loop when the work is done (r, e from run), or at once
 * with r = -ECANCELED when the admin stopped waiting.  The input is still
 * the job's; it is freed after done returns. */
typedef void (*tui_job_done_fn)(struct tui_app *app, int r, const struct node_error *e, void *input,
                                void *userdata);

struct tui_job_spec {
        tui_job_run_fn run;
        tui_job_done_fn done;       /* may be NULL */
        void *input;                /* owned by the job from tui_job_start on, even on failure */
        void (*free_input)(void *input);
        void *userdata;
        /* A progress dialog with this title (NULL: none) and step text shows
         * when the work takes longer than dialog_after_ms; it counts the
         * seconds, so an admin sees that something is still waited for. */
        const char *title;
        const char *step;
        unsigned dialog_after_ms;
        bool cancellable;           /* the dialog offers to stop waiting */
        /* The work reports here: the dialog shows its step and fraction, and
         * Cancel asks the work to stop (progress->cancel) instead of dropping
         * it: done then gets what the work answers, usually -ECANCELED. */
        struct tui_job_progress *progress;
};

/* *out (may be NULL) is valid until done has been called (or the job was
 * abandoned): owners that keep it clear it in done. */
int tui_job_start(struct tui_app *app, const struct tui_job_spec *spec, struct tui_job **out);
/* The owner goes away: done is never called, the result is dropped.  NULL is
 * fine. */
void tui_job_abandon(struct tui_job *job);
/* Workers still inside their work.  A program that leaves while one runs must
 * leave with _exit: exit's handlers (OpenSSL's, libvirt's) would free what
 * the worker still uses, and it would crash or hang on their locks. */
unsigned tui_jobs_running(void);
