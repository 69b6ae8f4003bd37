/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nodectl --json vms` output -> the VM list nodecon shows: whatever the child
 * (or a corrupted pipe) prints, the list is whole and sorted, or refused with
 * a sentence and empty. */
#include "fuzz.h"
#include "vms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct node_error e = { 0 };
        struct node_vm_list l;
        int r = node_vms_parse_json((const char *)data, size, &l, &e);
        if (r < 0) {
                FUZZ_ASSERT(e.message[0] != '\0');
                FUZZ_ASSERT(l.vms == NULL && l.n_vms == 0 && l.n_active == 0);
                return 0;
        }
        size_t active = 0;
        for (size_t i = 0; i < l.n_vms; i++) {
                FUZZ_ASSERT(l.vms[i].name != NULL);
                FUZZ_ASSERT(l.vms[i].active == node_vm_state_is_active(l.vms[i].state));
                FUZZ_ASSERT(memchr(l.vms[i].uuid, '\0', sizeof l.vms[i].uuid) != NULL);
                /* active ones first */
                if (i > 0)
                        FUZZ_ASSERT(l.vms[i - 1].active || !l.vms[i].active);
                active += l.vms[i].active;
        }
        FUZZ_ASSERT(active == l.n_active);
        char sentence[64];
        node_vm_list_running_sentence(&l, sentence, sizeof sentence);
        FUZZ_ASSERT(strlen(sentence) < sizeof sentence);
        node_vm_list_free(&l);
        return 0;
}
