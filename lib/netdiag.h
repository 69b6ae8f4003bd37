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
 *   tls      a TLS handshake there: the server's certificate (SHA-256), and
 *            when HOST is the registered engine, whether the CA accepted at
 *            registration issued it
 *   clock    this node's clock against the Date of that answer (more than
 *            NODE_ENGINE_SKEW_WARN_SECONDS apart fails)
 * Each step says what it saw, or the likely cause in one sentence.  A step
 * whose premise failed still runs when it can (DNS may work without a
 * gateway on a flat network); without NetworkManager the first steps fail
 * and say so.  Needs no network at all to give its answer. */

enum node_diag_result { NODE_DIAG_OK, NODE_DIAG_FAILED, NODE_DIAG_SKIPPED };

struct node_diag_step {
        const char *name;                /* untranslated: "link", "address", "gateway", "dns", "connect", "tls", "clock" */
        enum node_diag_result result;
        char detail[320];
};

struct node_diag {
        struct node_diag_step steps[7];
        size_t n;
        char iface[16];                  /* the interface tested, "" if none */
        bool failed;                     /* some step failed */
};

struct node_context;

/* Called as each step ends (in the thread that runs the diagnosis). */
typedef void (*node_diag_step_fn)(const struct node_diag_step *step, void *userdata);

struct node_diag_opts {
        const struct node_context *ctx;  /* where the registered engine's CA is (NULL: the real root) */
        const char *iface;               /* NULL: the management interface */
        const char *host;                /* NULL: skip dns, connect, tls and clock */
        unsigned port;
        bool tls;                        /* run the tls and clock steps (an HTTPS host) */
        node_diag_step_fn step_done;     /* may be NULL */
        void *userdata;
};

/* Every step, as node_net_diagnose below, with the tls and clock steps when
 * opts->tls is set.  Never fails as a call. */
void node_net_diagnose_with(struct node_net *net, const char *nm_error, const struct node_diag_opts *opts,
                            struct node_diag *diag);

/* The engine this node is registered to as "HOST[:PORT]" (the port only when
 * it is not 443); false when it is not registered. */
bool node_diag_registered_engine(const struct node_context *ctx, char *target, size_t size);

/* net may be NULL (NetworkManager unreachable; nm_error says why); iface
 * NULL picks the management interface; host NULL skips the dns and connect
 * steps.  Never fails as a call: the verdict is in diag. */
void node_net_diagnose(struct node_net *net, const char *nm_error, const char *iface, const char *host,
                       unsigned port, struct node_diag *diag);

const char *node_diag_result_word(enum node_diag_result r);   /* "ok", "failed", "skipped" */
const char *node_diag_mark(enum node_diag_result r);          /* ✓ ✗ - (ASCII outside UTF-8 locales) */
