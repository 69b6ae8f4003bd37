# A changing verb refuses (exit 7) while another process holds the node lock.
. "$CASE_DIR/common.inc"
BVG=bootvg BROOT=/tmp/bootroot
export NODECTL_ROOT=$BROOT

flock /run/nodecon/lock sleep 60 &
holder=$!
sleep 1
refuses "rollback while locked" 7 "$BVG" --vg "$BVG" rollback --yes
like "it says another operation runs" "$ERR" "Another nodectl or nodecon operation is running"
refuses "pin while locked" 7 "$BVG" --vg "$BVG" pin "$NVR2+1"
refuses "remove while locked" 7 "$BVG" --vg "$BVG" remove "$NVR2+1" --yes
run_nodectl --vg "$BVG" boot --list
is "reading needs no lock" "$RC" 0
kill "$holder"
wait "$holder" 2>/dev/null
run_nodectl --vg "$BVG" pin "$NVR2+1"
is "pin once the lock is free" "$RC" 0
run_nodectl --vg "$BVG" unpin "$NVR2+1"
is "unpin" "$RC" 0
