/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netdiag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "i18n.h"
#include "network.h"
#include "tcp.h"
#include "util.h"

#define PING_TRIES 3
#define PING_WAIT_MS 1000
#define CONNECT_WAIT_MS 5000
#define TLS_WAIT_SECONDS 10

static struct node_diag_step *step(struct node_diag *d, const char *name) {
        struct node_diag_step *s = &d->steps[d->n++];
        s->name = name;
        s->result = NODE_DIAG_SKIPPED;
        return s;
}

__attribute__((format(printf, 3, 4))) static void say(struct node_diag_step *s, enum node_diag_result result,
                                                      const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->detail, sizeof s->detail, fmt, ap);
        va_end(ap);
        s->result = result;
}

static long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static uint16_t icmp_checksum(const void *data, size_t len) {
        const uint8_t *p = data;
        uint32_t sum = 0;
        for (size_t i = 0; i + 1 < len; i += 2)
                sum += (uint32_t)(p[i] << 8 | p[i + 1]);
        if (len & 1)
                sum += (uint32_t)(p[len - 1] << 8);
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return htons((uint16_t)~sum);
}

/* Is this datagram the echo reply to our request?  A raw IPv4 socket hands
 * over the IP header too; a datagram ("ping") socket only the ICMP part, with
 * the identifier the kernel chose. */
static bool is_our_reply(const uint8_t *buf, ssize_t n, int family, bool raw, uint16_t id, uint16_t seq) {
        if (family == AF_INET && raw) {
                if (n < (ssize_t)sizeof(struct ip))
                        return false;
                size_t header = (size_t)(buf[0] & 0x0f) * 4;
                buf += header;
                n -= (ssize_t)header;
        }
        if (n < 8)
                return false;
        uint8_t want_type = family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY;
        uint16_t got_id, got_seq;
        memcpy(&got_id, buf + 4, 2);
        memcpy(&got_seq, buf + 6, 2);
        return buf[0] == want_type && (!raw || got_id == htons(id)) && got_seq == htons(seq);
}

/* One ICMP echo round trip to address (on iface for a link-local IPv6 one):
 * 0 and the round trip time, -ETIMEDOUT, or the socket's -errno. */
static int ping(const char *address, const char *iface, long *rtt_ms) {
        struct sockaddr_storage to = { 0 };
        socklen_t to_len;
        int family;
        struct sockaddr_in *v4 = (struct sockaddr_in *)&to;
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&to;
        if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
                family = v4->sin_family = AF_INET;
                to_len = sizeof *v4;
        } else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
                family = v6->sin6_family = AF_INET6;
                v6->sin6_scope_id = iface ? if_nametoindex(iface) : 0;
                to_len = sizeof *v6;
        } else {
                return -EINVAL;
        }
        int protocol = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
        bool raw = true;
        _cleanup_close_ int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0) {
                /* without CAP_NET_RAW: an unprivileged ping socket, where the system allows them */
                raw = false;
                fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, protocol);
                if (fd < 0)
                        return -errno;
        }
        uint16_t id = (uint16_t)getpid();
        for (uint16_t seq = 1; seq <= PING_TRIES; seq++) {
                uint8_t packet[24] = { 0 };
                packet[0] = family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
                uint16_t net_id = htons(id), net_seq = htons(seq);
                memcpy(packet + 4, &net_id, 2);
                memcpy(packet + 6, &net_seq, 2);
                memcpy(packet + 8, "nodecon-diagnose", 16);
                if (family == AF_INET) {
                        uint16_t sum = icmp_checksum(packet, sizeof packet);
                        memcpy(packet + 2, &sum, 2);
                } /* the kernel fills in ICMPv6 checksums */
                long start = now_ms();
                if (sendto(fd, packet, sizeof packet, 0, (struct sockaddr *)&to, to_len) < 0)
                        return -errno;
                for (long left = PING_WAIT_MS; left > 0; left = PING_WAIT_MS - (now_ms() - start)) {
                        struct pollfd p = { .fd = fd, .events = POLLIN };
                        if (poll(&p, 1, (int)left) <= 0)
                                break;
                        uint8_t buf[1500];
                        struct sockaddr_storage from = { 0 };
                        socklen_t from_len = sizeof from;
                        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &from_len);
                        if (n < 0)
                                break;
                        bool same = from.ss_family == family &&
                                    (family == AF_INET
                                             ? ((struct sockaddr_in *)&from)->sin_addr.s_addr == v4->sin_addr.s_addr
                                             : memcmp(&((struct sockaddr_in6 *)&from)->sin6_addr, &v6->sin6_addr, 16) == 0);
                        if (same && is_our_reply(buf, n, family, raw, id, seq)) {
                                *rtt_ms = now_ms() - start;
                                return 0;
                        }
                }
        }
        return -ETIMEDOUT;
}


static const char *address_text(const struct addrinfo *ai, char *buf, size_t size) {
        const void *a = ai->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                                 : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        if (!inet_ntop(ai->ai_family, a, buf, (socklen_t)size))
                snprintf(buf, size, "?");
        return buf;
}

static void join(char **v, char *out, size_t size) {
        out[0] = '\0';
        for (size_t used = 0; v && *v; v++)
                used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s", used ? " " : "", *v);
}

/* The interface the node's traffic leaves by: the one with the default
 * route, else the first connected one that is not a port, else the first
 * with carrier, else the first NIC at all. */
static const struct node_nic *pick_interface(const struct node_net_state *s) {
        const struct node_nic *nic = s->primary ? node_net_find_nic(s, s->primary) : NULL;
        for (size_t i = 0; !nic && i < s->n_nics; i++)
                if (streq(s->nics[i].state, "connected") && !s->nics[i].controller)
                        nic = &s->nics[i];
        for (size_t i = 0; !nic && i < s->n_nics; i++)
                if (s->nics[i].carrier && !s->nics[i].controller)
                        nic = &s->nics[i];
        for (size_t i = 0; !nic && i < s->n_nics; i++)
                if (!streq(s->nics[i].state, "unmanaged"))
                        nic = &s->nics[i];
        return nic;
}

/* Link and port first: a bridge or VLAN has carrier only through what is under it. */
static void check_link(struct node_diag_step *s, const struct node_nic *nic) {
        if (nic->carrier) {
                if (nic->speed_mbps)
                        say(s, NODE_DIAG_OK, _("%s has a link (%u Mb/s)."), nic->name, nic->speed_mbps);
                else
                        say(s, NODE_DIAG_OK, _("%s has a link."), nic->name);
        } else if (nic->vlan_id) {
                say(s, NODE_DIAG_FAILED, _("VLAN %u on %s has no link: check %s's cable, and that the switch port carries VLAN %u."),
                    nic->vlan_id, nic->vlan_parent ? nic->vlan_parent : "?", nic->vlan_parent ? nic->vlan_parent : "?",
                    nic->vlan_id);
        } else if (nic->ports && nic->ports[0]) {
                say(s, NODE_DIAG_FAILED, _("%s has no link: none of its ports has one; check their cables."), nic->name);
        } else {
                say(s, NODE_DIAG_FAILED, _("%s has no link: check the cable and the switch port."), nic->name);
        }
}

static bool has_global_ipv6(const struct node_nic *nic) {
        for (char **a = nic->ipv6; a && *a; a++)
                if (strncasecmp(*a, "fe80:", 5) != 0)
                        return true;
        return false;
}

static void check_address(struct node_diag_step *s, const struct node_nic *nic) {
        char list[256];
        if (!(nic->ipv4 && nic->ipv4[0]) && !has_global_ipv6(nic)) {
                say(s, NODE_DIAG_FAILED, _("%s has no IP address: DHCP got no answer, or no static address is set."),
                    nic->name);
                return;
        }
        char **all[] = { nic->ipv4, nic->ipv6 };
        char both[512] = "";
        for (size_t i = 0; i < ELEMENTSOF(all); i++) {
                join(all[i], list, sizeof list);
                if (list[0])
                        snprintf(both + strlen(both), sizeof both - strlen(both), "%s%s", both[0] ? " " : "", list);
        }
        say(s, NODE_DIAG_OK, _("%s has %s."), nic->name, both);
}

static void check_gateway(struct node_diag_step *s, const struct node_nic *nic) {
        const char *gateway = nic->gateway4 ? nic->gateway4 : nic->gateway6;
        if (!gateway) {
                say(s, NODE_DIAG_FAILED, _("%s has no default gateway: set one, or check that DHCP hands one out."),
                    nic->name);
                return;
        }
        long rtt = 0;
        int r = ping(gateway, nic->name, &rtt);
        if (r == 0)
                say(s, NODE_DIAG_OK, _("The gateway %s answers (%ld ms)."), gateway, rtt);
        else if (r == -ETIMEDOUT)
                say(s, NODE_DIAG_FAILED,
                    _("The gateway %s does not answer ping: it is down, its address is wrong, or it is on another VLAN."),
                    gateway);
        else
                say(s, NODE_DIAG_FAILED, _("The gateway %s cannot be pinged from here: %s."), gateway, strerror(-r));
}

static bool is_address(const char *host) {
        unsigned char buf[16];
        return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static struct addrinfo *check_dns(struct node_diag_step *s, const char *host, const struct node_nic *nic) {
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG }, *found = NULL;
        if (is_address(host)) {
                hints.ai_flags = AI_NUMERICHOST;
                if (getaddrinfo(host, NULL, &hints, &found) == 0)
                        say(s, NODE_DIAG_SKIPPED, _("%s is an address: there is no name to resolve."), host);
                return found;
        }
        int r = getaddrinfo(host, NULL, &hints, &found);
        /* AI_ADDRCONFIG hides every address on a node with none of its own: ask again without it */
        if (r == EAI_NONAME || r == EAI_ADDRFAMILY) {
                hints.ai_flags = 0;
                r = getaddrinfo(host, NULL, &hints, &found);
        }
        if (r == 0) {
                char text[INET6_ADDRSTRLEN];
                say(s, NODE_DIAG_OK, _("%s is %s."), host, address_text(found, text, sizeof text));
                return found;
        }
        char servers[256];
        join(nic ? nic->dns : NULL, servers, sizeof servers);
        if (!servers[0])
                snprintf(servers, sizeof servers, "%s", _("none set on the interface"));
        if (r == EAI_NONAME || r == EAI_NODATA)
                say(s, NODE_DIAG_FAILED, _("The DNS servers (%s) do not know %s: check the name, or the DNS zone."), servers,
                    host);
        else if (r == EAI_AGAIN)
                say(s, NODE_DIAG_FAILED, _("No DNS server answered for %s: check the DNS servers (%s) and that they are reachable."),
                    host, servers);
        else
                say(s, NODE_DIAG_FAILED, _("%s cannot be resolved (%s): check the DNS servers (%s)."), host,
                    gai_strerror(r), servers);
        return NULL;
}

static void check_connect(struct node_diag_step *s, const char *host, unsigned port, struct addrinfo *found) {
        int r = -EHOSTUNREACH;
        char text[INET6_ADDRSTRLEN] = "";
        for (struct addrinfo *ai = found; ai; ai = ai->ai_next) {
                if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
                        continue;
                ((struct sockaddr_in *)ai->ai_addr)->sin_port = htons((uint16_t)port);
                address_text(ai, text, sizeof text);
                if ((r = node_tcp_probe(ai, CONNECT_WAIT_MS)) == 0) {
                        say(s, NODE_DIAG_OK, _("TCP port %u of %s (%s) accepts connections."), port, host, text);
                        return;
                }
        }
        switch (-r) {
        case ECONNREFUSED:
                say(s, NODE_DIAG_FAILED, _("%s (%s) answers but refuses port %u: the service is not running there."), host,
                    text, port);
                break;
        case ETIMEDOUT:
                say(s, NODE_DIAG_FAILED, _("No answer from %s (%s) on port %u within %d s: a firewall drops it, or the host is down."),
                    host, text, port, CONNECT_WAIT_MS / 1000);
                break;
        case ENETUNREACH:
        case EHOSTUNREACH:
                say(s, NODE_DIAG_FAILED, _("There is no route to %s (%s): check the gateway and the address."), host, text);
                break;
        default:
                say(s, NODE_DIAG_FAILED, _("Cannot connect to %s (%s) on port %u: %s."), host, text, port, strerror(-r));
        }
}

/* The engine's TLS certificate, and our clock against its Date header. */
static void check_tls(struct node_diag_step *tls, struct node_diag_step *clock, const struct node_context *ctx,
                      const char *host, unsigned port) {
        struct node_engine_peer peer;
        struct node_error e = { 0 };
        if (node_engine_probe_peer(ctx, host, port, TLS_WAIT_SECONDS, &peer, &e) < 0) {
                say(tls, NODE_DIAG_FAILED, _("No TLS with %s port %u: %s Is it the engine's HTTPS port?"), host, port,
                    e.message);
                say(clock, NODE_DIAG_SKIPPED, _("Without an answer from %s there is no clock to compare with."), host);
                return;
        }
        if (!peer.checked)
                say(tls, NODE_DIAG_OK, _("TLS works; the certificate's SHA-256 is %s (no registered CA to compare it with)."),
                    peer.sha256);
        else if (peer.trusted)
                say(tls, NODE_DIAG_OK, _("TLS works; the certificate (SHA-256 %s) is issued by the registered CA."),
                    peer.sha256);
        else
                say(tls, NODE_DIAG_FAILED,
                    _("The certificate (SHA-256 %s) is not trusted (%s): the engine was reinstalled, or this is not the engine."),
                    peer.sha256, peer.why_not);
        if (!peer.have_clock)
                say(clock, NODE_DIAG_SKIPPED, _("%s sent no Date to compare the clock with."), host);
        else if (labs(peer.skew_seconds) > NODE_ENGINE_SKEW_WARN_SECONDS)
                say(clock, NODE_DIAG_FAILED,
                    _("This node's clock is %ld s %s the engine's: certificates and the engine's checks fail; check NTP."),
                    labs(peer.skew_seconds), peer.skew_seconds > 0 ? _("ahead of") : _("behind"));
        else
                say(clock, NODE_DIAG_OK, _("The clock is within %ld s of the engine's."), labs(peer.skew_seconds));
}

bool node_diag_registered_engine(const struct node_context *ctx, char *target, size_t size) {
        struct node_engine_state state;
        struct node_error e = { 0 };
        if (node_engine_state_read(ctx, &state, &e) < 0 || !state.engine[0])
                return false;
        bool v6 = strchr(state.engine, ':') != NULL;
        if (state.port && state.port != NODE_ENGINE_DEFAULT_PORT)
                snprintf(target, size, "%s%s%s:%u", v6 ? "[" : "", state.engine, v6 ? "]" : "", state.port);
        else
                snprintf(target, size, "%s", state.engine);
        return true;
}

static void emit(const struct node_diag_opts *o, const struct node_diag_step *s) {
        if (o->step_done)
                o->step_done(s, o->userdata);
}

void node_net_diagnose_with(struct node_net *net, const char *nm_error, const struct node_diag_opts *o,
                            struct node_diag *d) {
        *d = (struct node_diag){ 0 };
        struct node_net_state state = { 0 };
        struct node_error e = { 0 };
        const char *iface = o->iface, *host = o->host;
        bool have_state = net && node_net_read(net, NULL, &state, &e) == 0;
        const struct node_nic *nic = !have_state ? NULL : iface ? node_net_find_nic(&state, iface) : pick_interface(&state);
        if (nic)
                snprintf(d->iface, sizeof d->iface, "%s", nic->name);

        struct node_diag_step *link = step(d, "link");
        if (!have_state)
                say(link, NODE_DIAG_FAILED, _("NetworkManager cannot be asked, so no interface is configured: %s"),
                    net ? e.message : nm_error && *nm_error ? nm_error : _("it is not running."));
        else if (!nic && iface)
                say(link, NODE_DIAG_FAILED, _("There is no network interface %s."), iface);
        else if (!nic)
                say(link, NODE_DIAG_FAILED, _("There is no network interface NetworkManager manages."));
        else
                check_link(link, nic);
        emit(o, link);
        struct node_diag_step *address = step(d, "address");
        if (nic)
                check_address(address, nic);
        else
                say(address, NODE_DIAG_SKIPPED, _("No interface to look at."));
        emit(o, address);
        struct node_diag_step *gateway = step(d, "gateway");
        if (!nic)
                say(gateway, NODE_DIAG_SKIPPED, _("No interface to look at."));
        else if (link->result == NODE_DIAG_FAILED)
                say(gateway, NODE_DIAG_SKIPPED, _("Without a link no gateway can answer."));
        else
                check_gateway(gateway, nic);
        emit(o, gateway);

        struct node_diag_step *dns = step(d, "dns");
        struct addrinfo *found = NULL;
        if (!host)
                say(dns, NODE_DIAG_SKIPPED, _("No host given."));
        else
                found = check_dns(dns, host, nic);
        emit(o, dns);
        struct node_diag_step *connect_step = step(d, "connect");
        if (!host)
                say(connect_step, NODE_DIAG_SKIPPED, _("No host given."));
        else if (!found)
                say(connect_step, NODE_DIAG_SKIPPED, _("%s has no address to connect to."), host);
        else
                check_connect(connect_step, host, o->port, found);
        emit(o, connect_step);
        if (found)
                freeaddrinfo(found);
        if (o->tls) {
                struct node_diag_step *tls = step(d, "tls"), *clock = step(d, "clock");
                if (!host) {
                        say(tls, NODE_DIAG_SKIPPED, _("No host given."));
                        say(clock, NODE_DIAG_SKIPPED, _("No host given."));
                } else if (connect_step->result != NODE_DIAG_OK) {
                        say(tls, NODE_DIAG_SKIPPED, _("No TCP connection to try TLS on."));
                        say(clock, NODE_DIAG_SKIPPED, _("No answer from the engine to compare the clock with."));
                } else {
                        check_tls(tls, clock, o->ctx, host, o->port);
                }
                emit(o, tls);
                emit(o, clock);
        }
        for (size_t i = 0; i < d->n; i++)
                if (d->steps[i].result == NODE_DIAG_FAILED)
                        d->failed = true;
        if (have_state)
                node_net_state_free(&state);
}

void node_net_diagnose(struct node_net *net, const char *nm_error, const char *iface, const char *host,
                       unsigned port, struct node_diag *d) {
        struct node_diag_opts o = { .iface = iface, .host = host, .port = port };
        node_net_diagnose_with(net, nm_error, &o, d);
}

const char *node_diag_result_word(enum node_diag_result r) {
        return r == NODE_DIAG_OK ? "ok" : r == NODE_DIAG_FAILED ? "failed" : "skipped";
}

const char *node_diag_mark(enum node_diag_result r) {
        bool utf8 = streq(nl_langinfo(CODESET), "UTF-8");
        if (r == NODE_DIAG_OK)
                return utf8 ? "\u2713" : "[ok]";
        if (r == NODE_DIAG_FAILED)
                return utf8 ? "\u2717" : "[FAIL]";
        return utf8 ? "-" : "[--]";
}
