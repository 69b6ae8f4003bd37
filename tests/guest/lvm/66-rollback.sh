# nodectl rollback: only the boot default moves (grubenv saved_entry, atomically),
# to the previous layer; lvm sees no change at all.
# needs: 65-boot-setup
. "$CASE_DIR/common.inc"
. "$CASE_DIR/boot.inc"
export NODECTL_ROOT=$BROOT

before=$(vg_state "$BVG")
t0=$(uptime_ms)
run_nodectl --vg "$BVG" rollback --yes
t1=$(uptime_ms)
is "rollback exit code" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
diag "rollback wall time (TCG guest, lvs included): $((t1 - t0)) ms"
check "says what will boot" has_text "$OUT" "will start layer $NVR1+2"
check "says /etc and /var stay" has_text "$OUT" "/etc and /var are not rolled back"
is "saved_entry is the previous layer's" "$(saved)" "$NVR1+2-$KVER"
is "grubenv still 1024 bytes" "$(stat -c %s "$BROOT/boot/grub2/grubenv")" 1024
check "grubenv keeps boot_success" grep -q '^boot_success=1$' "$BROOT/boot/grub2/grubenv"
is "no temporary file left" "$(ls -A "$BROOT/boot/grub2")" grubenv
is "lvm unchanged" "$(vg_state "$BVG")" "$before"
run_nodectl --vg "$BVG" layers --json
is "layers: default NVR1+2" "$(printf '%s\n' "$OUT" | json_flat | grep '^default=' | cut -d= -f2-)" "$NVR1+2"

# again: one further back, across no base boundary
run_nodectl --vg "$BVG" rollback --yes
is "second rollback goes to NVR1+1" "$RC.$(saved)" "0.$NVR1+1-$KVER"
# nothing older than NVR1+1
env_before=$(cat "$BROOT/boot/grub2/grubenv")
refused "no older layer" 1 --vg "$BVG" rollback --yes
is "grubenv untouched by the refusal" "$(cat "$BROOT/boot/grub2/grubenv")" "$env_before"
# --to: forward again, to the booted layer
run_nodectl --vg "$BVG" rollback --to "$NVR2+1" --yes --json
is "rollback --to NVR2+1" "$RC.$(saved)" "0.$NVR2+1-$KVER"
check "json names the target" has_text "$(printf '%s\n' "$OUT" | tr -d ' ')" "\"to\":\"$NVR2+1\""
refused "--to a missing layer" 1 --vg "$BVG" rollback --to "$NVR1+9" --yes
refused "--to the default itself" 1 --vg "$BVG" rollback --to "$NVR2+1" --yes
refused "--to a bad name" 2 --vg "$BVG" rollback --to "../../etc" --yes
refused "a stray argument" 2 --vg "$BVG" rollback now
is "lvm unchanged by the refusals" "$(vg_state "$BVG")" "$before"
# a layer without a boot entry cannot be the target
mv "$BROOT/boot/loader/entries/$NVR1+1-$KVER.conf" /tmp/e.conf
refused "--to a layer without an entry" 1 --vg "$BVG" rollback --to "$NVR1+1" --yes
mv /tmp/e.conf "$BROOT/boot/loader/entries/$NVR1+1-$KVER.conf"
is "default still NVR2+1 after the refusals" "$(saved)" "$NVR2+1-$KVER"

run_nodectl --vg "$BVG" boot --set-default "$NVR1+2"
is "boot --set-default" "$RC.$(saved)" "0.$NVR1+2-$KVER"
refused "boot --set-default of a base" 2 --vg "$BVG" boot --set-default "$NVR1"
refused "boot with both verbs" 2 --vg "$BVG" boot --list --set-default "$NVR1+2"
run_nodectl --vg "$BVG" boot --set-default "$NVR2+1"
is "back to NVR2+1" "$RC.$(saved)" "0.$NVR2+1-$KVER"
