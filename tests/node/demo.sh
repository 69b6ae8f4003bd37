#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`: boots a throw-away node (the cached node disk behind a
# copy-on-write snapshot, booted into its first layer with img.bootid set)
# with its serial console on this terminal; root is logged in, nodectl and
# nodecon from the shared repo are on PATH.  Builds whatever is missing first
# (the first time: a few minutes).  Ctrl-A X quits.
set -eu
. "$(dirname "$0")/env.sh"

ndir=$("$NODE_DIR/node-disk.sh" ${NODECON_NODE_DISK:+--$NODECON_NODE_DISK} | tail -n 1)
layer=$(cat "$ndir/layer")
echo "Booting node layer $layer (~30 s; changes are thrown away). Quit with Ctrl-A then X."
exec "$NODE_DIR/full-guest.sh" --interactive --node-disk --append "img.bootid=$layer"
