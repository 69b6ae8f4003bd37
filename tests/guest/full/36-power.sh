#!/bin/sh
# Restart and power off through systemd-logind for real, but refused: a user
# without the right to (no CAP_SYS_BOOT, and no polkit in this guest to ask)
# asks, logind says no, nodectl passes its reason on and the node runs on.
# (As root the request would be granted and end the test run.)
run_dir=$(mktemp -d)
chmod 1777 "$run_dir"
as_nobody() { NODECTL_RUN_DIR=$run_dir setpriv --reuid=65534 --regid=65534 --clear-groups "$@" </dev/null 2>&1; }

out=$(as_nobody nodectl poweroff --yes); rc=$?
diag "$out"
is "poweroff refused by logind: exit 1" "$rc" 1
like "poweroff refused by logind: its reason passed on" "$out" "The node cannot be powered off: systemd-logind refused \\(.+\\)\\."
out=$(as_nobody nodectl reboot --yes); rc=$?
is "reboot refused by logind: exit 1" "$rc" 1
like "reboot refused by logind: its reason passed on" "$out" "The node cannot be restarted: systemd-logind refused \\(.+\\)\\."
like "the node still runs" "$(systemctl is-system-running 2>/dev/null)" "^(running|degraded)$"
like "audit: the refused power off" "$(nodectl audit -n 20)" "nodectl poweroff --yes: failure"
rm -rf "$run_dir"
