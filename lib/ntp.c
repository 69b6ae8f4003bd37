/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NTP servers in a drop-in of nodecon's own, for chrony or systemd-timesyncd
 * (see ntp.h).  The distribution's files are only read. */
#include "ntp.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "i18n.h"
#include "netvalid.h"
#include "services.h"
#include "spawn.h"
#include "util.h"

#define CHRONY_CONF "/etc/chrony/chrony.conf"
#define CHRONY_CONF_DIR "/etc/chrony/conf.d"
#define CHRONY_SOURCES_DIR "/etc/chrony/sources.d"
#define CHRONY_DROP_IN CHRONY_SOURCES_DIR "/nodecon.sources"
#define TIMESYNCD_CONF "/etc/systemd/timesyncd.conf"
#define TIMESYNCD_CONF_DIR "/etc/systemd/timesyncd.conf.d"
#define TIMESYNCD_DROP_IN TIMESYNCD_CONF_DIR "/nodecon.conf"
#define TIMESYNCD_UNIT "systemd-timesyncd.service"
#define SERVICE_TIMEOUT 30
/* what the admin typed, cut as lib/netvalid cuts it */
#define QUOTE_MAX 60
#define QUOTED(s) QUOTE_MAX, (s), strlen(s) > QUOTE_MAX ? "..." : ""

const char *node_ntp_daemon_name(enum node_ntp_daemon d) {
        return d == NODE_NTP_CHRONY ? "chrony" : d == NODE_NTP_TIMESYNCD ? "systemd-timesyncd" : "none";
}

static bool only_digits_and_dots(const char *s) {
        return s[strspn(s, "0123456789.")] == '\0';
}

int node_ntp_check_server(const char *text, struct node_error *e) {
        /* what looks like an address must be one: "10.0.0.300" is a typo, not a name */
        if (strchr(text, ':') || (text[0] && only_digits_and_dots(text))) {
                if (node_check_ip_address(text, AF_UNSPEC, e) < 0)
                        return node_error_prefix(e, _("NTP server: "));
                return 0;
        }
        const char *why = node_dns_name_problem(text);
        if (why)
                return node_error_set(e, EINVAL, _("'%.*s%s' is not a valid NTP server name: %s."), QUOTED(text), why);
        return 0;
}

static bool exists(const struct node_context *ctx, const char *path) {
        char full[PATH_MAX];
        return access(node_context_path(ctx, path, full, sizeof full), F_OK) == 0;
}

static enum node_ntp_daemon detect(const struct node_context *ctx) {
        if (exists(ctx, CHRONY_CONF))
                return NODE_NTP_CHRONY;
        if (exists(ctx, TIMESYNCD_CONF) || exists(ctx, "/lib/systemd/systemd-timesyncd") ||
            exists(ctx, "/usr/lib/systemd/systemd-timesyncd"))
                return NODE_NTP_TIMESYNCD;
        return NODE_NTP_NONE;
}

/* A growing NULL-terminated list of strings. */
struct list {
        char **v;
        size_t n, cap;
};

static int list_add(struct list *l, const char *s, size_t len) {
        if (!l->v || l->n + 2 > l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 8;
                char **v = realloc(l->v, cap * sizeof *v);
                if (!v)
                        return -ENOMEM;
                l->v = v;
                l->cap = cap;
        }
        if (!(l->v[l->n] = strndup(s, len)))
                return -ENOMEM;
        l->v[++l->n] = NULL;
        return 0;
}

static void list_clear(struct list *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i]);
        l->n = 0;
        if (l->v)
                l->v[0] = NULL;
}

/* The list as a NULL-terminated vector (an empty one when nothing was added). */
static char **list_take(struct list *l) {
        if (!l->v && list_add(l, "", 0) == 0)
                list_clear(l);
        char **v = l->v;
        *l = (struct list){ 0 };
        return v;
}

static int strcmp_ptr(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dir (below the root) ending in suffix, sorted, as full paths. */
static int dir_files(const struct node_context *ctx, const char *dir, const char *suffix, struct list *out) {
        char full[PATH_MAX];
        node_context_path(ctx, dir, full, sizeof full);
        _cleanup_closedir_ DIR *d = opendir(full);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        struct dirent *de;
        size_t first = out->n;
        while ((de = readdir(d))) {
                size_t len = strlen(de->d_name), slen = strlen(suffix);
                if (de->d_name[0] == '.' || len <= slen || !streq(de->d_name + len - slen, suffix))
                        continue;
                char path[PATH_MAX];
                snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
                if (list_add(out, path, strlen(path)) < 0)
                        return -ENOMEM;
        }
        if (out->n > first)
                qsort(out->v + first, out->n - first, sizeof *out->v, strcmp_ptr);
        return 0;
}

typedef int (*line_fn)(const char *line, void *userdata);

/* Calls fn for each line of path (below the root), comments and blanks
 * skipped, leading blanks removed.  A missing file has no lines. */
static int each_line(const struct node_context *ctx, const char *path, line_fn fn, void *userdata,
                     struct node_error *e) {
        char full[PATH_MAX];
        node_context_path(ctx, path, full, sizeof full);
        _cleanup_fclose_ FILE *f = fopen(full, "re");
        if (!f)
                return errno == ENOENT ? 0 : node_error_set(e, errno, _("Cannot read %s: %s."), full, strerror(errno));
        char line[1024];
        while (fgets(line, sizeof line, f)) {
                char *p = line + strspn(line, " \t");
                p[strcspn(p, "\r\n")] = '\0';
                if (!*p || *p == '#' || *p == ';')
                        continue;
                int r = fn(p, userdata);
                if (r < 0)
                        return node_error_set(e, -r, _("Out of memory."));
        }
        return 0;
}

/* ---- chrony ------------------------------------------------------------- */

/* "server NAME ...", "pool NAME ...", "peer NAME ...": the name. */
static int chrony_source(const char *line, void *userdata) {
        static const char *const kinds[] = { "server", "pool", "peer" };
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                size_t k = strlen(kinds[i]);
                if (strncmp(line, kinds[i], k) == 0 && (line[k] == ' ' || line[k] == '\t')) {
                        const char *name = line + k + strspn(line + k, " \t");
                        size_t len = strcspn(name, " \t");
                        return len ? list_add(userdata, name, len) : 0;
                }
        }
        return 0;
}

static int read_chrony(const struct node_context *ctx, struct node_ntp *ntp, struct node_error *e) {
        struct list ours = { 0 }, others = { 0 }, files = { 0 };
        int r = list_add(&files, CHRONY_CONF, strlen(CHRONY_CONF));
        if (r == 0)
                r = dir_files(ctx, CHRONY_CONF_DIR, ".conf", &files);
        if (r == 0)
                r = dir_files(ctx, CHRONY_SOURCES_DIR, ".sources", &files);
        if (r < 0)
                r = node_error_set(e, -r, _("Cannot list chrony's configuration files: %s."), strerror(-r));
        for (size_t i = 0; r == 0 && i < files.n; i++)
                r = each_line(ctx, files.v[i], chrony_source, streq(files.v[i], CHRONY_DROP_IN) ? &ours : &others, e);
        strv_free(list_take(&files));
        ntp->ours = ours.n > 0;
        ntp->servers = list_take(ntp->ours ? &ours : &others);
        ntp->others = list_take(ntp->ours ? &others : &ours);
        return r;
}

static int write_chrony(const char *const *servers, char *text, size_t size) {
        int n = snprintf(text, size, "# %s\n", _("NTP servers set by nodecon (nodectl network ntp)"));
        for (size_t i = 0; servers[i]; i++)
                n += snprintf(text + n, n < (int)size ? size - (size_t)n : 0, "server %s iburst\n", servers[i]);
        return n < (int)size ? 0 : -E2BIG;
}

static void tell_chrony(struct node_ntp_applied *a) {
        const char *argv[] = { "chronyc", "reload", "sources", NULL };
        struct node_spawn_result res = { 0 };
        struct node_error e = { 0 };
        int r = node_spawn(argv, NULL, &res, &e);
        if (r < 0) {
                snprintf(a->note, sizeof a->note, _("chronyc cannot be run (%s): chronyd reads the servers when it starts."),
                         e.message);
        } else if (res.exit_code != 0) {
                char line[256];
                node_spawn_last_error_line(&res, line, sizeof line);
                if (!line[0])
                        snprintf(line, sizeof line, "%s", res.out);
                line[strcspn(line, "\n")] = '\0';
                snprintf(a->note, sizeof a->note,
                         _("chronyd did not reload its sources (%s): it reads the servers when it starts."), line);
        } else {
                a->told = true;
        }
        node_spawn_result_free(&res);
}

/* ---- systemd-timesyncd -------------------------------------------------- */

/* NTP= adds servers; an empty NTP= drops those set before (systemd's rule). */
static int timesyncd_setting(const char *line, void *userdata) {
        struct list *l = userdata;
        if (strncmp(line, "NTP", 3) != 0)
                return 0;
        const char *p = line + 3 + strspn(line + 3, " \t");
        if (*p != '=')
                return 0;
        p++;
        if (!*(p + strspn(p, " \t")))
                list_clear(l);
        while (*(p += strspn(p, " \t"))) {
                size_t len = strcspn(p, " \t");
                int r = list_add(l, p, len);
                if (r < 0)
                        return r;
                p += len;
        }
        return 0;
}

static int read_timesyncd(const struct node_context *ctx, struct node_ntp *ntp, struct node_error *e) {
        struct list servers = { 0 }, files = { 0 };
        int r = list_add(&files, TIMESYNCD_CONF, strlen(TIMESYNCD_CONF));
        if (r == 0)
                r = dir_files(ctx, TIMESYNCD_CONF_DIR, ".conf", &files);
        if (r < 0)
                r = node_error_set(e, -r, _("Cannot list systemd-timesyncd's configuration files: %s."), strerror(-r));
        for (size_t i = 0; r == 0 && i < files.n; i++) {
                if (streq(files.v[i], TIMESYNCD_DROP_IN))
                        ntp->ours = true;
                r = each_line(ctx, files.v[i], timesyncd_setting, &servers, e);
        }
        strv_free(list_take(&files));
        ntp->servers = list_take(&servers);
        ntp->others = list_take(&(struct list){ 0 });
        return r;
}

static int write_timesyncd(const char *const *servers, char *text, size_t size) {
        /* the empty NTP= drops the servers of the files read before this one */
        int n = snprintf(text, size, "# %s\n[Time]\nNTP=\nNTP=", _("NTP servers set by nodecon (nodectl network ntp)"));
        for (size_t i = 0; servers[i]; i++)
                n += snprintf(text + n, n < (int)size ? size - (size_t)n : 0, "%s%s", i ? " " : "", servers[i]);
        n += snprintf(text + n, n < (int)size ? size - (size_t)n : 0, "\n");
        return n < (int)size ? 0 : -E2BIG;
}

/* A running timesyncd reads its configuration only when it starts. */
static void tell_timesyncd(const struct node_context *ctx, struct node_ntp_applied *a) {
        const char *names[] = { TIMESYNCD_UNIT, NULL };
        struct node_service_list list = { 0 };
        struct node_error e = { 0 };
        if (node_services_list(ctx, names, &list, &e) < 0) {
                snprintf(a->note, sizeof a->note, _("systemd cannot be asked about %s (%s): it reads the servers when it starts."),
                         TIMESYNCD_UNIT, e.message);
                return;
        }
        const char *state = list.n_services ? list.services[0].active_state : "unknown";
        if (!streq(state, "active"))
                snprintf(a->note, sizeof a->note, _("%s is not running (%s): it reads the servers when it starts."),
                         TIMESYNCD_UNIT, state);
        else if (node_service_act(ctx, TIMESYNCD_UNIT, NODE_SERVICE_RESTART, SERVICE_TIMEOUT, &e) < 0)
                snprintf(a->note, sizeof a->note, _("The servers are saved, but %s"), e.message);
        else
                a->told = true;
        node_service_list_free(&list);
}

/* ---- both --------------------------------------------------------------- */

int node_ntp_read(const struct node_context *ctx, struct node_ntp *ntp, struct node_error *e) {
        *ntp = (struct node_ntp){ .daemon = detect(ctx) };
        int r;
        switch (ntp->daemon) {
        case NODE_NTP_CHRONY:
                snprintf(ntp->drop_in, sizeof ntp->drop_in, "%s", CHRONY_DROP_IN);
                r = read_chrony(ctx, ntp, e);
                break;
        case NODE_NTP_TIMESYNCD:
                snprintf(ntp->drop_in, sizeof ntp->drop_in, "%s", TIMESYNCD_DROP_IN);
                r = read_timesyncd(ctx, ntp, e);
                break;
        default:
                return node_error_set(e, ENOTSUP,
                                      _("This node has no time daemon nodecon knows: install chrony or systemd-timesyncd."));
        }
        if (r == 0 && (!ntp->servers || !ntp->others))
                r = node_error_set(e, ENOMEM, _("Out of memory."));
        if (r < 0)
                node_ntp_free(ntp);
        return r;
}

void node_ntp_free(struct node_ntp *ntp) {
        strv_free(ntp->servers);
        strv_free(ntp->others);
        ntp->servers = ntp->others = NULL;
}

static int make_dir(const struct node_context *ctx, const char *dir, struct node_error *e) {
        char full[PATH_MAX];
        node_context_path(ctx, dir, full, sizeof full);
        for (char *slash = strchr(full + 1, '/');; slash = strchr(slash + 1, '/')) {
                if (slash)
                        *slash = '\0';
                if (mkdir(full, 0755) < 0 && errno != EEXIST)
                        return node_error_set(e, errno, _("Cannot make the folder %s: %s."), full, strerror(errno));
                if (!slash)
                        return 0;
                *slash = '/';
        }
}

int node_ntp_set(const struct node_context *ctx, const char *const *servers, struct node_ntp_applied *a,
                 struct node_error *e) {
        *a = (struct node_ntp_applied){ .daemon = detect(ctx) };
        size_t n = 0;
        int r;
        for (; servers && servers[n]; n++) {
                if ((r = node_ntp_check_server(servers[n], e)) < 0)
                        return r;
                for (size_t j = 0; j < n; j++)
                        if (strcasecmp(servers[j], servers[n]) == 0)
                                return node_error_set(e, EINVAL, _("The NTP server %.*s%s is given twice."),
                                                      QUOTED(servers[n]));
        }
        if (n > NODE_NTP_MAX_SERVERS)
                return node_error_set(e, EINVAL, _("%zu NTP servers are more than the %d nodecon sets."), n,
                                      NODE_NTP_MAX_SERVERS);
        if (a->daemon == NODE_NTP_NONE)
                return node_error_set(e, ENOTSUP,
                                      _("This node has no time daemon nodecon knows: install chrony or systemd-timesyncd."));
        bool chrony = a->daemon == NODE_NTP_CHRONY;
        const char *drop_in = chrony ? CHRONY_DROP_IN : TIMESYNCD_DROP_IN;
        char path[PATH_MAX];
        node_context_path(ctx, drop_in, path, sizeof path);
        if (n == 0) {
                if (unlink(path) < 0 && errno != ENOENT)
                        return node_error_set(e, errno, _("Cannot remove %s: %s."), path, strerror(errno));
        } else {
                char text[4096];
                if ((chrony ? write_chrony : write_timesyncd)(servers, text, sizeof text) < 0)
                        return node_error_set(e, E2BIG, _("The NTP server names are too long together."));
                if ((r = make_dir(ctx, chrony ? CHRONY_SOURCES_DIR : TIMESYNCD_CONF_DIR, e)) < 0 ||
                    (r = node_write_file_atomic(path, text, strlen(text), 0644, e)) < 0)
                        return r;
        }
        if (ctx && ctx->root && ctx->root[0] && !streq(ctx->root, "/"))
                snprintf(a->note, sizeof a->note, _("The files are below %s: no running daemon was told."), ctx->root);
        else if (chrony)
                tell_chrony(a);
        else
                tell_timesyncd(ctx, a);
        return 0;
}
