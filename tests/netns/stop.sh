#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Stops what start.sh started (same NODECON_NETNS / NODECON_NETNS_DIR) and
# removes the namespace.  Safe to run when nothing is running.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NS=${NODECON_NETNS:-nodecon-nm}
DIR=${NODECON_NETNS_DIR:-$REPO/build/netns/$NS}

# only the processes living in our namespace: NM and its dbus-daemon
pids=$(ip netns pids "$NS" 2>/dev/null)
if [ -n "$pids" ]; then
        # shellcheck disable=SC2086
        kill $pids 2>/dev/null
        for _ in $(seq 50); do
                pids=$(ip netns pids "$NS" 2>/dev/null)
                [ -z "$pids" ] && break
                sleep 0.1
        done
        # shellcheck disable=SC2086
        [ -n "$pids" ] && kill -9 $pids 2>/dev/null
fi
ip netns del "$NS" 2>/dev/null
rm -f "$DIR/bus" "$DIR/dbus.pid" "$DIR/nm.pid"
exit 0
