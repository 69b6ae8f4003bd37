/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "dm.h"

#include <errno.h>
#include <libdevmapper.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

#define MAX_STATUS_WORDS 16

static bool parse_u64(const char *text, size_t len, uint64_t *value) {
        uint64_t v = 0;
        if (len == 0)
                return false;
        for (size_t i = 0; i < len; i++) {
                if (text[i] < '0' || text[i] > '9')
                        return false;
                unsigned digit = (unsigned)(text[i] - '0');
                if (v > (UINT64_MAX - digit) / 10)
                        return false;
                v = v * 10 + digit;
        }
        *value = v;
        return true;
}

static bool parse_word_u64(const char *word, uint64_t *value) {
        return parse_u64(word, strlen(word), value);
}

/* "<used>/<total>" with used <= total and total > 0. */
static bool parse_ratio(const char *word, uint64_t *used, uint64_t *total) {
        const char *slash = strchr(word, '/');
        if (!slash)
                return false;
        if (!parse_u64(word, (size_t)(slash - word), used) || !parse_word_u64(slash + 1, total))
                return false;
        return *total > 0 && *used <= *total;
}

static int bad_status(struct node_error *e, const char *text) {
        return node_error_set(e, EBADMSG, _("The kernel reported a thin pool status that cannot be read: \"%.200s\"."),
                              text);
}

int node_dm_parse_thin_pool_status(const char *text, struct node_thin_pool_status *status,
                                   struct node_error *e) {
        char copy[512];
        char *words[MAX_STATUS_WORDS];
        size_t n = 0;

        if (strlen(text) >= sizeof copy)
                return bad_status(e, text);
        strcpy(copy, text);
        char *save = NULL;
        for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
                if (n == MAX_STATUS_WORDS)
                        return bad_status(e, text);
                words[n++] = w;
        }

        size_t i = 0;
        /* `dmsetup status` prefixes "name:" when listing every device */
        if (n > 0 && words[0][strlen(words[0]) - 1] == ':')
                i++;
        if (n - i >= 3 && streq(words[i + 2], "thin-pool")) {
                uint64_t ignored;
                if (!parse_word_u64(words[i], &ignored) || !parse_word_u64(words[i + 1], &ignored))
                        return bad_status(e, text);
                i += 3;
        }

        *status = (struct node_thin_pool_status){ .data_percent = -1, .metadata_percent = -1 };
        if (n - i == 1 && streq(words[i], "Fail")) {
                status->failed = true;
                return 0;
        }
        /* transaction, metadata, data, held root and mode are always there */
        if (n - i < 5)
                return bad_status(e, text);
        if (!parse_word_u64(words[i], &status->transaction_id) ||
            !parse_ratio(words[i + 1], &status->used_metadata_blocks, &status->total_metadata_blocks) ||
            !parse_ratio(words[i + 2], &status->used_data_blocks, &status->total_data_blocks))
                return bad_status(e, text);
        uint64_t held_root;
        if (!streq(words[i + 3], "-") && !parse_word_u64(words[i + 3], &held_root))
                return bad_status(e, text);

        const char *mode = words[i + 4];
        if (streq(mode, "ro"))
                status->read_only = true;
        else if (streq(mode, "out_of_data_space"))
                status->out_of_data_space = true;
        else if (!streq(mode, "rw"))
                return bad_status(e, text);
        for (size_t j = i + 5; j < n; j++)
                if (streq(words[j], "needs_check"))
                        status->needs_check = true;

        status->data_percent = 100.0 * (double)status->used_data_blocks / (double)status->total_data_blocks;
        status->metadata_percent =
                100.0 * (double)status->used_metadata_blocks / (double)status->total_metadata_blocks;
        return 0;
}

/* Appends text, doubling its dashes when escape is set; false when out of room. */
static bool append(char *buf, size_t size, size_t *len, const char *text, bool escape) {
        for (const char *p = text; *p; p++) {
                size_t need = escape && *p == '-' ? 2 : 1;
                if (*len + need >= size)
                        return false;
                buf[(*len)++] = *p;
                if (need == 2)
                        buf[(*len)++] = '-';
        }
        buf[*len] = '\0';
        return true;
}

int node_dm_name(const char *vg, const char *lv, const char *layer, char *buf, size_t size,
                 struct node_error *e) {
        size_t len = 0;
        bool fits = size > 0 && append(buf, size, &len, vg, true) && append(buf, size, &len, "-", false) &&
                    append(buf, size, &len, lv, true);
        if (fits && layer)
                fits = append(buf, size, &len, "-", false) && append(buf, size, &len, layer, true);
        if (!fits)
                return node_error_set(e, ENAMETOOLONG, _("The device-mapper name of %s/%s is too long."), vg, lv);
        return 0;
}

/* libdevmapper prints to stderr unless told otherwise; the library must not
 * print, and every failure is reported through node_error anyway. */
static void dm_log_nothing(int level, const char *file, int line, int dm_errno_or_class, const char *f, ...) {
        (void)level, (void)file, (void)line, (void)dm_errno_or_class, (void)f;
}

static void dm_task_destroyp(struct dm_task **task) {
        if (*task)
                dm_task_destroy(*task);
}

/* 0 and the target's parameters copied into params; -ENOENT when there is no
 * such device, -EMEDIUMTYPE when it is not a thin pool. */
static int read_thin_pool_params(const char *dm_name, char *params, size_t size, struct node_error *e) {
        _cleanup_(dm_task_destroyp) struct dm_task *task = dm_task_create(DM_DEVICE_STATUS);
        if (!task)
                return node_error_set(e, ENOMEM, _("Out of memory while asking the kernel for %s."), dm_name);
        if (!dm_task_set_name(task, dm_name) || !dm_task_no_open_count(task))
                return node_error_set(e, EINVAL, _("The device-mapper name %s is not usable."), dm_name);
        if (!dm_task_run(task)) {
                int err = dm_task_get_errno(task);
                if (err == ENXIO || err == ENOENT || err == 0)
                        return node_error_set(e, ENOENT, _("The kernel has no device %s."), dm_name);
                return node_error_set(e, EIO, _("The kernel did not report the status of %s: %s."), dm_name,
                                      strerror(err));
        }
        struct dm_info info;
        if (!dm_task_get_info(task, &info) || !info.exists)
                return node_error_set(e, ENOENT, _("The kernel has no device %s."), dm_name);

        uint64_t start, length;
        char *target_type = NULL, *target_params = NULL;
        dm_get_next_target(task, NULL, &start, &length, &target_type, &target_params);
        if (!target_type || !streq(target_type, "thin-pool") || !target_params)
                return node_error_set(e, EMEDIUMTYPE, _("The device %s is not a thin pool."), dm_name);
        if (strlen(target_params) >= size)
                return node_error_set(e, EBADMSG, _("The kernel reported an overlong status for %s."), dm_name);
        strcpy(params, target_params);
        return 0;
}

int node_dm_thin_pool_status(const char *vg, const char *pool, struct node_thin_pool_status *status,
                             struct node_error *e) {
        /* Without the misc device libdevmapper would try to create
         * /dev/mapper/control and load modules: not for a read. */
        if (access("/sys/class/misc/device-mapper", F_OK) < 0)
                return node_error_set(e, ENODEV, _("This kernel has no device-mapper, so the pool usage comes from lvm."));

        dm_log_with_errno_init(dm_log_nothing);
        char name[256], params[512];
        int r = node_dm_name(vg, pool, "tpool", name, sizeof name, e);
        if (r < 0)
                return r;
        r = read_thin_pool_params(name, params, sizeof params, e);
        /* a pool without thin volumes is active under its own name */
        if (r == -ENOENT || r == -EMEDIUMTYPE) {
                r = node_dm_name(vg, pool, NULL, name, sizeof name, e);
                if (r < 0)
                        return r;
                r = read_thin_pool_params(name, params, sizeof params, e);
        }
        /* libdevmapper keeps /dev/mapper/control open otherwise */
        dm_lib_release();
        if (r < 0)
                return r == -ENOENT ? node_error_set(e, ENOENT, _("The thin pool %s/%s is not active."), vg, pool) : r;
        return node_dm_parse_thin_pool_status(params, status, e);
}
