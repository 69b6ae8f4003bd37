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

int exit_code_for(int r);
/* Prints the error's sentence (or strerror) and returns the exit code for r. */
int fail(const struct node_error *e, int r);
int check_vg_name(const char *vg);
int usage_error(const char *fmt, const char *arg);
int parse_size(const char *s, uint64_t *out);
const char *human_size(uint64_t bytes, char *buf, size_t size);
void print_json(struct json_object *o);
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
