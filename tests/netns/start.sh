#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Starts NetworkManager with a private dbus-daemon in a network namespace that
# holds two veth pairs: veth-n and veth-m (managed by NM, with the bonds,
# VLANs and bridges NM makes on them) and their peers veth-p (192.0.2.1/24)
# and veth-q, left unmanaged.  The host's network, NM, D-Bus and host name are
# not touched: NM runs in its own mount namespace with tmpfs over its state
# directories, its own /etc/hostname and a read-only /sys (so it manages
# devices without udev).
# Prints the line to eval for clients: export DBUS_SYSTEM_BUS_ADDRESS=...
#   NODECON_NETNS       namespace name (default nodecon-nm)
#   NODECON_NETNS_DIR   work directory (default <repo>/build/netns/<name>)
# Needs root.  Stop with stop.sh (same environment).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NS=${NODECON_NETNS:-nodecon-nm}
DIR=${NODECON_NETNS_DIR:-$REPO/build/netns/$NS}
BUS=$DIR/bus

die() { echo "netns: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root"
ip netns list | grep -qw "$NS" && die "namespace $NS already exists (run stop.sh)"

rm -rf "$DIR"
mkdir -p "$DIR/conns"
cat > "$DIR/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BUS</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
cat > "$DIR/NetworkManager.conf" <<EOF
[main]
plugins=keyfile
auth-polkit=false
no-auto-default=*
dhcp=internal
dns=none
rc-manager=unmanaged
hostname-mode=none
systemd-resolved=false
[keyfile]
unmanaged-devices=interface-name:veth-p;interface-name:veth-q
path=$DIR/conns
[logging]
level=INFO
EOF

ip netns add "$NS"
ip -n "$NS" link add veth-n type veth peer name veth-p
ip -n "$NS" link add veth-m type veth peer name veth-q
ip -n "$NS" addr add 192.0.2.1/24 dev veth-p
ip -n "$NS" link set veth-p up
ip -n "$NS" link set veth-q up
ip -n "$NS" link set lo up

export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$BUS
# setsid: NM and the bus get their own session, so stop.sh can end exactly them
ip netns exec "$NS" setsid unshare -m sh -c '
        set -e
        # /etc as an overlay NM may write (its host name) without reaching the real one
        mkdir -p "$1/etc"
        mount -t tmpfs tmpfs "$1/etc"
        mkdir "$1/etc/upper" "$1/etc/work"
        mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/etc/upper,workdir=$1/etc/work" /etc
        : > /etc/hostname
        for d in /run/NetworkManager /var/lib/NetworkManager /etc/NetworkManager; do
                mkdir -p "$d"
                mount -t tmpfs tmpfs "$d"
        done
        mount -o remount,bind,ro /sys
        dbus-daemon --config-file="$1/bus.conf" --fork --print-pid > "$1/dbus.pid"
        echo $$ > "$1/nm.pid"
        exec NetworkManager --debug --config="$1/NetworkManager.conf"
' sh "$DIR" > "$DIR/nm.log" 2>&1 < /dev/null &

# NM is up when it answers on the bus
for _ in $(seq 100); do
        if [ -S "$BUS" ] && nmcli -t -f RUNNING general status 2>/dev/null | grep -q running; then
                echo "export DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS"
                exit 0
        fi
        sleep 0.1
done
tail -n 20 "$DIR/nm.log" >&2
die "NetworkManager did not answer within 10 s (log: $DIR/nm.log)"
