/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Registration of the node to the management engine (oVirt engine's
 * RegisterServlet, protocol version 1; see DESIGN.md §1 "Registration").
 *
 * A screen or nodectl walks through it step by step, and the admin decides in
 * the middle:
 *
 *     node_engine_open(ctx, "engine.example.com:443", &eng, &e);
 *     node_engine_precheck(eng, &check, &e);      resolve, connect, TLS, get-version, clock
 *     node_engine_fetch_ca(eng, &ca, &e);         get-pki-trust, not trusted yet
 *         ... show ca.subject, validity, ca.sha256, ca.sha1; the admin accepts ...
 *     node_engine_accept_ca(eng);
 *     node_engine_register(eng, &host, &result, &e);
 *     node_engine_free(eng);
 *
 * Until node_engine_register answers "OK" nothing is written under the root
 * but one staged CA file, which is removed again on failure.  Every call after
 * the acceptance verifies TLS against exactly the accepted CA, host name
 * included.  Answers are bounded (NODE_ENGINE_MAX_BODY). */

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "context.h"
#include "error.h"

#define NODE_ENGINE_DEFAULT_PORT 443
#define NODE_ENGINE_MAX_BODY ((size_t)1 << 20)
#define NODE_ENGINE_SKEW_WARN_SECONDS 300
#define NODE_ENGINE_VDSM_PORT 54321u
#define NODE_ENGINE_PROTOCOL 1

/* Where the trust lands, below node_context.root. */
#define NODE_ENGINE_CA_FILE "/etc/pki/ovirt-engine/ca.pem"
#define NODE_ENGINE_VDSM_ID_FILE "/etc/vdsm/vdsm.id"
#define NODE_ENGINE_STATE_FILE "/etc/nodecon/engine.conf"

/* What the steps report while they run (for a progress line). */
enum node_engine_step {
        NODE_ENGINE_STEP_RESOLVE,
        NODE_ENGINE_STEP_CONNECT,
        NODE_ENGINE_STEP_TLS,        /* TLS handshake and get-version */
        NODE_ENGINE_STEP_FETCH_CA,
        NODE_ENGINE_STEP_FETCH_SSH_KEY,
        NODE_ENGINE_STEP_REGISTER,
        NODE_ENGINE_STEP_WRITE,
};
typedef void (*node_engine_progress_fn)(enum node_engine_step step, const char *what, void *userdata);

struct node_engine;

/* target is "FQDN[:PORT]", "IPv4[:PORT]" or "[IPv6][:PORT]". */
int node_engine_open(const struct node_context *ctx, const char *target, struct node_engine **out,
                     struct node_error *e);
void node_engine_free(struct node_engine *eng);
/* Seconds a whole call may take, connecting included (default 30). */
void node_engine_set_timeout(struct node_engine *eng, unsigned seconds);
void node_engine_set_progress(struct node_engine *eng, node_engine_progress_fn fn, void *userdata);
/* When *cancel becomes true (another thread, a signal handler) the running
 * call stops with -ECANCELED; a register cancelled before "OK" writes nothing.
 * The calls block up to the timeout: a screen runs them off its main loop. */
void node_engine_set_cancel(struct node_engine *eng, const volatile bool *cancel);
const char *node_engine_host(const struct node_engine *eng);
unsigned node_engine_port(const struct node_engine *eng);

struct node_engine_precheck {
        char address[64];       /* the address that answered */
        int version;            /* protocol version the engine speaks */
        bool have_clock;        /* the engine sent a Date header */
        long skew_seconds;      /* our clock minus the engine's */
        bool skew_warning;      /* |skew| > NODE_ENGINE_SKEW_WARN_SECONDS */
};
/* Name resolves, TCP port open, TLS handshake (not yet trusted), get-version
 * answers NODE_ENGINE_PROTOCOL or newer, and the clock skew. */
int node_engine_precheck(struct node_engine *eng, struct node_engine_precheck *check, struct node_error *e);

struct node_engine_ca {
        char subject[512];
        char issuer[512];
        char not_before[32];    /* "2026-11-23 14:51:04 UTC" */
        char not_after[32];
        bool valid_now;
        char sha256[96];        /* "AB:CD:…", 32 bytes */
        char sha1[64];          /* 20 bytes, as older engines showed it */
};
/* get-pki-trust over TLS that is not verified yet: the answer must be one PEM
 * certificate.  The session keeps it for node_engine_accept_ca. */
int node_engine_fetch_ca(struct node_engine *eng, struct node_engine_ca *ca, struct node_error *e);
/* The admin's decision: from now on TLS is verified against the fetched CA. */
int node_engine_accept_ca(struct node_engine *eng, struct node_error *e);
/* Does fingerprint (SHA-256 hex, colons and case optional, "SHA256:" prefix
 * allowed) name this CA? */
bool node_engine_fingerprint_matches(const struct node_engine_ca *ca, const char *fingerprint);

struct node_engine_host {
        const char *name;       /* NULL: the node's host name */
        const char *address;    /* NULL: the node's host name */
        const char *ssh_user;   /* NULL: root */
        unsigned ssh_port;      /* 0: 22 */
};
struct node_engine_result {
        char name[256];
        char address[256];
        char unique_id[64];
        char ssh_key_fingerprint[64];   /* of the engine's key, "SHA256:…" */
        bool key_added;                 /* false: it was in authorized_keys already */
        bool unique_id_created;
};
/* get-ssh-trust, register; on "OK" the CA, the engine's SSH key, the unique id
 * and the state file are written.  Needs node_engine_accept_ca first. */
int node_engine_register(struct node_engine *eng, const struct node_engine_host *host,
                         struct node_engine_result *result, struct node_error *e);

/* What registration left behind (NODE_ENGINE_STATE_FILE). */
struct node_engine_state {
        char engine[256];
        unsigned port;
        char ca_sha256[96];
        char registered_at[32];
        char name[256];
        char unique_id[64];
        char ssh_user[64];
        char authorized_keys[512];      /* path below the root */
        char ssh_key[4096];             /* the line added, "" if it was there before */
        bool authorized_keys_created;
};
/* -ENOENT (with a sentence) when the node is not registered. */
int node_engine_state_read(const struct node_context *ctx, struct node_engine_state *state, struct node_error *e);
/* get-version over TLS verified against the saved CA: 0 when the engine answers. */
int node_engine_reachable(const struct node_context *ctx, const struct node_engine_state *state, unsigned timeout,
                          struct node_error *e);
/* The same question asked of a child `nodectl --json engine --timeout S`
 * (lib/helper.h): nodecon's probe every 30 s, so the console loads libcurl
 * and its TLS only where the admin registers or tests the network.  0 when
 * the engine answers; -errno with nodectl's sentence why not, or why nodectl
 * cannot be run. */
int node_engine_reachable_by_nodectl(const struct node_context *ctx, unsigned timeout, struct node_error *e);
/* `nodectl --json engine` output -> 0 when it says the engine answers, else
 * -EHOSTUNREACH with its unreachable_reason, -ENOENT when not registered,
 * -EBADMSG when it cannot be read (pure, fuzzed). */
int node_engine_parse_reachable(const char *text, size_t len, struct node_error *e);

/* Removes what registration made: the CA file, the key line it added (the
 * file too if it created it), the state file.  vdsm.id stays: it is the
 * node's identity, which the engine knows it by on the next registration. */
int node_engine_unregister(const struct node_context *ctx, struct node_error *e);

/* What one TLS connection to an engine shows, trusted or not (the network
 * diagnosis): its own certificate, and whether the CA accepted at
 * registration vouches for it. */
struct node_engine_peer {
        char subject[512];
        char sha256[96];        /* of the engine's own (leaf) certificate */
        bool checked;           /* compared with the registered CA */
        bool trusted;           /* that CA issued it, for this host name */
        char why_not[320];      /* when checked and not trusted */
        bool have_clock;        /* the answer had a Date header */
        long skew_seconds;      /* our clock minus the engine's */
};
/* Connects to host:port (timeout seconds), does the TLS handshake without
 * trusting anything, and asks get-version (an HTTP error answer is fine:
 * the handshake is what is looked at).  When the node is registered to this
 * very host, the certificate is checked against the registered CA.  -errno
 * with the sentence of the TLS or connection failure. */
int node_engine_probe_peer(const struct node_context *ctx, const char *host, unsigned port, unsigned timeout,
                           struct node_engine_peer *peer, struct node_error *e);
/* The certificate part of it, pure: leaf_pem's subject and fingerprint, and
 * when ca_pem is not NULL whether that CA issued it for host (chain_pem: the
 * other certificates the server sent, may be NULL). */
int node_engine_check_peer(const char *leaf_pem, const char *chain_pem, const char *ca_pem, const char *host,
                           struct node_engine_peer *peer, struct node_error *e);

/* Parsers of what the engine sends (pure, fuzzed). */
int node_engine_parse_target(const char *target, char *host, size_t size, unsigned *port, struct node_error *e);
int node_engine_parse_version(const char *body, size_t len, int *version, struct node_error *e);
/* Exactly one X.509 CA certificate in PEM; *normalized (may be NULL) gets it
 * re-encoded, so nothing but what the admin was shown is ever trusted. */
int node_engine_parse_ca(const char *pem, size_t len, struct node_engine_ca *ca, char **normalized,
                         struct node_error *e);
/* One OpenSSH public key line; *line gets it without the newline (malloc'ed),
 * fingerprint "SHA256:<base64 of the SHA-256 of the key blob>". */
int node_engine_parse_ssh_key(const char *body, size_t len, char **line, char *fingerprint, size_t size,
                              struct node_error *e);
int node_engine_parse_state(const char *text, size_t len, struct node_engine_state *state, struct node_error *e);
/* The engine's error page as one line a person can read: tags dropped,
 * control characters and runs of blanks made single spaces, cut at size. */
void node_engine_error_text(const char *body, size_t len, char *out, size_t size);
/* Does the engine's error say the host is known already? */
bool node_engine_error_is_duplicate(const char *text);
