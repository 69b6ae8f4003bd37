#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`: boots a throw-away node (the cached node disk behind a
# copy-on-write snapshot, booted into its first layer with img.bootid set)
# with its serial console on this terminal, where nodecon starts once the
# boot is done (demo-console.sh); q in nodecon leaves to a root shell with
# nodectl and nodecon from the shared repo on PATH, and exit in that shell
# powers the node off.  Builds whatever is missing first (the first time: a
# few minutes).  Ctrl-A X quits QEMU at any time.
set -eu
. "$(dirname "$0")/env.sh"

ndir=$("$NODE_DIR/node-disk.sh" ${NODECON_NODE_DISK:+--$NODECON_NODE_DISK} | tail -n 1)
layer=$(cat "$ndir/layer")
echo "Booting node layer $layer (~30 s; changes are thrown away); nodecon starts on this terminal."
echo "q in nodecon leaves to a root shell, exit there powers the node off; Ctrl-A then X quits QEMU at any time."
exec "$NODE_DIR/full-guest.sh" --console --node-disk --append "img.bootid=$layer" -- tests/node/demo-console.sh
