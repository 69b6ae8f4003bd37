/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd units through sd-bus: list with state and since-when, and actions
 * that wait for the job's result, as systemctl does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>

#include "i18n.h"
#include "services.h"
#include "util.h"

#define SYSTEMD_DEST "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define MANAGER_IFACE "org.freedesktop.systemd1.Manager"
#define UNIT_IFACE "org.freedesktop.systemd1.Unit"

const char *const node_services_default[] = {
        "vdsmd.service", "supervdsmd.service", "libvirtd.service", "sshd.service",
        "NetworkManager.service", "chronyd.service", "cockpit.socket", NULL,
};

const char *const node_services_agents[] = { "vdsmd.service", "supervdsmd.service", NULL };

static void bus_unrefp(sd_bus **bus) { sd_bus_flush_close_unref(*bus); }
static void message_unrefp(sd_bus_message **m) { sd_bus_message_unref(*m); }
static void slot_unrefp(sd_bus_slot **s) { sd_bus_slot_unref(*s); }
#define _cleanup_bus_ _cleanup_(bus_unrefp)
#define _cleanup_message_ _cleanup_(message_unrefp)
#define _cleanup_slot_ _cleanup_(slot_unrefp)

/* systemd's message (without its full stop: ours ends the sentence) or strerror. */
static const char *bus_error_text(const sd_bus_error *err, int r, char *buf, size_t size) {
        snprintf(buf, size, "%s", sd_bus_error_is_set(err) && err->message ? err->message : strerror(r < 0 ? -r : r));
        size_t len = strlen(buf);
        while (len > 0 && buf[len - 1] == '.')
                buf[--len] = '\0';
        return buf;
}

int node_service_name(const char *name, char *full, size_t size, struct node_error *e) {
        static const char *const suffixes[] = { ".service", ".socket", ".target", ".timer", ".mount", ".path" };
        size_t len = name ? strlen(name) : 0;
        bool ok = len > 0 && len <= 240 && name[0] != '-' && name[0] != '.';
        for (size_t i = 0; ok && i < len; i++) {
                char c = name[i];
                ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     strchr(":-_.\\@", c);
        }
        if (!ok)
                return node_error_set(e, EINVAL, _("'%.60s' is not a unit name: use letters, digits and : - _ . @ \\."),
                                      name ? name : "");
        const char *dot = strrchr(name, '.');
        bool typed = false;
        for (size_t i = 0; dot && i < ELEMENTSOF(suffixes); i++)
                typed = typed || streq(dot, suffixes[i]);
        int n = snprintf(full, size, "%s%s", name, typed ? "" : ".service");
        if (n < 0 || (size_t)n >= size)
                return node_error_set(e, EINVAL, _("The unit name '%.60s' is too long."), name);
        if (strstr(full, "@.")) /* a template without an instance cannot be started or listed */
                return node_error_set(e, EINVAL, _("%s is a template: name an instance, like %.*s@NAME%s."), full,
                                      (int)(strstr(full, "@.") - full), full, strstr(full, "@.") + 1);
        return 0;
}

static int open_bus(sd_bus **bus, struct node_error *e) {
        int r = sd_bus_open_system(bus);
        if (r < 0)
                return node_error_set(e, r, _("Cannot reach systemd on the system bus: %s."), strerror(-r));
        return 0;
}

/* The unit's full name, and the bus to ask about it. */
static int open_bus_for_unit(const char *name, char *full, size_t size, sd_bus **bus, struct node_error *e) {
        int r = node_service_name(name, full, size, e);
        return r < 0 ? r : open_bus(bus, e);
}

static void service_free(struct node_service *s) {
        free(s->name);
        free(s->description);
        free(s->load_state);
        free(s->active_state);
        free(s->sub_state);
        free(s->unit_file_state);
}

void node_service_list_free(struct node_service_list *list) {
        for (size_t i = 0; i < list->n_services; i++)
                service_free(&list->services[i]);
        free(list->services);
        *list = (struct node_service_list){0};
}

static bool listed(const struct node_service_list *l, const char *name) {
        for (size_t i = 0; i < l->n_services; i++)
                if (streq(l->services[i].name, name))
                        return true;
        return false;
}

/* Reads a ListUnits* reply (a(ssssssouso)) into the list. */
static int append_units(sd_bus *bus, sd_bus_message *reply, bool requested, struct node_service_list *l) {
        int r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
        if (r < 0)
                return r;
        const char *name, *description, *load, *active, *sub, *following, *path, *job_type, *job_path;
        uint32_t job_id;
        while ((r = sd_bus_message_read(reply, "(ssssssouso)", &name, &description, &load, &active, &sub, &following,
                                        &path, &job_id, &job_type, &job_path)) > 0) {
                if (listed(l, name))
                        continue;
                struct node_service *grown = realloc(l->services, (l->n_services + 1) * sizeof *grown);
                if (!grown)
                        return -ENOMEM;
                l->services = grown;
                struct node_service *s = &l->services[l->n_services];
                *s = (struct node_service){ .requested = requested };
                s->name = strdup(name);
                s->description = strdup(description);
                s->load_state = strdup(load);
                s->active_state = strdup(active);
                s->sub_state = strdup(sub);
                l->n_services++;
                if (!s->name || !s->description || !s->load_state || !s->active_state || !s->sub_state)
                        return -ENOMEM;
                if (streq(active, "failed"))
                        l->n_failed++;
                /* unknown for units that are not loaded: left empty, not an error */
                sd_bus_error err = SD_BUS_ERROR_NULL;
                sd_bus_get_property_trivial(bus, SYSTEMD_DEST, path, UNIT_IFACE, "StateChangeTimestamp", &err, 't',
                                            &s->since_usec);
                sd_bus_error_free(&err);
                if (streq(load, "loaded") &&
                    sd_bus_get_property_string(bus, SYSTEMD_DEST, path, UNIT_IFACE, "UnitFileState", &err,
                                               &s->unit_file_state) < 0)
                        s->unit_file_state = NULL;
                sd_bus_error_free(&err);
                if (s->unit_file_state && !*s->unit_file_state) {
                        free(s->unit_file_state);
                        s->unit_file_state = NULL;
                }
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(reply);
}

int node_services_list(const struct node_context *ctx, const char *const *names, struct node_service_list *list,
                       struct node_error *e) {
        (void)ctx;
        *list = (struct node_service_list){0};
        _cleanup_bus_ sd_bus *bus = NULL;
        int r = open_bus(&bus, e);
        if (r < 0)
                return r;

        _cleanup_message_ sd_bus_message *request = NULL, *reply = NULL, *failed_reply = NULL;
        sd_bus_error err = SD_BUS_ERROR_NULL;
        r = sd_bus_message_new_method_call(bus, &request, SYSTEMD_DEST, SYSTEMD_PATH, MANAGER_IFACE,
                                           "ListUnitsByNames");
        if (r >= 0)
                r = sd_bus_message_open_container(request, 'a', "s");
        for (size_t i = 0; r >= 0 && names && names[i]; i++) {
                char full[256];
                r = node_service_name(names[i], full, sizeof full, e);
                if (r < 0)
                        return r;
                r = sd_bus_message_append(request, "s", full);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(request);
        if (r >= 0)
                r = sd_bus_call(bus, request, 0, &err, &reply);
        if (r >= 0)
                r = append_units(bus, reply, true, list);
        if (r >= 0) {
                sd_bus_error_free(&err);
                r = sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, MANAGER_IFACE, "ListUnitsFiltered", &err,
                                       &failed_reply, "as", 1, "failed");
                if (r >= 0)
                        r = append_units(bus, failed_reply, false, list);
        }
        if (r < 0) {
                char why[512];
                node_error_set(e, r, _("systemd could not list the units: %s."), bus_error_text(&err, r, why, sizeof why));
                sd_bus_error_free(&err);
                node_service_list_free(list);
                return r;
        }
        sd_bus_error_free(&err);
        return 0;
}

struct job_wait {
        const char *job;
        bool done;
        char result[32];
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        (void)ret_error;
        struct job_wait *w = userdata;
        uint32_t id;
        const char *path, *unit, *result;
        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        if (w->job && streq(path, w->job)) {
                snprintf(w->result, sizeof w->result, "%s", result);
                w->done = true;
        }
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int node_service_act(const struct node_context *ctx, const char *name, enum node_service_action action,
                     unsigned timeout_sec, struct node_error *e) {
        (void)ctx;
        static const char *const methods[] = { "StartUnit", "StopUnit", "RestartUnit", "ReloadUnit" };
        const char *verbs[] = { _("start"), _("stop"), _("restart"), _("reload") };
        if ((unsigned)action >= ELEMENTSOF(methods))
                return node_error_set(e, EINVAL, _("Unknown service action."));
        char full[256];
        _cleanup_bus_ sd_bus *bus = NULL;
        int r = open_bus_for_unit(name, full, sizeof full, &bus, e);
        if (r < 0)
                return r;

        sd_bus_error err = SD_BUS_ERROR_NULL;
        /* JobRemoved is only sent to subscribers; the match is in place before
         * the job exists, so its end cannot be missed */
        _cleanup_slot_ sd_bus_slot *slot = NULL;
        struct job_wait wait = {0};
        r = sd_bus_match_signal(bus, &slot, SYSTEMD_DEST, SYSTEMD_PATH, MANAGER_IFACE, "JobRemoved", on_job_removed,
                                &wait);
        if (r >= 0)
                r = sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, MANAGER_IFACE, "Subscribe", &err, NULL, NULL);
        _cleanup_message_ sd_bus_message *reply = NULL;
        if (r >= 0)
                r = sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, MANAGER_IFACE, methods[action], &err, &reply,
                                       "ss", full, "replace");
        if (r < 0) {
                char why[512];
                node_error_set(e, r, _("systemd refused to %s %s: %s."), verbs[action], full,
                               bus_error_text(&err, r, why, sizeof why));
                sd_bus_error_free(&err);
                return r;
        }
        const char *job;
        if ((r = sd_bus_message_read(reply, "o", &job)) < 0)
                return node_error_set(e, r, _("systemd sent an unreadable answer: %s."), strerror(-r));
        _cleanup_free_ char *job_copy = strdup(job);
        if (!job_copy)
                return node_error_set(e, ENOMEM, _("Out of memory."));
        wait.job = job_copy;

        uint64_t deadline = now_usec() + (uint64_t)timeout_sec * 1000000;
        while (!wait.done) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return node_error_set(e, r, _("Lost the connection to systemd while waiting for %s: %s."), full,
                                              strerror(-r));
                if (r > 0)
                        continue;
                uint64_t now = now_usec();
                if (now >= deadline)
                        return node_error_set(e, ETIMEDOUT,
                                              _("%s did not finish its %s within %u seconds; it may still be "
                                                "running: see nodectl services."),
                                              full, verbs[action], timeout_sec);
                sd_bus_wait(bus, deadline - now);
        }
        if (!streq(wait.result, "done"))
                return node_error_set(e, EIO, _("Could not %s %s: systemd reports '%s'; see nodectl logs -u %s."),
                                      verbs[action], full, wait.result, full);
        return 0;
}

int node_service_enable(const struct node_context *ctx, const char *name, bool enable, struct node_error *e) {
        (void)ctx;
        char full[256];
        _cleanup_bus_ sd_bus *bus = NULL;
        int r = open_bus_for_unit(name, full, sizeof full, &bus, e);
        if (r < 0)
                return r;
        sd_bus_error err = SD_BUS_ERROR_NULL;
        _cleanup_message_ sd_bus_message *request = NULL;
        r = sd_bus_message_new_method_call(bus, &request, SYSTEMD_DEST, SYSTEMD_PATH, MANAGER_IFACE,
                                           enable ? "EnableUnitFiles" : "DisableUnitFiles");
        if (r >= 0)
                r = sd_bus_message_append(request, "as", 1, full);
        /* runtime=false: the change outlives a reboot; force=false: a foreign link is not overwritten */
        if (r >= 0)
                r = enable ? sd_bus_message_append(request, "bb", 0, 0) : sd_bus_message_append(request, "b", 0);
        if (r >= 0)
                r = sd_bus_call(bus, request, 0, &err, NULL);
        /* what systemctl does after changing links, so the new state shows at once */
        if (r >= 0)
                r = sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, MANAGER_IFACE, "Reload", &err, NULL, NULL);
        if (r < 0) {
                char why[512];
                node_error_set(e, r, enable ? _("systemd could not enable %s: %s.") : _("systemd could not disable %s: %s."),
                               full, bus_error_text(&err, r, why, sizeof why));
        }
        sd_bus_error_free(&err);
        return r < 0 ? r : 0;
}
