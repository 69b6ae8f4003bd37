/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fault.h"

#include <signal.h>
#include <string.h>

#include "context.h"
#include "i18n.h"
#include "util.h"

const struct node_fault_point node_fault_points[] = {
        { "rollback.planned", N_("the new default is chosen, nothing is written") },
        { "rollback.default", N_("the boot default names the new layer") },
        { "add-layer.layer", N_("the new layer's volume is made and tagged nodecon:partial, it has no boot entry") },
        { "add-layer.entry", N_("the new layer's boot entry is written (on a node with a boot loader), the layer is "
                                "still tagged nodecon:partial") },
        { "remove.tagged", N_("the layer (and its base, if it goes too) are tagged nodecon:partial") },
        { "remove.entry", N_("the layer's boot entry is gone, its volume is not") },
        { "remove.layer", N_("the layer's volume is gone, its base (if it goes too) is not") },
        { "remove.done", N_("the layer and its base, if it went too, are gone") },
        { "pin.tag", N_("the pinned tag is added or removed") },
        { "register.staged", N_("the CA is staged beside its place, the engine was not asked") },
        { "register.registered", N_("the engine said OK, nothing is in place") },
        { "register.state", N_("the state file names what follows, the CA is still staged") },
        { "register.ca", N_("the state file and the engine's CA are in place") },
        { "register.id", N_("the state file, the CA and the node's id are in place") },
        { "register.done", N_("everything is written, the SSH key last") },
        { "network.checkpoint", N_("NetworkManager holds a checkpoint, no profile is changed") },
        { "network.committed", N_("the new profiles are saved, not yet activated") },
        { "network.activated", N_("the new profiles are saved and active, not confirmed") },
        { NULL, NULL },
};

void node_fault_point(const struct node_context *ctx, const char *name) {
        const char *fault = ctx ? ctx->fault : NULL;
        if (!fault)
                return;
        if (startswith(fault, "kill:"))
                fault += strlen("kill:");
        if (streq(fault, name))
                raise(SIGKILL);
}
