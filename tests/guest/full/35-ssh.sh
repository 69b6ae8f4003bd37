#!/bin/sh
# The SSH server on a real node: nodectl ssh (and the support screen) against
# systemd's and sshd's own word (systemctl is-active/is-enabled, sshd -T), the
# host key fingerprints as ssh-keygen -lf prints them, a setting sshd refuses
# or overrides taken back, every change in the audit trail.

if ! command -v sshd >/dev/null; then
        fail "ssh: sshd is in the guest" "openssh-server is missing from tests/node/rootfs.sh's list"
        exit 0
fi
unit=$(systemctl show -p Id --value sshd.service)
effective() { sshd -T 2>/dev/null | sed -n "s/^$1 //p"; }
json() { nodectl ssh --json | tr -d '\n' | sed 's/  */ /g; s/" *: */":/g'; }
dropin=/etc/ssh/sshd_config.d/50-nodecon.conf

# --- the state, as systemd and sshd say
like "ssh --json: the unit systemd has" "$(json)" "\"unit\":\"$unit\""
is "ssh: systemd's unit is active to begin with" "$(systemctl is-active "$unit")" active
like "ssh --json: active" "$(json)" '"active":true'
like "ssh --json: password logins as sshd -T says" "$(json)" \
        "\"password_authentication\":$([ "$(effective passwordauthentication)" = yes ] && echo true || echo false)"
n=0
for f in /etc/ssh/ssh_host_*_key.pub; do
        set -- $(ssh-keygen -lf "$f")   # BITS SHA256:... COMMENT (TYPE)
        bits=$1 fp=$2
        eval "type=\${$#}"
        type=$(echo "$type" | tr -d '()')
        got=$(nodectl ssh | grep -F -- "$fp" | tr -s ' ' | sed 's/^ //')
        is "ssh: $(basename "$f") fingerprint as ssh-keygen -lf" "$got" "$type $bits $fp"
        n=$((n + 1))
done
[ $n -gt 0 ] && ok "ssh: the node has host keys ($n)" || fail "ssh: the node has host keys"

# --- off and on, read back from systemctl
check "ssh disable" nodectl ssh disable
is "ssh disable: systemctl is-active" "$(systemctl is-active "$unit")" inactive
is "ssh disable: systemctl is-enabled" "$(systemctl is-enabled "$unit")" disabled
like "ssh disable: nodectl says stopped" "$(nodectl ssh)" "stopped, does not start at boot"
check "ssh enable" nodectl ssh enable
is "ssh enable: systemctl is-active" "$(systemctl is-active "$unit")" active
is "ssh enable: systemctl is-enabled" "$(systemctl is-enabled "$unit")" enabled

# --- password logins, read back from sshd -T; a running sshd is reloaded
pid=$(systemctl show -p MainPID --value "$unit")
check "ssh password off" nodectl ssh password off
is "password off: sshd -T passwordauthentication" "$(effective passwordauthentication)" no
is "password off: sshd -T kbdinteractiveauthentication" "$(effective kbdinteractiveauthentication)" no
like "password off: the drop-in says it" "$(cat $dropin)" "PasswordAuthentication no"
is "password off: sshd reloaded, not restarted (same main process)" \
        "$(systemctl show -p MainPID --value "$unit")" "$pid"
like "password off: nodectl says keys only" "$(nodectl ssh)" "refused \\(keys only\\)"
check "ssh password on" nodectl ssh password on
is "password on: sshd -T passwordauthentication" "$(effective passwordauthentication)" yes
# while sshd is stopped too (sshd -t needs its /run/sshd, which goes with the service)
check "ssh disable (again)" nodectl ssh disable
check "ssh password off while sshd is stopped" nodectl ssh password off
is "password off while stopped: sshd -T" "$(effective passwordauthentication)" no
is "password off while stopped: still stopped" "$(systemctl is-active "$unit")" inactive
check "ssh enable (again)" nodectl ssh enable

# --- an earlier file decides: nodectl says so and keeps the previous drop-in
before=$(cat $dropin)
printf 'PasswordAuthentication no\n' >/etc/ssh/sshd_config.d/10-site.conf
out=$(nodectl ssh password on 2>&1); rc=$?
is "overridden: ssh password on fails" "$rc" 1
like "overridden: says which setting wins" "$out" "sshd keeps PasswordAuthentication no"
is "overridden: the drop-in is as before" "$(cat $dropin)" "$before"
# sshd refuses the configuration: the drop-in is put back
printf 'NoSuchKeyword yes\n' >/etc/ssh/sshd_config.d/10-site.conf
out=$(nodectl ssh password on 2>&1); rc=$?
is "refused: ssh password on fails" "$rc" 1
like "refused: sshd's reason" "$out" "sshd refuses the configuration.*NoSuchKeyword"
is "refused: the drop-in is as before" "$(cat $dropin)" "$before"
rm -f /etc/ssh/sshd_config.d/10-site.conf
is "ssh is still running after the refusals" "$(systemctl is-active "$unit")" active

# --- the audit trail
audit=$(nodectl audit -n 40)
like "audit: ssh disable" "$audit" "nodectl ssh disable: success"
like "audit: ssh password off" "$audit" "nodectl ssh password off: success"
like "audit: the refused change" "$audit" "nodectl ssh password on: failure"
# reading is no change
case $audit in *"nodectl ssh: "*) fail "audit: reading the state leaves no record" ;;
*) ok "audit: reading the state leaves no record" ;; esac

# --- reboot and poweroff without a terminal need --yes (nothing happens)
out=$(nodectl reboot </dev/null 2>&1); rc=$?
is "reboot without a terminal or --yes: usage error" "$rc" 2
like "reboot without --yes: says why" "$out" "give --yes"
is "the node still runs" "$(systemctl is-system-running 2>/dev/null | grep -c -E 'running|degraded')" 1

# --- the support screen on the real thing
nodectl ssh password on >/dev/null 2>&1
screen_case tests/tui/guest/support.vt || exit 0
is "support screen: sshd -T after its password change" "$(effective passwordauthentication)" no
is "support screen: ssh active after off and on" "$(systemctl is-active "$unit")" active
audit=$(nodectl audit -n 40)
like "support screen: its changes are in the audit trail" "$audit" "nodecon ssh disable: success"
like "support screen: the password change too" "$audit" "nodecon ssh password off: success"
nodectl ssh password on >/dev/null 2>&1
