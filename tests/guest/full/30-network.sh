#!/bin/sh
# nodectl network against a real NetworkManager where the kernel has VLANs
# and bonding (the build host's may not): the netns tier's network cases,
# here with a private NetworkManager in a namespace of the guest, VLAN and
# bond cases required.  Everything is read back with nmcli.

export NODECON_NETNS=nodecon-guest NODECON_NETNS_DIR=/tmp/nodecon-nm
if ! bus=$(tests/netns/start.sh); then
        fail "NetworkManager starts in a network namespace of the guest"
        exit 0
fi
eval "$bus"
# what the host cannot do (VLAN, bond) and the reset from it; TCG is slow: long timeouts
NODECON_NETNS_REQUIRE_VLAN=1 NODECON_NETNS_SECTIONS="stack reset" NODECON_NETNS_WITHIN=600 NODECTL=$PWD/nodectl \
        bash tests/netns/network.sh
tests/netns/stop.sh
