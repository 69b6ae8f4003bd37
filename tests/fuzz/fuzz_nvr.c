/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NVR parsing and rpm ordering.  Input: up to three strings separated by NUL
 * bytes.  Besides not crashing, the order must be an order: reflexive,
 * antisymmetric and transitive, or the layer list would sort differently from
 * run to run and "latest base" would depend on the order lvs printed. */
#include "fuzz.h"
#include "nvr.h"
#include "util.h"

static void check_parse(const char *text) {
        struct node_nvr nvr;
        struct node_error e = { 0 };
        int r = node_nvr_parse(text, &nvr, &e);
        fuzz_check_error(r, &e);
        if (r < 0)
                return;
        FUZZ_ASSERT(nvr.name[0] && nvr.version[0] && nvr.release[0]);
        FUZZ_ASSERT(!strchr(nvr.version, '-') && !strchr(nvr.release, '-'));
        char joined[3 * sizeof nvr.name + 3];
        snprintf(joined, sizeof joined, "%s-%s-%s", nvr.name, nvr.version, nvr.release);
        FUZZ_ASSERT(streq(joined, text));
}

typedef int (*compare_fn)(const char *, const char *);

static void check_order(compare_fn cmp, const char *a, const char *b, const char *c) {
        int ab = cmp(a, b), ba = cmp(b, a), bc = cmp(b, c), ac = cmp(a, c);
        FUZZ_ASSERT(ab >= -1 && ab <= 1);
        FUZZ_ASSERT(cmp(a, a) == 0);
        FUZZ_ASSERT(ab == -ba);
        if (ab <= 0 && bc <= 0)
                FUZZ_ASSERT(ac <= 0);
        if (ab >= 0 && bc >= 0)
                FUZZ_ASSERT(ac >= 0);
        if (ab == 0)
                FUZZ_ASSERT(ac == bc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s[3];
        _cleanup_free_ char *buf = fuzz_split(data, size, s, ELEMENTSOF(s));
        (void)buf; /* only owns the strings */
        for (size_t i = 0; i < ELEMENTSOF(s); i++) {
                check_parse(s[i]);
                struct node_error e = { 0 };
                fuzz_check_error(node_nvr_check_lv_name(s[i], &e), &e);
        }
        check_order(node_rpmvercmp, s[0], s[1], s[2]);
        check_order(node_nvr_compare, s[0], s[1], s[2]);
        return 0;
}
