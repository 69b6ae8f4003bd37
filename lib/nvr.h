/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Node images are named by the rpm NVR of the image ("ovirt-node-ng-4.4.10-
 * 0.20220303.0"), their writable layers "NVR+N".  Both are LV names, so they
 * obey LVM's naming rules as well as rpm's ordering. */

/* LVM refuses longer LV names (NAME_LEN 128 including the NUL). */
#define NODE_LV_NAME_MAX 127

/* Room an NVR must leave in an LV name for its layers' "+N" suffix
 * ("+4294967295" is 11 characters). */
#define NODE_LAYER_SUFFIX_MAX 11

/* rpm's version comparison (rpmvercmp): returns -1, 0 or 1.  Digit runs
 * compare numerically (leading zeros ignored) and beat letter runs; other
 * characters only separate runs; '~' sorts before anything, even the end of
 * the string; '^' sorts after the end but before any further run. */
int node_rpmvercmp(const char *a, const char *b);

struct node_nvr {
        char name[NODE_LV_NAME_MAX + 1];
        char version[NODE_LV_NAME_MAX + 1];
        char release[NODE_LV_NAME_MAX + 1];
};

/* Splits "name-version-release" at its last two dashes.  -EINVAL when a part
 * is empty, there are fewer than two dashes or the text is longer than an LV
 * name may be. */
int node_nvr_parse(const char *text, struct node_nvr *nvr, struct node_error *e);

/* Orders two NVRs like rpm: version, then release (both with rpmvercmp), then
 * name (plain strcmp, only so the order is total).  Text that does not parse
 * as an NVR is compared as a whole with rpmvercmp and sorts before any NVR. */
int node_nvr_compare(const char *a, const char *b);

/* LVM's rules for an LV name: 1..127 characters from a-z A-Z 0-9 + _ . -, not
 * starting with '-', not "." or "..", none of LVM's reserved prefixes or
 * suffixes (snapshot, pvmove, _tdata, _tmeta, ...). */
bool node_lv_name_valid(const char *name);

/* Checks that an NVR can name a base: it parses as N-V-R, is a valid LV name
 * and leaves room for the "+N" of its layers.  -EINVAL with a sentence. */
int node_nvr_check_lv_name(const char *nvr, struct node_error *e);

/* Splits a layer name "NVR+N" at its last '+'.  N is a decimal number >= 1
 * without leading zeros that fits an unsigned int; NVR must pass
 * node_nvr_check_lv_name() apart from the suffix room.  nvr (size bytes) may
 * be NULL.  -EINVAL with a sentence for anything else. */
int node_layer_name_parse(const char *layer, char *nvr, size_t size, unsigned *number,
                          struct node_error *e);

/* Writes "NVR+N" into buf.  -EINVAL for number 0 or an invalid NVR,
 * -ENAMETOOLONG when the result would not fit buf or an LV name. */
int node_layer_name_format(char *buf, size_t size, const char *nvr, unsigned number,
                           struct node_error *e);
