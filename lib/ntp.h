/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The node's NTP servers, through whichever time daemon it has: chrony (its
 * own conf file /etc/chrony/chrony.conf) or systemd-timesyncd.  nodecon never
 * edits the distribution's files: its servers go into one drop-in of its own,
 *   chrony     /etc/chrony/sources.d/nodecon.sources   ("server NAME iburst")
 *   timesyncd  /etc/systemd/timesyncd.conf.d/nodecon.conf   ("[Time]" "NTP=...")
 * written atomically under node_context.root, and the running daemon is told
 * (`chronyc reload sources`, or a restart of systemd-timesyncd through
 * systemd when it runs).  An empty list removes the drop-in: the
 * distribution's servers apply again. */

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"

#define NODE_NTP_MAX_SERVERS 8

enum node_ntp_daemon { NODE_NTP_NONE, NODE_NTP_CHRONY, NODE_NTP_TIMESYNCD };

struct node_ntp {
        enum node_ntp_daemon daemon;
        char **servers;          /* what the daemon uses, in order; NULL-terminated, never NULL itself */
        bool ours;               /* nodecon's drop-in sets them (else the distribution's files do) */
        char **others;           /* chrony: servers and pools of other files it also uses */
        char drop_in[256];       /* the drop-in's path, without the root */
};

/* A server as the admin types it: an IP address or a DNS name.  -EINVAL and
 * one sentence naming the problem. */
int node_ntp_check_server(const char *text, struct node_error *e);

/* -ENOTSUP with a sentence when neither daemon is installed. */
int node_ntp_read(const struct node_context *ctx, struct node_ntp *ntp, struct node_error *e);
void node_ntp_free(struct node_ntp *ntp);

struct node_ntp_applied {
        enum node_ntp_daemon daemon;
        bool told;               /* the running daemon took the new servers */
        char note[400];          /* why it was not told ("" when told) */
};

/* servers: NULL-terminated, at most NODE_NTP_MAX_SERVERS, each checked
 * first (a bad one changes nothing).  The file is written even when the
 * daemon does not run (it reads it when it starts: applied->note says so);
 * under a root other than "/" no daemon is told (it is not the one that
 * reads those files). */
int node_ntp_set(const struct node_context *ctx, const char *const *servers, struct node_ntp_applied *applied,
                 struct node_error *e);

/* "chrony", "systemd-timesyncd", "none" */
const char *node_ntp_daemon_name(enum node_ntp_daemon d);
