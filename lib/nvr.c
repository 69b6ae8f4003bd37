/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "nvr.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

/* rpm classifies characters in the C locale whatever the admin's locale is,
 * so the order of images never depends on LANG. */
static bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
static bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool ascii_alnum(char c) { return ascii_digit(c) || ascii_alpha(c); }

static int sign(int v) { return (v > 0) - (v < 0); }

/* Like strcmp on two runs that are not NUL-terminated. */
static int compare_runs(const char *a, size_t a_len, const char *b, size_t b_len) {
        int r = memcmp(a, b, a_len < b_len ? a_len : b_len);
        if (r != 0)
                return sign(r);
        return a_len == b_len ? 0 : (a_len > b_len ? 1 : -1);
}

int node_rpmvercmp(const char *a, const char *b) {
        if (streq(a, b))
                return 0;

        while (*a || *b) {
                while (*a && !ascii_alnum(*a) && *a != '~' && *a != '^')
                        a++;
                while (*b && !ascii_alnum(*b) && *b != '~' && *b != '^')
                        b++;

                /* A pre-release marker makes its side older than anything,
                 * including a version that has already ended. */
                if (*a == '~' || *b == '~') {
                        if (*a != '~')
                                return 1;
                        if (*b != '~')
                                return -1;
                        a++, b++;
                        continue;
                }

                /* A post-release marker is newer than the end of the other
                 * version but older than a further run of it. */
                if (*a == '^' || *b == '^') {
                        if (!*a)
                                return -1;
                        if (!*b)
                                return 1;
                        if (*a != '^')
                                return 1;
                        if (*b != '^')
                                return -1;
                        a++, b++;
                        continue;
                }

                if (!*a || !*b)
                        break;

                const char *run_a = a, *run_b = b;
                bool numeric = ascii_digit(*a);
                if (numeric) {
                        while (ascii_digit(*a)) a++;
                        while (ascii_digit(*b)) b++;
                } else {
                        while (ascii_alpha(*a)) a++;
                        while (ascii_alpha(*b)) b++;
                }

                /* The runs are of different types: numbers are newer. */
                if (b == run_b)
                        return numeric ? 1 : -1;

                if (numeric) {
                        while (*run_a == '0' && run_a < a) run_a++;
                        while (*run_b == '0' && run_b < b) run_b++;
                        size_t len_a = (size_t)(a - run_a), len_b = (size_t)(b - run_b);
                        if (len_a != len_b)
                                return len_a > len_b ? 1 : -1;
                }
                int r = compare_runs(run_a, (size_t)(a - run_a), run_b, (size_t)(b - run_b));
                if (r != 0)
                        return r;
        }

        if (!*a && !*b)
                return 0;
        /* Whichever still has runs left is newer. */
        return *a ? 1 : -1;
}

int node_nvr_parse(const char *text, struct node_nvr *nvr, struct node_error *e) {
        size_t len = strlen(text);
        if (len > NODE_LV_NAME_MAX)
                return node_error_set(e, EINVAL, _("Image name %.40s... is longer than %d characters."),
                                      text, NODE_LV_NAME_MAX);

        const char *release_dash = strrchr(text, '-');
        const char *version_dash = NULL;
        for (const char *p = text; release_dash && p < release_dash; p++)
                if (*p == '-')
                        version_dash = p;
        if (!version_dash || version_dash == text || release_dash == version_dash + 1 ||
            release_dash[1] == '\0')
                return node_error_set(e, EINVAL,
                                      _("Image name \"%s\" is not of the form name-version-release."), text);

        size_t name_len = (size_t)(version_dash - text);
        size_t version_len = (size_t)(release_dash - version_dash - 1);
        memcpy(nvr->name, text, name_len);
        nvr->name[name_len] = '\0';
        memcpy(nvr->version, version_dash + 1, version_len);
        nvr->version[version_len] = '\0';
        strcpy(nvr->release, release_dash + 1);
        return 0;
}

int node_nvr_compare(const char *a, const char *b) {
        struct node_nvr nvr_a, nvr_b;
        bool parsed_a = node_nvr_parse(a, &nvr_a, NULL) == 0;
        bool parsed_b = node_nvr_parse(b, &nvr_b, NULL) == 0;

        if (!parsed_a || !parsed_b) {
                if (parsed_a != parsed_b)
                        return parsed_a ? 1 : -1;
                int r = node_rpmvercmp(a, b);
                return r ? r : sign(strcmp(a, b));
        }

        int r = node_rpmvercmp(nvr_a.version, nvr_b.version);
        if (r == 0)
                r = node_rpmvercmp(nvr_a.release, nvr_b.release);
        if (r == 0)
                r = sign(strcmp(nvr_a.name, nvr_b.name));
        return r;
}

bool node_lv_name_valid(const char *name) {
        static const char *const reserved_prefixes[] = { "snapshot", "pvmove" };
        static const char *const reserved_parts[] = {
                "_cdata", "_cmeta", "_corig", "_cpool", "_cvol", "_mimage", "_mlog", "_pmspare",
                "_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin", "_wcorig",
        };
        size_t len = strlen(name);

        if (len == 0 || len > NODE_LV_NAME_MAX || name[0] == '-' || streq(name, ".") || streq(name, ".."))
                return false;
        for (const char *p = name; *p; p++)
                if (!ascii_alnum(*p) && !strchr("+_.-", *p))
                        return false;
        for (size_t i = 0; i < ELEMENTSOF(reserved_prefixes); i++)
                if (startswith(name, reserved_prefixes[i]))
                        return false;
        for (size_t i = 0; i < ELEMENTSOF(reserved_parts); i++)
                if (strstr(name, reserved_parts[i]))
                        return false;
        return true;
}

/* The checks shared by bases and layers, without the room for a suffix. */
static int check_nvr_text(const char *nvr, struct node_error *e) {
        struct node_nvr parsed;
        int r = node_nvr_parse(nvr, &parsed, e);
        if (r < 0)
                return r;
        if (!node_lv_name_valid(nvr))
                return node_error_set(e, EINVAL,
                                      _("Image name \"%s\" cannot name a logical volume: only letters, digits and + _ . - are allowed."),
                                      nvr);
        return 0;
}

int node_nvr_check_lv_name(const char *nvr, struct node_error *e) {
        int r = check_nvr_text(nvr, e);
        if (r < 0)
                return r;
        if (strlen(nvr) + NODE_LAYER_SUFFIX_MAX > NODE_LV_NAME_MAX)
                return node_error_set(e, EINVAL,
                                      _("Image name %s is too long to leave room for its layers' names (at most %d characters)."),
                                      nvr, NODE_LV_NAME_MAX - NODE_LAYER_SUFFIX_MAX);
        return 0;
}

int node_layer_name_parse(const char *layer, char *nvr, size_t size, unsigned *number,
                          struct node_error *e) {
        const char *plus = strrchr(layer, '+');
        if (!plus || plus == layer)
                return node_error_set(e, EINVAL, _("\"%s\" is not a layer name (NVR+N)."), layer);
        if (strlen(layer) > NODE_LV_NAME_MAX)
                return node_error_set(e, EINVAL, _("Layer name %.40s... is longer than %d characters."),
                                      layer, NODE_LV_NAME_MAX);

        const char *digits = plus + 1;
        if (!ascii_digit(digits[0]) || digits[0] == '0')
                return node_error_set(e, EINVAL,
                                      _("\"%s\" is not a layer name: the number after '+' must be 1 or more, without leading zeros."),
                                      layer);
        unsigned long value = 0;
        for (const char *p = digits; *p; p++) {
                if (!ascii_digit(*p))
                        return node_error_set(e, EINVAL,
                                              _("\"%s\" is not a layer name: only digits may follow the '+'."), layer);
                value = value * 10 + (unsigned long)(*p - '0');
                if (value > UINT_MAX)
                        return node_error_set(e, EINVAL, _("\"%s\" is not a layer name: its number is too large."),
                                              layer);
        }

        char base[NODE_LV_NAME_MAX + 1];
        size_t base_len = (size_t)(plus - layer);
        memcpy(base, layer, base_len);
        base[base_len] = '\0';
        int r = check_nvr_text(base, e);
        if (r < 0)
                return r;

        if (nvr) {
                if (base_len >= size)
                        return node_error_set(e, ENAMETOOLONG, _("Layer name %s is too long."), layer);
                memcpy(nvr, base, base_len + 1);
        }
        if (number)
                *number = (unsigned)value;
        return 0;
}

int node_layer_name_format(char *buf, size_t size, const char *nvr, unsigned number,
                           struct node_error *e) {
        if (number == 0)
                return node_error_set(e, EINVAL, _("Layer numbers start at 1."));
        int r = check_nvr_text(nvr, e);
        if (r < 0)
                return r;
        int n = snprintf(buf, size, "%s+%u", nvr, number);
        if (n < 0 || (size_t)n >= size || n > NODE_LV_NAME_MAX)
                return node_error_set(e, ENAMETOOLONG, _("The layer name for %s+%u would be too long."),
                                      nvr, number);
        return 0;
}
