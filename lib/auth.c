/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Console security settings, PAM password checks and their rate limit. */
#include "auth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "i18n.h"
#include "util.h"

#define NODE_CONFIG_FILE "/etc/nodecon/nodecon.conf"
#define NODE_PAM_SERVICE "nodecon"
#define AUTH_DELAY_MAX_SECONDS 30

/* ---- settings ------------------------------------------------------------- */

static void settings_default(struct node_console_settings *s) {
        *s = (struct node_console_settings){
                .lock_on_start = NODE_LOCK_ON_START_CONSOLE,
                .idle_lock_seconds = NODE_IDLE_LOCK_MINUTES_DEFAULT * 60,
        };
        snprintf(s->unlock_user, sizeof s->unlock_user, "root");
}

/* A name useradd would accept: no blanks, no path or shell characters. */
static bool user_name_valid(const char *name) {
        if (!*name || *name == '-' || strlen(name) >= 32)
                return false;
        for (const char *p = name; *p; p++)
                if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
                        return false;
        return true;
}

static int set_key(struct node_console_settings *s, const char *key, const char *value, const char *path,
                   unsigned lineno, struct node_error *e) {
        if (streq(key, "lock_on_start")) {
                if (streq(value, "console"))
                        s->lock_on_start = NODE_LOCK_ON_START_CONSOLE;
                else if (streq(value, "yes"))
                        s->lock_on_start = NODE_LOCK_ON_START_YES;
                else if (streq(value, "no"))
                        s->lock_on_start = NODE_LOCK_ON_START_NO;
                else
                        return node_error_set(e, EINVAL, _("%s line %u: lock_on_start must be console, yes or no."),
                                              path, lineno);
        } else if (streq(key, "idle_lock_minutes") || streq(key, "idle_lock_seconds")) {
                unsigned unit = streq(key, "idle_lock_minutes") ? 60 : 1;
                unsigned max = NODE_IDLE_LOCK_MINUTES_MAX * 60 / unit;
                char *end;
                errno = 0;
                unsigned long v = strtoul(value, &end, 10);
                if (!isdigit((unsigned char)value[0]) || *end || errno || v > max)
                        return node_error_set(e, EINVAL, _("%s line %u: %s must be a number from 0 (never) to %u."),
                                              path, lineno, key, max);
                s->idle_lock_seconds = (unsigned)v * unit;
        } else if (streq(key, "unlock_user")) {
                if (!user_name_valid(value))
                        return node_error_set(e, EINVAL, _("%s line %u: unlock_user must be one user name."), path,
                                              lineno);
                snprintf(s->unlock_user, sizeof s->unlock_user, "%s", value);
        } else if (streq(key, "rescue_shell")) {
                if (value[0] != '/' || strlen(value) >= sizeof s->rescue_shell)
                        return node_error_set(e, EINVAL, _("%s line %u: rescue_shell must be an absolute path."),
                                              path, lineno);
                snprintf(s->rescue_shell, sizeof s->rescue_shell, "%s", value);
        }
        return 0;
}

int node_console_settings_read(const struct node_context *ctx, struct node_console_settings *s,
                               struct node_error *e) {
        settings_default(s);
        char path[PATH_MAX];
        node_context_path(ctx, NODE_CONFIG_FILE, path, sizeof path);
        _cleanup_fclose_ FILE *in = fopen(path, "re");
        if (!in)
                return errno == ENOENT ? 0 : node_error_set(e, errno, _("Cannot read %s: %m."), path);
        struct node_console_settings read = *s;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        for (unsigned lineno = 1; getline(&line, &size, in) > 0; lineno++) {
                char *key = line + strspn(line, " \t");
                if (*key == '#' || *key == '\n' || !*key)
                        continue;
                char *eq = strchr(key, '=');
                if (!eq)
                        continue;
                char *key_end = eq;
                while (key_end > key && strchr(" \t", key_end[-1]))
                        key_end--;
                *key_end = '\0';
                char *value = eq + 1 + strspn(eq + 1, " \t");
                value[strcspn(value, "\n")] = '\0';
                for (size_t n = strlen(value); n > 0 && strchr(" \t", value[n - 1]); n--)
                        value[n - 1] = '\0';
                int r = set_key(&read, key, value, path, lineno, e);
                if (r < 0)
                        return r;
        }
        *s = read;
        return 0;
}

bool node_console_starts_locked(const struct node_console_settings *s, const char *tty, bool login_shell) {
        switch (s->lock_on_start) {
        case NODE_LOCK_ON_START_YES:
                return true;
        case NODE_LOCK_ON_START_NO:
                return false;
        case NODE_LOCK_ON_START_CONSOLE:
        default:
                /* Nobody typed a password when getty logged the console in
                 * by itself and started us as the login shell.  Started from
                 * a shell, or over SSH (a pseudo-terminal), whoever runs us
                 * has logged in already; the idle lock still guards them. */
                return login_shell && tty && !startswith(tty, "/dev/pts/");
        }
}

/* ---- rate limit ------------------------------------------------------------ */

unsigned node_auth_delay_seconds(unsigned failures) {
        if (failures == 0)
                return 0;
        if (failures > 6)
                return AUTH_DELAY_MAX_SECONDS;
        unsigned delay = 1u << (failures - 1);
        return delay > AUTH_DELAY_MAX_SECONDS ? AUTH_DELAY_MAX_SECONDS : delay;
}

/* Seconds since boot: the record must mean the same to the next nodecon,
 * and /run (where it lives) starts empty at every boot anyway. */
static uint64_t boot_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_BOOTTIME, &ts);
        return (uint64_t)ts.tv_sec;
}

struct failure_record {
        unsigned failures;
        uint64_t last;            /* boot_seconds() of the last failure */
};

/* Opens and flocks the record, so two consoles counting at once do not lose
 * a failure. */
static int record_open(const struct node_context *ctx, int *fd, struct node_error *e) {
        const char *dir = node_context_run_dir(ctx);
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return node_error_set(e, errno, _("Cannot create %s: %m."), dir);
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/auth-failures", dir);
        int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (f < 0)
                return node_error_set(e, errno, _("Cannot open %s: %m."), path);
        if (flock(f, LOCK_EX) < 0) {
                int err = errno;
                close(f);
                return node_error_set(e, err, _("Cannot lock %s: %s."), path, strerror(err));
        }
        *fd = f;
        return 0;
}

static struct failure_record record_read(int fd) {
        struct failure_record rec = {0};
        char buf[64] = "";
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
                return rec;
        /* "FAILURES LAST\n"; anything else counts as no record: it can only
         * make the next wait shorter */
        char *end;
        errno = 0;
        unsigned long failures = strtoul(buf, &end, 10);
        if (errno || end == buf || *end != ' ' || failures > UINT_MAX)
                return rec;
        const char *second = end + 1;
        unsigned long long last = strtoull(second, &end, 10);
        if (errno || end == second || (*end != '\n' && *end) || last > boot_seconds())
                return rec;
        rec.failures = (unsigned)failures;
        rec.last = last;
        return rec;
}

static void record_write(int fd, const struct failure_record *rec) {
        char buf[64];
        int n = snprintf(buf, sizeof buf, "%u %llu\n", rec->failures, (unsigned long long)rec->last);
        if (ftruncate(fd, 0) == 0 && pwrite(fd, buf, n, 0) == n)
                return;
        /* a record that cannot be written only makes the next wait shorter */
}

static unsigned remaining_of(const struct failure_record *rec) {
        uint64_t until = rec->last + node_auth_delay_seconds(rec->failures);
        uint64_t now = boot_seconds();
        return until > now ? (unsigned)(until - now) : 0;
}

int node_auth_wait_remaining(const struct node_context *ctx, unsigned *seconds, unsigned *failures,
                             struct node_error *e) {
        _cleanup_close_ int fd = -1;
        int r = record_open(ctx, &fd, e);
        if (r < 0)
                return r;
        struct failure_record rec = record_read(fd);
        *seconds = remaining_of(&rec);
        *failures = rec.failures;
        return 0;
}

/* ---- PAM ------------------------------------------------------------------- */

struct conversation {
        const char *user;
        const char *password;
        char info[256];           /* the last thing a module wanted shown */
};

static void responses_free(struct pam_response *resp, int n) {
        for (int i = 0; i < n; i++)
                if (resp[i].resp) {
                        explicit_bzero(resp[i].resp, strlen(resp[i].resp));
                        free(resp[i].resp);
                }
        free(resp);
}

/* Nobody types at this point: the password was asked for before PAM was
 * called, so every prompt for a secret gets it and a prompt for a name gets
 * the user. */
static int converse(int n, const struct pam_message **msg, struct pam_response **out, void *userdata) {
        struct conversation *c = userdata;
        if (n <= 0 || n > PAM_MAX_NUM_MSG)
                return PAM_CONV_ERR;
        struct pam_response *resp = calloc((size_t)n, sizeof *resp);
        if (!resp)
                return PAM_BUF_ERR;
        for (int i = 0; i < n; i++) {
                const char *answer = NULL;
                switch (msg[i]->msg_style) {
                case PAM_PROMPT_ECHO_OFF:
                        answer = c->password;
                        break;
                case PAM_PROMPT_ECHO_ON:
                        answer = c->user;
                        break;
                case PAM_ERROR_MSG:
                case PAM_TEXT_INFO:
                        if (msg[i]->msg)
                                snprintf(c->info, sizeof c->info, "%s", msg[i]->msg);
                        continue;
                default:
                        responses_free(resp, n);
                        return PAM_CONV_ERR;
                }
                resp[i].resp = strdup(answer);
                if (!resp[i].resp) {
                        responses_free(resp, n);
                        return PAM_BUF_ERR;
                }
        }
        *out = resp;
        return PAM_SUCCESS;
}

static void no_fail_delay(int status, unsigned delay_usec, void *userdata) {
        (void)status;
        (void)delay_usec;
        (void)userdata;
}

static int pam_verdict(const struct node_context *ctx, const char *user, const char *password, char *why,
                       size_t why_size) {
        struct conversation c = { .user = user, .password = password };
        /* nodecon keeps its own growing delay (above); pam_unix's fixed two
         * seconds on top would only hold the worker */
        const struct pam_conv conv = { converse, &c };
        pam_handle_t *pamh = NULL;
        int r = pam_start_confdir(NODE_PAM_SERVICE, user, &conv, ctx ? ctx->pam_confdir : NULL, &pamh);
        if (r != PAM_SUCCESS) {
                snprintf(why, why_size, "%s", pam_strerror(pamh, r));
                return r;
        }
        const char *tty = ttyname(STDIN_FILENO);
        if (tty)
                pam_set_item(pamh, PAM_TTY, tty);
        pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)no_fail_delay);
        r = pam_authenticate(pamh, PAM_DISALLOW_NULL_AUTHTOK);
        if (r == PAM_SUCCESS)
                r = pam_acct_mgmt(pamh, PAM_DISALLOW_NULL_AUTHTOK);
        snprintf(why, why_size, "%s", c.info[0] ? c.info : pam_strerror(pamh, r));
        pam_end(pamh, r);
        return r;
}

static void audit(const struct node_auth_request *req, bool success, const char *error) {
        char arguments[128];
        snprintf(arguments, sizeof arguments, "user=%s", req->user);
        const struct node_audit_record rec = {
                .kind = NODE_AUDIT_SESSION,
                .program = req->program ? req->program : "nodecon",
                .action = req->purpose ? req->purpose : "unlock",
                .arguments = arguments,
                .success = success,
                .exit_code = success ? 0 : 1,
                .error = error,
        };
        struct node_error ignored = {0};
        node_audit_write(&rec, &ignored);  /* a node without journald keeps no trail */
}

int node_auth_check(const struct node_context *ctx, struct node_auth_request *req, struct node_error *e) {
        int r;
        _cleanup_close_ int fd = -1;
        if (!req->user || !user_name_valid(req->user)) {
                r = node_error_set(e, EINVAL, _("No valid user is named to unlock the console (unlock_user)."));
                goto out;
        }
        /* PAM would fall back to its "other" service, which on Debian denies
         * everyone: say what is missing instead of "wrong password" forever. */
        char service[PATH_MAX];
        snprintf(service, sizeof service, "%s/%s", ctx && ctx->pam_confdir ? ctx->pam_confdir : "/etc/pam.d",
                 NODE_PAM_SERVICE);
        if (access(service, R_OK) < 0) {
                r = node_error_set(e, errno, _("Nobody can be authenticated here: the PAM service file %s is missing."),
                                   service);
                goto out;
        }
        r = record_open(ctx, &fd, e);
        if (r < 0)
                goto out;
        struct failure_record rec = record_read(fd);
        unsigned remaining = remaining_of(&rec);
        if (remaining > 0) {
                r = node_error_set(e, EAGAIN,
                                   P_("Too many wrong passwords: try again in %u second.",
                                      "Too many wrong passwords: try again in %u seconds.", remaining),
                                   remaining);
                goto out;
        }

        char why[256];
        int verdict = pam_verdict(ctx, req->user, req->password ? req->password : "", why, sizeof why);
        if (verdict == PAM_SUCCESS) {
                rec = (struct failure_record){0};
                record_write(fd, &rec);
                audit(req, true, NULL);
                r = 0;
                goto out;
        }
        rec.failures++;
        rec.last = boot_seconds();
        record_write(fd, &rec);
        unsigned delay = node_auth_delay_seconds(rec.failures);
        if (verdict == PAM_AUTH_ERR || verdict == PAM_USER_UNKNOWN || verdict == PAM_MAXTRIES)
                r = node_error_set(e, EACCES,
                                   P_("The password of %s is wrong; the next try is possible in %u second.",
                                      "The password of %s is wrong; the next try is possible in %u seconds.", delay),
                                   req->user, delay);
        else
                r = node_error_set(e, EACCES,
                                   P_("PAM refused %s (%s); the next try is possible in %u second.",
                                      "PAM refused %s (%s); the next try is possible in %u seconds.", delay),
                                   req->user, why, delay);
        audit(req, false, e ? e->message : why);
out:
        if (req->password)
                explicit_bzero(req->password, strlen(req->password));
        return r;
}
