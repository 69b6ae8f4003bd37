/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <netdb.h>

/* Opens a TCP connection to one resolved address and closes it again: 0 when
 * it was accepted within timeout_ms, else -errno (-ETIMEDOUT, -ECONNREFUSED,
 * -ENETUNREACH, ...).  What the engine pre-check and the network diagnosis
 * both need to say "the port answers". */
int node_tcp_probe(const struct addrinfo *ai, int timeout_ms);
