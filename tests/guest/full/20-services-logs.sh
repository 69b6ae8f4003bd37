#!/bin/sh
# Services and the journal against the node's real systemd: nodectl's view is
# compared with systemctl's own, actions are checked through systemctl, and
# log lines written by a service and by logger are found by nodectl logs.

unit_json() { # UNIT: the unit's object in nodectl services --json, on one line
        nodectl services --json 2>/dev/null | tr -d '\n' | sed 's/  */ /g' |
                grep -o "{[^{}]*\"name\":\"$1\"[^{}]*}" | head -1
}
prop() { systemctl show -p "$2" --value "$1"; }

mkdir -p /run/systemd/system
cat >/run/systemd/system/nodecon-dummy.service <<'UNIT'
[Service]
ExecStart=/bin/sh -c 'echo dummy-says-hello; exec sleep infinity'
UNIT
cat >/run/systemd/system/nodecon-fails.service <<'UNIT'
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo about-to-fail; exit 3'
UNIT
systemctl daemon-reload

# --- the list, as systemctl sees it
nm=$(unit_json NetworkManager.service)
like "services: NetworkManager listed" "$nm" '"load_state":"loaded"'
like "services: NetworkManager active as systemctl says" "$nm" "\"active_state\":\"$(prop NetworkManager ActiveState)\""
like "services: NetworkManager sub-state as systemctl says" "$nm" "\"sub_state\":\"$(prop NetworkManager SubState)\""
like "services: NetworkManager enabled as systemctl says" "$nm" "\"unit_file_state\":\"$(prop NetworkManager UnitFileState)\""
like "services: since is set" "$nm" '"since_usec":[1-9]'
like "services: vdsmd not installed here" "$(unit_json vdsmd.service)" '"load_state":"not-found"'
like "services: table says not installed" "$(nodectl services)" 'vdsmd.service +not installed'

# --- actions, checked through systemctl
check "service start" nodectl service start nodecon-dummy
is "started: systemctl agrees" "$(systemctl is-active nodecon-dummy)" "active"
pid1=$(prop nodecon-dummy MainPID)
check "service restart" nodectl service restart nodecon-dummy.service
pid2=$(prop nodecon-dummy MainPID)
[ "$pid1" != "$pid2" ] && [ "$pid2" != 0 ] && ok "restart: a new main process ($pid1 -> $pid2)" ||
        fail "restart: a new main process" "$pid1 -> $pid2"
check "service stop --yes" nodectl service stop --yes nodecon-dummy
is "stopped: systemctl agrees" "$(systemctl is-active nodecon-dummy)" "inactive"
out=$(nodectl service start nodecon-fails 2>&1); rc=$?
is "a unit that fails to start: exit 1" "$rc" "1"
like "a unit that fails: the sentence points at its log" "$out" "nodecon-fails.service.*logs -u nodecon-fails.service"
is "failed: systemctl agrees" "$(systemctl is-failed nodecon-fails)" "failed"
fj=$(unit_json nodecon-fails.service)
like "services: a failed unit is listed though not asked for" "$fj" '"active_state":"failed".*"requested":false'
nodectl services >/dev/null 2>&1; is "services: exit 1 while a unit has failed" "$?" "1"
out=$(nodectl service start no-such-unit-here 2>&1); rc=$?
is "service start of a unit that does not exist: exit 1" "$rc" "1"
like "no such unit: one sentence" "$out" "^nodectl: .*no-such-unit-here"
systemctl reset-failed nodecon-fails

# --- the audit trail those actions left, read back through nodectl and journalctl
audit=$(nodectl audit -n 100)
like "audit: the restart, by whom and where" "$audit" "root@[^ ]+ nodectl service restart nodecon-dummy.service: success"
like "audit: the stop with its --yes" "$audit" "nodectl service stop --yes nodecon-dummy: success"
like "audit: the failed start with the sentence the admin saw" "$audit" \
        "nodectl service start nodecon-fails: failure: Could not start nodecon-fails.service"
case $audit in *"services"*) fail "audit: read-only verbs leave no record" "$audit" ;;
*) ok "audit: read-only verbs leave no record" ;; esac
is "audit: journalctl finds the service records by MESSAGE_ID" \
        "$(journalctl -q MESSAGE_ID=98a91df8fdff40fba63c7b324522d4cd -o cat | grep -c '^nodectl service')" "5"
like "audit --json: fields" "$(nodectl audit --json -n 1 | tr -d '\n ')" '"kind":"service","user":"root".*"outcome":"failure"'

# --- the journal: a service's own output, logger, and follow mode
for _ in $(seq 50); do nodectl logs -u nodecon-dummy -n 20 | grep -q dummy-says-hello && break; sleep 0.2; done
like "logs -u: the service's output" "$(nodectl logs -u nodecon-dummy -n 20)" "dummy-says-hello"
marker=marker-$$-$(date +%s)
logger -t nodecon-test -p user.err "$marker"
for _ in $(seq 50); do nodectl logs -g "$marker" | grep -q "$marker" && break; sleep 0.2; done
like "logs -g: a logger line, with its identifier" "$(nodectl logs -g "$marker")" "nodecon-test.*: $marker"
like "logs -p err: it is err" "$(nodectl logs -p err -n 200)" "$marker"
case $(nodectl logs -p warning -u nodecon-dummy -n 200) in
*dummy-says-hello*) fail "logs -p warning leaves out info lines" ;; *) ok "logs -p warning leaves out info lines" ;; esac
is "logs --list-boots: this boot is 0" "$(nodectl logs --list-boots | awk '$1 == 0 {print $2}')" \
        "$(tr -d '-' </proc/sys/kernel/random/boot_id)"

nodectl logs -f -n 0 -g follow-$marker >/tmp/follow.out 2>&1 &
follower=$!
for _ in $(seq 50); do ls -l /proc/$follower/fd 2>/dev/null | grep -q inotify && break; sleep 0.2; done
logger -t nodecon-test "follow-$marker"
for _ in $(seq 50); do grep -q "follow-$marker" /tmp/follow.out && break; sleep 0.2; done
kill $follower 2>/dev/null; wait $follower 2>/dev/null
like "logs -f: a new line appears while following" "$(cat /tmp/follow.out)" "follow-$marker"

rm -f /run/systemd/system/nodecon-dummy.service /run/systemd/system/nodecon-fails.service
systemctl daemon-reload
