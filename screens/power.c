/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Restarting or powering off the node from any screen: libvirt is asked
 * which virtual machines would go down (in a worker: libvirtd may hang), the
 * question names them, and a yes takes the node lock, asks logind in a
 * worker and leaves an audit record. */
#include "screens.h"

#include <stdio.h>
#include <stdlib.h>

#include "audit.h"
#include "i18n.h"
#include "lock.h"
#include "tui/job.h"
#include "tui/widgets.h"

struct power_request {
        const struct node_context *ctx;
        enum node_power_action action;
        char preamble[1024];      /* said before the question, may be "" */
        char vms[1200];           /* "2 virtual machines are active: ..." or "" */
        struct node_lock lock;
};

static void power_request_free(void *input) {
        struct power_request *pr = input;
        node_lock_release(&pr->lock);
        free(pr);
}

static const char *failure_title(enum node_power_action action) {
        return action == NODE_POWER_POWEROFF ? _("Cannot power off") : _("Cannot restart");
}

static int run_power(void *input, struct node_error *e) {
        struct power_request *pr = input;
        return node_power(pr->ctx, pr->action, e);
}

static void power_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct power_request *pr = input;
        struct node_audit_record rec = {
                .kind = NODE_AUDIT_SESSION, .program = "nodecon",
                .action = pr->action == NODE_POWER_POWEROFF ? "poweroff" : "reboot",
                .success = r == 0, .exit_code = r == 0 ? 0 : 1, .error = r < 0 ? e->message : NULL,
        };
        struct node_error audit_error = { 0 };
        node_audit_write(&rec, &audit_error);  /* a node without journald keeps no trail */
        if (r < 0)
                tui_dialog_push(app, TUI_DIALOG_ERROR, failure_title(pr->action), e->message, NULL, NULL);
        else if (pr->action == NODE_POWER_POWEROFF)
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Powering off"),
                                _("The node is powering off now; this console ends with it."), NULL, NULL);
        else
                tui_dialog_push(app, TUI_DIALOG_INFO, _("Restarting"),
                                _("The node is restarting now; this console ends with it."), NULL, NULL);
}

static void power_answer(struct tui_app *app, bool confirmed, void *userdata) {
        struct power_request *pr = userdata;
        if (!confirmed) {
                power_request_free(pr);
                return;
        }
        struct node_error e = { 0 };
        if (node_lock_acquire(pr->ctx, &pr->lock, &e) < 0) {
                tui_dialog_push(app, TUI_DIALOG_ERROR, failure_title(pr->action), e.message, NULL, NULL);
                power_request_free(pr);
                return;
        }
        bool off = pr->action == NODE_POWER_POWEROFF;
        struct tui_job_spec spec = {
                .run = run_power, .done = power_done, .input = pr, .free_input = power_request_free,
                .title = off ? _("Powering off") : _("Restarting"),
                .step = off ? _("Asking systemd to power the node off") : _("Asking systemd to restart the node"),
        };
        if (tui_job_start(app, &spec, NULL) < 0)
                tui_dialog_push(app, TUI_DIALOG_ERROR, failure_title(pr->action),
                                _("No worker could be started for it."), NULL, NULL);
}

static int run_list_vms(void *input, struct node_error *e) {
        (void)e;
        struct power_request *pr = input;
        node_power_vm_warning(pr->ctx, node_vms_list_by_nodectl, pr->vms, sizeof pr->vms);
        return 0;
}

static void vms_listed(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)r;
        (void)e;
        (void)input;
        struct power_request *pr = userdata;
        bool off = pr->action == NODE_POWER_POWEROFF;
        char text[2600];
        snprintf(text, sizeof text, "%s%s%s%s%s", pr->preamble, pr->preamble[0] ? " " : "", pr->vms,
                 pr->vms[0] ? " " : "", off ? _("Power off now?") : _("Restart now?"));
        if (tui_dialog_push(app, TUI_DIALOG_CONFIRM, off ? _("Power off the node?") : _("Restart the node?"), text,
                            power_answer, pr) < 0)
                power_request_free(pr);
}

void screen_offer_power(struct tui_app *app, enum node_power_action action, const char *preamble) {
        struct power_request *pr = calloc(1, sizeof *pr);
        if (!pr)
                return;
        pr->ctx = tui_app_context(app);
        pr->action = action;
        pr->lock = (struct node_lock)NODE_LOCK_INIT;
        snprintf(pr->preamble, sizeof pr->preamble, "%s", preamble ? preamble : "");
        /* the job keeps pr for the question that follows: the question owns it */
        struct tui_job_spec spec = {
                .run = run_list_vms, .done = vms_listed, .input = pr, .userdata = pr,
                .title = action == NODE_POWER_POWEROFF ? _("Power off") : _("Restart"),
                .step = _("Asking libvirt which virtual machines run"),
        };
        if (tui_job_start(app, &spec, NULL) < 0)
                free(pr);
}

void screen_offer_restart(struct tui_app *app, const char *layer) {
        char preamble[512];
        snprintf(preamble, sizeof preamble, _("Layer %s is now the boot default; the node starts it at its next restart."),
                 layer);
        screen_offer_power(app, NODE_POWER_REBOOT, preamble);
}
