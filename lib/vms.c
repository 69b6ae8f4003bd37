/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Virtual machines without libvirt in this process: the words, the sentence
 * before a reboot, and the list as a child `nodectl --json vms` reports it.
 * nodecon asks that child: libvirt loads some 40 shared libraries and
 * initialises itself for ~4 MB, which the console must not carry around for
 * one count (DESIGN.md §5, RSS <= 10 MB).  lib/vms-libvirt.c asks libvirt. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "helper.h"
#include "util.h"
#include "vms.h"

/* JSON keeps libvirt's untranslated words so scripts can match them. */
static const char *const state_keywords[] = {
        [NODE_VM_NOSTATE] = "nostate", [NODE_VM_RUNNING] = "running",
        [NODE_VM_BLOCKED] = "blocked", [NODE_VM_PAUSED] = "paused",
        [NODE_VM_SHUTDOWN] = "shutdown", [NODE_VM_SHUTOFF] = "shutoff",
        [NODE_VM_CRASHED] = "crashed", [NODE_VM_PMSUSPENDED] = "pmsuspended",
};

const char *node_vm_state_keyword(enum node_vm_state state) {
        return (unsigned)state < ELEMENTSOF(state_keywords) ? state_keywords[state] : "nostate";
}

static enum node_vm_state state_from_keyword(const char *word) {
        for (size_t i = 0; i < ELEMENTSOF(state_keywords); i++)
                if (streq(word, state_keywords[i]))
                        return (enum node_vm_state)i;
        return NODE_VM_NOSTATE;
}

bool node_vm_state_is_active(enum node_vm_state s) {
        return s == NODE_VM_RUNNING || s == NODE_VM_BLOCKED || s == NODE_VM_PAUSED || s == NODE_VM_SHUTDOWN ||
               s == NODE_VM_PMSUSPENDED;
}

const char *node_vm_state_name(enum node_vm_state state) {
        switch (state) {
        case NODE_VM_RUNNING: return _("running");
        case NODE_VM_BLOCKED: return _("blocked");
        case NODE_VM_PAUSED: return _("paused");
        case NODE_VM_SHUTDOWN: return _("shutting down");
        case NODE_VM_SHUTOFF: return _("shut off");
        case NODE_VM_CRASHED: return _("crashed");
        case NODE_VM_PMSUSPENDED: return _("suspended");
        default: return _("unknown");
        }
}

static int compare_vms(const void *a, const void *b) {
        const struct node_vm *x = a, *y = b;
        if (x->active != y->active)
                return x->active ? -1 : 1;
        return strcmp(x->name, y->name);
}

void node_vm_list_sort(struct node_vm_list *list) {
        qsort(list->vms, list->n_vms, sizeof *list->vms, compare_vms);
        list->n_active = 0;
        for (size_t i = 0; i < list->n_vms; i++)
                list->n_active += list->vms[i].active;
}

void node_vm_list_free(struct node_vm_list *list) {
        for (size_t i = 0; i < list->n_vms; i++)
                free(list->vms[i].name);
        free(list->vms);
        *list = (struct node_vm_list){0};
}

static int unreadable(struct node_error *e) {
        return node_error_set(e, EBADMSG, _("nodectl vms printed a list that cannot be read."));
}

static int parse_vm(struct json_object *o, struct node_vm *vm) {
        struct json_object *name, *uuid, *state, *persistent, *vcpus, *memory;
        if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "name", &name) ||
            !json_object_is_type(name, json_type_string) || !json_object_object_get_ex(o, "state", &state) ||
            !json_object_is_type(state, json_type_string))
                return -EBADMSG;
        vm->name = strdup(json_object_get_string(name));
        if (!vm->name)
                return -ENOMEM;
        if (json_object_object_get_ex(o, "uuid", &uuid) && json_object_is_type(uuid, json_type_string))
                snprintf(vm->uuid, sizeof vm->uuid, "%s", json_object_get_string(uuid));
        vm->state = state_from_keyword(json_object_get_string(state));
        /* from the state, not from "active": one rule decides it in every program */
        vm->active = node_vm_state_is_active(vm->state);
        vm->persistent = json_object_object_get_ex(o, "persistent", &persistent) && json_object_get_boolean(persistent);
        if (json_object_object_get_ex(o, "vcpus", &vcpus) && json_object_is_type(vcpus, json_type_int) &&
            json_object_get_int64(vcpus) > 0)
                vm->vcpus = (unsigned)json_object_get_int64(vcpus);
        if (json_object_object_get_ex(o, "memory", &memory) && json_object_is_type(memory, json_type_int))
                vm->memory_bytes = json_object_get_uint64(memory);
        return 0;
}

int node_vms_parse_json(const char *text, size_t len, struct node_vm_list *list, struct node_error *e) {
        *list = (struct node_vm_list){0};
        if (len > INT32_MAX)
                return unreadable(e);
        struct json_tokener *tok = json_tokener_new();
        if (!tok)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        struct json_object *root = json_tokener_parse_ex(tok, text, (int)len);
        bool whole = json_tokener_get_error(tok) == json_tokener_success;
        /* one object and nothing after it but the newline */
        for (size_t end = whole ? json_tokener_get_parse_end(tok) : len; end < len; end++)
                if (text[end] == '\0' || !strchr(" \t\r\n", text[end]))
                        whole = false;
        json_tokener_free(tok);
        struct json_object *vms;
        if (!root || !whole || !json_object_object_get_ex(root, "vms", &vms) ||
            !json_object_is_type(vms, json_type_array)) {
                json_object_put(root);
                return unreadable(e);
        }
        size_t n = json_object_array_length(vms);
        list->vms = calloc(n ? n : 1, sizeof *list->vms);
        if (!list->vms) {
                json_object_put(root);
                return node_error_set(e, ENOMEM, _("Out of memory."));
        }
        int r = 0;
        for (size_t i = 0; i < n && r == 0; i++) {
                r = parse_vm(json_object_array_get_idx(vms, i), &list->vms[list->n_vms]);
                if (r == 0)
                        list->n_vms++;
        }
        json_object_put(root);
        if (r < 0) {
                node_vm_list_free(list);
                return r == -ENOMEM ? node_error_set(e, ENOMEM, _("Out of memory.")) : unreadable(e);
        }
        node_vm_list_sort(list);
        return 0;
}

int node_vms_list_by_nodectl(const struct node_context *ctx, struct node_vm_list *list, struct node_error *e) {
        *list = (struct node_vm_list){0};
        static const char *const args[] = { "vms", NULL };
        struct node_spawn_result res;
        int r = node_helper_run(ctx, args, &res, e);
        if (r < 0)
                return r;
        if (res.exit_code != 0) {
                /* nodectl's sentence why libvirt cannot be asked, as it is */
                char sentence[1024];
                node_helper_sentence(&res, sentence, sizeof sentence);
                r = node_error_set(e, ENOTCONN, "%s", sentence[0] ? sentence : _("nodectl vms failed."));
        } else
                r = node_vms_parse_json(res.out, res.out_len, list, e);
        node_spawn_result_free(&res);
        return r;
}

void node_vm_list_running_sentence(const struct node_vm_list *list, char *buf, size_t size) {
        if (size == 0)
                return;
        buf[0] = '\0';
        if (list->n_active == 0)
                return;

        int len = snprintf(buf, size,
                           P_("%zu virtual machine is active: ", "%zu virtual machines are active: ",
                              list->n_active),
                           list->n_active);
        static const char more[] = "...";
        /* Not even one "..." fits after the colon: say the number only. */
        if (len < 0 || (size_t)len + strlen(more) + 1 >= size) {
                snprintf(buf, size, P_("%zu virtual machine is active.", "%zu virtual machines are active.",
                                       list->n_active),
                         list->n_active);
                return;
        }
        size_t used = (size_t)len;
        for (size_t i = 0; i < list->n_vms && list->vms[i].active; i++) {
                const char *sep = i == 0 ? "" : ", ";
                bool last = i + 1 == list->n_active;
                size_t need = strlen(sep) + strlen(list->vms[i].name) + 1 /* "." */;
                /* unless this is the last name, room must stay for ", ..." */
                size_t reserve = last ? 0 : strlen(", ") + strlen(more);
                if (used + need + reserve >= size) {
                        snprintf(buf + used, size - used, "%s%s", sep, more);
                        return;
                }
                used += (size_t)snprintf(buf + used, size - used, "%s%s", sep, list->vms[i].name);
        }
        snprintf(buf + used, size - used, ".");
}
