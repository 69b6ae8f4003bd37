/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "network.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Built against the NM of Debian 12: newer libnm deprecations must not break -Werror. */
#define NM_VERSION_MIN_REQUIRED NM_VERSION_1_42
#define NM_VERSION_MAX_ALLOWED NM_VERSION_1_42
#include <NetworkManager.h>

#include "fault.h"
#include "i18n.h"
#include "netvalid.h"
#include "util.h"

#define CHECKPOINT_FILE "network-checkpoint"
/* NM answers D-Bus calls quickly; this only bounds a hung daemon. */
#define CALL_TIMEOUT_MS 30000

struct node_net {
        NMClient *client;
        GMainContext *context;
        /* the checkpoint this handle made: when NM's timer for it runs out */
        gint64 checkpoint_deadline_us;
};

/* ---- waiting for NM ----------------------------------------------------- */

static gboolean set_flag(gpointer data) {
        *(bool *)data = true;
        return G_SOURCE_REMOVE;
}

/* Iterates the main context until done(data) holds or ms pass; libnm's view
 * of NM only changes while the context runs. */
static bool iterate_until(struct node_net *net, bool (*done)(void *), void *data, unsigned ms) {
        bool timed_out = false;
        GSource *timer = g_timeout_source_new(ms);
        g_source_set_callback(timer, set_flag, &timed_out, NULL);
        g_source_attach(timer, net->context);
        while (!done(data) && !timed_out)
                g_main_context_iteration(net->context, TRUE);
        g_source_destroy(timer);
        g_source_unref(timer);
        return done(data);
}

/* One asynchronous libnm call: the callback stores its result here. */
struct call {
        GAsyncResult *result;
        GCancellable *cancellable;
        bool timed_out;
};

static void call_finished(GObject *source, GAsyncResult *result, gpointer data) {
        (void)source;
        struct call *call = data;
        call->result = g_object_ref(result);
}

static bool call_done(void *data) {
        return ((struct call *)data)->result != NULL;
}

static void call_init(struct call *call) {
        *call = (struct call){ .cancellable = g_cancellable_new() };
}

/* Waits for the call's answer; a call NM leaves unanswered is cancelled, and
 * the wait goes on until libnm reports the cancellation, so the callback
 * never fires after *call is gone. */
static void call_wait(struct node_net *net, struct call *call) {
        if (iterate_until(net, call_done, call, CALL_TIMEOUT_MS))
                return;
        call->timed_out = true;
        g_cancellable_cancel(call->cancellable);
        while (!call->result)
                g_main_context_iteration(net->context, TRUE);
}

static void call_clear(struct call *call) {
        g_clear_object(&call->result);
        g_clear_object(&call->cancellable);
}

/* The sentence for a failed call: NM's own message, or that it did not answer. */
static int call_error(const struct call *call, GError *error, const char *what, struct node_error *e) {
        if (call->timed_out)
                return node_error_set(e, ETIMEDOUT, _("%s: NetworkManager did not answer within %d s."), what,
                                      CALL_TIMEOUT_MS / 1000);
        return node_error_set(e, EIO, _("%s: %s."), what, error ? error->message : _("unknown error"));
}

/* ---- connection --------------------------------------------------------- */

int node_net_open(struct node_net **out, struct node_error *e) {
        g_autoptr(GError) error = NULL;
        struct node_net *net = g_new0(struct node_net, 1);
        net->context = g_main_context_ref_thread_default();
        net->client = nm_client_new(NULL, &error);
        if (!net->client || !nm_client_get_nm_running(net->client)) {
                node_net_close(net);
                return node_error_set(e, EHOSTDOWN, _("NetworkManager is not running or cannot be reached (%s)."),
                                      error ? error->message : _("it is not on the system bus"));
        }
        *out = net;
        return 0;
}

void node_net_close(struct node_net *net) {
        if (!net)
                return;
        g_clear_object(&net->client);
        /* lets libnm drop its D-Bus sources from the context */
        while (g_main_context_iteration(net->context, FALSE))
                ;
        g_main_context_unref(net->context);
        g_free(net);
}

/* ---- reading ------------------------------------------------------------ */

static const char *state_word(NMDeviceState state) {
        switch (state) {
        case NM_DEVICE_STATE_UNMANAGED: return "unmanaged";
        case NM_DEVICE_STATE_UNAVAILABLE: return "unavailable";
        case NM_DEVICE_STATE_DISCONNECTED: return "disconnected";
        case NM_DEVICE_STATE_PREPARE:
        case NM_DEVICE_STATE_CONFIG:
        case NM_DEVICE_STATE_NEED_AUTH:
        case NM_DEVICE_STATE_IP_CONFIG:
        case NM_DEVICE_STATE_IP_CHECK:
        case NM_DEVICE_STATE_SECONDARIES: return "connecting";
        case NM_DEVICE_STATE_ACTIVATED: return "connected";
        case NM_DEVICE_STATE_DEACTIVATING: return "disconnecting";
        case NM_DEVICE_STATE_FAILED: return "failed";
        default: return "unknown";
        }
}

static char **strv_end(GPtrArray *a) {
        g_ptr_array_add(a, NULL);
        return (char **)g_ptr_array_free(a, FALSE);
}

static char **addresses_of(NMIPConfig *config) {
        GPtrArray *out = g_ptr_array_new();
        if (config) {
                GPtrArray *addresses = nm_ip_config_get_addresses(config);
                for (guint i = 0; i < addresses->len; i++) {
                        NMIPAddress *a = addresses->pdata[i];
                        g_ptr_array_add(out, g_strdup_printf("%s/%u", nm_ip_address_get_address(a),
                                                             nm_ip_address_get_prefix(a)));
                }
        }
        return strv_end(out);
}

static void add_strings(GPtrArray *out, const char *const *list) {
        for (size_t i = 0; list && list[i]; i++)
                g_ptr_array_add(out, g_strdup(list[i]));
}

static char *dup_or_null(const char *s) {
        return s && *s ? g_strdup(s) : NULL;
}

/* What the active profile asks for, so an edit form can start from it. */
static void read_profile_ip(NMRemoteConnection *profile, struct node_nic *nic) {
        NMSettingIPConfig *s4 = profile ? nm_connection_get_setting_ip4_config(NM_CONNECTION(profile)) : NULL;
        NMSettingIPConfig *s6 = profile ? nm_connection_get_setting_ip6_config(NM_CONNECTION(profile)) : NULL;
        const char *m4 = s4 ? nm_setting_ip_config_get_method(s4) : NULL;
        const char *m6 = s6 ? nm_setting_ip_config_get_method(s6) : NULL;
        nic->ipv4_method = !m4                                                  ? NODE_IP4_KEEP
                           : streq(m4, NM_SETTING_IP4_CONFIG_METHOD_DISABLED) ? NODE_IP4_DISABLED
                           : streq(m4, NM_SETTING_IP4_CONFIG_METHOD_AUTO)     ? NODE_IP4_DHCP
                           : streq(m4, NM_SETTING_IP4_CONFIG_METHOD_MANUAL)   ? NODE_IP4_STATIC
                                                                                : NODE_IP4_KEEP;
        nic->ipv6_method = !m6                                                  ? NODE_IP6_KEEP
                           : streq(m6, NM_SETTING_IP6_CONFIG_METHOD_IGNORE)   ? NODE_IP6_IGNORE
                           : streq(m6, NM_SETTING_IP6_CONFIG_METHOD_AUTO)     ? NODE_IP6_AUTO
                           : streq(m6, NM_SETTING_IP6_CONFIG_METHOD_DHCP)     ? NODE_IP6_DHCP
                           : streq(m6, NM_SETTING_IP6_CONFIG_METHOD_MANUAL)   ? NODE_IP6_STATIC
                                                                                : NODE_IP6_KEEP;
        GPtrArray *dns = g_ptr_array_new();
        NMSettingIPConfig *families[] = { s4, s6 };
        for (size_t f = 0; f < ELEMENTSOF(families); f++)
                for (guint i = 0; families[f] && i < nm_setting_ip_config_get_num_dns(families[f]); i++)
                        g_ptr_array_add(dns, g_strdup(nm_setting_ip_config_get_dns(families[f], (int)i)));
        nic->dns_configured = strv_end(dns);
}

static void read_device(NMDevice *device, struct node_nic *nic) {
        nic->name = g_strdup(nm_device_get_iface(device));
        nic->type = g_strdup(nm_device_get_type_description(device));
        nic->state = g_strdup(state_word(nm_device_get_state(device)));
        nic->carrier = (nm_device_get_interface_flags(device) & NM_DEVICE_INTERFACE_FLAG_CARRIER) != 0;
        if (NM_IS_DEVICE_ETHERNET(device))
                nic->speed_mbps = nm_device_ethernet_get_speed(NM_DEVICE_ETHERNET(device));
        nic->mac = dup_or_null(nm_device_get_hw_address(device));
        nic->driver = dup_or_null(nm_device_get_driver(device));
        nic->mtu = nm_device_get_mtu(device);

        NMIPConfig *ip4 = nm_device_get_ip4_config(device), *ip6 = nm_device_get_ip6_config(device);
        nic->ipv4 = addresses_of(ip4);
        nic->ipv6 = addresses_of(ip6);
        nic->gateway4 = ip4 ? dup_or_null(nm_ip_config_get_gateway(ip4)) : NULL;
        nic->gateway6 = ip6 ? dup_or_null(nm_ip_config_get_gateway(ip6)) : NULL;
        GPtrArray *dns = g_ptr_array_new(), *search = g_ptr_array_new();
        for (NMIPConfig **c = (NMIPConfig *[]){ ip4, ip6, NULL }; *c; c++) {
                add_strings(dns, nm_ip_config_get_nameservers(*c));
                add_strings(search, nm_ip_config_get_searches(*c));
        }
        /* the arrays above stop at the first missing family: take both in turn */
        if (!ip4 && ip6) {
                add_strings(dns, nm_ip_config_get_nameservers(ip6));
                add_strings(search, nm_ip_config_get_searches(ip6));
        }
        nic->dns = strv_end(dns);
        nic->search = strv_end(search);

        NMActiveConnection *active = nm_device_get_active_connection(device);
        nic->connection = active ? dup_or_null(nm_active_connection_get_id(active)) : NULL;
        read_profile_ip(active ? nm_active_connection_get_connection(active) : NULL, nic);

        GPtrArray *ports = g_ptr_array_new();
        const GPtrArray *devices = nm_device_get_ports(device);
        for (guint i = 0; devices && i < devices->len; i++)
                g_ptr_array_add(ports, g_strdup(nm_device_get_iface(devices->pdata[i])));
        nic->ports = strv_end(ports);

        if (NM_IS_DEVICE_VLAN(device)) {
                nic->vlan_id = nm_device_vlan_get_vlan_id(NM_DEVICE_VLAN(device));
                NMDevice *parent = nm_device_vlan_get_parent(NM_DEVICE_VLAN(device));
                nic->vlan_parent = parent ? g_strdup(nm_device_get_iface(parent)) : NULL;
        }
}

static int compare_nics(const void *a, const void *b) {
        return strcmp(((const struct node_nic *)a)->name, ((const struct node_nic *)b)->name);
}

static struct node_nic *find_nic(struct node_net_state *state, const char *name) {
        for (size_t i = 0; name && i < state->n_nics; i++)
                if (streq(state->nics[i].name, name))
                        return &state->nics[i];
        return NULL;
}

const struct node_nic *node_net_find_nic(const struct node_net_state *state, const char *name) {
        return find_nic((struct node_net_state *)state, name);
}

/* Ports learn their controller; everything ovirtmgmt runs on is marked. */
static void link_stack(struct node_net_state *state) {
        for (size_t i = 0; i < state->n_nics; i++)
                for (char **p = state->nics[i].ports; *p; p++) {
                        struct node_nic *port = find_nic(state, *p);
                        if (port && !port->controller)
                                port->controller = g_strdup(state->nics[i].name);
                }
        struct node_nic *bridge = find_nic(state, NODE_NET_ENGINE_BRIDGE);
        state->engine_bridge = bridge != NULL;
        if (!bridge)
                return;
        bridge->engine_managed = true;
        for (bool changed = true; changed;) {
                changed = false;
                for (size_t i = 0; i < state->n_nics; i++) {
                        struct node_nic *nic = &state->nics[i];
                        if (!nic->engine_managed)
                                continue;
                        struct node_nic *below = find_nic(state, nic->vlan_parent);
                        if (below && !below->engine_managed)
                                below->engine_managed = changed = true;
                        for (char **p = nic->ports; *p; p++) {
                                below = find_nic(state, *p);
                                if (below && !below->engine_managed)
                                        below->engine_managed = changed = true;
                        }
                }
        }
}

int node_net_read(struct node_net *net, const struct node_context *ctx, struct node_net_state *state,
                  struct node_error *e) {
        *state = (struct node_net_state){ 0 };
        const GPtrArray *devices = nm_client_get_devices(net->client);
        state->nics = g_new0(struct node_nic, devices->len ? devices->len : 1);
        for (guint i = 0; i < devices->len; i++) {
                NMDevice *device = devices->pdata[i];
                if (nm_device_get_device_type(device) == NM_DEVICE_TYPE_LOOPBACK ||
                    streq(nm_device_get_iface(device), "lo"))
                        continue;
                read_device(device, &state->nics[state->n_nics++]);
        }
        qsort(state->nics, state->n_nics, sizeof *state->nics, compare_nics);
        link_stack(state);

        NMActiveConnection *primary = nm_client_get_primary_connection(net->client);
        const GPtrArray *primary_devices = primary ? nm_active_connection_get_devices(primary) : NULL;
        if (primary_devices && primary_devices->len)
                state->primary = dup_or_null(nm_device_get_ip_iface(primary_devices->pdata[0]));

        g_autofree char *hostname = NULL;
        g_object_get(net->client, NM_CLIENT_HOSTNAME, &hostname, NULL);
        state->hostname = dup_or_null(hostname);
        int r = node_net_get_pending(net, ctx, &state->pending, e);
        if (r < 0) {
                node_net_state_free(state);
                return r;
        }
        return 0;
}

void node_net_state_free(struct node_net_state *state) {
        for (size_t i = 0; i < state->n_nics; i++) {
                struct node_nic *n = &state->nics[i];
                g_free(n->name), g_free(n->type), g_free(n->state), g_free(n->mac), g_free(n->driver);
                g_strfreev(n->ipv4), g_strfreev(n->ipv6), g_strfreev(n->dns), g_strfreev(n->search);
                g_strfreev(n->dns_configured);
                g_free(n->gateway4), g_free(n->gateway6), g_free(n->connection), g_free(n->controller);
                g_strfreev(n->ports), g_free(n->vlan_parent);
        }
        g_free(state->nics);
        g_free(state->hostname);
        g_free(state->primary);
        node_net_pending_free(&state->pending);
        *state = (struct node_net_state){ 0 };
}

/* ---- the pending checkpoint --------------------------------------------- */

static int checkpoint_file(const struct node_context *ctx, char *path, size_t size, struct node_error *e) {
        const char *dir = node_context_run_dir(ctx);
        if (snprintf(path, size, "%s/" CHECKPOINT_FILE, dir) >= (int)size)
                return node_error_set(e, ENAMETOOLONG, _("The path %s is too long."), dir);
        return 0;
}

/* The checkpoint path a previous run left, "" when none. */
static int read_checkpoint_file(const struct node_context *ctx, char *out, size_t size, struct node_error *e) {
        char path[PATH_MAX];
        int r = checkpoint_file(ctx, path, sizeof path, e);
        if (r < 0)
                return r;
        out[0] = '\0';
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return errno == ENOENT ? 0 : node_error_set(e, errno, _("Cannot read %s: %s."), path, strerror(errno));
        if (!fgets(out, (int)size, f))
                out[0] = '\0';
        out[strcspn(out, "\n")] = '\0';
        return 0;
}

static int write_checkpoint_file(const struct node_context *ctx, const char *checkpoint, struct node_error *e) {
        const char *dir = node_context_run_dir(ctx);
        char path[PATH_MAX], tmp[PATH_MAX + 8];
        int r = checkpoint_file(ctx, path, sizeof path, e);
        if (r < 0)
                return r;
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return node_error_set(e, errno, _("Cannot create %s: %s."), dir, strerror(errno));
        snprintf(tmp, sizeof tmp, "%s.new", path);
        _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return node_error_set(e, errno, _("Cannot write %s: %s."), tmp, strerror(errno));
        size_t len = strlen(checkpoint);
        if (write(fd, checkpoint, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || rename(tmp, path) < 0) {
                int err = errno ? errno : EIO;
                unlink(tmp);
                return node_error_set(e, err, _("Cannot write %s: %s."), path, strerror(err));
        }
        return 0;
}

static void remove_checkpoint_file(const struct node_context *ctx) {
        char path[PATH_MAX];
        if (checkpoint_file(ctx, path, sizeof path, NULL) == 0)
                unlink(path);
}

static NMCheckpoint *find_checkpoint(struct node_net *net, const char *path) {
        const GPtrArray *all = nm_client_get_checkpoints(net->client);
        for (guint i = 0; path[0] && i < all->len; i++)
                if (streq(nm_object_get_path(all->pdata[i]), path))
                        return all->pdata[i];
        return NULL;
}

static gint64 boottime_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_BOOTTIME, &ts);
        return (gint64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int node_net_get_pending(struct node_net *net, const struct node_context *ctx, struct node_net_pending *pending,
                         struct node_error *e) {
        *pending = (struct node_net_pending){ 0 };
        char path[256];
        int r = read_checkpoint_file(ctx, path, sizeof path, e);
        if (r < 0)
                return r;
        NMCheckpoint *checkpoint = find_checkpoint(net, path);
        /* none: NM rolled it back, or it was ended elsewhere; the stale file is
         * overwritten by the next change (reading changes nothing) */
        if (!checkpoint)
                return 0;
        pending->active = true;
        pending->checkpoint = g_strdup(path);
        pending->timeout = nm_checkpoint_get_rollback_timeout(checkpoint);
        gint64 left_ms = nm_checkpoint_get_created(checkpoint) + (gint64)pending->timeout * 1000 - boottime_ms();
        pending->seconds_left = left_ms > 0 ? (unsigned)((left_ms + 999) / 1000) : 0;
        return 0;
}

void node_net_pending_free(struct node_net_pending *pending) {
        g_free(pending->checkpoint);
        pending->checkpoint = NULL;
}

static int refuse_if_pending(struct node_net *net, const struct node_context *ctx, struct node_error *e) {
        struct node_net_pending pending;
        int r = node_net_get_pending(net, ctx, &pending, e);
        if (r < 0)
                return r;
        bool busy = pending.active;
        unsigned left = pending.seconds_left;
        node_net_pending_free(&pending);
        if (busy)
                return node_error_set(e, EBUSY,
                                      _("A network change is waiting to be confirmed or reverted (NetworkManager reverts "
                                        "it in %u s)."),
                                      left);
        return 0;
}

/* A checkpoint of every device, which NM rolls back after timeout seconds;
 * profiles and devices made after it are removed by the rollback too. */
static int create_checkpoint(struct node_net *net, const struct node_context *ctx, unsigned timeout,
                             struct node_error *e) {
        struct call call;
        call_init(&call);
        g_autoptr(GPtrArray) all_devices = g_ptr_array_new();
        nm_client_checkpoint_create(net->client, all_devices, timeout,
                                    NM_CHECKPOINT_CREATE_FLAG_DELETE_NEW_CONNECTIONS |
                                            NM_CHECKPOINT_CREATE_FLAG_DISCONNECT_NEW_DEVICES,
                                    call.cancellable, call_finished, &call);
        call_wait(net, &call);
        g_autoptr(GError) error = NULL;
        g_autoptr(NMCheckpoint) checkpoint = nm_client_checkpoint_create_finish(net->client, call.result, &error);
        int r = checkpoint ? 0 : call_error(&call, error, _("NetworkManager cannot start a safe change"), e);
        call_clear(&call);
        if (r < 0)
                return r;
        net->checkpoint_deadline_us = g_get_monotonic_time() + (gint64)timeout * G_USEC_PER_SEC;
        r = write_checkpoint_file(ctx, nm_object_get_path(NM_OBJECT(checkpoint)), e);
        if (r < 0) {
                /* no way to find it again: undo it now */
                call_init(&call);
                nm_client_checkpoint_destroy(net->client, nm_object_get_path(NM_OBJECT(checkpoint)), call.cancellable,
                                             call_finished, &call);
                call_wait(net, &call);
                nm_client_checkpoint_destroy_finish(net->client, call.result, NULL);
                call_clear(&call);
        }
        return r;
}

/* Ends the checkpoint in the run dir: rollback puts the old state back, else
 * the current state stays. */
static int end_checkpoint(struct node_net *net, const struct node_context *ctx, bool rollback, struct node_error *e) {
        char path[256];
        int r = read_checkpoint_file(ctx, path, sizeof path, e);
        if (r < 0)
                return r;
        if (!find_checkpoint(net, path)) {
                remove_checkpoint_file(ctx);
                return node_error_set(e, ENOENT,
                                      _("No network change is waiting for confirmation (NetworkManager may have rolled "
                                        "it back already)."));
        }
        struct call call;
        call_init(&call);
        g_autoptr(GError) error = NULL;
        bool ok;
        if (rollback) {
                nm_client_checkpoint_rollback(net->client, path, call.cancellable, call_finished, &call);
                call_wait(net, &call);
                GHashTable *result = nm_client_checkpoint_rollback_finish(net->client, call.result, &error);
                ok = result != NULL;
                if (result)
                        g_hash_table_unref(result);
        } else {
                nm_client_checkpoint_destroy(net->client, path, call.cancellable, call_finished, &call);
                call_wait(net, &call);
                ok = nm_client_checkpoint_destroy_finish(net->client, call.result, &error);
        }
        r = ok ? 0
               : call_error(&call, error,
                            rollback ? _("Cannot revert the network change") : _("Cannot keep the network change"), e);
        call_clear(&call);
        if (r == 0)
                remove_checkpoint_file(ctx);
        return r;
}

int node_net_confirm(struct node_net *net, const struct node_context *ctx, struct node_error *e) {
        return end_checkpoint(net, ctx, false, e);
}

int node_net_revert(struct node_net *net, const struct node_context *ctx, struct node_error *e) {
        return end_checkpoint(net, ctx, true, e);
}

/* After a failed step: put everything back now rather than in a minute.  The
 * step's sentence stays and says that nothing was changed. */
static int roll_back_after(struct node_net *net, const struct node_context *ctx, int r, struct node_error *e) {
        struct node_error ignored = { 0 };
        if (end_checkpoint(net, ctx, true, &ignored) < 0)
                return node_error_prefix(e, _("(NetworkManager reverts the change when its timeout ends.) "));
        node_error_prefix(e, _("Nothing was changed: "));
        return r;
}

/* ---- profiles ----------------------------------------------------------- */

/* The profile of an interface: the one active on its device, else the first
 * bound to its name.  Not a new reference. */
static NMRemoteConnection *profile_of(struct node_net *net, const char *iface) {
        NMDevice *device = nm_client_get_device_by_iface(net->client, iface);
        NMActiveConnection *active = device ? nm_device_get_active_connection(device) : NULL;
        NMRemoteConnection *remote = active ? nm_active_connection_get_connection(active) : NULL;
        if (remote)
                return remote;
        const GPtrArray *all = nm_client_get_connections(net->client);
        for (guint i = 0; i < all->len; i++) {
                const char *name = nm_connection_get_interface_name(all->pdata[i]);
                if (name && streq(name, iface))
                        return all->pdata[i];
        }
        return NULL;
}

/* What is written and activated: an editable copy of an existing profile
 * (remote) or a new one. */
struct profile {
        NMConnection *edit;
        NMRemoteConnection *remote;   /* a reference; NULL until a new one is added */
        NMActiveConnection *active;   /* after activation */
};

static void profile_clear(struct profile *p) {
        g_clear_object(&p->edit);
        g_clear_object(&p->remote);
        g_clear_object(&p->active);
}

/* A new profile of that type bound to iface, named after it. */
static void profile_new(const char *iface, const char *type, struct profile *p) {
        p->edit = nm_simple_connection_new();
        NMSetting *s = nm_setting_connection_new();
        g_autofree char *uuid = nm_utils_uuid_generate();
        g_object_set(s, NM_SETTING_CONNECTION_ID, iface, NM_SETTING_CONNECTION_UUID, uuid, NM_SETTING_CONNECTION_TYPE,
                     type, NM_SETTING_CONNECTION_INTERFACE_NAME, iface, NM_SETTING_CONNECTION_AUTOCONNECT, TRUE, NULL);
        nm_connection_add_setting(p->edit, s);
        if (streq(type, NM_SETTING_BOND_SETTING_NAME))
                nm_connection_add_setting(p->edit, nm_setting_bond_new());
        else if (streq(type, NM_SETTING_VLAN_SETTING_NAME))
                nm_connection_add_setting(p->edit, nm_setting_vlan_new());
        else if (streq(type, NM_SETTING_BRIDGE_SETTING_NAME))
                nm_connection_add_setting(p->edit, nm_setting_bridge_new());
        else
                nm_connection_add_setting(p->edit, nm_setting_wired_new());
}

/* Opens the profile of iface for editing, or starts a new one of that type. */
static int profile_open(struct node_net *net, const char *iface, const char *type, struct profile *p,
                        struct node_error *e) {
        *p = (struct profile){ 0 };
        NMRemoteConnection *remote = profile_of(net, iface);
        if (remote) {
                const char *have = nm_connection_get_connection_type(NM_CONNECTION(remote));
                /* an Ethernet profile may sit on a veth or other Ethernet-like device */
                if (have && !streq(have, type))
                        return node_error_set(e, EINVAL, _("The profile '%s' of %s is a %s profile, not a %s one."),
                                              nm_connection_get_id(NM_CONNECTION(remote)), iface, have, type);
                p->remote = g_object_ref(remote);
                p->edit = nm_simple_connection_new_clone(NM_CONNECTION(remote));
                return 0;
        }
        profile_new(iface, type, p);
        return 0;
}

static void set_port_of(NMConnection *c, const char *controller, const char *port_type) {
        g_object_set(nm_connection_get_setting_connection(c), NM_SETTING_CONNECTION_MASTER, controller,
                     NM_SETTING_CONNECTION_SLAVE_TYPE, port_type, NULL);
        nm_connection_remove_setting(c, NM_TYPE_SETTING_IP4_CONFIG);
        nm_connection_remove_setting(c, NM_TYPE_SETTING_IP6_CONFIG);
}

/* A profile this change does not make a port stands on its own again. */
static void clear_port(NMConnection *c) {
        if (c)
                g_object_set(nm_connection_get_setting_connection(c), NM_SETTING_CONNECTION_MASTER, NULL,
                             NM_SETTING_CONNECTION_SLAVE_TYPE, NULL, NULL);
}

static NMSettingIPConfig *ip_setting(NMConnection *c, int family, bool *created) {
        NMSettingIPConfig *s = family == AF_INET ? nm_connection_get_setting_ip4_config(c)
                                                 : nm_connection_get_setting_ip6_config(c);
        *created = s == NULL;
        if (!s) {
                s = NM_SETTING_IP_CONFIG(family == AF_INET ? nm_setting_ip4_config_new() : nm_setting_ip6_config_new());
                nm_connection_add_setting(c, NM_SETTING(s));
        }
        return s;
}

static int set_method(NMSettingIPConfig *s, const char *method, const char *const *addresses, const char *gateway,
                      int family, struct node_error *e) {
        g_object_set(s, NM_SETTING_IP_CONFIG_METHOD, method, NM_SETTING_IP_CONFIG_GATEWAY, gateway, NULL);
        nm_setting_ip_config_clear_addresses(s);
        for (size_t i = 0; addresses && addresses[i]; i++) {
                struct node_ip_prefix p;
                int r = node_parse_ip_prefix(addresses[i], family, &p, e);
                if (r < 0)
                        return r;
                char text[INET6_ADDRSTRLEN];
                inet_ntop(family, p.addr, text, sizeof text);
                g_autoptr(GError) error = NULL;
                NMIPAddress *a = nm_ip_address_new(family, text, p.prefix, &error);
                if (!a)
                        return node_error_set(e, EINVAL, _("%s: %s."), addresses[i], error->message);
                nm_setting_ip_config_add_address(s, a);
                nm_ip_address_unref(a);
        }
        return 0;
}

/* Only an interface that carries addresses (not a port, not a VLAN's bond)
 * gets IP settings; KEEP keeps what the profile has, or NM's default. */
static int set_ip(NMConnection *c, const struct node_net_change *ch, struct node_error *e) {
        static const char *const ip4_methods[] = {
                [NODE_IP4_DISABLED] = NM_SETTING_IP4_CONFIG_METHOD_DISABLED,
                [NODE_IP4_DHCP] = NM_SETTING_IP4_CONFIG_METHOD_AUTO,
                [NODE_IP4_STATIC] = NM_SETTING_IP4_CONFIG_METHOD_MANUAL,
        };
        static const char *const ip6_methods[] = {
                [NODE_IP6_IGNORE] = NM_SETTING_IP6_CONFIG_METHOD_IGNORE,
                [NODE_IP6_AUTO] = NM_SETTING_IP6_CONFIG_METHOD_AUTO,
                [NODE_IP6_DHCP] = NM_SETTING_IP6_CONFIG_METHOD_DHCP,
                [NODE_IP6_STATIC] = NM_SETTING_IP6_CONFIG_METHOD_MANUAL,
        };
        bool created4, created6;
        NMSettingIPConfig *s4 = ip_setting(c, AF_INET, &created4), *s6 = ip_setting(c, AF_INET6, &created6);
        int r = 0;
        if (ch->ipv4 != NODE_IP4_KEEP)
                r = set_method(s4, ip4_methods[ch->ipv4], ch->addresses4, ch->gateway4, AF_INET, e);
        else if (created4)
                r = set_method(s4, NM_SETTING_IP4_CONFIG_METHOD_AUTO, NULL, NULL, AF_INET, e);
        if (r < 0)
                return r;
        if (ch->ipv6 != NODE_IP6_KEEP)
                r = set_method(s6, ip6_methods[ch->ipv6], ch->addresses6, ch->gateway6, AF_INET6, e);
        else if (created6)
                r = set_method(s6, NM_SETTING_IP6_CONFIG_METHOD_AUTO, NULL, NULL, AF_INET6, e);
        if (r < 0)
                return r;
        if (ch->dns) {
                nm_setting_ip_config_clear_dns(s4);
                nm_setting_ip_config_clear_dns(s6);
                for (size_t i = 0; ch->dns[i]; i++)
                        nm_setting_ip_config_add_dns(strchr(ch->dns[i], ':') ? s6 : s4, ch->dns[i]);
        }
        /* a family that is off keeps no servers or domains (NM refuses them) */
        for (NMSettingIPConfig **s = (NMSettingIPConfig *[]){ s4, s6, NULL }; *s; s++) {
                const char *m = nm_setting_ip_config_get_method(*s);
                if (streq(m, NM_SETTING_IP4_CONFIG_METHOD_DISABLED) || streq(m, NM_SETTING_IP6_CONFIG_METHOD_IGNORE)) {
                        nm_setting_ip_config_clear_dns(*s);
                        nm_setting_ip_config_clear_dns_searches(*s);
                }
        }
        if (ch->search) {
                nm_setting_ip_config_clear_dns_searches(s4);
                nm_setting_ip_config_clear_dns_searches(s6);
                const char *m4 = nm_setting_ip_config_get_method(s4);
                NMSettingIPConfig *target = streq(m4, NM_SETTING_IP4_CONFIG_METHOD_DISABLED) ? s6 : s4;
                for (size_t i = 0; ch->search[i]; i++)
                        nm_setting_ip_config_add_dns_search(target, ch->search[i]);
        }
        return 0;
}

/* The middle of a stack (a bond under a VLAN) carries no addresses. */
static void set_no_ip(NMConnection *c) {
        bool created;
        g_object_set(ip_setting(c, AF_INET, &created), NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_DISABLED,
                     NULL);
        g_object_set(ip_setting(c, AF_INET6, &created), NM_SETTING_IP_CONFIG_METHOD,
                     NM_SETTING_IP6_CONFIG_METHOD_DISABLED, NULL);
}

static void set_mtu(NMConnection *c, unsigned mtu) {
        if (!mtu)
                return;
        NMSettingWired *wired = nm_connection_get_setting_wired(c);
        if (!wired) {
                wired = NM_SETTING_WIRED(nm_setting_wired_new());
                nm_connection_add_setting(c, NM_SETTING(wired));
        }
        g_object_set(wired, NM_SETTING_WIRED_MTU, mtu, NULL);
}

/* Writes one profile to NM (to disk): an update of the existing one or a new one. */
static int profile_commit(struct node_net *net, struct profile *p, struct node_error *e) {
        g_autoptr(GError) error = NULL;
        const char *id = nm_connection_get_id(p->edit);
        if (!nm_connection_normalize(p->edit, NULL, NULL, &error))
                return node_error_set(e, EINVAL, _("The profile '%s' would be invalid: %s."), id, error->message);
        GVariant *settings = nm_connection_to_dbus(p->edit, NM_CONNECTION_SERIALIZE_ALL);
        struct call call;
        call_init(&call);
        bool ok;
        if (p->remote) {
                nm_remote_connection_update2(p->remote, settings, NM_SETTINGS_UPDATE2_FLAG_TO_DISK, NULL, call.cancellable,
                                             call_finished, &call);
                call_wait(net, &call);
                GVariant *result = nm_remote_connection_update2_finish(p->remote, call.result, &error);
                ok = result != NULL;
                if (result)
                        g_variant_unref(result);
        } else {
                nm_client_add_connection2(net->client, settings, NM_SETTINGS_ADD_CONNECTION2_FLAG_TO_DISK, NULL, TRUE,
                                          call.cancellable, call_finished, &call);
                call_wait(net, &call);
                p->remote = nm_client_add_connection2_finish(net->client, call.result, NULL, &error);
                ok = p->remote != NULL;
        }
        g_autofree char *what = g_strdup_printf(_("NetworkManager refused the profile '%s'"), id);
        int r = ok ? 0 : call_error(&call, error, what, e);
        call_clear(&call);
        return r;
}

static int profile_activate(struct node_net *net, struct profile *p, struct node_error *e) {
        struct call call;
        call_init(&call);
        nm_client_activate_connection_async(net->client, NM_CONNECTION(p->remote), NULL, NULL, call.cancellable,
                                            call_finished, &call);
        call_wait(net, &call);
        g_autoptr(GError) error = NULL;
        p->active = nm_client_activate_connection_finish(net->client, call.result, &error);
        g_autofree char *what =
                g_strdup_printf(_("NetworkManager cannot activate '%s'"), nm_connection_get_id(NM_CONNECTION(p->remote)));
        int r = p->active ? 0 : call_error(&call, error, what, e);
        call_clear(&call);
        return r;
}

struct activation {
        struct profile **profiles;
        size_t n;
};

static bool activation_settled(void *data) {
        const struct activation *a = data;
        for (size_t i = 0; i < a->n; i++) {
                NMActiveConnection *ac = a->profiles[i]->active;
                if (!ac)
                        continue;
                NMActiveConnectionState s = nm_active_connection_get_state(ac);
                if (s >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATING)
                        return true;
                if (s != NM_ACTIVE_CONNECTION_STATE_ACTIVATED)
                        return false;
        }
        return true;
}

static const char *reason_text(NMActiveConnectionStateReason reason) {
        switch (reason) {
        case NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_DISCONNECTED: return _("the device disconnected");
        case NM_ACTIVE_CONNECTION_STATE_REASON_IP_CONFIG_INVALID: return _("its IP configuration is not usable");
        case NM_ACTIVE_CONNECTION_STATE_REASON_CONNECT_TIMEOUT: return _("it timed out");
        case NM_ACTIVE_CONNECTION_STATE_REASON_DEPENDENCY_FAILED: return _("what it depends on failed");
        case NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_REMOVED: return _("the device was removed");
        case NM_ACTIVE_CONNECTION_STATE_REASON_CONNECTION_REMOVED: return _("the profile was removed");
        default: return _("NetworkManager gave up on it");
        }
}

/* Writes the profiles, activates them in this order and waits for them; top
 * is the one that carries the addresses.  Any failure rolls back at once. */
static int commit_and_activate(struct node_net *net, const struct node_context *ctx, struct profile **profiles,
                               size_t n, const struct profile *top, unsigned wait_seconds,
                               struct node_net_applied *applied, struct node_error *e) {
        int r;
        for (size_t i = 0; i < n; i++)
                if ((r = profile_commit(net, profiles[i], e)) < 0)
                        return roll_back_after(net, ctx, r, e);
        node_fault_point(ctx, "network.committed");
        for (size_t i = 0; i < n; i++)
                if ((r = profile_activate(net, profiles[i], e)) < 0)
                        return roll_back_after(net, ctx, r, e);
        struct activation a = { profiles, n };
        iterate_until(net, activation_settled, &a, (wait_seconds ? wait_seconds : NODE_NET_WAIT_DEFAULT) * 1000);
        char checkpoint[256];
        /* NM's rollback deactivates the new profiles before it drops the
         * checkpoint: a profile that went down after the deadline went down
         * because of the rollback, not by itself */
        bool deadline_passed = net->checkpoint_deadline_us && g_get_monotonic_time() >= net->checkpoint_deadline_us;
        if (deadline_passed ||
            (read_checkpoint_file(ctx, checkpoint, sizeof checkpoint, e) == 0 && !find_checkpoint(net, checkpoint)))
                return node_error_set(e, ETIMEDOUT,
                                      _("The confirmation timeout (%u s) ended before %s came up: NetworkManager put the "
                                        "old settings back."),
                                      applied->timeout, nm_connection_get_interface_name(top->edit));
        for (size_t i = 0; i < n; i++) {
                NMActiveConnection *ac = profiles[i]->active;
                if (ac && nm_active_connection_get_state(ac) >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATING) {
                        node_error_set(e, EIO, _("'%s' did not come up: %s."), nm_active_connection_get_id(ac),
                                       reason_text(nm_active_connection_get_state_reason(ac)));
                        return roll_back_after(net, ctx, -EIO, e);
                }
        }
        snprintf(applied->top, sizeof applied->top, "%s", nm_connection_get_interface_name(top->edit));
        applied->activated = top->active && nm_active_connection_get_state(top->active) == NM_ACTIVE_CONNECTION_STATE_ACTIVATED;
        return 0;
}

/* The engine reaches the node over ovirtmgmt: changing what it runs on needs
 * the admin's explicit word. */
static int check_engine(const struct node_net_state *state, const char *const *names, bool override,
                        struct node_error *e) {
        if (override)
                return 0;
        for (size_t i = 0; names[i]; i++) {
                const struct node_nic *nic = node_net_find_nic(state, names[i]);
                if (streq(names[i], NODE_NET_ENGINE_BRIDGE))
                        return node_error_set(e, EPERM,
                                              _("ovirtmgmt is the engine's management network, which vdsm owns: changing it "
                                                "here can cut the engine off this node."));
                if (nic && nic->engine_managed)
                        return node_error_set(e, EPERM,
                                              _("%s carries ovirtmgmt, the engine's management network: changing it here "
                                                "can cut the engine off this node."),
                                              names[i]);
        }
        return 0;
}

static unsigned timeout_or_default(unsigned t) {
        return t ? t : NODE_NET_ROLLBACK_DEFAULT;
}

int node_net_apply(struct node_net *net, const struct node_context *ctx, const struct node_net_change *c,
                   struct node_net_applied *applied, struct node_error *e) {
        *applied = (struct node_net_applied){ .timeout = timeout_or_default(c->rollback_timeout) };
        int r = node_net_check_change(c, e);
        if (r < 0)
                return r;
        struct node_net_state state;
        if ((r = node_net_read(net, ctx, &state, e)) < 0)
                return r;
        bool bond = c->bond_ports != NULL;
        char vlan_name[32] = "";
        if (c->vlan)
                node_net_vlan_name(c->iface, c->vlan, vlan_name, sizeof vlan_name, NULL);
        const char *touched[] = { c->iface, c->vlan ? vlan_name : c->iface, c->bridge ? c->bridge : c->iface, NULL };
        if (!bond && !node_net_find_nic(&state, c->iface))
                r = node_error_set(e, ENODEV, _("There is no network interface %s."), c->iface);
        for (size_t i = 0; r == 0 && bond && c->bond_ports[i]; i++)
                if (!node_net_find_nic(&state, c->bond_ports[i]))
                        r = node_error_set(e, ENODEV, _("There is no network interface %s to make a bond port."),
                                           c->bond_ports[i]);
        if (r == 0)
                r = check_engine(&state, touched, c->engine_override, e);
        if (r == 0 && bond)
                r = check_engine(&state, c->bond_ports, c->engine_override, e);
        node_net_state_free(&state);
        if (r < 0 || (r = refuse_if_pending(net, ctx, e)) < 0)
                return r;

        /* the stack, bottom to top: bond ports, base (the NIC or the bond), VLAN, bridge */
        size_t n_ports = c->bond_ports ? g_strv_length((gchar **)c->bond_ports) : 0;
        g_autofree struct profile *ports = g_new0(struct profile, n_ports ? n_ports : 1);
        struct profile base = { 0 }, vlan = { 0 }, bridge = { 0 };
        g_autofree struct profile **order = NULL;
        /* a plain NIC under a new VLAN keeps its own profile untouched */
        bool with_base = bond || !c->vlan;
        struct profile *top = c->bridge ? &bridge : c->vlan ? &vlan : &base;

        if (with_base)
                r = profile_open(net, c->iface, bond ? NM_SETTING_BOND_SETTING_NAME : NM_SETTING_WIRED_SETTING_NAME,
                                 &base, e);
        for (size_t i = 0; r == 0 && i < n_ports; i++)
                r = profile_open(net, c->bond_ports[i], NM_SETTING_WIRED_SETTING_NAME, &ports[i], e);
        if (r == 0 && c->vlan)
                r = profile_open(net, vlan_name, NM_SETTING_VLAN_SETTING_NAME, &vlan, e);
        if (r == 0 && c->bridge)
                r = profile_open(net, c->bridge, NM_SETTING_BRIDGE_SETTING_NAME, &bridge, e);
        if (r < 0)
                goto out;

        clear_port(base.edit), clear_port(vlan.edit), clear_port(bridge.edit);
        for (size_t i = 0; i < n_ports; i++) {
                set_port_of(ports[i].edit, c->iface, NM_SETTING_BOND_SETTING_NAME);
                set_mtu(ports[i].edit, c->mtu);
        }
        if (bond) {
                NMSettingBond *s = nm_connection_get_setting_bond(base.edit);
                const char *mode = nm_setting_bond_get_option_by_name(s, NM_SETTING_BOND_OPTION_MODE);
                g_autofree char *miimon = c->miimon ? g_strdup_printf("%u", c->miimon) : NULL;
                g_autofree char *new_mode = g_strdup(c->bond_mode ? c->bond_mode : mode ? mode : "active-backup");
                nm_setting_bond_add_option(s, NM_SETTING_BOND_OPTION_MODE, new_mode);
                if (miimon || !nm_setting_bond_get_option_by_name(s, NM_SETTING_BOND_OPTION_MIIMON))
                        nm_setting_bond_add_option(s, NM_SETTING_BOND_OPTION_MIIMON, miimon ? miimon : "100");
                g_object_set(nm_connection_get_setting_connection(base.edit), NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES,
                             NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_YES, NULL);
                if (c->vlan)
                        set_no_ip(base.edit);
        }
        if (with_base)
                set_mtu(base.edit, c->mtu);
        if (c->vlan) {
                g_object_set(nm_connection_get_setting_vlan(vlan.edit), NM_SETTING_VLAN_PARENT, c->iface,
                             NM_SETTING_VLAN_ID, c->vlan, NULL);
                set_mtu(vlan.edit, c->mtu);
        }
        if (c->bridge) {
                g_object_set(nm_connection_get_setting_bridge(bridge.edit), NM_SETTING_BRIDGE_STP, (gboolean)c->bridge_stp,
                             NULL);
                g_object_set(nm_connection_get_setting_connection(bridge.edit), NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES,
                             NM_SETTING_CONNECTION_AUTOCONNECT_SLAVES_YES, NULL);
                set_mtu(bridge.edit, c->mtu);
                set_port_of(c->vlan ? vlan.edit : base.edit, c->bridge, NM_SETTING_BRIDGE_SETTING_NAME);
        }
        if ((r = set_ip(top->edit, c, e)) < 0)
                goto out;

        /* activation order: controllers first (bridge, bond), then what plugs into them */
        size_t used = 0;
        order = g_new0(struct profile *, n_ports + 3);
        if (c->bridge)
                order[used++] = &bridge;
        if (bond)
                order[used++] = &base;
        for (size_t i = 0; i < n_ports; i++)
                order[used++] = &ports[i];
        if (with_base && !bond)
                order[used++] = &base;
        if (c->vlan)
                order[used++] = &vlan;
        if ((r = create_checkpoint(net, ctx, applied->timeout, e)) == 0) {
                node_fault_point(ctx, "network.checkpoint");
                r = commit_and_activate(net, ctx, order, used, top, c->wait_seconds, applied, e);
        }
        if (r == 0)
                node_fault_point(ctx, "network.activated");
out:
        for (size_t i = 0; i < n_ports; i++)
                profile_clear(&ports[i]);
        profile_clear(&base), profile_clear(&vlan), profile_clear(&bridge);
        return r;
}

/* ---- emergency reset ---------------------------------------------------- */

static bool names_profile(NMConnection *c, const char *ref) {
        if (!ref)
                return false;
        const char *name = nm_connection_get_interface_name(c), *uuid = nm_connection_get_uuid(c);
        return (name && streq(name, ref)) || (uuid && streq(uuid, ref));
}

/* Is c tied to iface or to a profile in the set: a VLAN on iface (which may
 * have no profile of its own), a port of a profile, its controller, or a
 * VLAN on it? */
static bool tied_to(NMConnection *c, const char *iface, GPtrArray *set) {
        NMSettingConnection *sc = nm_connection_get_setting_connection(c);
        const char *controller = sc ? nm_setting_connection_get_master(sc) : NULL;
        NMSettingVlan *vlan = nm_connection_get_setting_vlan(c);
        const char *parent = vlan ? nm_setting_vlan_get_parent(vlan) : NULL;
        if (parent && streq(parent, iface))
                return true;
        for (guint i = 0; i < set->len; i++) {
                NMConnection *member = set->pdata[i];
                if (names_profile(member, controller) || names_profile(member, parent))
                        return true;
                NMSettingConnection *ms = nm_connection_get_setting_connection(member);
                if (ms && names_profile(c, nm_setting_connection_get_master(ms)))
                        return true;
        }
        return false;
}

/* Every profile of iface and every profile stacked on it or beside it in a
 * bond or bridge. */
static GPtrArray *stack_of(struct node_net *net, const char *iface) {
        const GPtrArray *all = nm_client_get_connections(net->client);
        GPtrArray *set = g_ptr_array_new();
        NMRemoteConnection *active = profile_of(net, iface);
        if (active)
                g_ptr_array_add(set, active);
        for (guint i = 0; i < all->len; i++) {
                const char *name = nm_connection_get_interface_name(all->pdata[i]);
                if (name && streq(name, iface) && all->pdata[i] != (gpointer)active)
                        g_ptr_array_add(set, all->pdata[i]);
        }
        for (bool grown = true; grown;) {
                grown = false;
                for (guint i = 0; i < all->len; i++)
                        if (!g_ptr_array_find(set, all->pdata[i], NULL) && tied_to(all->pdata[i], iface, set)) {
                                g_ptr_array_add(set, all->pdata[i]);
                                grown = true;
                        }
        }
        return set;
}

static int delete_profile(struct node_net *net, NMRemoteConnection *remote, struct node_error *e) {
        struct call call;
        call_init(&call);
        nm_remote_connection_delete_async(remote, call.cancellable, call_finished, &call);
        call_wait(net, &call);
        g_autoptr(GError) error = NULL;
        bool ok = nm_remote_connection_delete_finish(remote, call.result, &error);
        g_autofree char *what =
                g_strdup_printf(_("NetworkManager cannot remove '%s'"), nm_connection_get_id(NM_CONNECTION(remote)));
        int r = ok ? 0 : call_error(&call, error, what, e);
        call_clear(&call);
        return r;
}

int node_net_reset(struct node_net *net, const struct node_context *ctx, const char *iface, const char *address,
                   const char *gateway, unsigned rollback_timeout, unsigned wait_seconds,
                   struct node_net_applied *applied, struct node_error *e) {
        const char *addresses[] = { address, NULL };
        struct node_net_change c = {
                .iface = iface,
                .ipv4 = address ? NODE_IP4_STATIC : NODE_IP4_DHCP,
                .addresses4 = address ? addresses : NULL,
                .gateway4 = gateway,
                .ipv6 = NODE_IP6_AUTO,
                .rollback_timeout = rollback_timeout,
        };
        *applied = (struct node_net_applied){ .timeout = timeout_or_default(rollback_timeout) };
        int r = node_net_check_change(&c, e);
        if (r < 0)
                return r;
        NMDevice *device = nm_client_get_device_by_iface(net->client, iface);
        if (!device)
                return node_error_set(e, ENODEV, _("There is no network interface %s."), iface);
        if (NM_IS_DEVICE_BOND(device) || NM_IS_DEVICE_BRIDGE(device) || NM_IS_DEVICE_VLAN(device) ||
            NM_IS_DEVICE_TEAM(device))
                return node_error_set(e, EINVAL, _("%s is a %s, not a network card: reset the card under it instead."),
                                      iface, nm_device_get_type_description(device));
        if ((r = refuse_if_pending(net, ctx, e)) < 0)
                return r;

        g_autoptr(GPtrArray) stack = stack_of(net, iface);
        /* the keeper: the NIC's own Ethernet profile, turned back into a plain one */
        NMRemoteConnection *keeper = NULL;
        for (guint i = 0; i < stack->len && !keeper; i++) {
                NMConnection *candidate = stack->pdata[i];
                const char *name = nm_connection_get_interface_name(candidate);
                if (name && streq(name, iface) && nm_connection_is_type(candidate, NM_SETTING_WIRED_SETTING_NAME))
                        keeper = stack->pdata[i];
        }
        struct profile plain = { 0 };
        if (keeper) {
                plain.remote = g_object_ref(keeper);
                plain.edit = nm_simple_connection_new_clone(NM_CONNECTION(keeper));
                g_object_set(nm_connection_get_setting_connection(plain.edit), NM_SETTING_CONNECTION_MASTER, NULL,
                             NM_SETTING_CONNECTION_SLAVE_TYPE, NULL, NM_SETTING_CONNECTION_AUTOCONNECT, TRUE, NULL);
        } else {
                profile_new(iface, NM_SETTING_WIRED_SETTING_NAME, &plain);
        }
        nm_connection_remove_setting(plain.edit, NM_TYPE_SETTING_IP4_CONFIG);
        nm_connection_remove_setting(plain.edit, NM_TYPE_SETTING_IP6_CONFIG);
        if ((r = set_ip(plain.edit, &c, e)) < 0)
                goto out;
        if ((r = create_checkpoint(net, ctx, applied->timeout, e)) < 0)
                goto out;
        for (guint i = 0; i < stack->len; i++)
                if (stack->pdata[i] != (gpointer)keeper && (r = delete_profile(net, stack->pdata[i], e)) < 0) {
                        r = roll_back_after(net, ctx, r, e);
                        goto out;
                }
        struct profile *order[] = { &plain };
        r = commit_and_activate(net, ctx, order, 1, &plain, wait_seconds, applied, e);
out:
        profile_clear(&plain);
        return r;
}

/* ---- host name ---------------------------------------------------------- */

int node_net_set_hostname(struct node_net *net, const char *hostname, struct node_error *e) {
        int r = node_check_hostname(hostname, e);
        if (r < 0)
                return r;
        struct call call;
        call_init(&call);
        nm_client_save_hostname_async(net->client, hostname, call.cancellable, call_finished, &call);
        call_wait(net, &call);
        g_autoptr(GError) error = NULL;
        bool ok = nm_client_save_hostname_finish(net->client, call.result, &error);
        r = ok ? 0 : call_error(&call, error, _("NetworkManager cannot set the host name"), e);
        call_clear(&call);
        return r;
}
