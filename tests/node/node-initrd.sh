#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the boot initrd of the full guest and of node disks: busybox, lvm2,
# dm-thin, ext4/xfs, virtio.  Like dracut it reads root=, rd.lvm.lv=VG/LV
# (any number), rootfstype=, rootflags=, ro, init= from the kernel command
# line, activates the named LVs (without -K: a layer that cannot be activated
# normally must fail here as it would on a real node), mounts the root and
# switch_root's into systemd.  Cached as $CACHE/node-initrd-<hash>.cpio.gz.
# Prints the path.
set -eu
. "$(dirname "$0")/env.sh"

MODULES="virtio_pci virtio_blk ext4 crc32c_generic xfs dm-mod dm-thin-pool dm-snapshot"

write_init() {
        cat > "$1" <<'EOF'
#!/bin/sh
export PATH=/usr/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /run/lvm /run/lock/lvm
while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done < /lib/modules/load.order

# A boot that cannot find its root ends the run at once (guest status 60)
# instead of waiting for the host's timeout.
give_up() {
        echo "=== GUEST ERROR: initrd: $*"
        lvm lvs -a -o lv_name,vg_name,lv_attr,lv_tags 2>&1
        ls -l /dev/mapper 2>&1
        printf '\074' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
        poweroff -f
}

root="" fstype="" flags="" mode=rw init=/sbin/init lvs=""
for arg in $(cat /proc/cmdline); do
        case $arg in
        root=*) root=${arg#root=} ;;
        rootfstype=*) fstype=${arg#rootfstype=} ;;
        rootflags=*) flags=${arg#rootflags=} ;;
        rd.lvm.lv=*) lvs="$lvs ${arg#rd.lvm.lv=}" ;;
        init=*) init=${arg#init=} ;;
        ro) mode=ro ;;
        rw) mode=rw ;;
        esac
done
[ -n "$root" ] || give_up "no root= on the kernel command line"
case $root in
UUID=*) root=/dev/disk/by-uuid/${root#UUID=} ;;
LABEL=*) root=/dev/disk/by-label/${root#LABEL=} ;;
esac

# wait for the disks, then bring up the LVs named
i=0
while [ ! -e /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
for lv in $lvs; do
        lvm lvchange -ay "$lv" || give_up "cannot activate $lv"
done
i=0
while [ ! -b "$root" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -b "$root" ] || give_up "root device $root did not appear"

opts=$mode
[ -n "$flags" ] && opts=$opts,$flags
if [ -n "$fstype" ]; then
        mount -t "$fstype" -o "$opts" "$root" /newroot || give_up "cannot mount $root"
else
        mount -t ext4 -o "$opts" "$root" /newroot 2>/dev/null ||
                mount -t xfs -o "$opts" "$root" /newroot || give_up "cannot mount $root"
fi
[ -x "/newroot$init" ] || [ -L "/newroot$init" ] || give_up "no $init on $root"
umount /proc /sys
mount --move /dev /newroot/dev 2>/dev/null || umount /dev
exec switch_root /newroot "$init"
EOF
        chmod +x "$1"
}

build_initrd() {
        local out=$1 r m p
        r=$(mktemp -d "$CACHE/node-initrd-root.XXXXXX")
        mkdir -p "$r"/{bin,usr/sbin,etc/lvm,proc,sys,dev,run,newroot,lib/modules}
        cp /bin/busybox "$r/bin/"
        for p in $(/bin/busybox --list); do [ -e "$r/bin/$p" ] || ln -s busybox "$r/bin/$p"; done
        # lvm runs thin_check before it activates a thin pool
        copy_with_libs "$r" /usr/sbin "$(PATH=/usr/sbin:/sbin command -v lvm)" \
                "$(PATH=/usr/sbin:/sbin command -v pdata_tools)"
        ln -s pdata_tools "$r/usr/sbin/thin_check"
        cat > "$r/etc/lvm/lvm.conf" <<'EOF'
devices { obtain_device_list_from_udev = 0 external_device_info_source = "none" }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
global { event_activation = 0 thin_check_executable = "/usr/sbin/thin_check" }
EOF
        : > "$r/lib/modules/load.order"
        for m in $(module_closure $MODULES); do
                cp "$m" "$r/lib/modules/"
                basename "$m" >> "$r/lib/modules/load.order"
        done
        write_init "$r/init"
        pack_cpio "$r" "$out"
        rm -rf "$r"
}

kernel_ensure
key=$(inputs_hash "$NODE_DIR/node-initrd.sh" -- "$KVER" \
        "$(pkg_versions busybox-static lvm2 thin-provisioning-tools libc6)")
dest=$CACHE/node-initrd-$key.cpio.gz
cached_build "$dest" build_initrd
prune_siblings "$dest" "$CACHE/node-initrd-"
echo "$dest"
