/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The OpenSSH server: its unit through lib/services (sd-bus), its password
 * setting through a drop-in that sshd itself must accept, its host keys
 * hashed the way ssh-keygen -l does (SHA-256 of the key blob). */
#include "ssh.h"

#include <errno.h>
#include <glob.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "i18n.h"
#include "services.h"
#include "spawn.h"
#include "util.h"

/* Debian calls the unit ssh.service (sshd.service is its alias), RHEL sshd.service. */
static const char *const ssh_units[] = { "sshd.service", "ssh.service", NULL };

#define SSHD_CONFIG "/etc/ssh/sshd_config"
#define SERVICE_TIMEOUT_SEC 90

/* ---- host keys ------------------------------------------------------------ */

/* One SSH wire-format string at *p (uint32 length, bytes); advances *p. */
static bool read_wire_string(const unsigned char **p, const unsigned char *end, const unsigned char **s,
                             uint32_t *len) {
        if (end - *p < 4)
                return false;
        uint32_t n = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 | (uint32_t)(*p)[2] << 8 | (*p)[3];
        if ((uint32_t)(end - *p - 4) < n)
                return false;
        *s = *p + 4;
        *len = n;
        *p += 4 + n;
        return true;
}

/* Bits of an mpint (big-endian, leading zero bytes are sign padding). */
static unsigned mpint_bits(const unsigned char *s, uint32_t len) {
        while (len > 0 && *s == 0) {
                s++;
                len--;
        }
        if (len == 0)
                return 0;
        unsigned bits = (len - 1) * 8;
        for (unsigned char top = *s; top; top >>= 1)
                bits++;
        return bits;
}

static bool wire_name_is(const unsigned char *s, uint32_t len, const char *name) {
        return strlen(name) == len && memcmp(s, name, len) == 0;
}

/* Type and bits from the blob, as ssh-keygen -l reports them. */
static int describe_blob(const unsigned char *blob, size_t size, struct node_ssh_host_key *key) {
        const unsigned char *p = blob, *end = blob + size, *name, *a, *b;
        uint32_t name_len, a_len, b_len;
        if (!read_wire_string(&p, end, &name, &name_len))
                return -EINVAL;
        if (wire_name_is(name, name_len, "ssh-rsa") && read_wire_string(&p, end, &a, &a_len) &&
            read_wire_string(&p, end, &b, &b_len)) {
                snprintf(key->type, sizeof key->type, "RSA");
                key->bits = mpint_bits(b, b_len);  /* the modulus, after the exponent */
        } else if (wire_name_is(name, name_len, "ssh-dss") && read_wire_string(&p, end, &a, &a_len)) {
                snprintf(key->type, sizeof key->type, "DSA");
                key->bits = mpint_bits(a, a_len);
        } else if (wire_name_is(name, name_len, "ssh-ed25519")) {
                snprintf(key->type, sizeof key->type, "ED25519");
                key->bits = 256;
        } else if (name_len == 19 && memcmp(name, "ecdsa-sha2-nistp", 16) == 0) {
                snprintf(key->type, sizeof key->type, "ECDSA");
                key->bits = (unsigned)strtoul((const char[4]){ (char)name[16], (char)name[17], (char)name[18], 0 },
                                              NULL, 10);
        } else {
                return -EINVAL;
        }
        return key->bits ? 0 : -EINVAL;
}

int node_ssh_key_fingerprint(const char *line, struct node_ssh_host_key *key) {
        memset(key, 0, sizeof *key);
        char type[64], encoded[16384];
        if (sscanf(line, "%63s %16383s", type, encoded) != 2)
                return -EINVAL;
        size_t len = strlen(encoded);
        if (len % 4 != 0 || len == 0)
                return -EINVAL;
        size_t padding = encoded[len - 1] == '=' ? (encoded[len - 2] == '=' ? 2 : 1) : 0;
        _cleanup_free_ unsigned char *blob = malloc(len / 4 * 3 + 1);
        if (!blob)
                return -ENOMEM;
        int decoded = EVP_DecodeBlock(blob, (const unsigned char *)encoded, (int)len);
        if (decoded < 0 || (size_t)decoded < padding)
                return -EINVAL;
        size_t blob_len = (size_t)decoded - padding;
        /* the blob names its own type: a line whose words disagree is not a key */
        const unsigned char *p = blob, *name;
        uint32_t name_len;
        if (!read_wire_string(&p, blob + blob_len, &name, &name_len) || !wire_name_is(name, name_len, type))
                return -EINVAL;
        int r = describe_blob(blob, blob_len, key);
        if (r < 0)
                return r;
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned digest_len = 0;
        if (!EVP_Digest(blob, blob_len, digest, &digest_len, EVP_sha256(), NULL))
                return -EIO;
        unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
        int n = EVP_EncodeBlock(b64, digest, (int)digest_len);
        while (n > 0 && b64[n - 1] == '=')   /* ssh-keygen prints it unpadded */
                b64[--n] = '\0';
        snprintf(key->fingerprint, sizeof key->fingerprint, "SHA256:%s", (const char *)b64);
        return 0;
}

int node_ssh_host_keys(const struct node_context *ctx, struct node_ssh_host_key **keys, size_t *n, char *problem,
                       size_t problem_size, struct node_error *e) {
        *keys = NULL;
        *n = 0;
        if (problem_size)
                problem[0] = '\0';
        char pattern[4096];
        node_context_path(ctx, "/etc/ssh/ssh_host_*_key.pub", pattern, sizeof pattern);
        glob_t g;
        int gr = glob(pattern, 0, NULL, &g);   /* sorted by name */
        if (gr == GLOB_NOMATCH)
                return 0;
        if (gr != 0)
                return node_error_set(e, EIO, _("The host keys in /etc/ssh cannot be listed."));
        struct node_ssh_host_key *list = calloc(g.gl_pathc ? g.gl_pathc : 1, sizeof *list);
        if (!list) {
                globfree(&g);
                return node_error_set(e, ENOMEM, _("Out of memory."));
        }
        size_t count = 0;
        for (size_t i = 0; i < g.gl_pathc; i++) {
                const char *base = strrchr(g.gl_pathv[i], '/') + 1;
                _cleanup_fclose_ FILE *f = fopen(g.gl_pathv[i], "re");
                char line[16500];
                if (!f || !fgets(line, sizeof line, f) || node_ssh_key_fingerprint(line, &list[count]) < 0) {
                        if (problem_size)
                                snprintf(problem, problem_size, _("The host key file %s cannot be read as a key."),
                                         base);
                        continue;
                }
                snprintf(list[count].file, sizeof list[count].file, "%s", base);
                count++;
        }
        globfree(&g);
        *keys = list;
        *n = count;
        return 0;
}

/* ---- sshd's own view of its configuration --------------------------------- */

/* sshd refuses to test a configuration while its privilege separation
 * directory is missing, as it is whenever the service is stopped. */
static void ensure_privsep_dir(const struct node_context *ctx) {
        char dir[4096];
        mkdir(node_context_path(ctx, "/run/sshd", dir, sizeof dir), 0755);
}

/* Runs sshd with mode ("-t" or "-T") on the node's configuration. */
static int run_sshd(const struct node_context *ctx, const char *mode, struct node_spawn_result *res,
                    struct node_error *e) {
        char config[4096];
        node_context_path(ctx, SSHD_CONFIG, config, sizeof config);
        if (access(config, F_OK) < 0)
                return node_error_set(e, ENOENT, _("The OpenSSH server (sshd) is not installed on this node."));
        ensure_privsep_dir(ctx);
        const char *argv[] = { "sshd", mode, "-f", config, NULL };
        int r = node_spawn(argv, NULL, res, e);
        if (r == -ENOENT)
                return node_error_set(e, ENOENT, _("The OpenSSH server (sshd) is not installed on this node."));
        return r;
}

/* 1/0 as sshd -T reports passwordauthentication, or a negative errno with why. */
static int effective_password_authentication(const struct node_context *ctx, struct node_error *e) {
        struct node_spawn_result res;
        int r = run_sshd(ctx, "-T", &res, e);
        if (r < 0)
                return r;
        if (res.exit_code != 0) {
                char line[512];
                node_spawn_last_error_line(&res, line, sizeof line);
                r = node_error_set(e, EIO, _("sshd cannot read its configuration: %s."), line[0] ? line : _("no message"));
        } else {
                r = node_error_set(e, EBADMSG, _("sshd -T did not report PasswordAuthentication."));
                for (char *save = NULL, *l = strtok_r(res.out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                        if (startswith(l, "passwordauthentication ")) {
                                r = streq(l + strlen("passwordauthentication "), "yes");
                                node_error_clear(e);
                                break;
                        }
        }
        node_spawn_result_free(&res);
        return r;
}

/* What the drop-in sets: 1, 0, or -1 when there is none (or it says nothing). */
static int dropin_password_authentication(const struct node_context *ctx) {
        char path[4096];
        _cleanup_fclose_ FILE *f = fopen(node_context_path(ctx, NODE_SSH_DROPIN, path, sizeof path), "re");
        char line[256], value[16];
        while (f && fgets(line, sizeof line, f))
                if (sscanf(line, " PasswordAuthentication %15s", value) == 1)
                        return streq(value, "yes");
        return -1;
}

/* ---- the unit ------------------------------------------------------------- */

/* The loaded one of sshd.service / ssh.service, with its state. */
static int find_unit(const struct node_context *ctx, struct node_ssh_state *state, struct node_error *e) {
        struct node_service_list list;
        int r = node_services_list(ctx, ssh_units, &list, e);
        if (r < 0)
                return r;
        for (size_t i = 0; i < list.n_services; i++) {
                const struct node_service *s = &list.services[i];
                if (!s->requested || !streq(s->load_state, "loaded"))
                        continue;
                snprintf(state->unit, sizeof state->unit, "%s", s->name);
                snprintf(state->active_state, sizeof state->active_state, "%s", s->active_state);
                snprintf(state->unit_file_state, sizeof state->unit_file_state, "%s",
                         s->unit_file_state ? s->unit_file_state : "");
                state->active = streq(s->active_state, "active") || streq(s->active_state, "reloading");
                state->enabled = s->unit_file_state && (streq(s->unit_file_state, "enabled") ||
                                                         streq(s->unit_file_state, "enabled-runtime"));
                break;
        }
        node_service_list_free(&list);
        return 0;
}

int node_ssh_read(const struct node_context *ctx, struct node_ssh_state *state, struct node_error *e) {
        *state = (struct node_ssh_state){ .password_authentication = -1 };
        struct node_error why = { 0 };
        if (find_unit(ctx, state, &why) < 0)
                snprintf(state->unit_unknown, sizeof state->unit_unknown, "%s", why.message);
        state->dropin_password = dropin_password_authentication(ctx);
        node_error_clear(&why);
        int r = effective_password_authentication(ctx, &why);
        if (r < 0)
                snprintf(state->password_unknown, sizeof state->password_unknown, "%s", why.message);
        else
                state->password_authentication = r;
        return node_ssh_host_keys(ctx, &state->keys, &state->n_keys, state->keys_problem, sizeof state->keys_problem,
                                  e);
}

void node_ssh_state_free(struct node_ssh_state *state) {
        free(state->keys);
        state->keys = NULL;
        state->n_keys = 0;
}

static int installed_unit(const struct node_context *ctx, char *unit, size_t size, struct node_error *e) {
        struct node_ssh_state state = { 0 };
        int r = find_unit(ctx, &state, e);
        if (r < 0)
                return r;
        if (!state.unit[0])
                return node_error_set(e, ENOENT, _("The OpenSSH server (sshd) is not installed on this node."));
        snprintf(unit, size, "%s", state.unit);
        return 0;
}

int node_ssh_set_service(const struct node_context *ctx, bool on, struct node_error *e) {
        char unit[64];
        int r = installed_unit(ctx, unit, sizeof unit, e);
        if (r < 0)
                return r;
        if (on) {
                r = node_service_enable(ctx, unit, true, e);
                if (r >= 0)
                        r = node_service_act(ctx, unit, NODE_SERVICE_START, SERVICE_TIMEOUT_SEC, e);
        } else {
                /* stopped first: if that fails, it still starts at boot as before */
                r = node_service_act(ctx, unit, NODE_SERVICE_STOP, SERVICE_TIMEOUT_SEC, e);
                if (r >= 0)
                        r = node_service_enable(ctx, unit, false, e);
        }
        return r;
}

/* ---- the password setting ------------------------------------------------- */

/* Puts the drop-in back as it was: old content, or no file. */
static void restore_dropin(const char *path, const char *old, size_t old_len) {
        if (old)
                node_write_file_atomic(path, old, old_len, 0644, NULL);
        else
                unlink(path);
}

static int read_whole(const char *path, char **content, size_t *len) {
        *content = NULL;
        *len = 0;
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return errno == ENOENT ? 0 : -errno;
        char *buf = malloc(65536);
        if (!buf)
                return -ENOMEM;
        *len = fread(buf, 1, 65535, f);
        buf[*len] = '\0';
        *content = buf;
        return 0;
}

int node_ssh_set_password_authentication(const struct node_context *ctx, bool on, struct node_error *e) {
        char path[4096], dir[4096];
        node_context_path(ctx, NODE_SSH_DROPIN, path, sizeof path);
        node_context_path(ctx, "/etc/ssh/sshd_config.d", dir, sizeof dir);
        char config[4096];
        struct stat st;
        if (stat(node_context_path(ctx, SSHD_CONFIG, config, sizeof config), &st) < 0)
                return node_error_set(e, ENOENT, _("The OpenSSH server (sshd) is not installed on this node."));
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return node_error_set(e, errno, _("Cannot create %s: %s."), dir, strerror(errno));

        _cleanup_free_ char *old = NULL;
        size_t old_len;
        int r = read_whole(path, &old, &old_len);
        if (r < 0)
                return node_error_set(e, r, _("Cannot read %s: %s."), path, strerror(-r));

        const char *content = on ? "# Written by nodecon (nodectl ssh password on|off).\n"
                                   "PasswordAuthentication yes\n"
                                 : "# Written by nodecon (nodectl ssh password on|off).\n"
                                   "PasswordAuthentication no\n"
                                   "KbdInteractiveAuthentication no\n";
        r = node_write_file_atomic(path, content, strlen(content), 0644, e);
        if (r < 0)
                return r;

        struct node_spawn_result res;
        r = run_sshd(ctx, "-t", &res, e);
        bool ran = r >= 0;
        if (ran && res.exit_code != 0) {
                /* sshd names the bad line first and ends with "terminating, N bad configuration options" */
                char line[512];
                snprintf(line, sizeof line, "%.*s", (int)strcspn(res.err, "\r\n"), res.err);
                r = node_error_set(e, EINVAL, _("sshd refuses the configuration (%s); the previous one is kept."),
                                   line[0] ? line : _("no message"));
        }
        if (ran)
                node_spawn_result_free(&res);
        if (r < 0) {
                restore_dropin(path, old, old_len);
                return r;
        }
        r = effective_password_authentication(ctx, e);
        if (r >= 0 && r != on)
                r = node_error_set(e, EEXIST,
                                   _("sshd keeps PasswordAuthentication %s: an earlier file in sshd_config.d or "
                                     "sshd_config itself decides it (sshd uses the first value it reads); the "
                                     "previous setting is kept."),
                                   r ? "yes" : "no");
        if (r < 0) {
                restore_dropin(path, old, old_len);
                return r;
        }

        struct node_ssh_state state = { 0 };
        r = find_unit(ctx, &state, e);
        if (r >= 0 && state.active)
                r = node_service_act(ctx, state.unit, NODE_SERVICE_RELOAD, SERVICE_TIMEOUT_SEC, e);
        if (r < 0)
                restore_dropin(path, old, old_len);
        return r < 0 ? r : 0;
}
