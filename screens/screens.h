/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* nodecon's task pages.  Each one is a screen_ops table; its data comes from
 * lib/ (and, for the dashboard, from the running system's own counters). */

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "engine.h"
#include "error.h"
#include "power.h"
#include "tui/loop.h"

extern const struct screen_ops status_screen_ops;   /* home: the dashboard */
extern const struct screen_ops layers_screen_ops;   /* bases and layers */
extern const struct screen_ops help_screen_ops;     /* the keys */
extern const struct screen_ops logs_screen_ops;     /* the journal viewer; arg: a unit name or NULL */
extern const struct screen_ops services_screen_ops; /* systemd units and their actions */
extern const struct screen_ops upgrade_screen_ops;  /* pick and check a node image */
extern const struct screen_ops rollback_screen_ops; /* what boots now and after a rollback */
extern const struct screen_ops engine_screen_ops;   /* registration to the management engine */
extern const struct screen_ops browse_screen_ops;   /* pick a file; arg: a struct browse_request * */
extern const struct screen_ops menu_screen_ops;     /* every screen, one letter each */
extern const struct screen_ops network_screen_ops;  /* NICs, their details, edit, reset (network.c) */
extern const struct screen_ops lock_screen_ops;     /* the console's lock (tui_app_opts.lock_screen) */
/* Asks for the password of the configured unlock_user (PAM, rate limited,
 * audited) and only then leaves curses for a login shell, waits for it and
 * redraws.  Returns 0 once the prompt is up, or a negative errno. */
int screen_rescue_shell(struct tui_app *app);
extern const struct screen_ops support_screen_ops;  /* restart, power off, SSH, support bundle */
/* A screen not built yet: says what it will do and what does it today.  Its
 * arg is a const struct placeholder *. */
extern const struct screen_ops placeholder_screen_ops;

struct placeholder {
        const char *title;        /* translated */
        const char *purpose;      /* what the screen will do */
        const char *today;        /* the commands that do it today */
};

/* What the file browser is asked (browse.c); it is copied at the push. */
struct browse_request {
        const char *start;        /* a path: the browser opens the folder it names or lies in */
        size_t max_length;        /* longest path the caller takes */
        /* runs once a file was picked, after the browser is gone */
        void (*picked)(struct tui_app *app, const char *path, void *userdata);
        void *userdata;
};

/* The screens of the main menu, in its order; each has its own letter, also
 * typed on the status screen. */
struct screen_entry_point {
        char key;
        const char *label;                  /* N_() */
        const struct screen_ops *ops;
        const struct placeholder *placeholder;  /* arg of placeholder_screen_ops, else NULL */
};
extern const struct screen_entry_point screen_entry_points[];
extern const size_t screen_n_entry_points;
/* m on a task screen: that screen makes way for the menu.  True when key was m
 * (s is freed then). */
bool screen_menu_key(struct tui_screen *s, wint_t key);
/* Pushes the entry point whose letter is key; false when none has it. */
bool screen_open_by_key(struct tui_app *app, wint_t key);

/* ---- changing actions on a layer (actions.c) ----------------------------- */
enum layer_action {
        LAYER_ACTION_DEFAULT,     /* make the layer the boot default */
        LAYER_ACTION_ROLLBACK,    /* layer NULL: the previous one */
        LAYER_ACTION_REMOVE,
        LAYER_ACTION_PIN,
        LAYER_ACTION_UNPIN,
};
/* changed: something on the node may have changed, read the layout again. */
typedef void (*layer_action_finished_fn)(struct tui_app *app, bool changed, void *userdata);
/* Checks, confirms, locks, runs and reports one action (see actions.c);
 * finished runs when it is over, whatever the outcome. */
int layer_action_start(struct tui_app *app, enum layer_action kind, const char *layer,
                       layer_action_finished_fn finished, void *userdata);

/* Asks whether to restart or power off, naming the running VMs after
 * preamble (may be NULL); yes takes the node lock, runs node_power() in a
 * worker, audits it and says how it went (power.c). */
void screen_offer_power(struct tui_app *app, enum node_power_action action, const char *preamble);
/* The same for a restart now that layer is the boot default. */
void screen_offer_restart(struct tui_app *app, const char *layer);

/* ---- the layout read in a worker (read.c) -------------------------------- */
struct node_layout;
struct tui_job;
/* done gets the layout (or the error) once lvm answered; it may take it
 * (set *layout to NULL) or leave it to be freed.  With a title, a progress
 * dialog that offers to stop waiting shows when lvm is slow. */
typedef void (*screen_layout_done_fn)(struct tui_app *app, int r, const struct node_error *e,
                                      struct node_layout **layout, void *userdata);
int screen_read_layout(struct tui_app *app, const char *title, screen_layout_done_fn done, void *userdata,
                       struct tui_job **job);

/* ---- the engine registration and whether it answers (engine.c) ---------- */
struct screen_engine_now {
        bool registered;
        struct node_engine_state state;
        bool reachable;
        struct node_error why;     /* why it is not reachable (or the state unreadable) */
};
typedef void (*screen_engine_done_fn)(struct tui_app *app, const struct screen_engine_now *now, void *userdata);
/* Reads the saved registration and asks the engine, in a worker. */
int screen_probe_engine(struct tui_app *app, unsigned timeout, screen_engine_done_fn done, void *userdata,
                        struct tui_job **job);
/* "host:port", "[v6]:port" */
const char *screen_engine_target(const struct node_engine_state *state, char *buf, size_t size);

/* "1.5 GiB" (binary units, as lvm's --units b sizes are exact bytes). */
const char *screen_format_bytes(uint64_t bytes, char *buf, size_t size);
/* "2026-11-23 10:11" from lvs' "2026-11-23 10:11:12 +0000"; "" stays "". */
const char *screen_format_lv_time(const char *lv_time, char *buf, size_t size);

/* ---- network screens (netconfirm.c) --------------------------------------- */
extern const struct screen_ops nethost_screen_ops;  /* host name, DNS, search domains, NTP */
extern const struct screen_ops netdiag_screen_ops;  /* the network test, step by step */

struct node_net;
/* NetworkManager from a worker thread, with a GLib context of its own pushed
 * as the thread's default (libnm waits on it, never on the main loop's). */
struct screen_nm {
        GMainContext *context;
        struct node_net *net;
};
int screen_nm_open(struct screen_nm *nm, struct node_error *e);
void screen_nm_close(struct screen_nm *nm);
/* A job's work on NetworkManager: screen_nm_open, work, screen_nm_close. */
typedef int (*screen_nm_work_fn)(struct node_net *net, void *input, struct node_error *e);
int screen_nm_run(screen_nm_work_fn work, void *input, struct node_error *e);
/* The audit record of a network change made on a screen (as nodectl's). */
void screen_net_audit(const char *action, const char *arguments, int r, const struct node_error *e);
struct node_lock;
/* Takes the node lock for a network change, or says in a dialog why not. */
bool screen_net_lock(struct tui_app *app, struct node_lock *lock);
struct node_net_applied;
/* The seconds a change NM has just applied still waits for its confirmation:
 * those of NM's pending checkpoint (its clock ran while NM connected the
 * interface), else the timeout the change was made with.  In the worker. */
unsigned screen_net_seconds_left(struct node_net *net, const struct node_context *ctx,
                                 const struct node_net_applied *applied);
/* "Keep these settings? Reverting in N s", the one countdown of every network
 * change: k/Enter confirms the pending NM checkpoint, r/Esc rolls it back now
 * (each in a worker under the node lock, audited with iface; one that fails
 * leaves the question open), and when the time is up it watches NM roll the
 * change back by itself and says so.  what: the change, a sentence or two;
 * seconds_left: from screen_net_seconds_left, never a number of our own. */
int screen_net_confirm_push(struct tui_app *app, const char *iface, const char *what, unsigned seconds_left);
