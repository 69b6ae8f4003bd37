#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The netns tier: builds nm-smoke and fake-services into build/netns/, starts
# NetworkManager in a network namespace (start.sh), runs the smoke test and
# then nodectl network against it (network.sh, with $NODECTL, default the
# nodectl at the repo root: `make` first) and nodecon's network screens
# (screens.sh: build/tui's nodecon and vterm-harness), always stops NM again.
# Prints TAP (also kept in build/netns/netns.tap), exits non-zero on failure.
# Needs root.  Takes about a minute on a loaded machine.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$REPO/build/netns
mkdir -p "$OUT" "$REPO/build/results"
export NODECON_NETNS=${NODECON_NETNS:-nodecon-nm-$$}

# shellcheck disable=SC2046
cc -std=gnu11 -O1 -g -Wall -Wextra -Werror -o "$OUT/nm-smoke" "$HERE/nm-smoke.c" \
        $(pkg-config --cflags --libs libnm)
cc -std=gnu11 -O1 -g -Wall -Wextra -Werror -o "$OUT/fake-services" "$HERE/fake-services.c"

rc=1
# keep NM's log of a failed run only
trap '"$HERE/stop.sh"; [ $rc -ne 0 ] || rm -rf "$OUT/$NODECON_NETNS"' EXIT
bus_env=$("$HERE/start.sh") || { echo "not ok - netns: NetworkManager starts in a network namespace"; exit 1; }
eval "$bus_env"
rc=0
"$OUT/nm-smoke" > "$OUT/nm-smoke.tap" || rc=$?
cat "$OUT/nm-smoke.tap"
FAKE_SERVICES=$OUT/fake-services "$HERE/network.sh" > "$OUT/network.tap" || rc=$?
grep -q '^not ok' "$OUT/network.tap" && rc=1
cat "$OUT/network.tap"
# nodecon's network screens last: they start from a clean slate of their own
"$HERE/screens.sh" > "$OUT/screens.tap" || rc=$?
grep -q '^not ok' "$OUT/screens.tap" && rc=1
cat "$OUT/screens.tap"
# not build/results/netns.tap: tests/check.sh writes that one from our stdout
cat "$OUT/nm-smoke.tap" "$OUT/network.tap" "$OUT/screens.tap" > "$OUT/netns.tap"
exit $rc
