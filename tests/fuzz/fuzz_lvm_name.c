/* SPDX-License-Identifier: GPL-2.0-or-later */
/* LVM name validation, checked against a plain restatement of LVM's rules:
 * names that pass go straight into lvm's argv, so a wrong "valid" matters. */
#include <stdbool.h>

#include "fuzz.h"
#include "lvm.h"
#include "nvr.h"
#include "util.h"

static bool allowed_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
               c == '_' || c == '.' || c == '-';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *name = fuzz_strndup(data, size);
        bool valid = node_lvm_name_valid(name);
        FUZZ_ASSERT(valid == node_lv_name_valid(name));
        if (!valid)
                return 0;
        size_t len = strlen(name);
        FUZZ_ASSERT(len >= 1 && len <= NODE_LV_NAME_MAX);
        FUZZ_ASSERT(name[0] != '-');
        FUZZ_ASSERT(!streq(name, ".") && !streq(name, ".."));
        for (size_t i = 0; i < len; i++)
                FUZZ_ASSERT(allowed_char(name[i]));
        FUZZ_ASSERT(!startswith(name, "snapshot") && !startswith(name, "pvmove"));
        FUZZ_ASSERT(!strstr(name, "_tdata") && !strstr(name, "_tmeta") && !strstr(name, "_mlog"));
        return 0;
}
