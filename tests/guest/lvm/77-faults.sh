# The fault campaign of the LVM operations: nodectl rollback, remove and pin
# killed by SIGKILL at each of their fault points (the NODECON_FAULT_AT test
# hook, listed by nodectl fault-points).  From a known node each time, it
# proves: the boot default is the old layer or the new one, whole (never an
# entry or LV that is gone); nodectl check names every leftover, --repair
# clears them; the operation then succeeds; the bytes written to /var before
# are intact.  One "# fault: ..." row per point (tests/faults-table.sh).
# NODECON_FAULT_STEP=N tries every Nth point of each operation (make check: 3,
# make check-faults: 1).  The upgrade's own points: 73-upgrade-faults.
# needs: nothing (it makes its VG on /dev/vdb)
. "$CASE_DIR/common.inc"
F=faultvg FROOT=/tmp/faultroot KV=6.1.0-18-amd64
OLD=$NVR1+1 RUNNING=$NVR2+1

# The layout made with lvm directly, as 75-check does: NVR1 with its one
# layer, NVR2 with the running one, a var volume with bytes to keep.
fresh_vg "$F" /dev/vdb
vgchange -q --addtag imgbased:vg "$F" >/dev/null
lvcreate -q -y --type thin-pool -L 1G -n pool00 --addtag imgbased:pool "$F" >/dev/null 2>&1
lvcreate -q -y --thin -V 64m -n var --addtag imgbased:volume "$F/pool00" >/dev/null 2>&1
head -c 1048576 /dev/urandom > /tmp/var-bytes
dd if=/tmp/var-bytes of="/dev/$F/var" bs=1M count=1 conv=fsync status=none
var_sum() { head -c 1048576 "/dev/$F/var" | md5sum | cut -d' ' -f1; }
VAR_SUM=$(md5sum < /tmp/var-bytes | cut -d' ' -f1)
make_base() { # NVR LAYER
        lvcreate -q -y --thin -V 64m -n "$1" --addtag imgbased:base "$F/pool00" >/dev/null 2>&1
        lvchange -q -pr -ky "$F/$1" >/dev/null
        lvcreate -q -y -s -n "$2" --addtag imgbased:layer -ky "$F/$1" >/dev/null 2>&1
        lvchange -q -ay -K "$F/$2" >/dev/null
}
boot_entry() {
        mkdir -p "$FROOT/boot/$1"
        echo kernel > "$FROOT/boot/$1/vmlinuz-$KV"
        printf 'title %s\nversion %s\nlinux /%s/vmlinuz-%s\noptions root=/dev/%s/%s ro img.bootid=%s\n' \
                "$1" "$KV" "$1" "$KV" "$F" "$1" "$1" > "$FROOT/boot/loader/entries/$1-$KV.conf"
}
set_saved() {
        local body="# GRUB Environment Block
saved_entry=$1-$KV
"
        { printf '%s' "$body"; printf "%$((1024 - ${#body}))s" '' | tr ' ' '#'; } > "$FROOT/boot/grub2/grubenv"
}
saved() { grep -a '^saved_entry=' "$FROOT/boot/grub2/grubenv" | cut -d= -f2- | sed "s/-$KV\$//"; }
make_base "$NVR1" "$OLD"
make_base "$NVR2" "$RUNNING"
devs=$(lvs --noheadings -o lv_name,lv_kernel_major,lv_kernel_minor "$F" 2>/dev/null)
kdev() { printf '%s\n' "$devs" | awk -v n="$1" '$1 == n { printf "%s:%s", $2, $3 }'; }
rm -rf "$FROOT"
mkdir -p "$FROOT/proc/self" "$FROOT/boot/loader/entries" "$FROOT/boot/grub2"
echo "BOOT_IMAGE=/x root=/dev/$F/$RUNNING ro img.bootid=$RUNNING" > "$FROOT/proc/cmdline"
printf '20 1 %s / / rw - ext4 /dev/%s/%s rw\n30 20 %s / /var rw - ext4 /dev/%s/var rw\n' \
        "$(kdev "$RUNNING")" "$F" "$RUNNING" "$(kdev var)" "$F" > "$FROOT/proc/self/mountinfo"
boot_entry "$OLD"
boot_entry "$RUNNING"
set_saved "$RUNNING"
export NODECTL_ROOT=$FROOT

# The known node again: OLD (and its base) present with its entry, unpinned;
# the running layer the default.  Only what an operation may have changed is redone.
known_node() {
        [ -n "$(lvf "$F/$OLD" lv_name)" ] || {
                [ -n "$(lvf "$F/$NVR1" lv_name)" ] && lvremove -q -y "$F/$NVR1" >/dev/null 2>&1
                make_base "$NVR1" "$OLD"
        }
        has_tag "$F/$OLD" nodecon:pinned && lvchange -q --deltag nodecon:pinned "$F/$OLD" >/dev/null
        [ -f "$FROOT/boot/loader/entries/$OLD-$KV.conf" ] || boot_entry "$OLD"
        set_saved "$RUNNING"
}
health() { node_health "$F"; }
entry_whole() { [ -f "$FROOT/boot/loader/entries/$1-$KV.conf" ] && [ -n "$(lvf "$F/$1" lv_name)" ]; }

# a node as it should be is OK, bar lvm's autoextend warning: that is the baseline
BASE_HEALTH=$(health)
diag "baseline health: $BASE_HEALTH"

# OPERATION POINT: the kill, and what follows it
try_point() {
        local op=$1 point=$2 outcome="" after gone
        known_node
        case $op in
        rollback) NODECON_FAULT_AT=$point run_nodectl --vg "$F" rollback --yes ;;
        remove) NODECON_FAULT_AT=$point run_nodectl --vg "$F" remove "$OLD" --yes ;;
        pin) NODECON_FAULT_AT=$point run_nodectl --vg "$F" pin "$OLD" ;;
        esac
        is "$point: killed" "$RC" 137
        [ "$RC" = 137 ] || outcome="FAILED: not killed"
        # the boot default: the old layer or the new one, whole
        case $(saved) in
        "$RUNNING") check "$point: the boot default is the old layer, whole" entry_whole "$RUNNING"
                entry_whole "$RUNNING" || outcome=FAILED ;;
        "$OLD") check "$point: the boot default is the new one, whole" entry_whole "$OLD"
                entry_whole "$OLD" || outcome=FAILED ;;
        *) fail "$point: the boot default is the old or the new layer" "saved_entry: $(saved)"; outcome=FAILED ;;
        esac
        after=$(health)
        local left=${after#*|}
        if [ "$after" = "$BASE_HEALTH" ]; then
                ok "$point: nodectl check finds nothing left"
        else
                diag "$point: nodectl check: $after"
                like "$point: nodectl check names what is left (WARN)" "$after" '^WARN\|.+'
                run_nodectl --vg "$F" check --repair
                is "$point: check --repair: exit 0" "$RC" 0
                [ "$RC" = 0 ] || diag "$ERR"
                is "$point: after --repair, check finds nothing left" "$(health)" "$BASE_HEALTH"
                [ "$(health)" = "$BASE_HEALTH" ] || outcome=FAILED
        fi
        # the operation then succeeds (or was complete already)
        case $op in
        rollback)
                [ "$(saved)" = "$OLD" ] || run_nodectl --vg "$F" rollback --yes
                is "$point: rollback then succeeds" "$(saved)" "$OLD"
                [ "$(saved)" = "$OLD" ] || outcome=FAILED ;;
        remove)
                if [ -n "$(lvf "$F/$OLD" lv_name)" ]; then
                        run_nodectl --vg "$F" remove "$OLD" --yes
                        is "$point: remove then succeeds" "$RC" 0
                        [ "$RC" = 0 ] || { diag "$ERR"; outcome=FAILED; }
                fi
                gone=$(lvf "$F/$OLD" lv_name)$(lvf "$F/$NVR1" lv_name)
                is "$point: the layer and its base are gone" "$gone" ""
                [ -z "$gone" ] || outcome=FAILED ;;
        pin)
                run_nodectl --vg "$F" pin "$OLD"
                is "$point: pin then succeeds" "$RC" 0
                check "$point: pinned" has_tag "$F/$OLD" nodecon:pinned
                has_tag "$F/$OLD" nodecon:pinned || outcome=FAILED ;;
        esac
        local sum; sum=$(var_sum)
        is "$point: /var's bytes intact" "$sum" "$VAR_SUM"
        [ "$sum" = "$VAR_SUM" ] || outcome=FAILED
        if [ -z "$outcome" ]; then
                if [ "$after" = "$BASE_HEALTH" ]; then outcome="recovered (nothing left)"
                else outcome="leftovers named (${left% }) and repaired"
                fi
        fi
        fault_row "$op" "$point" "$outcome"
}

for op in rollback remove pin; do
        i=0
        for point in $(nodectl fault-points "$op" | cut -f1); do
                i=$((i + 1))
                [ $(( (i - 1) % ${NODECON_FAULT_STEP:-3} )) -eq 0 ] || continue
                try_point "$op" "$point"
        done
done
