/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"

/* The node's OpenSSH server: on or off (the unit, over sd-bus), whether it
 * accepts passwords (a drop-in nodecon owns, checked with "sshd -t" before
 * sshd reloads it, the effective value read back with "sshd -T"), and the
 * host keys' fingerprints an admin compares on first login.  Paths are under
 * ctx->root; systemd is always this machine's. */

#define NODE_SSH_DROPIN "/etc/ssh/sshd_config.d/50-nodecon.conf"

struct node_ssh_host_key {
        char type[16];             /* "ED25519", "RSA", "ECDSA", "DSA", as ssh-keygen -l names them */
        unsigned bits;
        char fingerprint[100];     /* "SHA256:" and unpadded base64, as ssh-keygen -l prints it */
        char file[256];            /* "ssh_host_ed25519_key.pub" */
};

struct node_ssh_state {
        char unit[64];             /* "ssh.service" (Debian) or "sshd.service"; "" when not installed */
        char unit_unknown[1024];   /* why systemd could not be asked ("" when it was): unit is "" then */
        char active_state[32];     /* systemd's: active, inactive, failed, ... */
        char unit_file_state[32];  /* enabled, disabled, ... */
        bool active, enabled;
        int password_authentication; /* what sshd uses (sshd -T): 1 yes, 0 no, -1 not known */
        char password_unknown[1024]; /* why it is not known */
        int dropin_password;       /* what nodecon's drop-in says: 1, 0, -1 no drop-in */
        struct node_ssh_host_key *keys;
        size_t n_keys;
        char keys_problem[512];    /* a key file that could not be read, "" when none */
};

/* Reads everything above.  What systemd, sshd or a key file could not tell
 * is said in the state's own fields; fails only when /etc/ssh cannot be listed. */
int node_ssh_read(const struct node_context *ctx, struct node_ssh_state *state, struct node_error *e);
void node_ssh_state_free(struct node_ssh_state *state);

/* Enables and starts, or stops and disables, the SSH server. */
int node_ssh_set_service(const struct node_context *ctx, bool on, struct node_error *e);

/* Writes PasswordAuthentication (and, when off, KbdInteractiveAuthentication
 * no, or PAM would still ask for a password) to the drop-in atomically,
 * checks it with sshd -t and that sshd -T reads the value back, then reloads
 * a running sshd.  On any failure the previous drop-in is put back and the
 * sentence says why. */
int node_ssh_set_password_authentication(const struct node_context *ctx, bool on, struct node_error *e);

/* The host keys in /etc/ssh/ssh_host_*_key.pub, sorted by file name.  A file
 * that cannot be read or parsed is skipped and named in problem. */
int node_ssh_host_keys(const struct node_context *ctx, struct node_ssh_host_key **keys, size_t *n, char *problem,
                       size_t problem_size, struct node_error *e);

/* The fingerprint of one public key line ("ssh-ed25519 AAAA... comment").
 * -EINVAL when it is not one. */
int node_ssh_key_fingerprint(const char *line, struct node_ssh_host_key *key);
