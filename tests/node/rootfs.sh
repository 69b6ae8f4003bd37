#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the full guest's root file system with mmdebstrap (Debian bookworm:
# systemd, dbus, NetworkManager, lvm2 and the libraries nodectl/nodecon link,
# so the host-built binaries in /share run natively) plus the kernel's modules,
# and caches it as a tarball: $CACHE/rootfs-<hash>.tar (symlink $CACHE/rootfs.tar).
#
# Test mode (kernel command line nodecon.test=1): nodecon-test.service runs the
# command full-guest.sh put in the "run" 9p share, reports its exit status
# through isa-debug-exit and powers off.  Otherwise the node is an ordinary
# one: root logs in on ttyS0 without a password, /share is on PATH.
# Prints the tarball's path.  Needs root and network access to the Debian mirror.
set -eu
. "$(dirname "$0")/env.sh"

MIRROR=${NODECON_MIRROR:-http://deb.debian.org/debian}
PACKAGES="systemd systemd-sysv udev dbus network-manager lvm2 thin-provisioning-tools e2fsprogs xfsprogs
 squashfs-tools kmod iproute2 iputils-ping procps util-linux mount less ncurses-term
 libjson-c5 libdevmapper1.02.1 libncursesw6 libglib2.0-0 libnm0 libsystemd0 libvterm0
 libasan8 libubsan1 libcurl4 libssl3 ca-certificates libvirt0 systemd-boot openssh-server"

# Kernel module directories the node needs (no sound, GPU, wireless, media).
MODULE_PARTS="modules.order modules.builtin modules.builtin.modinfo kernel/drivers/md kernel/drivers/virtio
 kernel/drivers/block kernel/drivers/char kernel/drivers/net/virtio_net.ko kernel/drivers/net/net_failover.ko
 kernel/drivers/net/veth.ko kernel/drivers/net/tun.ko kernel/drivers/net/dummy.ko kernel/drivers/net/bonding
 kernel/drivers/net/team kernel/drivers/net/macvlan.ko kernel/drivers/net/ipvlan kernel/drivers/scsi
 kernel/fs kernel/net kernel/lib kernel/crypto kernel/arch"

write_overlay() {
        local root=$1
        mkdir -p "$root/etc/systemd/system/multi-user.target.wants" "$root/usr/local/libexec" \
                "$root/etc/systemd/system/serial-getty@ttyS0.service.d" "$root/etc/profile.d" \
                "$root/etc/modules-load.d" "$root/share" "$root/cache"

        cat > "$root/usr/local/libexec/nodecon-test-run" <<'EOF'
#!/bin/sh
# Test mode runner: waits for the boot to finish, runs the command given in the
# "run" 9p share from /share, reports its status through isa-debug-exit.
exec > /dev/ttyS0 2>&1
mkdir -p /run/nodecon-test
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none,ro run /run/nodecon-test ||
        echo "=== GUEST ERROR: no run share"
state=$(systemctl is-system-running --wait)
echo "=== GUEST READY state=$state uptime=$(cut -d' ' -f1 /proc/uptime)s"
[ "$state" = running ] || systemctl --failed --no-pager
mountpoint -q /share || echo "=== GUEST ERROR: /share is not mounted"
rc=99
if [ -r /run/nodecon-test/cmd ]; then
        (
                export PATH=/share:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
                export HOME=/root TMPDIR=/tmp NODECON_TIER=full LANG=C.UTF-8
                . /run/nodecon-test/env
                cd /share && exec sh /run/nodecon-test/cmd < /dev/null
        )
        rc=$?
fi
echo "=== GUEST RESULT rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)s"
sync
[ $rc -gt 61 ] && rc=61
printf "\\$(printf %o $rc)" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
systemctl poweroff --force --force
EOF
        chmod 755 "$root/usr/local/libexec/nodecon-test-run"

        cat > "$root/etc/systemd/system/nodecon-test.service" <<'EOF'
[Unit]
Description=nodecon test runner (kernel command line nodecon.test=1)
ConditionKernelCommandLine=nodecon.test=1
After=multi-user.target share.mount cache.mount
Wants=share.mount cache.mount

[Service]
# Type=exec: a oneshot would make "systemctl is-system-running --wait" wait for itself
Type=exec
ExecStart=/usr/local/libexec/nodecon-test-run
StandardInput=null

[Install]
WantedBy=multi-user.target
EOF
        ln -sf ../nodecon-test.service "$root/etc/systemd/system/multi-user.target.wants/nodecon-test.service"

        # 9p shares as units, not fstab lines: a layer's fstab belongs to nodectl
        local tag opts
        for tag in share cache; do
                opts=trans=virtio,version=9p2000.L,msize=512000,cache=none
                [ $tag = cache ] && opts=$opts,ro
                cat > "$root/etc/systemd/system/$tag.mount" <<EOF
[Unit]
Description=9p share "$tag" from the QEMU host
DefaultDependencies=no
After=systemd-modules-load.service
Before=local-fs.target

[Mount]
What=$tag
Where=/$tag
Type=9p
Options=$opts

[Install]
WantedBy=local-fs.target
EOF
                mkdir -p "$root/etc/systemd/system/local-fs.target.wants"
                ln -sf ../$tag.mount "$root/etc/systemd/system/local-fs.target.wants/$tag.mount"
        done
        printf '9pnet_virtio\n9p\n' > "$root/etc/modules-load.d/9p.conf"

        cat > "$root/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --keep-baud 115200,57600,38400,9600 - $TERM
EOF
        cat > "$root/etc/profile.d/nodecon.sh" <<'EOF'
# the binaries built in the shared repo come first
case ":$PATH:" in *:/share:*) ;; *) PATH=/share:$PATH ;; esac
export PATH
EOF
        echo node > "$root/etc/hostname"
        printf '127.0.0.1 localhost\n127.0.1.1 node\n' > "$root/etc/hosts"
        : > "$root/etc/fstab"
}

build_rootfs() {
        local out=$1 overlay
        overlay=$(mktemp -d "$CACHE/rootfs-overlay.XXXXXX")
        write_overlay "$overlay"
        # shellcheck disable=SC2086
        mmdebstrap --variant=apt --mode=root --format=tar --quiet \
                --include="$(echo $PACKAGES | tr ' ' ,)" \
                --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
                --dpkgopt='path-exclude=/usr/share/locale/*' \
                --dpkgopt='path-include=/usr/share/locale/locale.alias' \
                --customize-hook='chroot "$1" passwd -d root' \
                --customize-hook="cp -a $overlay/. \"\$1/\"" \
                --customize-hook='chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer systemd-timesyncd.service' \
                --customize-hook="mkdir -p \"\$1/lib/modules/$KVER\" && tar -C $KROOT/lib/modules/$KVER -cf - $(echo $MODULE_PARTS) | tar -C \"\$1/lib/modules/$KVER\" -xf - && depmod -b \"\$1\" $KVER" \
                bookworm "$out" "$MIRROR"
        rm -rf "$overlay"
}

kernel_ensure
key=$(inputs_hash "$NODE_DIR/rootfs.sh" -- "$PACKAGES" "$MODULE_PARTS" "$KVER" "$MIRROR")
dest=$CACHE/rootfs-$key.tar
cached_build "$dest" build_rootfs
ln -sfn "$(basename "$dest")" "$CACHE/rootfs.tar"
prune_siblings "$dest" "$CACHE/rootfs-"
echo "$dest"
