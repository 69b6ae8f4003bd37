/* SPDX-License-Identifier: GPL-2.0-or-later */
/* d on the network list: delete one bond, bridge or VLAN.  lib's own check
 * refuses at once (a network card, a VLAN still on it, a port of a bridge);
 * else a dialog says what happens to its ports (each gets back a plain DHCP
 * profile) and warns when it carries the default route or ovirtmgmt.  Yes
 * runs the delete under the node lock in a worker, inside an NM checkpoint,
 * then "Keep these settings?" counts down (netconfirm.c): nobody answering,
 * NM puts the interface back by itself. */
#include "screens.h"
#include "network-screens.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "lock.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

struct delete_job {
        const struct node_context *ctx;
        struct node_lock lock;
        char iface[16];
        bool force;
        struct node_net_deleted deleted;
};

static void free_delete_job(void *input) {
        struct delete_job *j = input;
        node_lock_release(&j->lock);
        free(j);
}

static int delete_interface(struct node_net *net, void *input, struct node_error *e) {
        struct delete_job *j = input;
        struct node_net_delete_request req = { .iface = j->iface, .force = j->force };
        /* the confirmation timeout: the config file's, as for every change */
        int r = node_net_confirm_timeout(j->ctx, &req.rollback_timeout, e);
        return r < 0 ? r : node_net_delete(net, j->ctx, &req, &j->deleted, e);
}

static int run_delete(void *input, struct node_error *e) { return screen_nm_run(delete_interface, input, e); }

static void delete_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)userdata;
        struct delete_job *j = input;
        node_lock_release(&j->lock);
        char text[512];
        /* the arguments as nodectl's: "network delete bond0 --force" */
        snprintf(text, sizeof text, "%s%s", j->iface, j->force ? " --force" : "");
        screen_net_audit("network delete", text, r, e);
        if (r < 0) {
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The interface was not deleted"), e->message, NULL, NULL);
                return;
        }
        if (!j->deleted.ports[0])
                snprintf(text, sizeof text, _("%s is deleted."), j->iface);
        else if (j->deleted.activated)
                snprintf(text, sizeof text, _("%s is deleted; connected with a plain profile again: %s."), j->iface,
                         j->deleted.ports);
        else
                snprintf(text, sizeof text, _("%s is deleted; still connecting with a plain profile: %s."),
                         j->iface, j->deleted.ports);
        screen_net_confirm_push(app, j->iface, text, j->deleted.seconds_left);
}

static void answered(struct tui_app *app, bool confirmed, void *userdata) {
        const struct net_delete_ask *ask = userdata;
        if (!confirmed)
                return;
        struct delete_job *j = calloc(1, sizeof *j);
        if (!j)
                return;
        j->ctx = tui_app_context(app);
        j->lock = (struct node_lock)NODE_LOCK_INIT;
        snprintf(j->iface, sizeof j->iface, "%s", ask->iface);
        j->force = ask->force;
        if (!screen_net_lock(app, &j->lock)) {
                free_delete_job(j);
                return;
        }
        struct tui_job_spec spec = {
                .run = run_delete, .done = delete_done, .input = j, .free_input = free_delete_job,
                .title = _("Deleting the interface"),
                .step = _("NetworkManager removes the profiles and connects the ports"),
        };
        if (tui_job_start(app, &spec, NULL) < 0)
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("The interface was not deleted"),
                                _("No worker could be started; nothing was changed."), NULL, NULL);
}

void network_delete_ask(struct tui_app *app, const struct node_net_state *state, const char *iface,
                        struct net_delete_ask *ask) {
        struct node_error e = { 0 }, warning = { 0 };
        char text[1536];
        /* every refusal but the two a yes overrides: said at once, nothing asked */
        if (node_net_check_delete(state, iface, true, &e) < 0) {
                snprintf(text, sizeof text, _("%s Nothing was changed."), e.message);
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("This interface cannot be deleted"), text, NULL, NULL);
                return;
        }
        const struct node_nic *nic = node_net_find_nic(state, iface);
        char ports[160] = "";
        size_t n_ports = 0;
        for (; nic->ports && nic->ports[n_ports]; n_ports++) {
                size_t used = strlen(ports);
                snprintf(ports + used, sizeof ports - used, "%s%s", n_ports ? ", " : "", nic->ports[n_ports]);
        }
        if (nic->vlan_id)
                snprintf(text, sizeof text, _("The VLAN %s and its profile are deleted; %s under it stays as it is."),
                         iface, nic->vlan_parent ? nic->vlan_parent : "?");
        else if (n_ports)
                snprintf(text, sizeof text,
                         P_("%s and its profile are deleted. Its port %s gets back a plain DHCP profile and is "
                            "connected.",
                            "%s and its profile are deleted. Its ports %s each get back a plain DHCP profile and are "
                            "connected.",
                            n_ports),
                         iface, ports);
        else
                snprintf(text, sizeof text, _("%s and its profile are deleted; it has no ports."), iface);
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, " %s",
                 _("You then have to keep this, or the old settings come back."));
        /* the default route or ovirtmgmt: the admin's yes is the --force */
        ask->force = node_net_check_delete(state, iface, false, &warning) == -EPERM;
        if (ask->force) {
                used = strlen(text);
                snprintf(text + used, sizeof text - used, " %s", warning.message);
        }
        snprintf(ask->iface, sizeof ask->iface, "%s", iface);
        tui_dialog_push(app, TUI_DIALOG_CONFIRM, _("Delete the interface?"), text, answered, ask);
}
