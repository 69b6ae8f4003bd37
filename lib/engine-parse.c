/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsers of what the admin types and what the engine sends: the engine's
 * name, its protocol version, its CA, its SSH key, its error pages, and our
 * own state file.  Everything from the engine is hostile until checked: a
 * text shown to the admin never carries control characters. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "engine.h"
#include "i18n.h"
#include "util.h"

static void bio_freep(BIO **b) { BIO_free(*b); }
static void x509_freep(X509 **x) { X509_free(*x); }
static void evp_decode_ctx_freep(EVP_ENCODE_CTX **c) { EVP_ENCODE_CTX_free(*c); }

/* Length of a well-formed UTF-8 sequence at s (C1 controls excluded), 0 if none. */
static size_t utf8_sequence(const unsigned char *s, size_t left) {
        size_t n;
        uint32_t cp;
        if (s[0] >= 0xc2 && s[0] <= 0xdf) {
                n = 2;
                cp = s[0] & 0x1f;
        } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
                n = 3;
                cp = s[0] & 0x0f;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
                n = 4;
                cp = s[0] & 0x07;
        } else
                return 0;
        if (left < n)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (s[i] & 0x3f);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
                return 0;
        return n;
}

static const struct {
        const char *name;
        char c;
} entities[] = { { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&#39;", '\'' } };

void node_engine_error_text(const char *body, size_t len, char *out, size_t size) {
        if (size == 0)
                return;
        const char *p = body, *end = body + len;
        /* an HTML error page: only its body is the message */
        for (const char *q = body; q + 5 <= end; q++)
                if (strncasecmp(q, "<body", 5) == 0) {
                        const char *gt = memchr(q, '>', (size_t)(end - q));
                        if (gt)
                                p = gt + 1;
                        break;
                }
        size_t o = 0;
        bool blank = true;    /* drops leading blanks and runs of them */
        while (p < end && o + 1 < size) {
                unsigned char c = (unsigned char)*p;
                if (c == '<') {
                        const char *gt = memchr(p, '>', (size_t)(end - p));
                        p = gt ? gt + 1 : end;
                        c = ' ';
                } else if (c == '&') {
                        size_t k;
                        for (k = 0; k < ELEMENTSOF(entities); k++) {
                                size_t n = strlen(entities[k].name);
                                if ((size_t)(end - p) >= n && memcmp(p, entities[k].name, n) == 0) {
                                        c = (unsigned char)entities[k].c;
                                        p += n;
                                        break;
                                }
                        }
                        if (k == ELEMENTSOF(entities))
                                p++;
                } else if (c >= 0x80) {
                        size_t n = utf8_sequence((const unsigned char *)p, (size_t)(end - p));
                        if (n == 0) {
                                c = '?';
                                p++;
                        } else {
                                if (o + n >= size)
                                        break;
                                memcpy(out + o, p, n);
                                o += n;
                                p += n;
                                blank = false;
                                continue;
                        }
                } else
                        p++;
                if (c < 0x20 || c == 0x7f)
                        c = ' ';
                if (c == ' ') {
                        if (blank)
                                continue;
                        blank = true;
                } else
                        blank = false;
                out[o++] = (char)c;
        }
        while (o > 0 && out[o - 1] == ' ')
                o--;
        out[o] = '\0';
}

bool node_engine_error_is_duplicate(const char *text) {
        static const char *const marks[] = { "already exist", "already_exist", "already registered",
                                             "already_used", "already used", "duplicate" };
        for (size_t i = 0; i < ELEMENTSOF(marks); i++)
                if (strcasestr(text, marks[i]))
                        return true;
        return false;
}

/* RFC 1123 host name: labels of letters, digits and '-', not at a label's ends. */
static bool hostname_valid(const char *s) {
        size_t len = strlen(s);
        if (len == 0 || len > 253)
                return false;
        size_t label = 0;
        for (const char *p = s;; p++) {
                if (*p == '.' || *p == '\0') {
                        if (label == 0 || label > 63 || p[-1] == '-')
                                return false;
                        if (*p == '\0')
                                return true;
                        label = 0;
                        continue;
                }
                if (!isalnum((unsigned char)*p) && !(*p == '-' && label > 0))
                        return false;
                label++;
        }
}

static int parse_port(const char *s, unsigned *port) {
        if (!*s || strlen(s) > 5)
                return -EINVAL;
        unsigned v = 0;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned)(*p - '0');
        }
        if (v == 0 || v > 65535)
                return -EINVAL;
        *port = v;
        return 0;
}

int node_engine_parse_target(const char *target, char *host, size_t size, unsigned *port, struct node_error *e) {
        char buf[300];
        if (!target || !*target)
                return node_error_set(e, EINVAL, _("Give the engine as FQDN[:PORT], e.g. engine.example.com."));
        if (strlen(target) >= sizeof buf)
                return node_error_set(e, EINVAL, _("The engine's name is too long (at most 253 characters)."));
        if (strstr(target, "://"))
                return node_error_set(e, EINVAL,
                                      _("Give the engine as FQDN[:PORT] without a scheme or path, e.g. "
                                        "engine.example.com:443."));
        snprintf(buf, sizeof buf, "%s", target);
        const char *name = buf, *port_text = NULL;
        char *colon;
        unsigned char addr[16];
        if (buf[0] == '[') {
                char *close = strchr(buf, ']');
                if (!close || (close[1] && close[1] != ':'))
                        return node_error_set(e, EINVAL, _("'%.80s' is not [IPv6-ADDRESS][:PORT]."), target);
                *close = '\0';
                name = buf + 1;
                if (close[1] == ':')
                        port_text = close + 2;
                if (inet_pton(AF_INET6, name, addr) != 1)
                        return node_error_set(e, EINVAL, _("'%.80s' is not an IPv6 address."), name);
        } else {
                colon = strchr(buf, ':');
                if (colon && strchr(colon + 1, ':'))
                        return node_error_set(e, EINVAL,
                                              _("Put an IPv6 address in brackets: [%.80s] or [%.80s]:PORT."),
                                              target, target);
                if (colon) {
                        *colon = '\0';
                        port_text = colon + 1;
                }
                if (inet_pton(AF_INET, name, addr) != 1 && !hostname_valid(name))
                        return node_error_set(e, EINVAL,
                                              _("'%.80s' is not a valid host name: use letters, digits, '-' and "
                                                "dots (RFC 1123)."),
                                              name);
        }
        *port = NODE_ENGINE_DEFAULT_PORT;
        if (port_text && parse_port(port_text, port) < 0)
                return node_error_set(e, EINVAL, _("'%.20s' is not a port number (1-65535)."), port_text);
        if (strlen(name) >= size)
                return node_error_set(e, ENAMETOOLONG, _("The engine's name is too long."));
        memcpy(host, name, strlen(name) + 1);
        return 0;
}

int node_engine_parse_version(const char *body, size_t len, int *version, struct node_error *e) {
        const char *p = body, *end = body + len;
        while (p < end && isspace((unsigned char)*p))
                p++;
        while (end > p && isspace((unsigned char)end[-1]))
                end--;
        long v = 0;
        const char *q = p;
        while (q < end && *q >= '0' && *q <= '9' && v <= INT_MAX / 10)
                v = v * 10 + (*q++ - '0');
        if (q == p || q != end || v > INT_MAX / 10) {
                char shown[64];
                node_engine_error_text(body, len, shown, sizeof shown);
                return node_error_set(e, EBADMSG,
                                      _("The engine answered get-version with '%s', which is not a protocol "
                                        "version: is this an oVirt engine?"),
                                      shown);
        }
        *version = (int)v;
        return 0;
}

static void fingerprint_hex(const unsigned char *md, unsigned n, char *out, size_t size) {
        size_t o = 0;
        for (unsigned i = 0; i < n && o + 3 < size; i++)
                o += (size_t)snprintf(out + o, size - o, i ? ":%02X" : "%02X", md[i]);
}

static int x509_time_text(const ASN1_TIME *t, char *out, size_t size) {
        struct tm tm;
        if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
                return -EBADMSG;
        strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
        return 0;
}

static void x509_name_text(const X509_NAME *name, char *out, size_t size) {
        _cleanup_(bio_freep) BIO *b = BIO_new(BIO_s_mem());
        out[0] = '\0';
        if (!b || X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) < 0)
                return;
        char *data;
        long n = BIO_get_mem_data(b, &data);
        if (n > 0)
                node_engine_error_text(data, (size_t)n, out, size);
}

int node_engine_parse_ca(const char *pem, size_t len, struct node_engine_ca *ca, char **normalized,
                         struct node_error *e) {
        memset(ca, 0, sizeof *ca);
        if (len > NODE_ENGINE_MAX_BODY || len > INT_MAX)
                return node_error_set(e, EFBIG, _("The engine's CA certificate is larger than 1 MiB."));
        _cleanup_(bio_freep) BIO *in = BIO_new_mem_buf(pem, (int)len);
        if (!in)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        _cleanup_(x509_freep) X509 *cert = PEM_read_bio_X509(in, NULL, NULL, NULL);
        if (!cert) {
                ERR_clear_error();
                return node_error_set(e, EBADMSG,
                                      _("The engine's answer to get-pki-trust is not a PEM certificate: is this "
                                        "an oVirt engine?"));
        }
        _cleanup_(x509_freep) X509 *second = PEM_read_bio_X509(in, NULL, NULL, NULL);
        ERR_clear_error();
        if (second)
                return node_error_set(e, EBADMSG,
                                      _("The engine sent more than one certificate as its CA; only one can be "
                                        "checked and trusted."));
        if (X509_check_ca(cert) < 1)
                return node_error_set(e, EBADMSG,
                                      _("The certificate the engine sent is not a CA certificate (no CA basic "
                                        "constraint)."));
        if (x509_time_text(X509_get0_notBefore(cert), ca->not_before, sizeof ca->not_before) < 0 ||
            x509_time_text(X509_get0_notAfter(cert), ca->not_after, sizeof ca->not_after) < 0)
                return node_error_set(e, EBADMSG, _("The engine's CA certificate has an unreadable validity."));
        ca->valid_now = X509_cmp_current_time(X509_get0_notBefore(cert)) < 0 &&
                        X509_cmp_current_time(X509_get0_notAfter(cert)) > 0;
        x509_name_text(X509_get_subject_name(cert), ca->subject, sizeof ca->subject);
        x509_name_text(X509_get_issuer_name(cert), ca->issuer, sizeof ca->issuer);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned n;
        if (X509_digest(cert, EVP_sha256(), md, &n) != 1)
                return node_error_set(e, EIO, _("Cannot compute the CA's SHA-256 fingerprint."));
        fingerprint_hex(md, n, ca->sha256, sizeof ca->sha256);
        if (X509_digest(cert, EVP_sha1(), md, &n) != 1)
                return node_error_set(e, EIO, _("Cannot compute the CA's SHA-1 fingerprint."));
        fingerprint_hex(md, n, ca->sha1, sizeof ca->sha1);
        if (normalized) {
                _cleanup_(bio_freep) BIO *out = BIO_new(BIO_s_mem());
                char *data;
                long m;
                if (!out || PEM_write_bio_X509(out, cert) != 1 || (m = BIO_get_mem_data(out, &data)) <= 0)
                        return node_error_set(e, ENOMEM, _("Out of memory."));
                *normalized = strndup(data, (size_t)m);
                if (!*normalized)
                        return node_error_set(e, ENOMEM, _("Out of memory."));
        }
        return 0;
}

static void x509_store_freep(X509_STORE **s) { X509_STORE_free(*s); }
static void x509_store_ctx_freep(X509_STORE_CTX **c) { X509_STORE_CTX_free(*c); }
static void x509_stack_freep(STACK_OF(X509) **s) { sk_X509_pop_free(*s, X509_free); }

static X509 *pem_cert(const char *pem) {
        _cleanup_(bio_freep) BIO *in = BIO_new_mem_buf(pem, -1);
        X509 *cert = in ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
        ERR_clear_error();
        return cert;
}

int node_engine_check_peer(const char *leaf_pem, const char *chain_pem, const char *ca_pem, const char *host,
                           struct node_engine_peer *peer, struct node_error *e) {
        _cleanup_(x509_freep) X509 *leaf = pem_cert(leaf_pem);
        if (!leaf)
                return node_error_set(e, EBADMSG, _("The server's certificate cannot be read."));
        x509_name_text(X509_get_subject_name(leaf), peer->subject, sizeof peer->subject);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned n;
        if (X509_digest(leaf, EVP_sha256(), md, &n) != 1)
                return node_error_set(e, EIO, _("Cannot compute the certificate's SHA-256 fingerprint."));
        fingerprint_hex(md, n, peer->sha256, sizeof peer->sha256);
        if (!ca_pem)
                return 0;
        peer->checked = true;
        _cleanup_(x509_freep) X509 *ca = pem_cert(ca_pem);
        _cleanup_(x509_store_freep) X509_STORE *store = X509_STORE_new();
        _cleanup_(x509_store_ctx_freep) X509_STORE_CTX *ctx = X509_STORE_CTX_new();
        _cleanup_(x509_stack_freep) STACK_OF(X509) *chain = sk_X509_new_null();
        if (!ca)
                return node_error_set(e, EBADMSG, _("The registered CA certificate cannot be read."));
        if (!store || !ctx || !chain || X509_STORE_add_cert(store, ca) != 1)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        if (chain_pem) {
                _cleanup_(bio_freep) BIO *in = BIO_new_mem_buf(chain_pem, -1);
                X509 *c;
                while (in && (c = PEM_read_bio_X509(in, NULL, NULL, NULL)))
                        if (!sk_X509_push(chain, c))
                                X509_free(c);
                ERR_clear_error();
        }
        if (X509_STORE_CTX_init(ctx, store, leaf, chain) != 1)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
        unsigned char addr[16];
        if (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1)
                X509_VERIFY_PARAM_set1_ip_asc(param, host);
        else
                X509_VERIFY_PARAM_set1_host(param, host, 0);
        if (X509_verify_cert(ctx) == 1) {
                peer->trusted = true;
        } else {
                snprintf(peer->why_not, sizeof peer->why_not, "%s",
                         X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
                ERR_clear_error();
        }
        return 0;
}

bool node_engine_fingerprint_matches(const struct node_engine_ca *ca, const char *fingerprint) {
        if (!fingerprint || !ca->sha256[0])
                return false;
        if (strncasecmp(fingerprint, "SHA256:", 7) == 0)
                fingerprint += 7;
        const char *want = ca->sha256;
        for (const char *p = fingerprint;; p++) {
                if (*p == ':')
                        continue;
                if (*want == ':')
                        want++;
                if (*p == '\0' || *want == '\0')
                        return *p == '\0' && *want == '\0';
                if (toupper((unsigned char)*p) != *want)
                        return false;
                want++;
        }
}

static const char *const ssh_key_types[] = {
        "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
};

int node_engine_parse_ssh_key(const char *body, size_t len, char **line, char *fingerprint, size_t size,
                              struct node_error *e) {
        if (len > 16384)
                return node_error_set(e, EBADMSG, _("The engine's SSH key is longer than 16 KiB."));
        size_t n = len;
        if (n > 0 && body[n - 1] == '\n')
                n--;
        if (n > 0 && body[n - 1] == '\r')
                n--;
        for (size_t i = 0; i < n; i++)
                if ((unsigned char)body[i] < 0x20 || body[i] == 0x7f)
                        return node_error_set(e, EBADMSG,
                                              _("The engine's answer to get-ssh-trust is not one line of "
                                                "printable text."));
        _cleanup_free_ char *text = strndup(body, n);
        if (!text)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        char *type = text, *b64 = strchr(text, ' ');
        size_t t = ELEMENTSOF(ssh_key_types);
        if (b64)
                for (t = 0; t < ELEMENTSOF(ssh_key_types); t++)
                        if ((size_t)(b64 - type) == strlen(ssh_key_types[t]) &&
                            memcmp(type, ssh_key_types[t], (size_t)(b64 - type)) == 0)
                                break;
        if (!b64 || t == ELEMENTSOF(ssh_key_types))
                return node_error_set(e, EBADMSG,
                                      _("The engine's answer to get-ssh-trust is not an OpenSSH public key of a "
                                        "known type (ssh-rsa, ssh-ed25519, ecdsa-sha2-*)."));
        b64++;
        char *b64_end = strchr(b64, ' ');
        size_t b64_len = b64_end ? (size_t)(b64_end - b64) : strlen(b64);
        _cleanup_free_ unsigned char *blob = malloc(b64_len + 4);
        _cleanup_(evp_decode_ctx_freep) EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
        if (!blob || !ctx)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        int got = 0, last = 0;
        EVP_DecodeInit(ctx);
        bool ok = b64_len > 0 && b64_len <= INT_MAX && strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                                  "0123456789+/=") >= b64_len &&
                  EVP_DecodeUpdate(ctx, blob, &got, (const unsigned char *)b64, (int)b64_len) >= 0 &&
                  EVP_DecodeFinal(ctx, blob + got, &last) == 1;
        size_t blob_len = ok ? (size_t)got + (size_t)last : 0;
        /* the blob starts with its own type as an SSH string: uint32 length, bytes */
        size_t type_len = strlen(ssh_key_types[t]);
        if (!ok || blob_len < 4 + type_len ||
            ((uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 | (uint32_t)blob[2] << 8 | blob[3]) != type_len ||
            memcmp(blob + 4, ssh_key_types[t], type_len) != 0)
                return node_error_set(e, EBADMSG,
                                      _("The engine's SSH key is damaged: its base64 part does not decode to a "
                                        "%s key."),
                                      ssh_key_types[t]);
        unsigned char md[32];
        unsigned md_len;
        unsigned char encoded[48];
        if (EVP_Digest(blob, blob_len, md, &md_len, EVP_sha256(), NULL) != 1)
                return node_error_set(e, EIO, _("Cannot compute the SSH key's fingerprint."));
        int enc = EVP_EncodeBlock(encoded, md, (int)md_len);
        while (enc > 0 && encoded[enc - 1] == '=')
                enc--;
        if (snprintf(fingerprint, size, "SHA256:%.*s", enc, encoded) >= (int)size)
                return node_error_set(e, ENAMETOOLONG, _("No room for the SSH key's fingerprint."));
        *line = TAKE_PTR(text);
        return 0;
}

static int copy_field(char *field, size_t size, const char *value) {
        if (strlen(value) >= size)
                return -ENAMETOOLONG;
        memcpy(field, value, strlen(value) + 1);
        return 0;
}

#define STATE_STRING(field) { #field, offsetof(struct node_engine_state, field), \
                              sizeof(((struct node_engine_state *)NULL)->field) }
/* Keys of the state file that are plain strings; unknown keys are skipped
 * (a newer nodecon may add some). */
static const struct {
        const char *key;
        size_t offset, size;
} state_strings[] = {
        STATE_STRING(engine), STATE_STRING(ca_sha256), STATE_STRING(registered_at), STATE_STRING(name),
        STATE_STRING(unique_id), STATE_STRING(ssh_user), STATE_STRING(authorized_keys), STATE_STRING(ssh_key),
};

int node_engine_parse_state(const char *text, size_t len, struct node_engine_state *state, struct node_error *e) {
        memset(state, 0, sizeof *state);
        _cleanup_free_ char *copy = strndup(text, len);
        if (!copy)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        unsigned lineno = 0;
        char *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                lineno++;
                if (line[0] == '#' || line[0] == '\0')
                        continue;
                char *eq = strchr(line, '=');
                if (!eq)
                        return node_error_set(e, EBADMSG, _("%s line %u is not KEY=VALUE."),
                                              NODE_ENGINE_STATE_FILE, lineno);
                *eq = '\0';
                const char *key = line, *value = eq + 1;
                int r = 0;
                if (streq(key, "port"))
                        r = parse_port(value, &state->port);
                else if (streq(key, "authorized_keys_created"))
                        state->authorized_keys_created = streq(value, "yes");
                else
                        for (size_t i = 0; i < ELEMENTSOF(state_strings); i++)
                                if (streq(key, state_strings[i].key))
                                        r = copy_field((char *)state + state_strings[i].offset,
                                                       state_strings[i].size, value);
                if (r < 0)
                        return node_error_set(e, EBADMSG, _("%s line %u has an invalid value for %s."),
                                              NODE_ENGINE_STATE_FILE, lineno, key);
        }
        if (!state->engine[0] || !state->port || !state->ca_sha256[0])
                return node_error_set(e, EBADMSG, _("%s lacks the engine, its port or its CA fingerprint."),
                                      NODE_ENGINE_STATE_FILE);
        return 0;
}

int node_engine_parse_reachable(const char *text, size_t len, struct node_error *e) {
        struct json_tokener *tok = len <= INT32_MAX ? json_tokener_new() : NULL;
        struct json_object *root = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
        if (tok)
                json_tokener_free(tok);
        struct json_object *registered, *reachable, *reason;
        int r;
        if (!json_object_is_type(root, json_type_object) ||
            !json_object_object_get_ex(root, "registered", &registered) ||
            !json_object_is_type(registered, json_type_boolean))
                r = node_error_set(e, EBADMSG, _("nodectl engine printed an answer that cannot be read."));
        else if (!json_object_get_boolean(registered))
                r = node_error_set(e, ENOENT, _("This node is not registered to an engine (no %s)."),
                                   NODE_ENGINE_STATE_FILE);
        else if (!json_object_object_get_ex(root, "reachable", &reachable) ||
                 !json_object_is_type(reachable, json_type_boolean))
                r = node_error_set(e, EBADMSG, _("nodectl engine printed an answer that cannot be read."));
        else if (json_object_get_boolean(reachable))
                r = 0;
        else {
                const char *why = json_object_object_get_ex(root, "unreachable_reason", &reason) &&
                                                  json_object_is_type(reason, json_type_string)
                                          ? json_object_get_string(reason)
                                          : "";
                r = node_error_set(e, EHOSTUNREACH, "%s", why[0] ? why : _("The engine does not answer."));
        }
        json_object_put(root);
        return r;
}
