#!/bin/sh
# nodecon's screens on the node's real systemd and journal: the libvterm
# harness (built on the host, libvterm0 is in the guest) types keys and reads
# the screen, as the host's tui tier does with fakes.

mkdir -p /run/systemd/system
cat >/run/systemd/system/nodecon-fails.service <<'UNIT'
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'exit 3'
UNIT
systemctl daemon-reload
systemctl start nodecon-fails 2>/dev/null
nm_before=$(systemctl show -p MainPID --value NetworkManager)

screen_case tests/tui/guest/services.vt || exit 0

nm_after=$(systemctl show -p MainPID --value NetworkManager)
[ "$nm_after" != "$nm_before" ] && [ "$nm_after" != 0 ] && ok "services screen: NetworkManager really restarted" ||
        fail "services screen: NetworkManager really restarted" "MainPID $nm_before -> $nm_after"
like "services screen: its actions are in the audit trail" "$(nodectl audit -n 20)" \
        "nodecon service restart NetworkManager.service: success"
like "services screen: the failed start too" "$(nodectl audit -n 20)" \
        "nodecon service start nodecon-fails.service: failure"

systemctl reset-failed nodecon-fails 2>/dev/null
rm -f /run/systemd/system/nodecon-fails.service
systemctl daemon-reload
