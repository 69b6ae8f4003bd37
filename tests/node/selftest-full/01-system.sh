# The full guest is a booted systemd node with the services nodecon drives.
is "tier" "$NODECON_TIER" full
like "systemd reached running" "$(systemctl is-system-running)" '^running$'
check "dbus is active" systemctl is-active --quiet dbus.service
check "NetworkManager is active" systemctl is-active --quiet NetworkManager.service
check "nmcli talks to NetworkManager" nmcli -t general status
like "NM manages the virtio NIC" "$(nmcli -t -f DEVICE,TYPE device)" ':ethernet'
is "hostname" "$(hostname)" node
check "/share is mounted" mountpoint -q /share
check "/cache is mounted read-only" sh -c 'grep -q " /cache 9p ro" /proc/mounts'
check "lvm runs" lvm version
check "thin tools run" thin_check -V
like "test mode masks the serial getty" "$(systemctl is-enabled serial-getty@ttyS0.service 2>&1)" '^masked'
