/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fields of the network forms (the edit and reset forms, the bond and
 * bridge forms) are built alike: one width, and for each validator its
 * form's view and a place to keep the sentence it answers with. */
#include "network-screens.h"

#include <stdio.h>

void net_field_spec(struct tui_form_field_spec *specs, struct net_field *fields, size_t i, void *view,
                    const char *label, const char *initial, tui_validator_fn validate) {
        fields[i].view = view;
        specs[i] = (struct tui_form_field_spec){
                .label = label, .initial = initial, .width = NET_FIELD_WIDTH, .validate = validate,
                .userdata = &fields[i],
        };
}

const char *net_field_says(struct net_field *field, const char *sentence) {
        snprintf(field->why, sizeof field->why, "%s", sentence);
        return field->why;
}
