/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "helper.h"

#include <errno.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

#define HELPER_MAX_ARGS 8

int node_helper_run(const struct node_context *ctx, const char *const args[], struct node_spawn_result *res,
                    struct node_error *e) {
        const char *argv[HELPER_MAX_ARGS + 3] = { ctx && ctx->nodectl ? ctx->nodectl : "nodectl", "--json" };
        size_t n = 2;
        for (size_t i = 0; args[i]; i++) {
                if (i == HELPER_MAX_ARGS)
                        return node_error_set(e, E2BIG, _("Too many arguments for nodectl."));
                argv[n++] = args[i];
        }
        argv[n] = NULL;
        struct node_spawn_opts opts = { .stdout_fd = -1, .max_output = 16u << 20, .admin_locale = true };
        struct node_error why = { 0 };
        int r = node_spawn(argv, &opts, res, &why);
        if (r < 0)
                /* TRANSLATORS: %s says why nodectl cannot be started ("Cannot run /usr/sbin/nodectl: No such file
                   or directory.") */
                return node_error_set(e, -r, _("nodecon asks nodectl, which cannot be run: %s"), why.message);
        return 0;
}

const char *node_helper_sentence(const struct node_spawn_result *res, char *buf, size_t size) {
        char line[1024];
        node_spawn_last_error_line(res, line, sizeof line);
        static const char prefix[] = "nodectl: ";
        snprintf(buf, size, "%s", startswith(line, prefix) ? line + strlen(prefix) : line);
        return buf;
}
