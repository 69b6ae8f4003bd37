/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "job.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "widgets.h"

#define JOB_TIMER_MS 250

/* Workers nobody joins: the program must not run its exit handlers under one
 * that is still inside a library (see tui_jobs_running). */
static gint jobs_running;

struct tui_job {
        struct tui_app *app;
        struct tui_job_spec spec;
        char *title, *step;
        gint64 started_us;
        /* when the dialog's delay started counting: the start, or when a
         * dialog on top that held it back went away */
        gint64 dialog_clock_us;
        guint timer;
        struct tui_progress *progress;
        /* Main thread only.  Once set, done() is not called any more. */
        bool abandoned;
        /* Written by the worker before it hands the job back. */
        int result;
        struct node_error error;
};

static void job_free(struct tui_job *job) {
        if (job->spec.free_input && job->spec.input)
                job->spec.free_input(job->spec.input);
        free(job->title);
        free(job->step);
        free(job);
}

/* Takes the timer and the dialog away; the job itself lives on until the
 * worker hands it back. */
static void stop_showing(struct tui_job *job) {
        if (job->timer) {
                g_source_remove(job->timer);
                job->timer = 0;
        }
        if (job->progress) {
                /* Looked up by address only: during teardown the dialog may
                 * already be gone. */
                tui_remove(job->app, job->progress);
                job->progress = NULL;
        }
}

static gboolean arrived(gpointer userdata) {
        struct tui_job *job = userdata;
        if (!job->abandoned) {
                stop_showing(job);
                if (job->spec.done)
                        job->spec.done(job->app, job->result, &job->error, job->spec.input, job->spec.userdata);
                tui_flush(job->app);
        }
        job_free(job);
        return G_SOURCE_REMOVE;
}

static gpointer worker(gpointer userdata) {
        struct tui_job *job = userdata;
        /* Signals are the main loop's business (SIGWINCH, SIGTERM). */
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);
        job->result = job->spec.run(job->spec.input, &job->error);
        g_idle_add(arrived, job);
        g_atomic_int_dec_and_test(&jobs_running);
        return NULL;
}

void tui_job_progress_init(struct tui_job_progress *p) {
        g_mutex_init(&p->lock);
        p->step[0] = '\0';
        p->fraction = -1;
        p->cancel = 0;
}

void tui_job_progress_clear(struct tui_job_progress *p) { g_mutex_clear(&p->lock); }

int tui_job_progress_report(const char *step, double fraction, void *progress) {
        struct tui_job_progress *p = progress;
        g_mutex_lock(&p->lock);
        if (step)
                snprintf(p->step, sizeof p->step, "%s", step);
        p->fraction = fraction;
        g_mutex_unlock(&p->lock);
        return p->cancel != 0;
}

static void show_progress(struct tui_job *job) {
        if (job->spec.progress) {
                struct tui_job_progress *p = job->spec.progress;
                char step[256];
                g_mutex_lock(&p->lock);
                snprintf(step, sizeof step, "%s", p->step[0] ? p->step : job->step ? job->step : "");
                double fraction = p->fraction;
                g_mutex_unlock(&p->lock);
                tui_progress_set(job->progress, step, fraction);
                return;
        }
        double seconds = (double)(g_get_monotonic_time() - job->started_us) / G_USEC_PER_SEC;
        char step[512];
        if (seconds >= 1)
                /* TRANSLATORS: a step of a long operation and how long it has run, "Reading the layout (3 s)" */
                snprintf(step, sizeof step, _("%s (%d s)"), job->step ? job->step : "", (int)seconds);
        else
                snprintf(step, sizeof step, "%s", job->step ? job->step : "");
        tui_progress_set(job->progress, step, -1);
}

static gboolean on_timer(gpointer userdata) {
        struct tui_job *job = userdata;
        if (!job->progress) {
                gint64 now = g_get_monotonic_time();
                /* Not over a question or another progress: the admin's next
                 * key was meant for what he sees, and a dialog popping up
                 * just before it would take it.  Nor right after he answered
                 * it: the delay counts again from then, so only work that is
                 * still slow shows its dialog. */
                if (tui_dialog_on_top(job->app)) {
                        job->dialog_clock_us = now;
                        return G_SOURCE_CONTINUE;
                }
                if ((now - job->dialog_clock_us) / 1000 < job->spec.dialog_after_ms)
                        return G_SOURCE_CONTINUE;
                if (tui_progress_push(job->app, job->title, job->spec.cancellable, &job->progress) < 0) {
                        job->progress = NULL;
                        return G_SOURCE_CONTINUE;
                }
        } else if (tui_progress_cancelled(job->progress) && job->spec.progress) {
                /* the work stops itself where that is safe and answers */
                job->spec.progress->cancel = 1;
        } else if (tui_progress_cancelled(job->progress)) {
                job->timer = 0;
                stop_showing(job);
                job->abandoned = true;
                if (job->spec.done)
                        job->spec.done(job->app, -ECANCELED, NULL, job->spec.input, job->spec.userdata);
                tui_flush(job->app);
                return G_SOURCE_REMOVE;
        }
        show_progress(job);
        return G_SOURCE_CONTINUE;
}

int tui_job_start(struct tui_app *app, const struct tui_job_spec *spec, struct tui_job **out) {
        struct tui_job *job = calloc(1, sizeof *job);
        if (!job) {
                if (spec->free_input && spec->input)
                        spec->free_input(spec->input);
                return -ENOMEM;
        }
        job->app = app;
        job->spec = *spec;
        job->started_us = job->dialog_clock_us = g_get_monotonic_time();
        job->title = spec->title ? strdup(spec->title) : NULL;
        job->step = spec->step ? strdup(spec->step) : NULL;
        if ((spec->title && !job->title) || (spec->step && !job->step)) {
                job_free(job);
                return -ENOMEM;
        }
        GError *error = NULL;
        g_atomic_int_inc(&jobs_running);
        GThread *thread = g_thread_try_new("nodecon-job", worker, job, &error);
        if (!thread) {
                g_atomic_int_dec_and_test(&jobs_running);
                g_error_free(error);
                job_free(job);
                return -EAGAIN;
        }
        /* Nobody joins it: it ends by handing the job back. */
        g_thread_unref(thread);
        if (job->title) {
                job->timer = g_timeout_add(JOB_TIMER_MS, on_timer, job);
                if (job->spec.dialog_after_ms == 0)
                        on_timer(job);
        }
        if (out)
                *out = job;
        return 0;
}

unsigned tui_jobs_running(void) { return (unsigned)g_atomic_int_get(&jobs_running); }

void tui_job_abandon(struct tui_job *job) {
        if (!job || job->abandoned)
                return;
        stop_showing(job);
        job->abandoned = true;
}
