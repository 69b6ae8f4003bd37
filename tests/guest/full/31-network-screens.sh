#!/bin/sh
# nodecon's emergency reset from a VLAN and a bond by keys (the host kernel
# has neither), typed in the libvterm harness,
# against a private NetworkManager in a namespace of the guest: the host
# kernel has no VLANs, so the netns tier resets from a bridge there.  Read
# back with nmcli.  build/tui's nodecon and harness, as 30-screens.sh.

if [ ! -x build/tui/vterm-harness ] || [ ! -x build/tui/nodecon ]; then
        fail "network screens: the screen harness is built" "make O=build/tui all build/tui/vterm-harness"
        exit 0
fi
export NODECON_NETNS=nodecon-screens NODECON_NETNS_DIR=/tmp/nodecon-nm-screens
if ! bus=$(tests/netns/start.sh); then
        fail "network screens: NetworkManager starts in a network namespace of the guest"
        exit 0
fi
eval "$bus"
# TCG: every NetworkManager answer takes longer than on the host
NODECON_SCREENS_PARTS="vlan reset bond" HARNESS_TIMEOUT_SCALE=4 NODECTL=$PWD/nodectl bash tests/netns/screens.sh
tests/netns/stop.sh
