/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <libintl.h>

#define NODECON_TEXTDOMAIN "nodecon"
/* Every sentence an admin reads is looked up in the nodecon catalogue; library
 * code uses dgettext so it does not depend on the program's textdomain(). */
#define _(s) dgettext(NODECON_TEXTDOMAIN, s)
#define N_(s) (s)
#define P_(singular, plural, n) dngettext(NODECON_TEXTDOMAIN, singular, plural, n)
