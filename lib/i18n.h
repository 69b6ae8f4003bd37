/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <libintl.h>
#include <locale.h>
#include <stdlib.h>

#define NODECON_TEXTDOMAIN "nodecon"
/* Every sentence an admin reads is looked up in the nodecon catalogue; library
 * code uses dgettext so it does not depend on the program's textdomain(). */
#define _(s) dgettext(NODECON_TEXTDOMAIN, s)
#define N_(s) (s)
#define P_(singular, plural, n) dngettext(NODECON_TEXTDOMAIN, singular, plural, n)

/* Called first thing by each program. NODECON_LOCALEDIR exists for the tests:
 * they run the programs from the build tree, whose catalogues are in
 * $(O)/locale, not in the installed LOCALEDIR. */
static inline void node_i18n_init(const char *installed_localedir) {
        const char *localedir = getenv("NODECON_LOCALEDIR");

        setlocale(LC_ALL, "");
        /* Numbers are read from lvm, the kernel and JSON with strtod and written
         * into JSON: they keep the C form ("15.0"), whatever the admin's language
         * (de_DE's "15,0" made lvm's reports unreadable). */
        setlocale(LC_NUMERIC, "C");
        bindtextdomain(NODECON_TEXTDOMAIN, localedir && *localedir ? localedir : installed_localedir);
        textdomain(NODECON_TEXTDOMAIN);
}
