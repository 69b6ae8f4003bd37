# nodectl remove refuses the booted, the default and a pinned layer; removes an
# old layer's LV, boot entry and kernel files; removes a base left without layers.
# needs: 66-rollback
. "$CASE_DIR/common.inc"
. "$CASE_DIR/boot.inc"
export NODECTL_ROOT=$BROOT
before=$(vg_state "$BVG")

refused "remove the booted layer" 1 --vg "$BVG" remove "$NVR2+1" --yes
check "it says booted" has_text "$ERR" "running now"
run_nodectl --vg "$BVG" boot --set-default "$NVR1+2"
refused "remove the boot default" 1 --vg "$BVG" remove "$NVR1+2" --yes
refused "remove a base" 2 --vg "$BVG" remove "$NVR1" --yes
refused "remove a missing layer" 1 --vg "$BVG" remove "$NVR1+7" --yes
refused "remove without a name" 2 --vg "$BVG" remove --yes
is "lvm unchanged by the refusals" "$(vg_state "$BVG")" "$before"
check "entries still there" test -f "$(entry "$NVR2+1")" -a -f "$(entry "$NVR1+2")"

run_nodectl --vg "$BVG" pin "$NVR1+1"
is "pin exit code" "$RC" 0
check "pinned tag in lvs" has_tag "$BVG/$NVR1+1" nodecon:pinned
run_nodectl --vg "$BVG" pin "$NVR1+1"
is "pin again is fine" "$RC" 0
refused "remove a pinned layer" 1 --vg "$BVG" remove "$NVR1+1" --yes
check "it says pinned" has_text "$ERR" "pinned"
run_nodectl --vg "$BVG" unpin "$NVR1+1"
is "unpin exit code" "$RC" 0
check_fails "tag gone" has_tag "$BVG/$NVR1+1" nodecon:pinned
refused "pin a missing layer" 1 --vg "$BVG" pin "$NVR1+8"

run_nodectl --vg "$BVG" remove "$NVR1+1" --yes
is "remove NVR1+1" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
is "its LV is gone" "$(lvs --noheadings -o lv_name "$BVG/$NVR1+1" 2>/dev/null)" ""
check_fails "its entry is gone" test -e "$(entry "$NVR1+1")"
check_fails "its kernel dir is gone" test -e "$BROOT/boot/$NVR1+1"
is "its base stays (NVR1+2 left)" "$(lvf "$BVG/$NVR1" lv_name)" "$NVR1"
check "the other entries stay" test -f "$(entry "$NVR2+1")" -a -f "$(entry "$NVR1+2")"

# the last layer of NVR1 goes: the base goes with it
run_nodectl --vg "$BVG" boot --set-default "$NVR2+1"
run_nodectl --vg "$BVG" remove "$NVR1+2" --yes --json
is "remove NVR1+2" "$RC" 0
check "json says the base went too" has_text "$(printf '%s\n' "$OUT" | tr -d ' ')" "\"base_removed\":\"$NVR1\""
is "NVR1+2 LV gone" "$(lvs --noheadings -o lv_name "$BVG/$NVR1+2" 2>/dev/null)" ""
is "base NVR1 gone" "$(lvs --noheadings -o lv_name "$BVG/$NVR1" 2>/dev/null)" ""
is "NVR2 and its layer stay" "$(lvf "$BVG/$NVR2" lv_name).$(lvf "$BVG/$NVR2+1" lv_name)" "$NVR2.$NVR2+1"
refused "rollback with one layer left" 1 --vg "$BVG" rollback --yes
