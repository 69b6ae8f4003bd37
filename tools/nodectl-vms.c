/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nodectl vms: the virtual machines libvirt knows, read-only. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "nodectl.h"
#include "util.h"
#include "vms.h"

static void print_vms_json(const struct node_vm_list *l) {
        struct json_object *root = json_object_new_object();
        struct json_object *arr = json_object_new_array();
        for (size_t i = 0; i < l->n_vms; i++) {
                const struct node_vm *vm = &l->vms[i];
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "name", json_object_new_string(vm->name));
                json_object_object_add(o, "uuid", json_string_or_null(vm->uuid));
                json_object_object_add(o, "state", json_object_new_string(node_vm_state_keyword(vm->state)));
                json_object_object_add(o, "active", json_object_new_boolean(vm->active));
                json_object_object_add(o, "persistent", json_object_new_boolean(vm->persistent));
                json_object_object_add(o, "vcpus", json_object_new_int((int)vm->vcpus));
                json_object_object_add(o, "memory", json_object_new_uint64(vm->memory_bytes));
                json_object_array_add(arr, o);
        }
        json_object_object_add(root, "vms", arr);
        json_object_object_add(root, "active", json_object_new_uint64(l->n_active));
        print_json(root);
        json_object_put(root);
}

static void print_vms_table(const struct node_vm_list *l) {
        if (l->n_vms == 0) {
                printf(_("No virtual machines are defined.\n"));
                return;
        }
        printf("%-32s %-14s %5s %12s\n", _("NAME"), _("STATE"), _("VCPUS"), _("MEMORY"));
        for (size_t i = 0; i < l->n_vms; i++) {
                const struct node_vm *vm = &l->vms[i];
                char mem[32];
                printf("%-32s %-14s %5u %12s\n", vm->name, node_vm_state_name(vm->state), vm->vcpus,
                       human_size(vm->memory_bytes, mem, sizeof mem));
        }
        printf(P_("%zu of %zu virtual machine is active (running or paused).\n", "%zu of %zu virtual machines are active (running or paused).\n",
                  l->n_vms),
               l->n_active, l->n_vms);
}

static int verb_vms(const struct options *o, int argc, char **argv) {
        if (argc > 1)
                return usage_error(_("Unexpected argument '%s'."), QUOTED(argv[1]));
        struct node_error e = {0};
        struct node_vm_list l;
        int r = node_vms_list(&o->ctx, &l, &e);
        if (r < 0)
                return fail(&e, r);
        if (o->json)
                print_vms_json(&l);
        else
                print_vms_table(&l);
        node_vm_list_free(&l);
        return EXIT_OK;
}

const struct nodectl_verb nodectl_vm_verbs[] = {
        { "vms", verb_vms, "vms", N_("Virtual machines on this node (read-only)") },
        {}
};
