/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"
#include "upgrade.h"
#include "util.h"

int node_config_number(const struct node_context *ctx, const char *key, unsigned min, unsigned max, unsigned *out,
                       struct node_error *e) {
        char path[PATH_MAX];
        node_context_path(ctx, NODE_CONFIG_FILE, path, sizeof path);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return errno == ENOENT ? 0 : node_error_set(e, errno, _("Cannot read %s: %m."), path);
        char line[512];
        for (unsigned lineno = 1; fgets(line, sizeof line, f); lineno++) {
                char name[64], value[64], extra[2];
                int n = sscanf(line, " %63[^= \t\n] = %63s %1s", name, value, extra);
                if (n < 1 || name[0] == '#' || !streq(name, key))
                        continue;
                char *end;
                errno = 0;
                unsigned long v = n == 2 ? strtoul(value, &end, 10) : 0;
                if (n != 2 || errno || *end || v < min || v > max || value[0] == '-')
                        return node_error_set(e, EINVAL, _("%s line %u: %s must be a number from %u to %u."), path,
                                              lineno, key, min, max);
                *out = (unsigned)v;
        }
        return 0;
}
