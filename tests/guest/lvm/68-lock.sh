# A changing verb refuses (exit 7) while another process holds the node lock.
# needs: 67-remove-pin
. "$CASE_DIR/common.inc"
. "$CASE_DIR/boot.inc"
export NODECTL_ROOT=$BROOT

# -F: sleep itself holds the lock, so killing it frees the lock
flock -F /run/nodecon/lock sleep 60 &
holder=$!
sleep 1
refused "rollback while locked" 7 --vg "$BVG" rollback --yes
check "it says another operation runs" has_text "$ERR" "Another nodectl or nodecon operation is running"
refused "pin while locked" 7 --vg "$BVG" pin "$NVR2+1"
refused "remove while locked" 7 --vg "$BVG" remove "$NVR2+1" --yes
refused "add-layer while locked" 7 --vg "$BVG" add-layer
is "add-layer made nothing while locked" "$(lvf "$BVG/$NVR2+2" lv_name)" ""
run_nodectl --vg "$BVG" boot --list
is "reading needs no lock" "$RC" 0
kill "$holder"
wait "$holder" 2>/dev/null
run_nodectl --vg "$BVG" pin "$NVR2+1"
is "pin once the lock is free" "$RC" 0
run_nodectl --vg "$BVG" unpin "$NVR2+1"
is "unpin" "$RC" 0
