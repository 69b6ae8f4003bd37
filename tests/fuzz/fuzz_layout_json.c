/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lvs' JSON report -> node layout: whatever lvs (or a corrupted pipe) prints,
 * the layout is either built consistently or refused with a sentence. */
#include "fuzz.h"
#include "layout.h"

static void check_lv(const struct node_lv *lv) {
        FUZZ_ASSERT(lv->name != NULL);
}

static void check_layout(struct node_layout *l) {
        FUZZ_ASSERT(l->vg != NULL);
        for (size_t i = 0; i < l->n_bases; i++) {
                const struct node_base *b = &l->bases[i];
                check_lv(&b->lv);
                FUZZ_ASSERT(b->nvr != NULL);
                FUZZ_ASSERT(node_layout_find_base(l, b->nvr) != NULL);
                for (size_t j = 0; j < b->n_layers; j++) {
                        check_lv(&b->layers[j].lv);
                        /* ordered by number */
                        if (j > 0)
                                FUZZ_ASSERT(b->layers[j - 1].number <= b->layers[j].number);
                        FUZZ_ASSERT(node_layout_find_layer(l, b->layers[j].lv.name) != NULL);
                }
        }
        for (size_t i = 0; i < l->n_volumes; i++)
                check_lv(&l->volumes[i]);
        for (size_t i = 0; i < l->n_others; i++)
                check_lv(&l->others[i]);
        if (l->init_lv)
                check_lv(l->init_lv);
        FUZZ_ASSERT((l->n_bases == 0) == (node_layout_latest_base(l) == NULL));

        /* the marking helpers walk the same structure with names from it */
        if (l->n_bases > 0 && l->bases[0].n_layers > 0) {
                const char *name = l->bases[0].layers[0].lv.name;
                char cmdline[512];
                snprintf(cmdline, sizeof cmdline, "ro img.bootid=%s quiet", name);
                node_layout_mark_booted(l, cmdline, -1, -1);
                FUZZ_ASSERT(l->booted != NULL);
                node_layout_mark_default(l, name);
                FUZZ_ASSERT(l->boot_default != NULL);
        }
        node_layout_mark_booted(l, "ro quiet", 253, 3);
        node_layout_mark_default(l, "no-such-layer+1");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *json = fuzz_strndup(data, size);
        /* the VG named by the caller and the one found by its tag */
        static const char *const vgs[] = { NULL, "onn" };
        for (size_t i = 0; i < ELEMENTSOF(vgs); i++) {
                struct node_error e = { 0 };
                struct node_layout *l = NULL;
                int r = node_layout_from_lvs_json(json, vgs[i], &l, &e);
                fuzz_check_error(r, &e);
                if (r < 0) {
                        FUZZ_ASSERT(l == NULL);
                        continue;
                }
                FUZZ_ASSERT(l != NULL);
                check_layout(l);
                node_layout_free(l);
        }
        return 0;
}
