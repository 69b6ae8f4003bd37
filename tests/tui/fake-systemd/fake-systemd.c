/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Just enough of systemd's manager on a private bus for the services screen
 * on a host without systemd (tests/tui/cases/services-states.vt): the node's
 * units in states whose words are long ("auto-restart", "stop-sigterm"),
 * one failed unit with a long name, each with a state change time and an
 * enablement.  Connects to DBUS_SYSTEM_BUS_ADDRESS, takes
 * org.freedesktop.systemd1, prints "ready" and serves until killed. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#define MANAGER_PATH "/org/freedesktop/systemd1"
#define UNIT_PREFIX "/org/freedesktop/systemd1/unit/"

struct fake_unit {
        const char *name, *description, *load, *active, *sub, *file_state;
};

static const struct fake_unit units[] = {
        { "vdsmd.service", "Virtual Desktop Server Manager", "loaded", "activating", "auto-restart", "enabled" },
        { "supervdsmd.service", "Auxiliary vdsm service", "loaded", "deactivating", "stop-sigterm", "static" },
        { "libvirtd.service", "Virtualization daemon", "loaded", "active", "running", "enabled" },
        { "sshd.service", "sshd.service", "not-found", "inactive", "dead", "" },
        { "NetworkManager.service", "Network Manager", "loaded", "active", "running", "enabled" },
        { "chronyd.service", "NTP client/server", "loaded", "active", "running", "enabled" },
        { "cockpit.socket", "Cockpit Web Service Socket", "loaded", "active", "listening", "enabled" },
        { "ovirt-vmconsole-host-sshd.service", "oVirt VM console SSH server", "loaded", "failed", "failed",
          "disabled" },
};
#define N_UNITS (sizeof units / sizeof units[0])
/* 2026-11-23 10:00:00 UTC */
#define SINCE_USEC 1795428000000000ULL

static int unit_path(const struct fake_unit *u, char *buf, size_t size) {
        size_t i = (size_t)(u - units);
        return snprintf(buf, size, UNIT_PREFIX "u%zu", i) < (int)size ? 0 : -1;
}

static int append_unit(sd_bus_message *reply, const struct fake_unit *u) {
        char path[128];
        unit_path(u, path, sizeof path);
        return sd_bus_message_append(reply, "(ssssssouso)", u->name, u->description, u->load, u->active, u->sub, "",
                                     path, 0u, "", "/");
}

/* ListUnitsByNames(as) and ListUnitsFiltered(as states). */
static int list_units(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        (void)userdata, (void)ret_error;
        bool by_names = strcmp(sd_bus_message_get_member(m), "ListUnitsByNames") == 0;
        char **args = NULL;
        int r = sd_bus_message_read_strv(m, &args);
        if (r < 0)
                return r;
        sd_bus_message *reply = NULL;
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssssssouso)");
        for (size_t a = 0; r >= 0 && args && args[a]; a++)
                for (size_t i = 0; r >= 0 && i < N_UNITS; i++)
                        if (strcmp(by_names ? units[i].name : units[i].active, args[a]) == 0)
                                r = append_unit(reply, &units[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        for (size_t a = 0; args && args[a]; a++)
                free(args[a]);
        free(args);
        return r < 0 ? r : 1;
}

static const struct fake_unit *unit_of(const char *path) {
        unsigned long i;
        if (strncmp(path, UNIT_PREFIX "u", strlen(UNIT_PREFIX) + 1) != 0 ||
            sscanf(path + strlen(UNIT_PREFIX) + 1, "%lu", &i) != 1 || i >= N_UNITS)
                return NULL;
        return &units[i];
}

static int find_unit(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                     sd_bus_error *ret_error) {
        (void)bus, (void)interface, (void)userdata, (void)ret_error;
        const struct fake_unit *u = unit_of(path);
        *found = (void *)u;
        return u != NULL;
}

static int get_since(sd_bus *bus, const char *path, const char *interface, const char *property,
                     sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        (void)bus, (void)path, (void)interface, (void)property, (void)userdata, (void)ret_error;
        return sd_bus_message_append(reply, "t", (uint64_t)SINCE_USEC);
}

static int get_file_state(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        (void)bus, (void)path, (void)interface, (void)property, (void)ret_error;
        const struct fake_unit *u = userdata;
        return sd_bus_message_append(reply, "s", u->file_state);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("ListUnitsByNames", "as", "a(ssssssouso)", list_units, 0),
        SD_BUS_METHOD("ListUnitsFiltered", "as", "a(ssssssouso)", list_units, 0),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable unit_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("StateChangeTimestamp", "t", get_since, 0, 0),
        SD_BUS_PROPERTY("UnitFileState", "s", get_file_state, 0, 0),
        SD_BUS_VTABLE_END,
};

int main(void) {
        sd_bus *bus = NULL;
        int r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, NULL, MANAGER_PATH, "org.freedesktop.systemd1.Manager",
                                             manager_vtable, NULL);
        if (r >= 0)
                r = sd_bus_add_fallback_vtable(bus, NULL, "/org/freedesktop/systemd1/unit",
                                               "org.freedesktop.systemd1.Unit", unit_vtable, find_unit, NULL);
        if (r >= 0)
                r = sd_bus_request_name(bus, "org.freedesktop.systemd1", 0);
        if (r < 0) {
                fprintf(stderr, "fake-systemd: %s\n", strerror(-r));
                return 1;
        }
        printf("ready\n");
        fflush(stdout);
        for (;;) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return 1;
                if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
                        return 1;
        }
}
