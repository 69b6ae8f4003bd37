/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "rollback.h"

#include <errno.h>
#include <string.h>

#include "boot.h"
#include "fault.h"
#include "health.h"
#include "i18n.h"
#include "layout.h"
#include "lvm.h"
#include "nvr.h"
#include "util.h"

/* Layer order: base NVR like rpm, then layer number.  Names that do not
 * parse sort first, so they are never taken for "newer". */
static int compare_layers(const char *a, const char *b) {
        char nvr_a[NODE_LV_NAME_MAX + 1], nvr_b[NODE_LV_NAME_MAX + 1];
        unsigned num_a, num_b;
        bool ok_a = node_layer_name_parse(a, nvr_a, sizeof nvr_a, &num_a, NULL) == 0;
        bool ok_b = node_layer_name_parse(b, nvr_b, sizeof nvr_b, &num_b, NULL) == 0;
        if (ok_a != ok_b)
                return ok_a ? 1 : -1;
        if (!ok_a)
                return strcmp(a, b);
        int r = node_nvr_compare(nvr_a, nvr_b);
        if (r != 0)
                return r;
        return num_a < num_b ? -1 : num_a > num_b;
}

int node_rollback_pick(const struct node_rollback_candidate *candidates, size_t n, const char *current,
                       const char *to, char *pick, size_t size, struct node_error *e) {
        if (to) {
                if (node_layer_name_parse(to, NULL, 0, NULL, NULL) < 0)
                        return node_error_set(e, EINVAL, _("\"%.60s\" is not a layer name (NVR+N)."), to);
                const struct node_rollback_candidate *found = NULL;
                for (size_t i = 0; i < n && !found; i++)
                        if (streq(candidates[i].layer, to))
                                found = &candidates[i];
                if (!found)
                        return node_error_set(e, ENXIO, _("There is no layer %s."), to);
                if (!found->has_entry)
                        return node_error_set(e, ENXIO, _("Layer %s has no boot entry, so it cannot be booted."), to);
                if (current && streq(current, to))
                        return node_error_set(e, EALREADY, _("Layer %s is already the boot default."), to);
                if (strlen(to) >= size)
                        return node_error_set(e, ENAMETOOLONG, _("The layer name %s is too long."), to);
                strcpy(pick, to);
                return 0;
        }
        if (!current)
                return node_error_set(e, ENXIO,
                                      _("Neither the boot default nor the booted layer is known, so there is no "
                                        "previous layer to go back to."));
        const char *best = NULL;
        bool older_without_entry = false;
        for (size_t i = 0; i < n; i++) {
                const char *layer = candidates[i].layer;
                if (compare_layers(layer, current) >= 0)
                        continue;
                if (!candidates[i].has_entry) {
                        older_without_entry = true;
                        continue;
                }
                if (!best || compare_layers(layer, best) > 0)
                        best = layer;
        }
        if (!best && older_without_entry)
                return node_error_set(e, ENXIO, _("No layer older than %s has a boot entry to go back to."), current);
        if (!best)
                return node_error_set(e, ENXIO, _("There is no layer older than %s to go back to."), current);
        if (strlen(best) >= size)
                return node_error_set(e, ENAMETOOLONG, _("The layer name %s is too long."), best);
        strcpy(pick, best);
        return 0;
}

static int plan_with_layout(const struct node_context *ctx, const struct node_layout *l, const char *to,
                            struct node_rollback_result *result, struct node_error *e) {
        struct node_boot_entry *entries = NULL;
        size_t n_entries = 0;
        int r = node_boot_entries(ctx, &entries, &n_entries, e);
        if (r < 0)
                return r;

        size_t n = 0;
        for (size_t i = 0; i < l->n_bases; i++)
                n += l->bases[i].n_layers;
        struct node_rollback_candidate *candidates = calloc(n ? n : 1, sizeof *candidates);
        if (!candidates) {
                node_boot_entries_free(entries, n_entries);
                return node_error_set(e, ENOMEM, _("Out of memory while planning the rollback."));
        }
        size_t k = 0;
        for (size_t i = 0; i < l->n_bases; i++)
                for (size_t j = 0; j < l->bases[i].n_layers; j++) {
                        const char *name = l->bases[i].layers[j].lv.name;
                        bool has_entry = false;
                        for (size_t x = 0; x < n_entries && !has_entry; x++)
                                has_entry = entries[x].layer && streq(entries[x].layer, name);
                        candidates[k++] = (struct node_rollback_candidate){ .layer = name, .has_entry = has_entry };
                }

        const struct node_layer *current = l->boot_default ? l->boot_default : l->booted;
        *result = (struct node_rollback_result){ 0 };
        if (current)
                snprintf(result->from, sizeof result->from, "%s", current->lv.name);
        r = node_rollback_pick(candidates, n, current ? current->lv.name : NULL, to, result->to, sizeof result->to, e);
        free(candidates);
        for (size_t x = 0; r == 0 && x < n_entries; x++)
                if (entries[x].layer && streq(entries[x].layer, result->to)) {
                        snprintf(result->entry, sizeof result->entry, "%s", entries[x].id);
                        snprintf(result->title, sizeof result->title, "%s", entries[x].title ? entries[x].title : "");
                        break;
                }
        node_boot_entries_free(entries, n_entries);
        return r;
}

int node_rollback_plan(const struct node_context *ctx, const char *to, struct node_rollback_result *result,
                       struct node_error *e) {
        _cleanup_layout_ struct node_layout *l = NULL;
        int r = node_layout_read(ctx, &l, e);
        if (r < 0)
                return r;
        return plan_with_layout(ctx, l, to, result, e);
}

int node_rollback(const struct node_context *ctx, const char *to, struct node_rollback_result *result,
                  struct node_error *e) {
        int r = node_rollback_plan(ctx, to, result, e);
        if (r < 0)
                return r;
        node_fault_point(ctx, "rollback.planned");
        r = node_boot_set_default(ctx, result->to, e);
        if (r == 0)
                node_fault_point(ctx, "rollback.default");
        return r;
}

/* The layer as the layout knows it, with its base. */
static int find_layer(const struct node_layout *l, const char *name, const struct node_layer **layer,
                      const struct node_base **base, struct node_error *e) {
        if (!node_lv_name_valid(name))
                return node_error_set(e, EINVAL, _("\"%.60s\" is not a valid layer name."), name);
        for (size_t i = 0; i < l->n_bases; i++)
                for (size_t j = 0; j < l->bases[i].n_layers; j++)
                        if (streq(l->bases[i].layers[j].lv.name, name)) {
                                *layer = &l->bases[i].layers[j];
                                *base = &l->bases[i];
                                return 0;
                        }
        if (node_layout_find_base(l, name))
                return node_error_set(e, EINVAL, _("%s is a base image, not a layer; remove its layers instead."),
                                      name);
        return node_error_set(e, ENXIO, _("There is no layer %s in volume group %s."), name, l->vg);
}

static int check_removable(const struct node_layout *l, const char *name, const struct node_layer **layer,
                           const struct node_base **base, struct node_remove_result *result, struct node_error *e) {
        int r = find_layer(l, name, layer, base, e);
        if (r < 0)
                return r;
        if ((*layer)->booted)
                return node_error_set(e, EPERM, _("Layer %s is the one running now and cannot be removed."), name);
        if ((*layer)->boot_default)
                return node_error_set(e, EPERM,
                                      _("Layer %s is the boot default; make another layer the default first."), name);
        if (node_lvm_tags_have((*layer)->lv.tags ? (*layer)->lv.tags : "", NODE_TAG_PINNED))
                return node_error_set(e, EPERM, _("Layer %s is pinned; unpin it first (nodectl unpin %s)."), name,
                                      name);
        *result = (struct node_remove_result){ 0 };
        snprintf(result->layer, sizeof result->layer, "%s", name);
        /* a base whose last layer goes is removed too, unless only its name is left */
        if ((*base)->n_layers == 1 && !(*base)->missing)
                snprintf(result->base, sizeof result->base, "%s", (*base)->lv.name);
        return 0;
}

int node_layer_remove_check(const struct node_context *ctx, const char *layer, struct node_remove_result *result,
                            struct node_error *e) {
        _cleanup_layout_ struct node_layout *l = NULL;
        int r = node_layout_read(ctx, &l, e);
        if (r < 0)
                return r;
        const struct node_layer *y;
        const struct node_base *b;
        return check_removable(l, layer, &y, &b, result, e);
}

int node_layer_remove(const struct node_context *ctx, const char *layer, struct node_remove_result *result,
                      struct node_error *e) {
        _cleanup_layout_ struct node_layout *l = NULL;
        int r = node_layout_read(ctx, &l, e);
        if (r < 0)
                return r;
        const struct node_layer *y;
        const struct node_base *b;
        if ((r = check_removable(l, layer, &y, &b, result, e)) < 0)
                return r;
        /* Tagged partial first: whatever a kill leaves of what goes, nodectl check
         * names it and --repair finishes the removal. */
        if (node_lvm_add_tag(ctx, l->vg, layer, NODE_TAG_PARTIAL, e) < 0)
                return node_error_prefix(e, _("Layer %s was not removed: "), layer);
        if (result->base[0] && node_lvm_add_tag(ctx, l->vg, result->base, NODE_TAG_PARTIAL, e) < 0) {
                node_lvm_del_tag(ctx, l->vg, layer, NODE_TAG_PARTIAL, NULL);
                return node_error_prefix(e, _("Layer %s was not removed: "), layer);
        }
        node_fault_point(ctx, "remove.tagged");
        if (node_boot_entry_remove(ctx, layer, e) < 0)
                return node_error_prefix(e, _("Layer %s was not removed: "), layer);
        node_fault_point(ctx, "remove.entry");
        if (node_lvm_remove(ctx, l->vg, layer, e) < 0)
                return node_error_prefix(e, _("The boot entry of %s is gone but its volume is not: "), layer);
        node_fault_point(ctx, "remove.layer");
        if (result->base[0] && node_lvm_remove(ctx, l->vg, result->base, e) < 0)
                return node_error_prefix(e, _("Layer %s was removed but its base %s was not: "), layer, result->base);
        node_fault_point(ctx, "remove.done");
        return 0;
}

int node_layer_pin(const struct node_context *ctx, const char *layer, bool pinned, bool *changed,
                   struct node_error *e) {
        _cleanup_layout_ struct node_layout *l = NULL;
        int r = node_layout_read(ctx, &l, e);
        if (r < 0)
                return r;
        const struct node_layer *y;
        const struct node_base *b;
        if ((r = find_layer(l, layer, &y, &b, e)) < 0)
                return r;
        bool is_pinned = node_lvm_tags_have(y->lv.tags ? y->lv.tags : "", NODE_TAG_PINNED);
        *changed = is_pinned != pinned;
        if (!*changed)
                return 0;
        r = pinned ? node_lvm_add_tag(ctx, l->vg, layer, NODE_TAG_PINNED, e)
                   : node_lvm_del_tag(ctx, l->vg, layer, NODE_TAG_PINNED, e);
        if (r == 0)
                node_fault_point(ctx, "pin.tag");
        return r;
}
