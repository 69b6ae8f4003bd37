# nodectl check [--repair] against real lvm2: a fresh node passes; an
# interrupted upgrade's leftovers made by hand (a base and a layer tagged
# nodecon:partial, their boot entry, a dangling entry, a kernel directory of a
# layer that is gone) are named, --repair removes exactly them, the other LVs
# stay as lvs shows them, and check then passes.  The running layer is never
# a leftover; a held lock stops --repair.
# needs: nothing (it makes its VG on /dev/vdb)
. "$CASE_DIR/common.inc"
C=chkvg CROOT=/tmp/chkroot KV=6.1.0-18-amd64
L=$NVR1+1 HALF=$NVR2 GONE=$NVR2+1 DANGLING=$NVR2+7 ORPHAN=$NVR1+9

# The layout as imgbased tags it, made with lvm directly: check reads tags,
# not file systems, and this costs a fraction of nodectl init under TCG.
fresh_vg "$C" /dev/vdb
vgchange -q --addtag imgbased:vg "$C" >/dev/null
lvcreate -q -y --type thin-pool -L 1G -n pool00 --addtag imgbased:pool "$C" >/dev/null 2>&1
lvcreate -q -y --thin -V 64m -n "$NVR1" --addtag imgbased:base "$C/pool00" >/dev/null 2>&1
lvchange -q -pr -ky "$C/$NVR1" >/dev/null
lvcreate -q -y -s -n "$L" --addtag imgbased:layer -ky "$C/$NVR1" >/dev/null 2>&1
lvchange -q -ay -K "$C/$L" >/dev/null
lvcreate -q -y --thin -V 64m -n var --addtag imgbased:volume "$C/pool00" >/dev/null 2>&1
is "layout made" "$(lvs --noheadings -o lv_name "$C" 2>/dev/null | tr -d ' ' | sort | tr '\n' ' ')" \
        "$(printf '%s\n' "$NVR1" "$L" pool00 var | sort | tr '\n' ' ')"

# A root for nodectl: the layer runs, /var is the var volume, one entry each.
devs=$(lvs --noheadings -o lv_name,lv_kernel_major,lv_kernel_minor "$C" 2>/dev/null)
kdev() { printf '%s\n' "$devs" | awk -v n="$1" '$1 == n { printf "%s:%s", $2, $3 }'; }
boot_entry() {
        mkdir -p "$CROOT/boot/$1"
        echo kernel > "$CROOT/boot/$1/vmlinuz-$KV"
        printf 'title %s\nversion %s\nlinux /%s/vmlinuz-%s\noptions root=/dev/%s/%s ro img.bootid=%s\n' \
                "$1" "$KV" "$1" "$KV" "$C" "$1" "$1" > "$CROOT/boot/loader/entries/$1-$KV.conf"
}
rm -rf "$CROOT"
mkdir -p "$CROOT/proc/self" "$CROOT/boot/loader/entries" "$CROOT/boot/grub2"
echo "BOOT_IMAGE=/x root=/dev/$C/$L ro img.bootid=$L" > "$CROOT/proc/cmdline"
printf '20 1 %s / / rw - ext4 /dev/%s/%s rw\n30 20 %s / /var rw - ext4 /dev/%s/var rw\n' \
        "$(kdev "$L")" "$C" "$L" "$(kdev var)" "$C" > "$CROOT/proc/self/mountinfo"
boot_entry "$L"
body="# GRUB Environment Block
saved_entry=$L-$KV
"
{ printf '%s' "$body"; printf "%$((1024 - ${#body}))s" '' | tr ' ' '#'; } > "$CROOT/boot/grub2/grubenv"
export NODECTL_ROOT=$CROOT

line() { printf '%s\n' "$OUT" | grep -E "^$1 +$2 " | head -1; }

run_nodectl --vg "$C" check
is "fresh node: exit 0" "$RC" 0
for c in layout booted boot-entries pool var leftovers services; do
        like "fresh node: $c OK" "$(line '[A-Z]+' "$c")" "^OK "
done
# lvm's default (this guest's lvm.conf does not set it) is 100: off
like "autoextend off is a warning" "$(line WARN autoextend)" "thin_pool_autoextend_threshold is 100"

# What a killed upgrade leaves: its base and layer tagged nodecon:partial, the
# layer's entry; plus an entry and a kernel directory of layers long gone.
lvcreate -q -y --thin -V 64m -n "$HALF" --addtag imgbased:base --addtag nodecon:partial "$C/pool00" >/dev/null 2>&1
lvcreate -q -y -s -n "$GONE" --addtag imgbased:layer --addtag nodecon:partial "$C/$HALF" >/dev/null 2>&1
check "hand-made partial LVs exist" has_tag "$C/$GONE" nodecon:partial
boot_entry "$GONE"
boot_entry "$DANGLING"
rm -f "$CROOT/boot/$DANGLING/vmlinuz-$KV" && rmdir "$CROOT/boot/$DANGLING"
mkdir -p "$CROOT/boot/$ORPHAN"
others() {
        lvs -a --noheadings --nosuffix --units b --separator '|' \
                -o lv_name,lv_attr,lv_size,lv_tags,origin,pool_lv,segtype,lv_uuid "$C" 2>&1 |
                sed 's/^ *//' | grep -v -e "^$HALF|" -e "^$GONE|" | sort
}
before=$(others)

run_nodectl --vg "$C" check --json
is "leftovers are a warning: exit 0" "$RC" 0
flat=$(printf '%s\n' "$OUT" | json_flat)
is "json status" "$(jget "$flat" status)" WARN
pairs=$(for i in 0 1 2 3 4 5; do
        k=$(jget "$flat" "leftovers.$i.kind") && [ -n "$k" ] && echo "$k:$(jget "$flat" "leftovers.$i.name")"
done | sort | tr '\n' ' ')
is "json names the five leftovers" "$pairs" \
        "$(printf '%s\n' "boot:$GONE" "boot:$DANGLING" "boot:$ORPHAN" "lv:$GONE" "lv:$HALF" | sort | tr '\n' ' ')"
is "json: boot files before LVs, the layer before its base" \
        "$(jget "$flat" leftovers.3.name) $(jget "$flat" leftovers.4.name) $(jget "$flat" leftovers.2.kind)" \
        "$GONE $HALF boot"
run_nodectl --vg "$C" check
check "text names the partial layer" has_text "$OUT" "Layer $GONE is left from an interrupted upgrade, layer addition or removal"
check "text names the partial base" has_text "$OUT" "Base $HALF is left from an interrupted upgrade, layer addition or removal"
check "text names the dangling entry" has_text "$OUT" "layer $DANGLING are left over: the layer does not exist"
check "text names the orphan kernel dir" has_text "$OUT" "layer $ORPHAN are left over"

# --repair waits for no one: a held lock is exit 7 and nothing goes
flock -F /run/nodecon/lock sleep 60 &
holder=$!
for _ in $(seq 50); do flock -n /run/nodecon/lock true 2>/dev/null || break; sleep 0.1; done
run_nodectl --vg "$C" check
check "check while locked says something runs" has_text "$OUT" "another operation is running"
run_nodectl --vg "$C" check --repair
is "repair while locked: exit 7" "$RC" 7
check "repair while locked removed nothing" has_tag "$C/$GONE" nodecon:partial
kill "$holder"
wait "$holder" 2>/dev/null

run_nodectl --vg "$C" check --repair
is "repair: exit 0" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
check "repair says the layer went" has_text "$OUT" "Removed LV $GONE."
is "partial layer gone" "$(lvs --noheadings -o lv_name "$C/$GONE" 2>/dev/null)" ""
is "partial base gone" "$(lvs --noheadings -o lv_name "$C/$HALF" 2>/dev/null)" ""
check_fails "its entry gone" test -e "$CROOT/boot/loader/entries/$GONE-$KV.conf"
check_fails "its kernel dir gone" test -e "$CROOT/boot/$GONE"
check_fails "dangling entry gone" test -e "$CROOT/boot/loader/entries/$DANGLING-$KV.conf"
check_fails "orphan kernel dir gone" test -e "$CROOT/boot/$ORPHAN"
check "the running layer's entry stays" test -f "$CROOT/boot/loader/entries/$L-$KV.conf"
check "the running layer's kernel stays" test -f "$CROOT/boot/$L/vmlinuz-$KV"
is "the other LVs as lvs showed them" "$(others)" "$before"
like "after repair: leftovers OK" "$(line '[A-Z]+' leftovers)" "^OK "

# the running layer is never a leftover, even tagged partial
lvchange -q --addtag nodecon:partial "$C/$L" >/dev/null
run_nodectl --vg "$C" check --repair
is "running layer tagged partial: exit 1" "$RC" 1
check "it says so" has_text "$(line FAILED leftovers)" "Layer $L runs or boots next"
is "the running layer stays" "$(lvf "$C/$L" lv_name)" "$L"
lvchange -q --deltag nodecon:partial "$C/$L" >/dev/null

# with autoextension configured every check is OK
mkdir -p /tmp/lvmsys
sed 's/^activation {/activation { thin_pool_autoextend_threshold = 70 thin_pool_autoextend_percent = 20/' \
        /etc/lvm/lvm.conf > /tmp/lvmsys/lvm.conf
export LVM_SYSTEM_DIR=/tmp/lvmsys
run_nodectl --vg "$C" check
unset LVM_SYSTEM_DIR
is "configured node: exit 0" "$RC" 0
like "autoextend OK" "$(line OK autoextend)" "extends itself at 70% use"
is "no warning left" "$(printf '%s\n' "$OUT" | grep -c '^\(WARN\|FAILED\) ')" 0
is "status OK" "$(printf '%s\n' "$OUT" | tail -1)" "Status: OK"
unset NODECTL_ROOT
