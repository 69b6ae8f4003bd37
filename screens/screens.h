/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* nodecon's task pages.  Each one is a screen_ops table; its data comes from
 * lib/ (and, for the dashboard, from the running system's own counters). */

#include <stddef.h>
#include <stdint.h>

#include "tui/loop.h"

extern const struct screen_ops status_screen_ops;   /* home: the dashboard */
extern const struct screen_ops layers_screen_ops;   /* bases and layers */
extern const struct screen_ops help_screen_ops;     /* the keys */
extern const struct screen_ops logs_screen_ops;     /* the journal viewer; arg: a unit name or NULL */
extern const struct screen_ops services_screen_ops; /* systemd units and their actions */

/* "1.5 GiB" (binary units, as lvm's --units b sizes are exact bytes). */
const char *screen_format_bytes(uint64_t bytes, char *buf, size_t size);
/* "2026-11-23 10:11" from lvs' "2026-11-23 10:11:12 +0000"; "" stays "". */
const char *screen_format_lv_time(const char *lv_time, char *buf, size_t size);
