#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The guest side of tests/guest/faults/qemu-kill.sh, in the LVM guest:
#   /dev/vda  the node disk (VG onn), /dev/vdb  an ext4 holding the node's
#   /boot (grub with BLS) and /proc/cmdline: the root nodectl is given.
#   1  nodectl init from the full v1 image, the v1 layer the boot default;
#      nodectl upgrade to v2 stopped by the hook at its copy step, continued,
#      and a few seconds later "=== FAULT: COPYING" for the host to kill QEMU
#   2  (the same disks again) what the node would boot, check, repair, upgrade
. /share/tests/guest/lib.sh
IMAGES=${NODECON_NODE_IMAGES:-/cache/node-images}
ROOT=/mnt/faultroot VG=onn KVER=6.1.0-fault
export NODECTL_ROOT=$ROOT NODECON_CASE="qemu killed mid-copy"
mkdir -p "$ROOT" /run/nodecon
grep -q " /run/nodecon " /proc/mounts || mount -t tmpfs -o mode=0700 nodecon-run /run/nodecon
mount /dev/vdb "$ROOT" || { echo "not ok - mount the boot disk"; exit 1; }
saved_entry() { grep -a '^saved_entry=' "$ROOT/boot/grub2/grubenv" | cut -d= -f2-; }
layers() { lvs --noheadings -o lv_name -S 'lv_tags=imgbased:layer' "$VG" | tr -d ' ' | sort; }

case $1 in
1)
        cp "$IMAGES/node-v1.squashfs" "$IMAGES/node-v2.squashfs" /tmp/
        fresh_vg "$VG" /dev/vda
        NODECTL_ROOT= nodectl init --image /tmp/node-v1.squashfs "$VG" >/dev/null || { echo "not ok - init"; exit 1; }
        L1=$(layers)
        mkdir -p "$ROOT/boot/loader/entries" "$ROOT/boot/grub2" "$ROOT/boot/$L1" "$ROOT/proc"
        echo kernel > "$ROOT/boot/$L1/vmlinuz-$KVER"
        printf 'title %s\nversion %s\nlinux /%s/vmlinuz-%s\noptions root=/dev/%s/%s rd.lvm.lv=%s/%s img.bootid=%s\n' \
                "$L1" "$KVER" "$L1" "$KVER" "$VG" "$L1" "$VG" "$L1" "$L1" \
                > "$ROOT/boot/loader/entries/$L1-$KVER.conf"
        printf '# GRUB Environment Block\nsaved_entry=%s-%s\n' "$L1" "$KVER" > /tmp/env
        { cat /tmp/env; head -c $((1024 - $(wc -c < /tmp/env))) /dev/zero | tr '\0' '#'; } > "$ROOT/boot/grub2/grubenv"
        echo "console=ttyS0" > "$ROOT/proc/cmdline"
        sync
        NODECON_FAULT_AT=stop:copy nodectl upgrade --yes /tmp/node-v2.squashfs > /tmp/upgrade.out 2>&1 &
        pid=$!
        i=0
        while [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != T ] && [ $i -lt 1200 ]; do
                sleep 0.5
                i=$((i + 1))
        done
        kill -CONT "$pid"
        sleep 5
        used=$(lvs --noheadings --nosuffix --units b -o data_percent "$VG/nodecon-node-4.5.1-0.20261120.0" 2>/dev/null | tr -d ' ')
        echo "=== FAULT: COPYING (the new base ${used:-?}% mapped)"
        sleep 600
        echo "=== FAULT: QEMU was not killed"
        exit 1
        ;;
2)
        vgchange -qq -ay "$VG" >/dev/null 2>&1
        L1=$(layers | head -n 1)
        NVR2=nodecon-node-4.5.1-0.20261120.0
        like "the only layer is v1's" "$(layers)" '^nodecon-node-4\.5\.0-.*\+1$'
        is "the boot default is still v1's layer (grubenv untouched)" "$(saved_entry)" "$L1-$KVER"
        is "grubenv still 1024 bytes" "$(stat -c %s "$ROOT/boot/grub2/grubenv")" 1024
        check "v1's layer: its file system is clean (e2fsck -n)" e2fsck -fn "/dev/$VG/$L1"
        lvs -o lv_name,lv_tags "$VG" | sed 's/^/# /'
        # the node's /var is the var volume (what a booted node would have mounted)
        mkdir -p "$ROOT/proc/self"
        echo "40 30 $(lvs --noheadings -o lv_kernel_major "$VG/var" | tr -d ' '):$(lvs --noheadings -o lv_kernel_minor "$VG/var" | tr -d ' ') / /var rw - ext4 /dev/mapper/onn-var rw" \
                > "$ROOT/proc/self/mountinfo"
        out=$(nodectl check 2>&1)
        is "check: leftovers are a warning (exit 0)" "$?" 0
        like "check names the half-made base" "$out" "WARN +leftovers +Base $NVR2 "
        printf '%s\n' "$out" | grep leftovers | sed 's/^/# /'
        out=$(nodectl check --repair 2>&1)
        is "check --repair" "$?" 0
        like "check --repair says what it removed" "$out" "Removed LV $NVR2"
        is "the half-made base is gone" "$(lvs --noheadings -o lv_name "$VG/$NVR2" 2>/dev/null | tr -d ' ')" ""
        like "check is clean of leftovers now" "$(nodectl check 2>&1 | grep leftovers)" "^OK "
        cp "$IMAGES/node-v2.squashfs" /tmp/
        out=$(nodectl upgrade --yes /tmp/node-v2.squashfs 2>&1)
        is "the upgrade then succeeds" "$?" 0
        [ -n "$out" ] && printf '%s\n' "$out" | tail -n 2 | sed 's/^/# /'
        is "and its layer boots next" "$(saved_entry)" "$NVR2+1-$(ls "$ROOT/boot/$NVR2+1" | sed -n 's/^vmlinuz-//p')"
        umount "$ROOT"
        echo "=== FAULT: DONE"
        ;;
esac
