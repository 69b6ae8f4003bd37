/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

/* systemd units over sd-bus: the services an admin of a node cares about,
 * and start/stop/restart that wait for systemd's verdict. */

/* The node's services when the configuration names none. */
extern const char *const node_services_default[];

/* The management agents "restart management agents" restarts, in order. */
extern const char *const node_services_agents[];

struct node_service {
        char *name;             /* full unit name, "vdsmd.service" */
        char *description;
        char *load_state;       /* loaded, not-found, masked, ... */
        char *active_state;     /* active, inactive, failed, activating, ... */
        char *sub_state;        /* running, dead, exited, listening, ... */
        char *unit_file_state;  /* enabled, disabled, static, masked, ... or NULL */
        uint64_t since_usec;    /* realtime µs of the last state change, 0 unknown */
        bool requested;         /* asked for by name (else listed because it failed) */
};

struct node_service_list {
        struct node_service *services;  /* the requested ones in the order given, then failed units */
        size_t n_services;
        size_t n_failed;
};

/* names: NULL-terminated; "vdsmd" means "vdsmd.service".  Units that failed
 * are added even when not named. */
int node_services_list(const struct node_context *ctx, const char *const *names, struct node_service_list *list,
                       struct node_error *e);
void node_service_list_free(struct node_service_list *list);

enum node_service_action { NODE_SERVICE_START, NODE_SERVICE_STOP, NODE_SERVICE_RESTART, NODE_SERVICE_RELOAD };

/* Runs the action and waits (at most timeout_sec) until systemd says how it
 * ended: 0 when the job was done, else one sentence naming the unit and
 * pointing at its log. */
int node_service_act(const struct node_context *ctx, const char *name, enum node_service_action action,
                     unsigned timeout_sec, struct node_error *e);

/* As systemctl enable/disable: the links the unit file's [Install] section
 * names are made or removed, then systemd reloads its configuration.  The
 * unit's running state is not touched. */
int node_service_enable(const struct node_context *ctx, const char *name, bool enable, struct node_error *e);

/* Fills full with the unit name ("vdsmd" -> "vdsmd.service"); -EINVAL with a
 * sentence for names systemd would refuse. */
int node_service_name(const char *name, char *full, size_t size, struct node_error *e);
