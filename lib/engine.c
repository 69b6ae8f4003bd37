/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Registration to the engine: the HTTPS calls (libcurl + OpenSSL), the
 * pre-checks, and the files the trust lands in.  The order of the writes is
 * the point: nothing that trusts the engine is in place before it said "OK". */
#include <arpa/inet.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "boot.h"
#include "engine.h"
#include "fault.h"
#include "helper.h"
#include "i18n.h"
#include "tcp.h"
#include "util.h"

#define DEFAULT_TIMEOUT 30
/* beside NODE_ENGINE_CA_FILE until the engine said OK */
#define STAGED_CA_NAME ".ca.pem.nodecon-staged"
#define REGISTER_PATH "/ovirt-engine/services/host-register"

struct node_engine {
        const struct node_context *ctx;
        char host[256];
        unsigned port;
        unsigned timeout;
        node_engine_progress_fn progress;
        void *userdata;
        const volatile bool *cancel;
        char *ca_pem;           /* fetched CA, re-encoded */
        struct node_engine_ca ca;
        bool ca_accepted;
};

struct answer {
        char *data;
        size_t len;
        bool too_big;
        time_t date;            /* the Date header, 0 if none */
        bool want_peer;         /* keep the server's certificates (below) */
        char *peer_pem;         /* its own certificate */
        char *chain_pem;        /* the others it sent */
};

static void answer_clear(struct answer *a) {
        free(a->data);
        free(a->peer_pem);
        free(a->chain_pem);
        memset(a, 0, sizeof *a);
}

/* libcurl is opened on the first HTTPS call, not linked: with its TLS, HTTP/2,
 * Kerberos and LDAP libraries it is some 18 shared libraries that nodecon
 * would otherwise map at start for screens an admin seldom opens (DESIGN.md
 * §5, RSS <= 10 MB).  Its SONAME has been libcurl.so.4 since curl 7.16. */
#define LIBCURL_SONAME "libcurl.so.4"

struct libcurl {
        CURLcode (*global_init)(long flags);
        void (*global_cleanup)(void);
        CURL *(*easy_init)(void);
        void (*easy_cleanup)(CURL *curl);
        CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
        CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
        CURLcode (*easy_perform)(CURL *curl);
        const char *(*easy_strerror)(CURLcode code);
        char *(*easy_escape)(CURL *curl, const char *string, int length);
        void (*string_free)(void *p);
        time_t (*getdate)(const char *date, const time_t *unused);
};

static const struct {
        const char *name;
        size_t offset;
} libcurl_symbols[] = {
        { "curl_global_init", offsetof(struct libcurl, global_init) },
        { "curl_global_cleanup", offsetof(struct libcurl, global_cleanup) },
        { "curl_easy_init", offsetof(struct libcurl, easy_init) },
        { "curl_easy_cleanup", offsetof(struct libcurl, easy_cleanup) },
        { "curl_easy_setopt", offsetof(struct libcurl, easy_setopt) },
        { "curl_easy_getinfo", offsetof(struct libcurl, easy_getinfo) },
        { "curl_easy_perform", offsetof(struct libcurl, easy_perform) },
        { "curl_easy_strerror", offsetof(struct libcurl, easy_strerror) },
        { "curl_easy_escape", offsetof(struct libcurl, easy_escape) },
        { "curl_free", offsetof(struct libcurl, string_free) },
        { "curl_getdate", offsetof(struct libcurl, getdate) },
};

/* Loaded once per process and never unloaded (OpenSSL's threads and atexit
 * handlers may still point into it): the library's only global state. */
static struct libcurl libcurl;
static bool libcurl_loaded;
static char libcurl_why[256];
static pthread_once_t libcurl_once = PTHREAD_ONCE_INIT;

static void load_libcurl(void) {
        void *handle = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
                const char *why = dlerror();
                snprintf(libcurl_why, sizeof libcurl_why, "%s", why ? why : LIBCURL_SONAME);
                return;
        }
        struct libcurl loaded;
        for (size_t i = 0; i < ELEMENTSOF(libcurl_symbols); i++) {
                void *symbol = dlsym(handle, libcurl_symbols[i].name);
                if (!symbol) {
                        snprintf(libcurl_why, sizeof libcurl_why, "%s: %s", LIBCURL_SONAME, libcurl_symbols[i].name);
                        return;
                }
                /* POSIX: a function's address comes back from dlsym as a void pointer */
                memcpy((char *)&loaded + libcurl_symbols[i].offset, &symbol, sizeof symbol);
        }
        libcurl = loaded;
        libcurl_loaded = true;
}

static int need_libcurl(struct node_error *e) {
        pthread_once(&libcurl_once, load_libcurl);
        if (!libcurl_loaded)
                /* TRANSLATORS: %s is the dynamic loader's reason (the file is missing, ...) */
                return node_error_set(e, ELIBACC, _("HTTPS to the engine needs libcurl, which cannot be loaded: %s."),
                                      libcurl_why);
        return 0;
}

static void curl_easy_cleanupp(CURL **c) {
        if (*c)
                libcurl.easy_cleanup(*c);
}

static void curl_freep(char **s) {
        if (*s)
                libcurl.string_free(*s);
}

static void report(struct node_engine *eng, enum node_engine_step step, const char *what) {
        if (eng->progress)
                eng->progress(step, what, eng->userdata);
}

int node_engine_open(const struct node_context *ctx, const char *target, struct node_engine **out,
                     struct node_error *e) {
        struct node_engine *eng = calloc(1, sizeof *eng);
        if (!eng)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        int r = node_engine_parse_target(target, eng->host, sizeof eng->host, &eng->port, e);
        if (r < 0) {
                free(eng);
                return r;
        }
        if ((r = need_libcurl(e)) < 0) {
                free(eng);
                return r;
        }
        if (libcurl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
                free(eng);
                return node_error_set(e, EIO, _("libcurl cannot be initialised."));
        }
        eng->ctx = ctx;
        eng->timeout = DEFAULT_TIMEOUT;
        *out = eng;
        return 0;
}

void node_engine_free(struct node_engine *eng) {
        if (!eng)
                return;
        free(eng->ca_pem);
        free(eng);
        /* a session exists only once libcurl was loaded and initialised */
        libcurl.global_cleanup();
}

void node_engine_set_timeout(struct node_engine *eng, unsigned seconds) {
        eng->timeout = seconds ? seconds : DEFAULT_TIMEOUT;
}

void node_engine_set_progress(struct node_engine *eng, node_engine_progress_fn fn, void *userdata) {
        eng->progress = fn;
        eng->userdata = userdata;
}

void node_engine_set_cancel(struct node_engine *eng, const volatile bool *cancel) {
        eng->cancel = cancel;
}

const char *node_engine_host(const struct node_engine *eng) { return eng->host; }
unsigned node_engine_port(const struct node_engine *eng) { return eng->port; }

static size_t on_body(char *data, size_t size, size_t n, void *userdata) {
        struct answer *a = userdata;
        size_t len = size * n;
        if (a->len + len > NODE_ENGINE_MAX_BODY) {
                a->too_big = true;
                return 0;       /* curl stops with CURLE_WRITE_ERROR */
        }
        char *grown = realloc(a->data, a->len + len + 1);
        if (!grown)
                return 0;
        a->data = grown;
        memcpy(a->data + a->len, data, len);
        a->len += len;
        a->data[a->len] = '\0';
        return len;
}

static int on_transfer_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                                curl_off_t ulnow) {
        (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
        const struct node_engine *eng = userdata;
        return eng->cancel && *eng->cancel;   /* non-zero aborts the transfer */
}

static size_t on_header(char *data, size_t size, size_t n, void *userdata) {
        struct answer *a = userdata;
        size_t len = size * n;
        if (len > 5 && len < 128 && strncasecmp(data, "Date:", 5) == 0) {
                char value[128];
                snprintf(value, sizeof value, "%.*s", (int)(len - 5), data + 5);
                time_t t = libcurl.getdate(value, NULL);
                if (t > 0)
                        a->date = t;
        }
        return len;
}

/* The sentence for a transfer that failed before an HTTP answer came. */
static int transfer_error(const struct node_engine *eng, const char *command, CURLcode code, const char *detail,
                          const struct answer *a, struct node_error *e) {
        switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST:
                return node_error_set(e, EHOSTUNREACH, _("The name %s does not resolve (DNS): check the name "
                                                         "and the node's DNS servers."),
                                      eng->host);
        case CURLE_COULDNT_CONNECT:
                return node_error_set(e, ECONNREFUSED,
                                      _("Cannot connect to %s port %u: %s (is the engine running, is the port "
                                        "right?)."),
                                      eng->host, eng->port, detail);
        case CURLE_OPERATION_TIMEDOUT:
                return node_error_set(e, ETIMEDOUT, _("The engine at %s:%u did not answer %s within %u s."),
                                      eng->host, eng->port, command, eng->timeout);
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
                return node_error_set(e, EKEYREJECTED,
                                      _("The engine's TLS certificate is not trusted: %s (it must be issued for "
                                        "%s by the accepted CA)."),
                                      detail, eng->host);
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_USE_SSL_FAILED:
                return node_error_set(e, EPROTO, _("The TLS handshake with %s:%u failed: %s."), eng->host,
                                      eng->port, detail);
        case CURLE_ABORTED_BY_CALLBACK:
                return node_error_set(e, ECANCELED, _("Cancelled during %s: nothing was written."), command);
        case CURLE_WRITE_ERROR:
                if (a->too_big)
                        return node_error_set(e, EFBIG,
                                              _("The engine's answer to %s is larger than %zu KiB: refused."),
                                              command, NODE_ENGINE_MAX_BODY / 1024);
                return node_error_set(e, ENOMEM, _("Out of memory while reading the engine's answer."));
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
                return node_error_set(e, ECONNRESET,
                                      _("The engine at %s:%u closed the connection during %s: %s."), eng->host,
                                      eng->port, command, detail);
        default:
                return node_error_set(e, EIO, _("Talking to the engine at %s:%u failed during %s: %s."), eng->host,
                                      eng->port, command, detail);
        }
}

/* The certificates the server showed in the handshake, as PEM: libcurl
 * lists each one's fields, "Cert:" holding the PEM text. */
static void keep_peer(CURL *curl, struct answer *a) {
        struct curl_certinfo *info = NULL;
        if (libcurl.easy_getinfo(curl, CURLINFO_CERTINFO, &info) != CURLE_OK || !info)
                return;
        for (int i = 0; i < info->num_of_certs; i++)
                for (struct curl_slist *f = info->certinfo[i]; f; f = f->next) {
                        if (strncmp(f->data, "Cert:", 5) != 0)
                                continue;
                        char **into = i == 0 ? &a->peer_pem : &a->chain_pem;
                        size_t had = *into ? strlen(*into) : 0, add = strlen(f->data + 5);
                        char *grown = realloc(*into, had + add + 2);
                        if (!grown)
                                return;
                        memcpy(grown + had, f->data + 5, add);
                        memcpy(grown + had + add, "\n", 2);
                        *into = grown;
                }
}

/* One GET of the registration service.  Without a trusted CA TLS is not
 * verified (the pre-checks and get-pki-trust); with one, it is verified
 * against exactly that CA and the engine's host name. */
static int engine_get(struct node_engine *eng, const char *command, const char *const *params,
                      struct answer *a, struct node_error *e) {
        int r = need_libcurl(e);
        if (r < 0)
                return r;
        _cleanup_(curl_easy_cleanupp) CURL *curl = libcurl.easy_init();
        if (!curl)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        char url[4096];
        bool v6 = strchr(eng->host, ':') != NULL;
        int n = snprintf(url, sizeof url, "https://%s%s%s:%u" REGISTER_PATH "?version=%d&command=%s",
                         v6 ? "[" : "", eng->host, v6 ? "]" : "", eng->port, NODE_ENGINE_PROTOCOL, command);
        for (size_t i = 0; params && params[i]; i += 2) {
                _cleanup_(curl_freep) char *value = libcurl.easy_escape(curl, params[i + 1], 0);
                if (!value)
                        return node_error_set(e, ENOMEM, _("Out of memory."));
                n += snprintf(url + n, sizeof url - (size_t)n, "&%s=%s", params[i], value);
                if (n >= (int)sizeof url)
                        return node_error_set(e, ENAMETOOLONG, _("The registration parameters are too long."));
        }
        char detail[CURL_ERROR_SIZE] = "";
        libcurl.easy_setopt(curl, CURLOPT_URL, url);
        libcurl.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
        libcurl.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        libcurl.easy_setopt(curl, CURLOPT_TIMEOUT, (long)eng->timeout);
        libcurl.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)(eng->timeout < 10 ? eng->timeout : 10));
        libcurl.easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
        libcurl.easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        libcurl.easy_setopt(curl, CURLOPT_WRITEDATA, a);
        libcurl.easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        libcurl.easy_setopt(curl, CURLOPT_HEADERDATA, a);
        char agent[32];
        snprintf(agent, sizeof agent, "nodecon/%s", NODECON_VERSION);
        libcurl.easy_setopt(curl, CURLOPT_USERAGENT, agent);
        libcurl.easy_setopt(curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
        libcurl.easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_transfer_progress);
        libcurl.easy_setopt(curl, CURLOPT_XFERINFODATA, eng);
        libcurl.easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        if (eng->ca_accepted) {
                struct curl_blob ca = { .data = eng->ca_pem, .len = strlen(eng->ca_pem),
                                        .flags = CURL_BLOB_COPY };
                libcurl.easy_setopt(curl, CURLOPT_CAINFO_BLOB, &ca);
                /* the system's CAs must not vouch for the engine */
                libcurl.easy_setopt(curl, CURLOPT_CAPATH, NULL);
                libcurl.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
                libcurl.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        } else {
                libcurl.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
                libcurl.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
        }
        if (a->want_peer)
                libcurl.easy_setopt(curl, CURLOPT_CERTINFO, 1L);
        CURLcode code = libcurl.easy_perform(curl);
        if (a->want_peer)
                keep_peer(curl, a);
        if (code != CURLE_OK) {
                if (!detail[0])
                        snprintf(detail, sizeof detail, "%s", libcurl.easy_strerror(code));
                return transfer_error(eng, command, code, detail, a, e);
        }
        long status = 0;
        libcurl.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (!a->data && !(a->data = strdup("")))
                return node_error_set(e, ENOMEM, _("Out of memory."));
        if (status != 200) {
                char text[512];
                node_engine_error_text(a->data, a->len, text, sizeof text);
                return node_error_set(e, EREMOTEIO, _("The engine refused %s (HTTP %ld): %s"), command, status,
                                      text[0] ? text : _("(no message)"));
        }
        return 0;
}


static int check_tcp(struct node_engine *eng, struct node_engine_precheck *check, struct node_error *e) {
        char what[320];
        snprintf(what, sizeof what, _("Resolving %s"), eng->host);
        report(eng, NODE_ENGINE_STEP_RESOLVE, what);
        char port[8];
        snprintf(port, sizeof port, "%u", eng->port);
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG }, *list = NULL;
        int g = getaddrinfo(eng->host, port, &hints, &list);
        if (g != 0)
                return node_error_set(e, EHOSTUNREACH,
                                      _("The name %s does not resolve (%s): check the name and the node's DNS "
                                        "servers."),
                                      eng->host, gai_strerror(g));
        snprintf(what, sizeof what, _("Connecting to %s port %u"), eng->host, eng->port);
        report(eng, NODE_ENGINE_STEP_CONNECT, what);
        unsigned timeout = eng->timeout < 10 ? eng->timeout : 10;
        int r = -EHOSTUNREACH;
        for (const struct addrinfo *ai = list; ai; ai = ai->ai_next) {
                r = node_tcp_probe(ai, (int)timeout * 1000);
                if (r == 0) {
                        const void *addr = ai->ai_family == AF_INET6
                                                   ? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
                                                   : (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
                        inet_ntop(ai->ai_family, addr, check->address, sizeof check->address);
                        break;
                }
        }
        freeaddrinfo(list);
        if (r == -ECONNREFUSED)
                return node_error_set(e, ECONNREFUSED,
                                      _("Nothing listens on %s port %u (connection refused): is the engine "
                                        "running, is the port right?"),
                                      eng->host, eng->port);
        if (r == -ETIMEDOUT)
                return node_error_set(e, ETIMEDOUT,
                                      _("%s port %u does not answer (no reply in %u s): a firewall drops it, or "
                                        "the engine is down."),
                                      eng->host, eng->port, timeout);
        if (r < 0)
                return node_error_set(e, r, _("Cannot connect to %s port %u: %s."), eng->host, eng->port,
                                      strerror(-r));
        return 0;
}

int node_engine_precheck(struct node_engine *eng, struct node_engine_precheck *check, struct node_error *e) {
        memset(check, 0, sizeof *check);
        int r = check_tcp(eng, check, e);
        if (r < 0)
                return r;
        char what[320];
        snprintf(what, sizeof what, _("TLS handshake and protocol version with %s"), eng->host);
        report(eng, NODE_ENGINE_STEP_TLS, what);
        struct answer a = {0};
        r = engine_get(eng, "get-version", NULL, &a, e);
        if (r == -EREMOTEIO) {
                answer_clear(&a);
                /* engines before 3.4 answer "Invalid registration protocol version 1" */
                return node_error_prefix(e, _("The engine does not speak registration protocol %d (oVirt engine "
                                              "3.4 or newer): "),
                                         NODE_ENGINE_PROTOCOL);
        }
        if (r == 0)
                r = node_engine_parse_version(a.data, a.len, &check->version, e);
        time_t now = time(NULL);
        if (r == 0 && a.date > 0) {
                check->have_clock = true;
                check->skew_seconds = (long)(now - a.date);
                check->skew_warning = labs(check->skew_seconds) > NODE_ENGINE_SKEW_WARN_SECONDS;
        }
        answer_clear(&a);
        if (r < 0)
                return r;
        if (check->version < NODE_ENGINE_PROTOCOL)
                return node_error_set(e, EPROTONOSUPPORT,
                                      _("The engine speaks registration protocol version %d; nodecon needs version "
                                        "%d (oVirt engine 3.4 or newer)."),
                                      check->version, NODE_ENGINE_PROTOCOL);
        return 0;
}

int node_engine_fetch_ca(struct node_engine *eng, struct node_engine_ca *ca, struct node_error *e) {
        char what[320];
        snprintf(what, sizeof what, _("Fetching the CA certificate of %s"), eng->host);
        report(eng, NODE_ENGINE_STEP_FETCH_CA, what);
        /* a CA fetched again must be looked at again */
        eng->ca_accepted = false;
        free(eng->ca_pem);
        eng->ca_pem = NULL;
        memset(&eng->ca, 0, sizeof eng->ca);
        struct answer a = {0};
        int r = engine_get(eng, "get-pki-trust", NULL, &a, e);
        if (r == 0)
                r = node_engine_parse_ca(a.data, a.len, &eng->ca, &eng->ca_pem, e);
        answer_clear(&a);
        if (r < 0)
                return r;
        *ca = eng->ca;
        return 0;
}

int node_engine_accept_ca(struct node_engine *eng, struct node_error *e) {
        if (!eng->ca_pem)
                return node_error_set(e, EINVAL, _("No CA certificate was fetched from the engine yet."));
        eng->ca_accepted = true;
        return 0;
}

/* ---- files ---------------------------------------------------------------- */

static const char *root_path(const struct node_engine *eng, const char *path, char *buf, size_t size) {
        return node_context_path(eng->ctx, path, buf, (unsigned)size);
}

/* Reads a small file whole; -ENOENT when absent. */
static int slurp(const char *path, size_t max, char **text, size_t *len) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        _cleanup_free_ char *buf = malloc(max + 1);
        if (!buf)
                return -ENOMEM;
        size_t n = 0;
        for (;;) {
                ssize_t k = read(fd, buf + n, max + 1 - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t)k;
                if (n > max)
                        return -EFBIG;
        }
        buf[n] = '\0';
        *text = TAKE_PTR(buf);
        if (len)
                *len = n;
        return 0;
}

/* Creates the missing directories of dir; *made gets the topmost one it
 * created ("" if none), so a failure can take them away again. */
static int make_dirs(const char *dir, unsigned mode, char *made, size_t size) {
        char buf[PATH_MAX];
        snprintf(buf, sizeof buf, "%s", dir);
        made[0] = '\0';
        for (char *p = buf + 1;; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char c = *p;
                *p = '\0';
                if (mkdir(buf, mode) == 0) {
                        if (!made[0])
                                snprintf(made, size, "%s", buf);
                } else if (errno != EEXIST)
                        return -errno;
                *p = c;
                if (c == '\0')
                        return 0;
        }
}

/* Removes dir and its parents up to and including top, while they are empty. */
static void remove_made_dirs(const char *dir, const char *top) {
        if (!top[0])
                return;
        char buf[PATH_MAX];
        snprintf(buf, sizeof buf, "%s", dir);
        for (;;) {
                if (rmdir(buf) < 0 || streq(buf, top))
                        return;
                char *slash = strrchr(buf, '/');
                if (!slash || slash == buf)
                        return;
                *slash = '\0';
        }
}

static void parent_dir(const char *path, char *dir, size_t size) {
        snprintf(dir, size, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir)
                *slash = '\0';
}

static bool uuid_shaped(const char *s) {
        static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
        if (strlen(s) != sizeof shape - 1)
                return false;
        bool all_zero = true, all_f = true;
        for (size_t i = 0; shape[i]; i++) {
                if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
                        return false;
                if (shape[i] != '-') {
                        all_zero &= s[i] == '0';
                        all_f &= tolower((unsigned char)s[i]) == 'f';
                }
        }
        /* firmware placeholders, the same on every machine */
        return !all_zero && !all_f;
}

static void trim(char *s) {
        size_t n = strlen(s);
        while (n > 0 && isspace((unsigned char)s[n - 1]))
                s[--n] = '\0';
        size_t skip = strspn(s, " \t\r\n");
        memmove(s, s + skip, n - skip + 1);
}

/* The node's id the engine knows it by: vdsm.id when there is one, else the
 * DMI product UUID, else a random UUID.  Nothing is written here. */
static int unique_id(struct node_engine *eng, char *id, size_t size, bool *created, struct node_error *e) {
        char path[PATH_MAX];
        _cleanup_free_ char *text = NULL;
        root_path(eng, NODE_ENGINE_VDSM_ID_FILE, path, sizeof path);
        int r = slurp(path, 256, &text, NULL);
        if (r == 0) {
                trim(text);
                if (!text[0] || strlen(text) >= size || strcspn(text, " \t\r\n") != strlen(text))
                        return node_error_set(e, EBADMSG,
                                              _("%s is empty or damaged: remove it to get a new id, or write the "
                                                "node's id into it."),
                                              path);
                snprintf(id, size, "%s", text);
                *created = false;
                return 0;
        }
        if (r != -ENOENT)
                return node_error_set(e, -r, _("Cannot read %s: %s."), path, strerror(-r));
        *created = true;
        free(TAKE_PTR(text));
        root_path(eng, "/sys/class/dmi/id/product_uuid", path, sizeof path);
        if (slurp(path, 256, &text, NULL) == 0) {
                trim(text);
                if (uuid_shaped(text)) {
                        for (char *p = text; *p; p++)
                                *p = (char)tolower((unsigned char)*p);
                        snprintf(id, size, "%s", text);
                        return 0;
                }
        }
        unsigned char b[16];
        if (getrandom(b, sizeof b, 0) != sizeof b)
                return node_error_set(e, errno, _("Cannot make a random id: %s."), strerror(errno));
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        snprintf(id, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
        return 0;
}

struct ssh_user {
        char home[PATH_MAX];
        uid_t uid;
        gid_t gid;
};

/* The user from the node's own passwd (below the root, like every path). */
static int find_user(const struct node_context *ctx, const char *name, struct ssh_user *u, struct node_error *e) {
        char path[PATH_MAX];
        node_context_path(ctx, "/etc/passwd", path, sizeof path);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return node_error_set(e, errno, _("Cannot read %s: %s."), path, strerror(errno));
        struct passwd *pw;
        while ((pw = fgetpwent(f)))
                if (streq(pw->pw_name, name)) {
                        snprintf(u->home, sizeof u->home, "%s", pw->pw_dir);
                        u->uid = pw->pw_uid;
                        u->gid = pw->pw_gid;
                        /* the key goes below it after "OK": it must be there before */
                        char home[PATH_MAX];
                        struct stat st;
                        node_context_path(ctx, u->home, home, sizeof home);
                        if (stat(home, &st) < 0 || !S_ISDIR(st.st_mode))
                                return node_error_set(e, ENOENT,
                                                      _("The home directory %s of user %s does not exist, so "
                                                        "the engine's SSH key has nowhere to go: nothing was "
                                                        "registered."),
                                                      home, name);
                        return 0;
                }
        return node_error_set(e, ENOENT, _("There is no user %s on this node (%s) for the engine to log in as."),
                              name, path);
}

/* Two key lines are the same key when type and base64 agree (comments may differ). */
static bool same_key(const char *a, size_t a_len, const char *b) {
        const char *a_end = a + a_len;
        const char *sp = memchr(a, ' ', a_len);
        if (!sp)
                return false;
        const char *a_key_end = memchr(sp + 1, ' ', (size_t)(a_end - sp - 1));
        if (!a_key_end)
                a_key_end = a_end;
        size_t n = (size_t)(a_key_end - a);
        return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == ' ');
}

/* Calls fn for each line of text (without its newline). */
static bool any_line(const char *text, const char *key) {
        for (const char *p = text; *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                if (same_key(p, len, key))
                        return true;
                p += len + (nl ? 1 : 0);
        }
        return false;
}

/* The user's authorized_keys: as the state file names it (file) and under the root (path). */
static int authorized_keys_file(const struct node_engine *eng, const struct ssh_user *u, char *file, size_t size,
                                char *path, size_t path_size, struct node_error *e) {
        if (snprintf(file, size, "%s/.ssh/authorized_keys", streq(u->home, "/") ? "" : u->home) >= (int)size)
                return node_error_set(e, ENAMETOOLONG, _("The home directory %s is too long."), u->home);
        root_path(eng, file, path, path_size);
        return 0;
}

/* Would add_authorized_key add the key line, and create the file? */
static int plan_authorized_key(const char *path, const char *key, bool *adds, bool *creates, struct node_error *e) {
        _cleanup_free_ char *old = NULL;
        size_t old_len = 0;
        int r = slurp(path, NODE_ENGINE_MAX_BODY, &old, &old_len);
        if (r < 0 && r != -ENOENT)
                return node_error_set(e, -r, _("Cannot read %s: %s."), path, strerror(-r));
        *creates = r == -ENOENT;
        *adds = !old || !any_line(old, key);
        return 0;
}

static int add_authorized_key(const struct node_engine *eng, const struct ssh_user *u, const char *key,
                              char *file, size_t size, bool *added, bool *created, struct node_error *e) {
        char dir[PATH_MAX], path[PATH_MAX];
        int r = authorized_keys_file(eng, u, file, size, path, sizeof path, e);
        if (r < 0)
                return r;
        parent_dir(path, dir, sizeof dir);
        if (mkdir(dir, 0700) == 0) {
                if (chown(dir, u->uid, u->gid) < 0)
                        return node_error_set(e, errno, _("Cannot give %s to its user: %s."), dir, strerror(errno));
        } else if (errno != EEXIST)
                return node_error_set(e, errno, _("Cannot create %s: %s."), dir, strerror(errno));
        _cleanup_free_ char *old = NULL;
        size_t old_len = 0;
        r = slurp(path, NODE_ENGINE_MAX_BODY, &old, &old_len);
        *created = r == -ENOENT;
        if (r < 0 && r != -ENOENT)
                return node_error_set(e, -r, _("Cannot read %s: %s."), path, strerror(-r));
        *added = false;
        if (old && any_line(old, key))
                return 0;
        size_t len = old_len + strlen(key) + 2;
        _cleanup_free_ char *text = malloc(len + 1);
        if (!text)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        int n = snprintf(text, len + 1, "%s%s%s\n", old ? old : "", old && old_len && old[old_len - 1] != '\n' ? "\n" : "",
                         key);
        if ((r = node_write_file_atomic(path, text, (size_t)n, 0600, e)) < 0)
                return r;
        if (chown(path, u->uid, u->gid) < 0)
                return node_error_set(e, errno, _("Cannot give %s to its user: %s."), path, strerror(errno));
        *added = true;
        return 0;
}

static int write_state(const struct node_engine *eng, const struct node_engine_result *res, const char *ssh_user,
                       const char *authorized_keys, const char *added_key, bool keys_created,
                       struct node_error *e) {
        char path[PATH_MAX], dir[PATH_MAX], made[PATH_MAX];
        root_path(eng, NODE_ENGINE_STATE_FILE, path, sizeof path);
        parent_dir(path, dir, sizeof dir);
        int r = make_dirs(dir, 0755, made, sizeof made);
        if (r < 0)
                return node_error_set(e, -r, _("Cannot create %s: %s."), dir, strerror(-r));
        char when[32];
        time_t now = time(NULL);
        struct tm tm;
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
        _cleanup_free_ char *text = NULL;
        int n = asprintf(&text,
                         "# Written by nodecon when the node registered to its engine; nodectl unregister\n"
                         "# removes what is listed here.\n"
                         "engine=%s\nport=%u\nca_sha256=%s\nregistered_at=%s\nname=%s\nunique_id=%s\n"
                         "ssh_user=%s\nauthorized_keys=%s\nssh_key=%s\nauthorized_keys_created=%s\n",
                         eng->host, eng->port, eng->ca.sha256, when, res->name, res->unique_id, ssh_user,
                         authorized_keys, added_key, keys_created ? "yes" : "no");
        if (n < 0)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        return node_write_file_atomic(path, text, (size_t)n, 0644, e);
}

/* A name or address for the engine: printable, no blanks. */
static int check_host_field(const char *what, const char *value, struct node_error *e) {
        if (!value[0] || strlen(value) > 255)
                return node_error_set(e, EINVAL, _("The node's %s must be 1 to 255 characters."), what);
        for (const char *p = value; *p; p++)
                if ((unsigned char)*p <= ' ' || *p == 0x7f)
                        return node_error_set(e, EINVAL, _("The node's %s must not contain blanks or control "
                                                           "characters."),
                                              what);
        return 0;
}

int node_engine_register(struct node_engine *eng, const struct node_engine_host *host,
                         struct node_engine_result *res, struct node_error *e) {
        memset(res, 0, sizeof *res);
        if (!eng->ca_accepted)
                return node_error_set(e, EKEYREJECTED,
                                      _("The engine's CA certificate was not accepted: nothing was registered."));
        char hostname[256] = "";
        gethostname(hostname, sizeof hostname - 1);
        snprintf(res->name, sizeof res->name, "%s", host && host->name ? host->name : hostname);
        snprintf(res->address, sizeof res->address, "%s", host && host->address ? host->address : hostname);
        const char *ssh_user = host && host->ssh_user ? host->ssh_user : "root";
        unsigned ssh_port = host && host->ssh_port ? host->ssh_port : 22;
        int r;
        if ((r = check_host_field(_("name"), res->name, e)) < 0 ||
            (r = check_host_field(_("address"), res->address, e)) < 0)
                return r;
        if (ssh_port > 65535)
                return node_error_set(e, EINVAL, _("%u is not a port number (1-65535)."), ssh_port);
        struct ssh_user user = {0};
        if ((r = find_user(eng->ctx, ssh_user, &user, e)) < 0)
                return r;
        if ((r = unique_id(eng, res->unique_id, sizeof res->unique_id, &res->unique_id_created, e)) < 0)
                return r;

        char what[320];
        snprintf(what, sizeof what, _("Fetching the SSH key of %s"), eng->host);
        report(eng, NODE_ENGINE_STEP_FETCH_SSH_KEY, what);
        struct answer a = {0};
        _cleanup_free_ char *key = NULL;
        r = engine_get(eng, "get-ssh-trust", NULL, &a, e);
        if (r == 0)
                r = node_engine_parse_ssh_key(a.data, a.len, &key, res->ssh_key_fingerprint,
                                              sizeof res->ssh_key_fingerprint, e);
        answer_clear(&a);
        if (r != 0)
                return r;

        /* The CA is staged beside its place first, so that after "OK" only a
         * rename is left to do. */
        char ca_path[PATH_MAX], ca_dir[PATH_MAX], ca_made[PATH_MAX], staged[PATH_MAX + 32];
        root_path(eng, NODE_ENGINE_CA_FILE, ca_path, sizeof ca_path);
        parent_dir(ca_path, ca_dir, sizeof ca_dir);
        snprintf(staged, sizeof staged, "%s/" STAGED_CA_NAME, ca_dir);
        if ((r = make_dirs(ca_dir, 0755, ca_made, sizeof ca_made)) < 0)
                return node_error_set(e, -r, _("Cannot create %s: %s."), ca_dir, strerror(-r));
        if ((r = node_write_file_atomic(staged, eng->ca_pem, strlen(eng->ca_pem), 0644, e)) < 0) {
                remove_made_dirs(ca_dir, ca_made);
                return r;
        }

        node_fault_point(eng->ctx, "register.staged");
        snprintf(what, sizeof what, _("Registering %s with %s"), res->name, eng->host);
        report(eng, NODE_ENGINE_STEP_REGISTER, what);
        char ssh_port_text[8], vds_port_text[8];
        snprintf(ssh_port_text, sizeof ssh_port_text, "%u", ssh_port);
        snprintf(vds_port_text, sizeof vds_port_text, "%u", NODE_ENGINE_VDSM_PORT);
        const char *params[] = { "address", res->address, "name", res->name, "uniqueId", res->unique_id,
                                 "sshUser", ssh_user, "sshPort", ssh_port_text, "sshKeyFingerprint",
                                 res->ssh_key_fingerprint, "vdsPort", vds_port_text, NULL };
        r = engine_get(eng, "register", params, &a, e);
        if (r == 0) {
                char said[128];
                node_engine_error_text(a.data, a.len, said, sizeof said);
                if (!streq(said, "OK"))
                        r = node_error_set(e, EBADMSG, _("The engine answered register with '%s' instead of OK."),
                                           said);
        }
        answer_clear(&a);
        if (r < 0) {
                unlink(staged);
                remove_made_dirs(ca_dir, ca_made);
                return r;
        }

        node_fault_point(eng->ctx, "register.registered");
        report(eng, NODE_ENGINE_STEP_WRITE, _("Writing the engine's CA, SSH key and the node's id"));
        /* The state file goes first and names all that follows, so that whatever a
         * kill leaves behind, nodectl engine shows it and nodectl unregister (or a
         * registration again) takes it away. */
        char keys_file[PATH_MAX], keys_path[PATH_MAX];
        bool key_ours = false, keys_created = false;
        if ((r = authorized_keys_file(eng, &user, keys_file, sizeof keys_file, keys_path, sizeof keys_path, e)) < 0 ||
            (r = plan_authorized_key(keys_path, key, &key_ours, &keys_created, e)) < 0) {
                unlink(staged);
                remove_made_dirs(ca_dir, ca_made);
                return r;
        }
        /* a registration again must not forget the key line the first one added */
        struct node_engine_state before = {0};
        if (!key_ours && node_engine_state_read(eng->ctx, &before, NULL) == 0 && streq(before.ssh_key, key) &&
            streq(before.authorized_keys, keys_file)) {
                key_ours = true;
                keys_created = before.authorized_keys_created;
        }
        if (write_state(eng, res, ssh_user, keys_file, key_ours ? key : "", keys_created, e) < 0) {
                unlink(staged);
                remove_made_dirs(ca_dir, ca_made);
                return node_error_prefix(e, _("The engine registered the node, but nothing was written: "));
        }
        node_fault_point(eng->ctx, "register.state");
        if (rename(staged, ca_path) < 0) {
                r = -errno;
                unlink(staged);
                return node_error_set(e, -r,
                                      _("The engine registered the node, but %s could not be written (%s): "
                                        "run the registration again, or nodectl unregister."),
                                      ca_path, strerror(-r));
        }
        node_fault_point(eng->ctx, "register.ca");
        const char *done = _("the CA");
        if (res->unique_id_created) {
                char id_path[PATH_MAX], id_dir[PATH_MAX], id_made[PATH_MAX], line[80];
                root_path(eng, NODE_ENGINE_VDSM_ID_FILE, id_path, sizeof id_path);
                parent_dir(id_path, id_dir, sizeof id_dir);
                int n = snprintf(line, sizeof line, "%s\n", res->unique_id);
                if ((r = make_dirs(id_dir, 0755, id_made, sizeof id_made)) < 0)
                        r = node_error_set(e, -r, _("Cannot create %s: %s."), id_dir, strerror(-r));
                else
                        r = node_write_file_atomic(id_path, line, (size_t)n, 0644, e);
                if (r < 0)
                        goto partly;
                done = _("the CA and the node's id");
        }
        node_fault_point(eng->ctx, "register.id");
        bool created_now = false;
        r = add_authorized_key(eng, &user, key, keys_file, sizeof keys_file, &res->key_added, &created_now, e);
        if (r < 0)
                goto partly;
        node_fault_point(eng->ctx, "register.done");
        return 0;
partly:
        return node_error_prefix(e, _("The engine registered the node and %s were written, but: "), done);
}

/* ---- after registration --------------------------------------------------- */

int node_engine_state_read(const struct node_context *ctx, struct node_engine_state *state, struct node_error *e) {
        char path[PATH_MAX];
        node_context_path(ctx, NODE_ENGINE_STATE_FILE, path, sizeof path);
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = slurp(path, 65536, &text, &len);
        if (r == -ENOENT)
                return node_error_set(e, ENOENT, _("This node is not registered to an engine (no %s)."), path);
        if (r < 0)
                return node_error_set(e, -r, _("Cannot read %s: %s."), path, strerror(-r));
        return node_engine_parse_state(text, len, state, e);
}

int node_engine_reachable(const struct node_context *ctx, const struct node_engine_state *state, unsigned timeout,
                          struct node_error *e) {
        char target[300], ca_path[PATH_MAX];
        bool v6 = strchr(state->engine, ':') != NULL;
        snprintf(target, sizeof target, "%s%s%s:%u", v6 ? "[" : "", state->engine, v6 ? "]" : "", state->port);
        struct node_engine *eng = NULL;
        int r = node_engine_open(ctx, target, &eng, e);
        if (r < 0 || !eng)
                return r < 0 ? r : -EIO;
        node_engine_set_timeout(eng, timeout);
        node_context_path(ctx, NODE_ENGINE_CA_FILE, ca_path, sizeof ca_path);
        _cleanup_free_ char *pem = NULL;
        size_t len = 0;
        r = slurp(ca_path, NODE_ENGINE_MAX_BODY, &pem, &len);
        if (r < 0)
                r = node_error_set(e, -r, _("Cannot read the engine's CA %s: %s."), ca_path, strerror(-r));
        else if ((r = node_engine_parse_ca(pem, len, &eng->ca, &eng->ca_pem, e)) == 0 &&
                 !node_engine_fingerprint_matches(&eng->ca, state->ca_sha256))
                r = node_error_set(e, EKEYREJECTED, _("%s is not the CA that was accepted at registration."),
                                   ca_path);
        if (r == 0) {
                eng->ca_accepted = true;
                struct answer a = {0};
                int version;
                r = engine_get(eng, "get-version", NULL, &a, e);
                if (r == 0)
                        r = node_engine_parse_version(a.data, a.len, &version, e);
                answer_clear(&a);
        }
        node_engine_free(eng);
        return r;
}

int node_engine_reachable_by_nodectl(const struct node_context *ctx, unsigned timeout, struct node_error *e) {
        char seconds[16];
        snprintf(seconds, sizeof seconds, "%u", timeout);
        const char *const args[] = { "engine", "--timeout", seconds, NULL };
        struct node_spawn_result res;
        int r = node_helper_run(ctx, args, &res, e);
        if (r < 0)
                return r;
        /* it prints its JSON also when the engine does not answer (exit code 8 or 9) */
        r = node_engine_parse_reachable(res.out, res.out_len, e);
        if (r == -EBADMSG && res.exit_code != 0) {
                char sentence[1024];
                if (node_helper_sentence(&res, sentence, sizeof sentence)[0])
                        r = node_error_set(e, EIO, "%s", sentence);
        }
        node_spawn_result_free(&res);
        return r;
}

int node_engine_probe_peer(const struct node_context *ctx, const char *host, unsigned port, unsigned timeout,
                           struct node_engine_peer *peer, struct node_error *e) {
        memset(peer, 0, sizeof *peer);
        struct node_engine eng = { .ctx = ctx, .port = port, .timeout = timeout };
        snprintf(eng.host, sizeof eng.host, "%s", host);
        struct answer a = { .want_peer = true };
        int r = engine_get(&eng, "get-version", NULL, &a, e);
        time_t now = time(NULL);
        if (!a.peer_pem) {
                answer_clear(&a);
                return r < 0 ? r : node_error_set(e, EPROTO, _("%s showed no certificate."), host);
        }
        if (a.date > 0) {
                peer->have_clock = true;
                peer->skew_seconds = (long)(now - a.date);
        }
        /* the registered CA says something only about the registered engine */
        struct node_engine_state state;
        struct node_error ignored = { 0 };
        _cleanup_free_ char *ca_pem = NULL;
        char ca_path[PATH_MAX];
        size_t len = 0;
        struct node_engine_ca ca;
        if (node_engine_state_read(ctx, &state, &ignored) == 0 && strcasecmp(state.engine, host) == 0 &&
            slurp(node_context_path(ctx, NODE_ENGINE_CA_FILE, ca_path, sizeof ca_path), NODE_ENGINE_MAX_BODY, &ca_pem,
                  &len) == 0 &&
            node_engine_parse_ca(ca_pem, len, &ca, NULL, &ignored) == 0 &&
            !node_engine_fingerprint_matches(&ca, state.ca_sha256)) {
                peer->checked = true;
                snprintf(peer->why_not, sizeof peer->why_not, _("%s is not the CA accepted at registration"), ca_path);
                free(ca_pem);
                ca_pem = NULL;
        }
        r = peer->checked ? 0 : node_engine_check_peer(a.peer_pem, a.chain_pem, ca_pem, host, peer, e);
        answer_clear(&a);
        return r;
}

static int remove_key_line(const char *path, const char *key, bool remove_if_empty, struct node_error *e) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = slurp(path, NODE_ENGINE_MAX_BODY, &text, &len);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return node_error_set(e, -r, _("Cannot read %s: %s."), path, strerror(-r));
        _cleanup_free_ char *kept = malloc(len + 1);
        if (!kept)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        size_t o = 0;
        bool removed = false;
        for (const char *p = text; p && *p;) {
                const char *nl = strchr(p, '\n');
                size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
                if (same_key(p, nl ? n - 1 : n, key))
                        removed = true;
                else {
                        memcpy(kept + o, p, n);
                        o += n;
                }
                p += n;
        }
        if (!removed)
                return 0;
        if (o == 0 && remove_if_empty) {
                if (unlink(path) < 0 && errno != ENOENT)
                        return node_error_set(e, errno, _("Cannot remove %s: %s."), path, strerror(errno));
                return 0;
        }
        struct stat st;
        if (stat(path, &st) < 0)
                return node_error_set(e, errno, _("Cannot read %s: %s."), path, strerror(errno));
        if ((r = node_write_file_atomic(path, kept, o, st.st_mode & 07777, e)) < 0)
                return r;
        if (chown(path, st.st_uid, st.st_gid) < 0)
                return node_error_set(e, errno, _("Cannot give %s back to its user: %s."), path, strerror(errno));
        return 0;
}

int node_engine_unregister(const struct node_context *ctx, struct node_error *e) {
        struct node_engine_state state = {0};
        int r = node_engine_state_read(ctx, &state, e);
        if (r < 0)
                return r;
        char path[PATH_MAX];
        /* the state file goes last: an interrupted unregister can be run again */
        if (state.ssh_key[0] && state.authorized_keys[0]) {
                node_context_path(ctx, state.authorized_keys, path, sizeof path);
                if ((r = remove_key_line(path, state.ssh_key, state.authorized_keys_created, e)) < 0)
                        return r;
        }
        node_context_path(ctx, NODE_ENGINE_CA_FILE, path, sizeof path);
        if (unlink(path) < 0 && errno != ENOENT)
                return node_error_set(e, errno, _("Cannot remove %s: %s."), path, strerror(errno));
        /* a registration killed before the CA was in place left it staged */
        char staged[PATH_MAX + 32], dir[PATH_MAX];
        parent_dir(path, dir, sizeof dir);
        snprintf(staged, sizeof staged, "%s/" STAGED_CA_NAME, dir);
        if (unlink(staged) < 0 && errno != ENOENT)
                return node_error_set(e, errno, _("Cannot remove %s: %s."), staged, strerror(errno));
        node_context_path(ctx, NODE_ENGINE_STATE_FILE, path, sizeof path);
        if (unlink(path) < 0 && errno != ENOENT)
                return node_error_set(e, errno, _("Cannot remove %s: %s."), path, strerror(errno));
        return 0;
}
