/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lock screen, and the same password prompt in front of the rescue
 * shell.  It hides everything behind it (the loop keeps it on top and gives
 * the screens below no keys and no ticks), says which host this is and who
 * may unlock it, reads a password without echoing it and has PAM check it
 * in a worker (lib/auth), so a slow PAM never freezes the countdown. */
#include "screens.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "audit.h"
#include "auth.h"
#include "i18n.h"
#include "spawn.h"
#include "tui/job.h"
#include "tui/widgets.h"
#include "util.h"

#define PASSWORD_FIELD_WIDTH 30

enum lock_mode {
        LOCK_MODE_LOCKED,         /* pushed by tui_lock: only the right password ends it */
        LOCK_MODE_RESCUE,         /* before the rescue shell: Esc goes back */
};

struct lock_view {
        struct tui_app *app;
        enum lock_mode mode;
        struct node_console_settings settings;
        char settings_error[1024];
        char hostname[256];
        char password[256];
        size_t password_len;
        char message[1024];       /* the last refusal */
        unsigned wait_seconds;    /* before the next try may be made */
        struct tui_job *checking;
};

/* The one arg that makes the screen a rescue-shell prompt; the lock pushes NULL. */
static const enum lock_mode rescue_mode = LOCK_MODE_RESCUE;

static void forget_password(struct lock_view *v) {
        explicit_bzero(v->password, sizeof v->password);
        v->password_len = 0;
}

static void refresh_wait(struct lock_view *v) {
        unsigned failures;
        struct node_error e = {0};
        if (node_auth_wait_remaining(tui_app_context(v->app), &v->wait_seconds, &failures, &e) < 0)
                v->wait_seconds = 0;  /* the refusal then comes from the check itself */
}

static int lock_init(struct tui_screen *s, void *arg) {
        struct lock_view *v = calloc(1, sizeof *v);
        if (!v)
                return -ENOMEM;
        s->data = v;
        v->app = s->app;
        v->mode = arg == &rescue_mode ? LOCK_MODE_RESCUE : LOCK_MODE_LOCKED;
        struct node_error e = {0};
        if (node_console_settings_read(tui_app_context(s->app), &v->settings, &e) < 0)
                snprintf(v->settings_error, sizeof v->settings_error, "%s", e.message);
        if (gethostname(v->hostname, sizeof v->hostname - 1) < 0)
                snprintf(v->hostname, sizeof v->hostname, "?");
        refresh_wait(v);
        return 0;
}

static void lock_free(struct tui_screen *s) {
        struct lock_view *v = s->data;
        tui_job_abandon(v->checking);
        forget_password(v);
        free(v);
}

static void lock_draw(struct tui_screen *s) {
        struct lock_view *v = s->data;
        WINDOW *w = s->win;
        const bool rescue = v->mode == LOCK_MODE_RESCUE;
        const struct tui_key_help keys[] = {
                { "Enter", rescue ? _("Start the shell") : _("Unlock") },
                { "^U", _("Clear") },
                { "Esc", rescue ? _("Back") : _("Clear") },
        };
        tui_frame_draw(w, rescue ? _("nodecon: rescue shell") : _("nodecon: locked"), v->hostname, keys,
                       ELEMENTSOF(keys));
        int y = TUI_FRAME_BODY_TOP, cols = getmaxx(w) - 4;
        char line[512];
        if (rescue) {
                y += tui_put_wrapped(w, y, 2, cols, 3,
                                     _("A shell on this node, outside nodecon: nothing you type there is checked. "
                                       "Leave it with \"exit\" to come back."),
                                     TUI_STYLE_WARNING);
        } else {
                snprintf(line, sizeof line, _("This console of %s is locked."), v->hostname);
                tui_put(w, y++, 2, cols, line, TUI_STYLE_HEADER);
        }
        y++;
        snprintf(line, sizeof line, _("Only %s can unlock it: type the password and press Enter."),
                 v->settings.unlock_user);
        if (rescue)
                snprintf(line, sizeof line, _("Only %s may open it: type the password and press Enter."),
                         v->settings.unlock_user);
        y += tui_put_wrapped(w, y, 2, cols, 2, line, TUI_STYLE_NORMAL);
        y++;
        const char *label = _("Password:");
        int lw = tui_text_width(label);
        tui_put(w, y, 2, lw, label, TUI_STYLE_LABEL);
        /* no echo, not even stars: the length is a secret too */
        tui_put(w, y, 3 + lw, PASSWORD_FIELD_WIDTH, "", TUI_STYLE_FIELD);
        y += 2;
        if (v->checking) {
                tui_put(w, y++, 2, cols, _("Checking the password..."), TUI_STYLE_NORMAL);
        } else if (v->message[0]) {
                y += tui_put_wrapped(w, y, 2, cols, 3, v->message, TUI_STYLE_ERROR);
        }
        if (v->wait_seconds > 0 && !v->checking) {
                snprintf(line, sizeof line, _("Wait %u s before the next try."), v->wait_seconds);
                tui_put(w, y++, 2, cols, line, TUI_STYLE_WARNING);
        }
        if (v->settings_error[0])
                tui_put_wrapped(w, y + 1, 2, cols, 3, v->settings_error, TUI_STYLE_ERROR);
}

/* ---- the check, in a worker ------------------------------------------------ */

struct check_input {
        const struct node_context *ctx;   /* nodecon's, which outlives every screen */
        struct node_auth_request req;
        char user[64];
        char password[256];
};

static void check_input_free(void *p) {
        struct check_input *in = p;
        explicit_bzero(in->password, sizeof in->password);
        free(in);
}

static int check_run(void *p, struct node_error *e) {
        struct check_input *in = p;
        return node_auth_check(in->ctx, &in->req, e);
}

static void start_rescue_shell(struct tui_app *app);

static void check_done(struct tui_app *app, int r, const struct node_error *e, void *input, void *userdata) {
        (void)input;
        struct lock_view *v = userdata;
        v->checking = NULL;
        if (r == 0) {
                if (v->mode == LOCK_MODE_LOCKED) {
                        tui_unlock(app);        /* v is gone from here on */
                } else {
                        tui_remove(app, v);
                        start_rescue_shell(app);
                }
                return;
        }
        snprintf(v->message, sizeof v->message, "%s", r == -ECANCELED ? "" : e->message);
        refresh_wait(v);
}

static void submit(struct lock_view *v) {
        refresh_wait(v);
        if (v->checking)
                return;
        if (v->wait_seconds > 0) {
                forget_password(v);
                snprintf(v->message, sizeof v->message,
                         P_("Too many wrong passwords: try again in %u second.",
                            "Too many wrong passwords: try again in %u seconds.", v->wait_seconds),
                         v->wait_seconds);
                return;
        }
        struct check_input *in = calloc(1, sizeof *in);
        if (!in) {
                forget_password(v);
                return;
        }
        in->ctx = tui_app_context(v->app);
        snprintf(in->user, sizeof in->user, "%s", v->settings.unlock_user);
        memcpy(in->password, v->password, v->password_len);
        forget_password(v);
        in->req = (struct node_auth_request){
                .user = in->user,
                .password = in->password,
                .purpose = v->mode == LOCK_MODE_RESCUE ? "rescue shell" : "unlock",
                .program = "nodecon",
        };
        v->message[0] = '\0';
        const struct tui_job_spec spec = {
                .run = check_run,
                .done = check_done,
                .input = in,
                .free_input = check_input_free,
                .userdata = v,
        };
        tui_job_start(v->app, &spec, &v->checking);
}

static void add_character(struct lock_view *v, wint_t key) {
        char bytes[MB_LEN_MAX];
        mbstate_t state = {0};
        size_t n = wcrtomb(bytes, (wchar_t)key, &state);
        if (n == (size_t)-1 || v->password_len + n >= sizeof v->password)
                return;
        memcpy(v->password + v->password_len, bytes, n);
        v->password_len += n;
}

static void remove_character(struct lock_view *v) {
        /* a whole character, not the last byte of a multibyte one */
        while (v->password_len > 0) {
                unsigned char c = (unsigned char)v->password[--v->password_len];
                v->password[v->password_len] = '\0';
                if ((c & 0xc0) != 0x80)
                        break;
        }
}

static bool lock_key(struct tui_screen *s, wint_t key, bool function_key) {
        struct lock_view *v = s->data;
        if (function_key) {
                if (key == KEY_ENTER)
                        submit(v);
                else if (key == KEY_BACKSPACE)
                        remove_character(v);
                return true;
        }
        if (key == '\r' || key == '\n') {
                submit(v);
        } else if (key == 127 || key == TUI_CTRL('h')) {
                remove_character(v);
        } else if (key == TUI_CTRL('u')) {
                forget_password(v);
        } else if (key == TUI_KEY_ESC) {
                forget_password(v);
                v->message[0] = '\0';
                if (v->mode == LOCK_MODE_RESCUE)
                        tui_pop(s->app);   /* s is gone from here on */
        } else if (key >= 0x20) {
                add_character(v, key);
        }
        /* every key stops here: none reaches the screens or the global keys */
        return true;
}

static void lock_tick(struct tui_screen *s) {
        struct lock_view *v = s->data;
        refresh_wait(v);
}

const struct screen_ops lock_screen_ops = {
        .name = "lock",
        .init = lock_init,
        .draw = lock_draw,
        .key = lock_key,
        .tick = lock_tick,
        .tick_ms = 1000,
        .free = lock_free,
};

/* ---- the rescue shell ------------------------------------------------------ */

struct shell_run {
        const char *argv[3];
        int exit_code;
        struct node_error error;
};

static int shell_run(void *userdata) {
        struct shell_run *run = userdata;
        printf(_("Rescue shell (%s). Type \"exit\" to return to nodecon.\n"), run->argv[0]);
        fflush(stdout);
        return node_spawn_interactive(run->argv, &run->exit_code, &run->error);
}

/* The configured shell, else the login shell of the user nodecon runs as,
 * unless that is nodecon itself (an admin account whose shell is the
 * console): then /bin/sh. */
static void choose_shell(const struct node_console_settings *settings, char *shell, size_t size) {
        if (settings->rescue_shell[0]) {
                snprintf(shell, size, "%s", settings->rescue_shell);
                return;
        }
        struct passwd *pw = getpwuid(getuid());
        char login[PATH_MAX], self[PATH_MAX];
        bool usable = pw && pw->pw_shell && pw->pw_shell[0] == '/' && realpath(pw->pw_shell, login) &&
                      !(realpath("/proc/self/exe", self) && streq(login, self));
        snprintf(shell, size, "%s", usable ? pw->pw_shell : "/bin/sh");
}

static void start_rescue_shell(struct tui_app *app) {
        struct node_console_settings settings;
        struct node_error e = {0};
        node_console_settings_read(tui_app_context(app), &settings, &e);  /* defaults on error */
        char shell[PATH_MAX];
        choose_shell(&settings, shell, sizeof shell);
        struct shell_run run = { .argv = { shell, "-l", NULL } };
        int r = tui_run_outside(app, shell_run, &run);

        char arguments[PATH_MAX + 32];
        snprintf(arguments, sizeof arguments, "shell=%s exit=%d", shell, r < 0 ? -1 : run.exit_code);
        const struct node_audit_record rec = { .kind = NODE_AUDIT_SESSION, .program = "nodecon",
                                               .action = "rescue shell ended", .arguments = arguments,
                                               .success = r == 0, .exit_code = r < 0 ? 1 : run.exit_code,
                                               .error = r < 0 ? run.error.message : NULL };
        struct node_error audit_error = {0};
        node_audit_write(&rec, &audit_error);  /* a node without journald keeps no trail */
        if (r < 0)
                tui_dialog_push(app, TUI_DIALOG_ERROR, _("No rescue shell"), run.error.message, NULL, NULL);
}

int screen_rescue_shell(struct tui_app *app) {
        return tui_push(app, &lock_screen_ops, (void *)&rescue_mode);
}
