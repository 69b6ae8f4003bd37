/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl fault-points [OPERATION]: the test hook's points (lib/fault.h and the
 * upgrade's steps), one "NAME<TAB>what is done there" a line, so that the fault
 * campaign (make check-faults) enumerates them instead of repeating them. */
#include <stdio.h>
#include <string.h>

#include "fault.h"
#include "i18n.h"
#include "upgrade.h"
#include "util.h"

#include "nodectl.h"

static bool of_operation(const char *name, const char *operation) {
        size_t n = strlen(operation);
        return !operation[0] || (strncmp(name, operation, n) == 0 && name[n] == '.');
}

static int verb_fault_points(const struct options *o, int argc, char **argv) {
        (void)o;
        if (argc > 2)
                return usage_error(_("'fault-points' takes at most one operation: '%s'."), QUOTED(argv[2]));
        const char *operation = argc == 2 ? argv[1] : "";
        static const char *const upgrade_steps[] = { NODE_UPGRADE_STEPS };
        bool known = false;
        for (size_t i = 0; i < ELEMENTSOF(upgrade_steps); i++)
                if (!operation[0] || streq(operation, "upgrade")) {
                        printf("upgrade.%s\t%s\n", upgrade_steps[i], _("before this upgrade step"));
                        known = true;
                }
        for (const struct node_fault_point *p = node_fault_points; p->name; p++)
                if (of_operation(p->name, operation)) {
                        printf("%s\t%s\n", p->name, _(p->after));
                        known = true;
                }
        if (!known)
                return usage_error(_("'%s' is not an operation with fault points (nodectl fault-points lists them)."),
                                   QUOTED(operation));
        return EXIT_OK;
}

const struct nodectl_verb nodectl_fault_verbs[] = {
        { "fault-points", verb_fault_points, "fault-points [OPERATION]",
          N_("Test hook: list the points where NODECON_FAULT_AT=NAME kills nodectl") },
        {}
};
