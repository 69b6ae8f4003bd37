/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Virtual machines through libvirt, read-only: nodectl vms and its warning
 * before a reboot or power off.  Only programs that link libvirt use this
 * file; nodecon asks nodectl (lib/vms.c). */
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
        vm->active = node_vm_state_is_active(vm->state);
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

        list->vms = vms;
        list->n_vms = filled;
        node_vm_list_sort(list);
        return 0;
}
