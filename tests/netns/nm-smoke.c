/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Smoke test of the netns tier: NetworkManager answers libnm on the private
 * bus (DBUS_SYSTEM_BUS_ADDRESS), manages veth-n and leaves veth-p alone, and a
 * static IPv4 profile activates on veth-n.  Prints TAP; exit 1 if any failed. */
#include <NetworkManager.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MANAGED_IFACE "veth-n"
#define UNMANAGED_IFACE "veth-p"
#define WAIT_SECONDS 15

static int failures;
static int tests;

static void report(bool passed, const char *name, const char *why)
{
        tests++;
        if (passed) {
                printf("ok - netns: %s\n", name);
                return;
        }
        failures++;
        printf("not ok - netns: %s\n", name);
        if (why)
                printf("# %s\n", why);
}

/* Runs the default main context until done() holds or the time is up, so
 * libnm's view follows NM's D-Bus signals. */
static bool wait_until(bool (*done)(gpointer), gpointer data)
{
        gint64 deadline = g_get_monotonic_time() + WAIT_SECONDS * G_USEC_PER_SEC;

        while (!done(data)) {
                if (g_get_monotonic_time() > deadline)
                        return false;
                g_main_context_iteration(NULL, FALSE);
                g_usleep(20 * 1000);
        }
        return true;
}

static bool device_is_managed(gpointer data)
{
        NMDevice *device = data;
        return nm_device_get_state(device) > NM_DEVICE_STATE_UNMANAGED;
}

static bool device_is_activated(gpointer data)
{
        NMDevice *device = data;
        return nm_device_get_state(device) == NM_DEVICE_STATE_ACTIVATED;
}

struct pending {
        bool finished;
        NMActiveConnection *active;
        GError *error;
};

static void activation_finished(GObject *client, GAsyncResult *result, gpointer data)
{
        struct pending *pending = data;

        pending->active = nm_client_add_and_activate_connection_finish(NM_CLIENT(client), result,
                                                                        &pending->error);
        pending->finished = true;
}

static bool pending_finished(gpointer data)
{
        const struct pending *pending = data;
        return pending->finished;
}

static NMConnection *static_profile(void)
{
        NMConnection *connection = nm_simple_connection_new();
        NMSetting *setting = nm_setting_connection_new();
        g_autofree char *uuid = nm_utils_uuid_generate();

        g_object_set(setting, NM_SETTING_CONNECTION_ID, "nodecon-smoke", NM_SETTING_CONNECTION_UUID, uuid,
                     NM_SETTING_CONNECTION_TYPE, NM_SETTING_WIRED_SETTING_NAME,
                     NM_SETTING_CONNECTION_INTERFACE_NAME, MANAGED_IFACE, NULL);
        nm_connection_add_setting(connection, setting);
        nm_connection_add_setting(connection, nm_setting_wired_new());

        setting = nm_setting_ip4_config_new();
        NMIPAddress *address = nm_ip_address_new(AF_INET, "192.0.2.2", 24, NULL);
        g_object_set(setting, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_MANUAL, NULL);
        nm_setting_ip_config_add_address(NM_SETTING_IP_CONFIG(setting), address);
        nm_ip_address_unref(address);
        nm_connection_add_setting(connection, setting);

        setting = nm_setting_ip6_config_new();
        g_object_set(setting, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP6_CONFIG_METHOD_DISABLED, NULL);
        nm_connection_add_setting(connection, setting);
        return connection;
}

static bool device_has_address(NMDevice *device, const char *wanted)
{
        NMIPConfig *config = nm_device_get_ip4_config(device);
        if (!config)
                return false;
        GPtrArray *addresses = nm_ip_config_get_addresses(config);
        for (guint i = 0; i < addresses->len; i++)
                if (strcmp(nm_ip_address_get_address(addresses->pdata[i]), wanted) == 0)
                        return true;
        return false;
}

int main(void)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(NMClient) client = nm_client_new(NULL, &error);

        report(client != NULL, "libnm connects to NetworkManager on the private bus",
               error ? error->message : NULL);
        if (!client) {
                printf("1..%d\n", tests);
                return 1;
        }
        report(nm_client_get_nm_running(client), "NetworkManager is running", NULL);
        const char *version = nm_client_get_version(client);
        report(version && *version, "NetworkManager tells its version", NULL);
        if (version)
                printf("# NetworkManager %s\n", version);

        NMDevice *managed = nm_client_get_device_by_iface(client, MANAGED_IFACE);
        NMDevice *unmanaged = nm_client_get_device_by_iface(client, UNMANAGED_IFACE);
        report(managed != NULL, "NetworkManager lists " MANAGED_IFACE, NULL);
        report(unmanaged != NULL, "NetworkManager lists " UNMANAGED_IFACE, NULL);
        if (managed)
                report(wait_until(device_is_managed, managed), MANAGED_IFACE " is managed",
                       "it stayed unmanaged");
        if (unmanaged)
                report(nm_device_get_state(unmanaged) == NM_DEVICE_STATE_UNMANAGED,
                       UNMANAGED_IFACE " is left unmanaged as configured", NULL);

        if (managed) {
                g_autoptr(NMConnection) profile = static_profile();
                struct pending pending = { 0 };

                nm_client_add_and_activate_connection_async(client, profile, managed, NULL, NULL,
                                                            activation_finished, &pending);
                bool finished = wait_until(pending_finished, &pending);
                report(finished && pending.active, "a static IPv4 profile is added and activated",
                       pending.error ? pending.error->message : "no answer from NetworkManager");
                report(wait_until(device_is_activated, managed), MANAGED_IFACE " reaches ACTIVATED", NULL);
                report(device_has_address(managed, "192.0.2.2"), MANAGED_IFACE " has 192.0.2.2", NULL);
                g_clear_object(&pending.active);
                g_clear_error(&pending.error);
        }

        printf("1..%d\n", tests);
        return failures ? 1 : 0;
}
