/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the diagnostics test needs on the far side of the veth pair: a DNS
 * server that knows one name, and a TCP service on port 443.
 *   fake-services ADDRESS NAME   answers A queries for NAME with ADDRESS
 *                                (other names: NXDOMAIN; AAAA: no data) on
 *                                ADDRESS:53/udp, accepts and closes TCP
 *                                connections on ADDRESS:443.
 * Prints "ready" once both sockets listen; runs until killed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_on(const char *address, int type, int port) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        int one = 1, fd = socket(AF_INET, type, 0);
        if (fd < 0 || inet_pton(AF_INET, address, &sa.sin_addr) != 1)
                return -1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || (type == SOCK_STREAM && listen(fd, 8) < 0))
                return -1;
        return fd;
}

/* The query's name as dotted text; returns the offset after the question or 0. */
static size_t question(const uint8_t *q, size_t n, char *name, size_t size) {
        size_t at = 12, out = 0;
        while (at < n && q[at]) {
                size_t len = q[at++];
                if (len > 63 || at + len > n || out + len + 2 > size)
                        return 0;
                if (out)
                        name[out++] = '.';
                memcpy(name + out, q + at, len);
                out += len;
                at += len;
        }
        name[out] = '\0';
        return at + 5 <= n ? at + 5 : 0;   /* the root label, type, class */
}

static void answer(int fd, const char *address, const char *known) {
        uint8_t q[512], r[600];
        struct sockaddr_storage from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &from_len);
        char name[256];
        size_t end = n >= 12 ? question(q, (size_t)n, name, sizeof name) : 0;
        if (!end)
                return;
        uint16_t type = (uint16_t)(q[end - 4] << 8 | q[end - 3]);
        bool found = strcasecmp(name, known) == 0;
        memcpy(r, q, end);
        r[2] = 0x84 | (q[2] & 0x01);   /* response, authoritative, RD copied */
        r[3] = found ? 0x80 : 0x83;    /* RA; NOERROR or NXDOMAIN */
        r[4] = 0, r[5] = 1;            /* one question */
        r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;
        size_t len = end;
        if (found && type == 1) {
                r[7] = 1;
                static const uint8_t head[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4 };
                memcpy(r + len, head, sizeof head);
                len += sizeof head;
                inet_pton(AF_INET, address, r + len);
                len += 4;
        }
        sendto(fd, r, len, 0, (struct sockaddr *)&from, from_len);
}

int main(int argc, char **argv) {
        if (argc != 3) {
                fprintf(stderr, "usage: fake-services ADDRESS NAME\n");
                return 2;
        }
        int dns = listen_on(argv[1], SOCK_DGRAM, 53), tcp = listen_on(argv[1], SOCK_STREAM, 443);
        if (dns < 0 || tcp < 0) {
                perror("fake-services");
                return 1;
        }
        printf("ready\n");
        fflush(stdout);
        for (;;) {
                struct pollfd p[] = { { .fd = dns, .events = POLLIN }, { .fd = tcp, .events = POLLIN } };
                if (poll(p, 2, -1) < 0)
                        return 1;
                if (p[0].revents)
                        answer(dns, argv[1], argv[2]);
                if (p[1].revents) {
                        int c = accept(tcp, NULL, NULL);
                        if (c >= 0)
                                close(c);
                }
        }
}
