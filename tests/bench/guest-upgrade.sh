#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside the LVM guest (cwd /share): a node laid out by `nodectl init`
# from the full v1 node image, then, in the same pool of the same guest:
#   - `nodectl upgrade` to the v2 image against `dd` of the same rootfs.img
#     onto a thin LV of its size (wall time; the ratio is dd's time over the
#     upgrade's, so above 1 means faster than dd), for the whole upgrade and
#     for its copy step alone (from the progress lines);
#   - the pool bytes the upgrade allocated against the used bytes of the
#     image's file system (target ≤ 1.05);
#   - `nodectl rollback --yes` (the boot default changes; no reboot), mean ms.
# Writes build/results/bench-upgrade.csv (one row, the columns named).
#   NODECON_NODE_IMAGES   where node-v1/v2.squashfs are (default /cache/node-images)
set -eu
RUNS=${RUNS:-5}
OUT=/share/build/results/bench-upgrade.csv
IMAGES=${NODECON_NODE_IMAGES:-/cache/node-images}
VG=upbench ROOT=/tmp/upbench-root KVER=6.1.0-bench
export NODECTL_ROOT=$ROOT

# centiseconds since boot (busybox date has no sub-second format)
now_cs() { awk '{printf "%d", $1 * 100}' /proc/uptime; }
lvf() { lvs --noheadings --nosuffix --units b -o "$2" "$1" | sed 's/^ *//; s/ *$//'; }
mapped() { awk -v p="$(lvf "$1" data_percent)" -v s="$(lvf "$1" lv_size)" 'BEGIN { printf "%d", p * s / 100 }'; }
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }

# the squashfs read from RAM, as a node reads its image from local disk
mkdir -p /run/nodecon /mnt/sq
grep -q " /run/nodecon " /proc/mounts || mount -t tmpfs -o mode=0700 nodecon-run /run/nodecon
cp "$IMAGES/node-v1.squashfs" "$IMAGES/node-v2.squashfs" /tmp/

pvcreate -qq -y /dev/vda
vgcreate -qq "$VG" /dev/vda
NODECTL_ROOT= nodectl init --image /tmp/node-v1.squashfs "$VG" >/dev/null
L1=$(lvs --noheadings -o lv_name -S 'lv_tags=imgbased:layer' "$VG" | tr -d ' ')
rm /tmp/node-v1.squashfs

# grub with BLS, the v1 layer's entry the default
mkdir -p "$ROOT/boot/loader/entries" "$ROOT/boot/grub2" "$ROOT/boot/$L1" "$ROOT/proc"
echo kernel > "$ROOT/boot/$L1/vmlinuz-$KVER"
printf 'title %s\nversion %s\nlinux /%s/vmlinuz-%s\noptions root=/dev/%s/%s rd.lvm.lv=%s/%s img.bootid=%s\n' \
        "$L1" "$KVER" "$L1" "$KVER" "$VG" "$L1" "$VG" "$L1" "$L1" > "$ROOT/boot/loader/entries/$L1-$KVER.conf"
body="# GRUB Environment Block
saved_entry=$L1-$KVER
"
{ printf '%s' "$body"; printf "%$((1024 - ${#body}))s" '' | tr ' ' '#'; } > "$ROOT/boot/grub2/grubenv"
echo "console=ttyS0" > "$ROOT/proc/cmdline"

mount -t squashfs -o ro,loop /tmp/node-v2.squashfs /mnt/sq
img=/mnt/sq/LiveOS/rootfs.img
rootfs_bytes=$(stat -c %s "$img")
block_size=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Block size/ {print $2+0}')
blocks=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Block count/ {print $2+0}')
free_blocks=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Free blocks/ {print $2+0}')
used_bytes=$(( (blocks - free_blocks) * block_size ))

# dd of the same rootfs.img onto a thin LV of its size, in the same pool
pool=$(lvs --noheadings -o lv_name -S 'lv_tags=imgbased:pool' "$VG" | tr -d ' ')
lvcreate -qq -y -V "${rootfs_bytes}b" --thin -n ddbench "$VG/$pool" >/dev/null
drop_caches
t0=$(now_cs)
dd if="$img" of="/dev/$VG/ddbench" bs=4M conv=fsync 2>/dev/null
dd_cs=$(( $(now_cs) - t0 ))
lvremove -qq -y "$VG/ddbench" >/dev/null
umount /mnt/sq

# the upgrade, its progress lines stamped as they come
pool_before=$(mapped "$VG/$pool")
drop_caches
t0=$(now_cs)
nodectl --vg "$VG" upgrade --yes /tmp/node-v2.squashfs 2>&1 >/dev/null |
        while IFS= read -r line; do echo "$(now_cs) $line"; done > /tmp/upgrade.progress
upgrade_cs=$(( $(now_cs) - t0 ))
pool_after=$(mapped "$VG/$pool")
L2=$(lvs --noheadings -o lv_name -S 'lv_tags=imgbased:layer' "$VG" | tr -d ' ' | grep -vxF "$L1")
[ -n "$L2" ] || { echo "the upgrade made no layer:"; cat /tmp/upgrade.progress; exit 1; }
# the copy step: from its first progress line to the first line of the next step
copy_cs=$(awk '/Copying the image/ { if (!s) s = $1; next } s && !e { e = $1 } END { print e - s }' /tmp/upgrade.progress)

# rollback before the reboot: the default goes back to v1, then forth again
total=0 i=0
while [ $i -lt "$RUNS" ]; do
        t0=$(now_cs)
        nodectl --vg "$VG" rollback --yes >/dev/null
        total=$(( total + $(now_cs) - t0 ))
        nodectl --vg "$VG" boot --set-default "$L2" >/dev/null
        i=$((i + 1))
done
rollback_ms=$(( total * 10 / RUNS ))

echo "rootfs_bytes,used_bytes,dd_s,upgrade_s,copy_s,upgrade_vs_dd,copy_vs_dd,pool_growth_bytes,growth_vs_used,rollback_ms" > "$OUT"
awk -v r="$rootfs_bytes" -v u="$used_bytes" -v d="$dd_cs" -v up="$upgrade_cs" -v c="$copy_cs" \
        -v g="$((pool_after - pool_before))" -v rb="$rollback_ms" 'BEGIN {
        printf "%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%d,%.3f,%d\n", r, u, d / 100, up / 100, c / 100,
                d / up, (c > 0 ? d / c : 0), g, g / u, rb }' | tee -a "$OUT"
