# nodectl add-layer on a node with a boot loader (the boot cases' grub /boot):
# the new layer's BLS entry checked against lvs and against the layer's own
# /boot, the boot default left alone; boot --set-default picks the layer and
# remove takes layer and entry away again; a failure to write the entry
# removes the layer again and says why; killed at each of its fault points,
# nothing boots differently, nodectl check names what is left and --repair
# clears it.
# needs: 68-lock
. "$CASE_DIR/common.inc"
. "$CASE_DIR/boot.inc"
export NODECTL_ROOT=$BROOT
KT=6.1.0-tiny-amd64   # the tiny images' stand-in kernel (tests/node/test-images.sh)
NEW=$NVR2+2 NEXT=$NVR2+3
tiny_entry() { echo "$BROOT/boot/loader/entries/$1-$KT.conf"; }
bls() { sed -n "s/^$1 //p" "$2"; }   # KEY FILE: the value of a BLS key
DEFAULT=$(saved)
is "the default before: the booted NVR2+1" "$DEFAULT" "$NVR2+1-$KVER"

run_nodectl --vg "$BVG" add-layer
is "add-layer exit code" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
is "it makes NVR2+2" "$(lvf "$BVG/$NEW" lv_name)" "$NEW"
check_fails "no longer tagged nodecon:partial" has_tag "$BVG/$NEW" nodecon:partial
check "it names the entry" has_text "$OUT" "boot entry $NEW-$KT"
check "it says the default is unchanged" has_text "$OUT" "the boot default is unchanged"
check "it says how to boot it" has_text "$OUT" "nodectl boot --set-default $NEW"
is "nothing on stderr" "$ERR" ""
E=$(tiny_entry "$NEW")
check "entry file written" test -f "$E"
diag "$(cat "$E" 2>&1)"
vg=$(lvf "$BVG/$NEW" vg_name) lv=$(lvf "$BVG/$NEW" lv_name) origin=$(lvf "$BVG/$NEW" origin)
opts=$(bls options "$E")
check "options: root= is the LV lvs shows" has_word "$opts" "root=/dev/$vg/$lv"
check "options: rd.lvm.lv= is that LV" has_word "$opts" "rd.lvm.lv=$vg/$lv"
check "options: img.bootid= is that LV" has_word "$opts" "img.bootid=$lv"
check "options: the booted entry's other options kept" has_word "$opts" console=ttyS0
check "options: its other volumes kept" has_word "$opts" "rd.lvm.lv=$vg/swap"
check_fails "options: nothing names the booted layer" has_text "$opts" "$NVR2+1"
is "title: the base lvs gives as origin, and the layer" "$(bls title "$E")" "$origin ($lv)"
is "version: the layer's kernel" "$(bls version "$E")" "$KT"
is "linux: the layer's copy" "$(bls linux "$E")" "/$lv/vmlinuz-$KT"
is "initrd: the layer's copy" "$(bls initrd "$E")" "/$lv/initramfs-$KT.img"
mkdir -p /mnt/t
if mount -o ro "/dev/$vg/$lv" /mnt/t; then
        check "the kernel copied is the layer's own" cmp -s "/mnt/t/boot/vmlinuz-$KT" "$BROOT/boot/$lv/vmlinuz-$KT"
        check "the initrd copied is the layer's own" cmp -s "/mnt/t/boot/initrd.img-$KT" \
                "$BROOT/boot/$lv/initramfs-$KT.img"
        umount /mnt/t
else
        fail "the new layer mounts"
fi
is "the boot default is unchanged" "$(saved)" "$DEFAULT"
flat=$(nodectl --vg "$BVG" boot --list --json | json_flat)
n=0 listed=""
while [ -n "$(jget "$flat" "$n.id")" ]; do
        [ "$(jget "$flat" "$n.layer")" = "$NEW" ] && listed=$(jget "$flat" "$n.default")
        n=$((n + 1))
done
is "boot --list lists it, not as the default" "$listed" false
is "nothing left mounted" "$(leftovers)" ""

# the pair: boot --set-default picks it, remove takes it away, add-layer makes it again
run_nodectl --vg "$BVG" boot --set-default "$NEW"
is "boot --set-default the new layer" "$RC.$(saved)" "0.$NEW-$KT"
run_nodectl --vg "$BVG" boot --set-default "$NVR2+1"
is "and back" "$RC.$(saved)" "0.$DEFAULT"
run_nodectl --vg "$BVG" remove "$NEW" --yes
is "remove the new layer" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
is "its LV is gone" "$(lvf "$BVG/$NEW" lv_name)" ""
check_fails "its entry is gone" test -e "$E"
check_fails "its kernel directory is gone" test -e "$BROOT/boot/$NEW"
run_nodectl --vg "$BVG" add-layer --json
flat=$(printf '%s\n' "$OUT" | json_flat)
is "add-layer --json: the same name again" "$RC.$(jget "$flat" layer)" "0.$NEW"
is "add-layer --json: its entry" "$(jget "$flat" boot_entry)" "$NEW-$KT"
is "add-layer --json: no reason for a missing entry" "$(jget "$flat" no_boot_entry_reason)" null
check "entry file written again" test -f "$E"

# the entry cannot be written (a file where its kernel directory goes): the layer goes again
before=$(vg_state "$BVG")
: > "$BROOT/boot/$NEXT"
run_nodectl --vg "$BVG" add-layer
is "entry not writable: exit code" "$RC" 1
is "entry not writable: one sentence" "$(printf '%s\n' "$ERR" | grep -c '^nodectl: .*[.]$')" 1
check "it says the layer was removed again" has_text "$ERR" "layer $NEXT, so it was removed again"
check "and why" has_text "$ERR" "Not a directory"
diag "$ERR"
is "entry not writable: lvm as before" "$(vg_state "$BVG")" "$before"
check_fails "entry not writable: no entry" test -e "$(tiny_entry "$NEXT")"
is "entry not writable: nothing left mounted" "$(leftovers)" ""
rm -f "$BROOT/boot/$NEXT"

# killed at each of add-layer's two fault points (both, whatever NODECON_FAULT_STEP: there are two)
# this /boot has no /proc/self/mountinfo (no /var mount): check's verdict may
# be FAILED already, so the exit code of --repair is compared with the baseline's
BASE_HEALTH=$(node_health "$BVG")
run_nodectl --vg "$BVG" check
BASE_RC=$RC
diag "baseline health: $BASE_HEALTH (exit $BASE_RC)"
nextre=$(printf '%s' "$NEXT" | sed 's/[.+]/\\&/g')
for point in $(nodectl fault-points add-layer | cut -f1); do
        outcome=""
        NODECON_FAULT_AT=$point run_nodectl --vg "$BVG" add-layer
        is "$point: killed" "$RC" 137
        [ "$RC" = 137 ] || outcome="FAILED: not killed"
        is "$point: the boot default is unchanged" "$(saved)" "$DEFAULT"
        [ "$(saved)" = "$DEFAULT" ] || outcome=FAILED
        after=$(node_health "$BVG")
        diag "$point: nodectl check: $after"
        like "$point: nodectl check names the layer left" "$after" "\|.*lv:$nextre "
        run_nodectl --vg "$BVG" check --repair
        is "$point: check --repair: exit code as before the kill" "$RC" "$BASE_RC"
        [ "$RC" = "$BASE_RC" ] || diag "$ERR"
        is "$point: after --repair, check finds nothing left" "$(node_health "$BVG")" "$BASE_HEALTH"
        [ "$(node_health "$BVG")" = "$BASE_HEALTH" ] || outcome=FAILED
        gone=$(lvf "$BVG/$NEXT" lv_name)$(ls -d "$(tiny_entry "$NEXT")" "$BROOT/boot/$NEXT" 2>/dev/null)
        is "$point: no LV, entry or kernel of $NEXT left" "$gone" ""
        [ -z "$gone" ] || outcome=FAILED
        run_nodectl --vg "$BVG" add-layer
        is "$point: add-layer then succeeds" "$RC.$(lvf "$BVG/$NEXT" lv_name)" "0.$NEXT"
        check "$point: with its entry" test -f "$(tiny_entry "$NEXT")"
        [ "$RC" = 0 ] && [ -f "$(tiny_entry "$NEXT")" ] || outcome=FAILED
        run_nodectl --vg "$BVG" remove "$NEXT" --yes
        is "$point: and is removed again" "$RC" 0
        left=${after#*|}
        fault_row add-layer "$point" "${outcome:-leftovers named (${left% }) and repaired}"
done
