/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "screens.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"

const char *screen_format_bytes(uint64_t bytes, char *buf, size_t size) {
        /* TRANSLATORS: binary size units. */
        const char *units[] = { N_("B"), N_("KiB"), N_("MiB"), N_("GiB"), N_("TiB"), N_("PiB") };
        double value = (double)bytes;
        size_t u = 0;
        while (value >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
                value /= 1024.0;
                u++;
        }
        if (u == 0)
                snprintf(buf, size, "%llu %s", (unsigned long long)bytes, _(units[u]));
        else
                snprintf(buf, size, "%.1f %s", value, _(units[u]));
        return buf;
}

const char *screen_format_lv_time(const char *lv_time, char *buf, size_t size) {
        /* lvs prints "YYYY-MM-DD HH:MM:SS +ZZZZ"; minutes are enough on a row. */
        snprintf(buf, size, "%.16s", lv_time ? lv_time : "");
        return buf;
}
