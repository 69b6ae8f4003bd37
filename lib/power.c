/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "power.h"

#include <errno.h>
#include <string.h>

#include "i18n.h"
#include "spawn.h"

int node_reboot(const struct node_context *ctx, struct node_error *e) {
        const char *systemctl[] = { "systemctl", "reboot", NULL };
        const char *custom[] = { ctx ? ctx->reboot : NULL, NULL };
        const char *const *argv = custom[0] ? custom : systemctl;
        struct node_spawn_result res;
        int r = node_spawn(argv, NULL, &res, e);
        if (r < 0)
                return r;
        if (res.exit_code != 0) {
                char line[512];
                node_spawn_last_error_line(&res, line, sizeof line);
                /* The program's name, not its path: the message must fit a dialog on an 80-column console. */
                const char *slash = strrchr(argv[0], '/');
                const char *program = slash ? slash + 1 : argv[0];
                r = node_error_set(e, EIO, _("The node cannot be restarted: %s failed (%s)."), program,
                                   line[0] ? line : _("no message"));
        }
        node_spawn_result_free(&res);
        return r;
}
