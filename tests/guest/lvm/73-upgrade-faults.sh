# nodectl upgrade failing at its steps (the NODECON_FAULT_AT test hook), cancelled
# by SIGTERM, and killed: a failure or a signal leaves the node exactly as it was;
# a killed run leaves volumes tagged nodecon:partial that the next upgrade
# removes (74).  make check tries every third step (NODECON_FAULT_STEP=3),
# make check-faults every step.
# needs: 72-upgrade-refusals
. "$CASE_DIR/common.inc"
. "$CASE_DIR/upgrade.inc"

STEPS="base copy grow uuid protect layer etc kernel finish default"
before=$(node_state)
i=0
for s in $STEPS; do
        i=$((i + 1))
        [ $(( (i - 1) % ${NODECON_FAULT_STEP:-1} )) -eq 0 ] || continue
        NODECON_FAULT_AT=$s run_nodectl --vg "$UVG" upgrade /tmp/v2.squashfs
        is "fault at $s: exit code" "$RC" 6
        like "fault at $s: one sentence" "$(printf '%s\n' "$ERR" | grep '^nodectl: ')" "step \"$s\""
        st=$(node_state) mounted=$(leftovers)
        is "fault at $s: node as before" "$st" "$before"
        is "fault at $s: nothing mounted" "$mounted" ""
        [ "$RC.$st.$mounted" = "6.$before." ] && outcome="recovered (all it made taken back)" || outcome=FAILED
        printf '# fault: %-10s | %-20s | %-7s | %s\n' upgrade "upgrade.$s" "EIO" "$outcome"
done

# SIGTERM while the image is copied: cancelled, everything taken back
NODECON_FAULT_AT=term:copy run_nodectl --vg "$UVG" upgrade /tmp/v2.squashfs
is "SIGTERM: exit code" "$RC" 1
like "SIGTERM: says cancelled" "$ERR" 'cancelled; what it had made was removed'
st=$(node_state) mounted=$(leftovers)
is "SIGTERM: node as before" "$st" "$before"
is "SIGTERM: nothing mounted" "$mounted" ""
[ "$RC.$st.$mounted" = "1.$before." ] && outcome="recovered (cancelled, all taken back)" || outcome=FAILED
printf '# fault: %-10s | %-20s | %-7s | %s\n' upgrade upgrade.copy SIGTERM "$outcome"

# kill -9 once the base is made: nothing can undo, but the boot side is untouched
NODECON_FAULT_AT=kill:layer run_nodectl --vg "$UVG" upgrade /tmp/v2.squashfs
is "killed: exit code 137" "$RC" 137
check "killed: the partial base is tagged nodecon:partial" has_tag "$UVG/$NVR2" nodecon:partial
is "killed: boot default unchanged" "$(saved_entry)" "$L1-$KVER_TINY"
is "killed: no boot entry for the new layer" "$(ls "$UROOT/boot/loader/entries")" "$L1-$KVER_TINY.conf"
[ "$RC" = 137 ] && has_tag "$UVG/$NVR2" nodecon:partial && [ "$(saved_entry)" = "$L1-$KVER_TINY" ] &&
        outcome="leftovers tagged nodecon:partial, default unchanged; next upgrade removes them (74)" || outcome=FAILED
printf '# fault: %-10s | %-20s | %-7s | %s\n' upgrade upgrade.layer "kill -9" "$outcome"
