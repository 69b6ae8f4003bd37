# A failure injected at lvm calls of init in turn: each failed run leaves the
# VG exactly as it was before.  NODECON_FAULT_STEP=1 (make check-faults)
# injects at every call; make check takes every third (1, 4, 7, ...).
# needs: nothing
. "$CASE_DIR/common.inc"

P=midinit
fresh_vg "$P" /dev/vdb
before=$(vg_state "$P")

cat > /tmp/failing-lvm <<'FAKE'
#!/bin/sh
n=$(( $(cat /tmp/lvm-calls) + 1 ))
echo $n > /tmp/lvm-calls
if [ "$n" -eq "$FAIL_AT" ]; then
        echo "  Injected failure of call $n: $*" >&2
        exit 5
fi
exec lvm "$@"
FAKE
chmod +x /tmp/failing-lvm

n=1
while [ $n -le 30 ]; do
        echo 0 > /tmp/lvm-calls
        run_nodectl_env() { NODECTL_LVM=/tmp/failing-lvm FAIL_AT=$n nodectl init --image "$TINY_V1" "$P" 2>/tmp/nodectl.err >/dev/null; }
        run_nodectl_env
        rc=$?
        if [ $rc -eq 0 ]; then
                diag "init succeeded once call $n was allowed through ($(cat /tmp/lvm-calls) lvm calls)"
                break
        fi
        is "failure at lvm call $n: VG as before" "$(vg_state "$P")" "$before"
        is "failure at lvm call $n: nothing left mounted" "$(leftovers)" ""
        like "failure at lvm call $n: one sentence" "$(grep '^nodectl: ' /tmp/nodectl.err)" '^nodectl: [^ ].*[^.][.]$'
        n=$((n + ${NODECON_FAULT_STEP:-1}))
done
check "init made it past every injected failure" test $n -gt 5 -a $n -le 30
check "the final init made the layout" has_tag "$P/$NVR1+1" imgbased:layer
