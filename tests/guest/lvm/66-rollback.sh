# nodectl rollback: only the boot default moves (grubenv saved_entry, atomically),
# to the previous layer; lvm sees no change at all.
. "$CASE_DIR/common.inc"
BVG=bootvg BROOT=/tmp/bootroot KVER=6.1.0-18-amd64
export NODECTL_ROOT=$BROOT
saved() { grep -a '^saved_entry=' "$BROOT/boot/grub2/grubenv" | cut -d= -f2-; }

before=$(vg_state "$BVG")
t0=$(date +%s%N 2>/dev/null)
run_nodectl --vg "$BVG" rollback --yes
t1=$(date +%s%N 2>/dev/null)
is "rollback exit code" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
case $t0$t1 in *N*) ;; *) diag "rollback wall time: $(( (t1 - t0) / 1000000 )) ms" ;; esac
like "says what will boot" "$OUT" "will start layer $NVR1+2"
like "says /etc and /var stay" "$OUT" "/etc and /var are not rolled back"
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
refuses "no older layer" 1 "$BVG" --vg "$BVG" rollback --yes
is "grubenv untouched by the refusal" "$(cat "$BROOT/boot/grub2/grubenv")" "$env_before"
# --to: forward again, to the booted layer
run_nodectl --vg "$BVG" rollback --to "$NVR2+1" --yes --json
is "rollback --to NVR2+1" "$RC.$(saved)" "0.$NVR2+1-$KVER"
like "json names the target" "$OUT" "\"to\": \"$NVR2+1\""
refuses "--to a missing layer" 1 "$BVG" --vg "$BVG" rollback --to "$NVR1+9" --yes
refuses "--to the default itself" 1 "$BVG" --vg "$BVG" rollback --to "$NVR2+1" --yes
refuses "--to a bad name" 2 "$BVG" --vg "$BVG" rollback --to "../../etc" --yes
refuses "a stray argument" 2 "$BVG" --vg "$BVG" rollback now
# a layer without a boot entry cannot be the target
mv "$BROOT/boot/loader/entries/$NVR1+1-$KVER.conf" /tmp/e.conf
refuses "--to a layer without an entry" 1 "$BVG" --vg "$BVG" rollback --to "$NVR1+1" --yes
mv /tmp/e.conf "$BROOT/boot/loader/entries/$NVR1+1-$KVER.conf"
is "default still NVR2+1 after the refusals" "$(saved)" "$NVR2+1-$KVER"

run_nodectl --vg "$BVG" boot --set-default "$NVR1+2"
is "boot --set-default" "$RC.$(saved)" "0.$NVR1+2-$KVER"
refuses "boot --set-default of a base" 2 "$BVG" --vg "$BVG" boot --set-default "$NVR1"
refuses "boot with both verbs" 2 "$BVG" --vg "$BVG" boot --list --set-default "$NVR1+2"
run_nodectl --vg "$BVG" boot --set-default "$NVR2+1"
is "back to NVR2+1" "$RC.$(saved)" "0.$NVR2+1-$KVER"
