/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "power.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "i18n.h"
#include "spawn.h"
#include "vms.h"

/* The start of every failure's sentence. */
static const char *cannot(enum node_power_action action) {
        return action == NODE_POWER_POWEROFF ? _("The node cannot be powered off") : _("The node cannot be restarted");
}

/* The test hook: a program stands in for logind. */
static int run_program(const char *program, enum node_power_action action, struct node_error *e) {
        const char *argv[] = { program, NULL };
        struct node_spawn_result res;
        int r = node_spawn(argv, NULL, &res, e);
        if (r < 0)
                return r;
        if (res.exit_code != 0) {
                char line[512];
                node_spawn_last_error_line(&res, line, sizeof line);
                /* The program's name, not its path: the message must fit a dialog on an 80-column console. */
                const char *slash = strrchr(program, '/');
                r = node_error_set(e, EIO, _("%s: %s failed (%s)."), cannot(action), slash ? slash + 1 : program,
                                   line[0] ? line : _("no message"));
        }
        node_spawn_result_free(&res);
        return r;
}

static int ask_logind(enum node_power_action action, struct node_error *e) {
        sd_bus *bus = NULL;
        int r = sd_bus_open_system(&bus);
        if (r < 0)
                return node_error_set(e, r, _("%s: the system bus cannot be reached (%s)."), cannot(action),
                                      strerror(-r));
        sd_bus_error err = SD_BUS_ERROR_NULL;
        /* interactive=false: a console has nobody to answer a polkit agent */
        r = sd_bus_call_method(bus, "org.freedesktop.login1", "/org/freedesktop/login1",
                               "org.freedesktop.login1.Manager",
                               action == NODE_POWER_POWEROFF ? "PowerOff" : "Reboot", &err, NULL, "b", 0);
        if (r < 0) {
                char why[512];
                snprintf(why, sizeof why, "%s", sd_bus_error_is_set(&err) && err.message ? err.message : strerror(-r));
                size_t len = strlen(why);
                while (len > 0 && why[len - 1] == '.')
                        why[--len] = '\0';
                node_error_set(e, r, _("%s: systemd-logind refused (%s)."), cannot(action), why);
        }
        sd_bus_error_free(&err);
        sd_bus_flush_close_unref(bus);
        return r < 0 ? r : 0;
}

int node_power(const struct node_context *ctx, enum node_power_action action, struct node_error *e) {
        const char *program = ctx ? (action == NODE_POWER_POWEROFF ? ctx->poweroff : ctx->reboot) : NULL;
        return program ? run_program(program, action, e) : ask_logind(action, e);
}

int node_reboot(const struct node_context *ctx, struct node_error *e) {
        return node_power(ctx, NODE_POWER_REBOOT, e);
}

int node_power_vm_warning(const struct node_context *ctx, node_vms_lister *list_vms, char *sentence, size_t size) {
        struct node_vm_list vms = { 0 };
        struct node_error e = { 0 };
        int n = -1;
        if (list_vms(ctx, &vms, &e) == 0) {
                node_vm_list_running_sentence(&vms, sentence, size);
                n = (int)vms.n_active;
        } else {
                /* TRANSLATORS: %s is lib's sentence why libvirt could not be asked */
                snprintf(sentence, size, _("Whether virtual machines run is not known: %s"), e.message);
        }
        node_vm_list_free(&vms);
        return n;
}
