/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Virtual machines through libvirt, read-only: the dashboard's count and the
 * warning before a reboot, power off or upgrade. */
#include <errno.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"
#include "vms.h"

/* libvirt prints every error on stderr unless a handler is set; the library
 * reports through node_error instead, and a TUI must not get stray lines. */
static void ignore_libvirt_error(void *userdata, virErrorPtr error) {
        (void)userdata;
        (void)error;
}

static enum node_vm_state state_from_libvirt(unsigned char s) {
        switch (s) {
        case VIR_DOMAIN_RUNNING: return NODE_VM_RUNNING;
        case VIR_DOMAIN_BLOCKED: return NODE_VM_BLOCKED;
        case VIR_DOMAIN_PAUSED: return NODE_VM_PAUSED;
        case VIR_DOMAIN_SHUTDOWN: return NODE_VM_SHUTDOWN;
        case VIR_DOMAIN_SHUTOFF: return NODE_VM_SHUTOFF;
        case VIR_DOMAIN_CRASHED: return NODE_VM_CRASHED;
        case VIR_DOMAIN_PMSUSPENDED: return NODE_VM_PMSUSPENDED;
        default: return NODE_VM_NOSTATE;
        }
}

static bool state_is_active(enum node_vm_state s) {
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

static int fill_vm(virDomainPtr dom, struct node_vm *vm) {
        const char *name = virDomainGetName(dom);
        virDomainInfo info;
        if (!name || virDomainGetInfo(dom, &info) < 0)
                return -EIO;
        vm->name = strdup(name);
        if (!vm->name)
                return -ENOMEM;
        if (virDomainGetUUIDString(dom, vm->uuid) < 0)
                vm->uuid[0] = '\0';
        vm->state = state_from_libvirt(info.state);
        vm->active = state_is_active(vm->state);
        vm->persistent = virDomainIsPersistent(dom) == 1;
        vm->vcpus = info.nrVirtCpu;
        vm->memory_bytes = (uint64_t)(vm->active ? info.memory : info.maxMem) * 1024;
        return 0;
}

int node_vms_list(const struct node_context *ctx, struct node_vm_list *list, struct node_error *e) {
        *list = (struct node_vm_list){0};
        virSetErrorFunc(NULL, ignore_libvirt_error);

        virConnectPtr conn = virConnectOpenReadOnly(ctx->libvirt_uri);
        if (!conn) {
                const char *why = virGetLastErrorMessage();
                return node_error_set(e, ENOTCONN, _("Cannot reach libvirt (%s): %s"),
                                      ctx->libvirt_uri ? ctx->libvirt_uri : _("default connection"),
                                      why ? why : _("unknown error"));
        }

        virDomainPtr *domains = NULL;
        int n = virConnectListAllDomains(conn, &domains, 0);
        if (n < 0) {
                int r = node_error_set(e, EIO, _("libvirt could not list the virtual machines: %s"),
                                       virGetLastErrorMessage());
                virConnectClose(conn);
                return r;
        }

        int r = 0;
        struct node_vm *vms = calloc(n ? (size_t)n : 1, sizeof *vms);
        size_t filled = 0;
        if (!vms)
                r = node_error_set(e, ENOMEM, _("Out of memory."));
        for (int i = 0; i < n; i++) {
                /* A domain that vanished between the listing and the query is not an error. */
                if (r == 0 && fill_vm(domains[i], &vms[filled]) == 0)
                        filled++;
                virDomainFree(domains[i]);
        }
        free(domains);
        virConnectClose(conn);
        if (r < 0) {
                free(vms);
                return r;
        }

        qsort(vms, filled, sizeof *vms, compare_vms);
        list->vms = vms;
        list->n_vms = filled;
        for (size_t i = 0; i < filled; i++)
                list->n_active += vms[i].active;
        return 0;
}

void node_vm_list_free(struct node_vm_list *list) {
        for (size_t i = 0; i < list->n_vms; i++)
                free(list->vms[i].name);
        free(list->vms);
        *list = (struct node_vm_list){0};
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
