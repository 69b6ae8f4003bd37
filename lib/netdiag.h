/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct node_net;

/* "Why can't this node reach the engine?", step by step, bottom up:
 *   link     the management interface (the one with the default route, else
 *            the first connected one) has carrier
 *   address  it has an IP address
 *   gateway  it has a default gateway, and the gateway answers ICMP echo
 *   dns      HOST resolves (getaddrinfo, as every program on the node would)
 *   connect  a TCP connection to HOST:PORT opens
 * Each step says what it saw, or the likely cause in one sentence.  A step
 * whose premise failed still runs when it can (DNS may work without a
 * gateway on a flat network); without NetworkManager the first steps fail
 * and say so.  Needs no network at all to give its answer. */

enum node_diag_result { NODE_DIAG_OK, NODE_DIAG_FAILED, NODE_DIAG_SKIPPED };

struct node_diag_step {
        const char *name;                /* untranslated: "link", "address", "gateway", "dns", "connect" */
        enum node_diag_result result;
        char detail[320];
};

struct node_diag {
        struct node_diag_step steps[5];
        size_t n;
        char iface[16];                  /* the interface tested, "" if none */
        bool failed;                     /* some step failed */
};

/* net may be NULL (NetworkManager unreachable; nm_error says why); iface
 * NULL picks the management interface; host NULL skips the dns and connect
 * steps.  Never fails as a call: the verdict is in diag. */
void node_net_diagnose(struct node_net *net, const char *nm_error, const char *iface, const char *host,
                       unsigned port, struct node_diag *diag);

const char *node_diag_result_word(enum node_diag_result r);   /* "ok", "failed", "skipped" */
const char *node_diag_mark(enum node_diag_result r);          /* ✓ ✗ - (ASCII outside UTF-8 locales) */
