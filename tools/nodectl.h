/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What nodectl's verb files share: options, exit codes, the verb table shape,
 * and the helpers that keep messages and JSON alike across verbs. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"
#include "layout.h"

/* Exit codes, documented in nodectl(8). */
enum {
        EXIT_OK = 0,
        EXIT_FAILED = 1,
        EXIT_USAGE = 2,
        EXIT_NO_LAYOUT = 3,
        EXIT_BAD_IMAGE = 4,
        EXIT_NO_SPACE = 5,
        EXIT_TOOL = 6,
        EXIT_LOCKED = 7,
        EXIT_ENGINE = 8,        /* the engine cannot be reached or refused */
        EXIT_UNTRUSTED = 9,     /* the engine's CA or certificate is not trusted */
        EXIT_NOT_NEWER = 10,  /* upgrade: the image is installed already or older (use --force) */
};
struct options {
        struct node_context ctx;
        bool json;
};

struct nodectl_verb {
        const char *name;
        int (*run)(const struct options *o, int argc, char **argv);
        const char *synopsis;
        const char *summary;
};

/* Each verb file exports one table ending in an entry with name == NULL. */
extern const struct nodectl_verb nodectl_layer_verbs[];
extern const struct nodectl_verb nodectl_upgrade_verbs[];
extern const struct nodectl_verb nodectl_vm_verbs[];
extern const struct nodectl_verb nodectl_log_verbs[];
extern const struct nodectl_verb nodectl_service_verbs[];
extern const struct nodectl_verb nodectl_support_verbs[];
extern const struct nodectl_verb nodectl_engine_verbs[];
extern const struct nodectl_verb nodectl_network_verbs[];
extern const struct nodectl_verb nodectl_check_verbs[];
extern const struct nodectl_verb nodectl_fault_verbs[];

int exit_code_for(int r);
/* A run of an audited verb that changed nothing (e.g. boot --list) leaves no record. */
void nodectl_audit_skip(void);
/* Prints the error's sentence (or strerror) and returns the exit code for r. */
int fail(const struct node_error *e, int r);
int check_vg_name(const char *vg);
/* Prints "nodectl: " fmt (one %s: arg, terminal-safe) and the --help hint; returns EXIT_USAGE. */
int usage_error(const char *fmt, const char *arg);
/* What the admin typed, fit to be quoted in a message: control characters and
 * bytes that are not UTF-8 become '?', and it is cut to 60 characters.  Quote
 * every argument a message repeats with it (tests/host/cli.sh checks). */
#define QUOTE_SIZE 256
const char *quote_input(const char *s, char buf[QUOTE_SIZE]);
/* quote_input into a buffer that lives until the end of the enclosing block */
#define QUOTED(s) quote_input((s), (char[QUOTE_SIZE]){ 0 })
int parse_size(const char *s, uint64_t *out);
/* --tries: a number of boots from 1 to 9 (systemd-boot's counter is one digit). */
int parse_tries(const char *s, int *tries);
const char *human_size(uint64_t bytes, char *buf, size_t size);
void print_json(struct json_object *o);
/* On a terminal without --yes the admin answers y; scripts (no tty) are not asked. */
bool confirmed(bool yes, const char *question);
struct json_object *json_string_or_null(const char *s);
struct json_object *json_percent(double p);

/* Progress of a long lib operation (node_progress_fn) on stderr. */
struct progress_state {
        const char *step;
        int percent;
};
int progress_lines(const char *step, double fraction, void *userdata);

/* Layout helpers other verbs build on. */
int read_layout(const struct options *o, struct node_layout **l);
struct json_object *layout_json(const struct node_layout *l);
int pool_verdict(const struct node_layout *l);

/* The engine the node is registered to, for `nodectl info` (tools/nodectl-engine.c). */
struct json_object *engine_info_json(const struct options *o);
void engine_info_print(const struct options *o);

/* `nodectl network ntp` (tools/nodectl-ntp.c); argv[0] is "ntp". */
int network_ntp(const struct options *o, int argc, char **argv);
