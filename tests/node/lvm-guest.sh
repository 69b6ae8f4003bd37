#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots the LVM test guest: a Debian kernel with a busybox + lvm2 + dm-thin
# initramfs, the repo shared read-write at /share, the cache read-only at
# /cache, and runs one command in it.  The exit status is the command's.
#
# lvm-guest.sh [--disk SIZE]... [--attach[-ro] FILE]... [--append "ARGS"] [--log FILE]
#              [--timeout S] [--mem MB] [--cpus N] [--stage BIN]... [--env NAME=VALUE]...
#              [--images] [--build-only] -- GUEST_CMD...
#
#   --disk SIZE     a fresh sparse virtio disk (/dev/vda, /dev/vdb, ... in order)
#   --attach FILE   a virtio disk backed by FILE (raw, or qcow2 by extension)
#   --attach-ro FILE  the same, read-only (e.g. a node image: reading it from a
#                   disk is ~10x faster than loop-mounting it over 9p)
#   --cpus N        virtual CPUs (default 1: under TCG a second one doubled the
#                   CPU time of lvm work, which is single-threaded, and halved its speed)
#   --stage BIN     also stage the shared libraries of BIN (repo-relative);
#                   /share/nodectl and /share/nodecon are staged when they exist
#   --images        build the node images and tell the guest where they are:
#                   NODECON_IMAGE_V1, NODECON_IMAGE_V2
#   --build-only    build the initramfs (and kernel) and stop
# GUEST_CMD is a path relative to /share, run in /share with PATH starting with
# copies of nodectl and nodecon in RAM, then /share; LD_LIBRARY_PATH at a copy
# of the staged libraries in RAM; NODECON_TIER=lvm, TMPDIR=/tmp.
# The serial log is printed (the end of it if the command failed).
set -eu
. "$(dirname "$0")/env.sh"

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0" >&2; exit 2; }

disks=() attaches=() order=() stage=() envs=()
append="" log="" tmo=600 mem=1024 cpus=1 want_images=0 build_only=0
while [ $# -gt 0 ]; do
        case $1 in
        --disk) disks+=("$2"); order+=("disk:$2"); shift 2 ;;
        --attach) attaches+=("$2"); order+=("attach:$2"); shift 2 ;;
        --attach-ro) attaches+=("$2"); order+=("ro:$2"); shift 2 ;;
        --append) append="$append $2"; shift 2 ;;
        --log) log=$2; shift 2 ;;
        --timeout) tmo=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --cpus) cpus=$2; shift 2 ;;
        --stage) stage+=("$2"); shift 2 ;;
        --env) envs+=("$2"); shift 2 ;;
        --images) want_images=1; shift ;;
        --build-only) build_only=1; shift ;;
        --) shift; break ;;
        -h|--help) usage ;;
        *) break ;;
        esac
done
[ $# -gt 0 ] || [ $build_only = 1 ] || usage

# Programs copied into the initramfs, found on the host's PATH.
GUEST_PROGRAMS="lvm dmsetup pdata_tools mke2fs e2fsck resize2fs tune2fs debugfs dumpe2fs
 mksquashfs unsquashfs mount umount losetup blkid findmnt lsblk wipefs blockdev sfdisk flock
 mkfs.xfs xfs_repair xfs_admin xfs_db xfs_growfs xfs_info"
LVM_COMMANDS="pvcreate pvremove pvs pvscan pvdisplay pvchange pvresize pvck vgcreate vgremove vgs vgscan
 vgchange vgdisplay vgextend vgreduce vgrename vgck vgcfgbackup vgcfgrestore vgmknodes lvcreate
 lvremove lvs lvscan lvchange lvdisplay lvextend lvreduce lvresize lvrename lvconvert"
GUEST_MODULES="virtio_pci virtio_blk 9pnet_virtio 9p ext4 crc32c_generic xfs loop squashfs
 dm-mod dm-thin-pool dm-snapshot"

write_init() {
        cat > "$1" <<'EOF'
#!/bin/sh
# PID 1 of the LVM test guest: set up, run /run/nodecon-test/cmd, report its status.
export PATH=/usr/sbin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /dev/shm
mkdir -p /run/lvm /run/lock/lvm /run/nodecon-test
while read -r m; do insmod "/lib/modules/$m" 2>/dev/null; done < /lib/modules/load.order
p9="trans=virtio,version=9p2000.L,msize=512000,cache=none"
mount -t 9p -o "$p9" share /share || echo "=== GUEST ERROR: no /share"
mount -t 9p -o "$p9,ro" cache /cache 2>/dev/null
mount -t 9p -o "$p9,ro" run /run/nodecon-test || echo "=== GUEST ERROR: no run dir"
[ -r /run/nodecon-test/env ] && . /run/nodecon-test/env
echo "=== GUEST READY uptime=$(cut -d' ' -f1 /proc/uptime)s"
cd /share && sh /run/nodecon-test/cmd < /dev/null
rc=$?
cd /
echo "=== GUEST RESULT rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)s"
sync
# isa-debug-exit makes QEMU exit with (value << 1) | 1; keep clear of timeout's 124
[ $rc -gt 61 ] && rc=61
printf "\\$(printf %o $rc)" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
EOF
        chmod +x "$1"
}

build_initramfs() {
        local out=$1 r p
        r=$(mktemp -d "$CACHE/lvm-initramfs-root.XXXXXX")
        mkdir -p "$r"/{bin,sbin,usr/sbin,etc/lvm,proc,sys,dev,run,tmp,mnt,share,cache,root,lib/modules}
        cp /bin/busybox "$r/bin/busybox"
        for p in $(/bin/busybox --list); do [ -e "$r/bin/$p" ] || ln -s busybox "$r/bin/$p"; done
        local progs=() name
        for name in $GUEST_PROGRAMS; do
                p=$(PATH=/usr/sbin:/sbin:/usr/bin:/bin command -v "$name") || { say "no $name on the host, skipped"; continue; }
                progs+=("$p")
        done
        copy_with_libs "$r" /usr/sbin "${progs[@]}"
        for p in $LVM_COMMANDS; do ln -s lvm "$r/usr/sbin/$p"; done
        for p in thin_check thin_dump thin_repair thin_restore thin_ls thin_metadata_size thin_trim thin_delta; do
                ln -s pdata_tools "$r/usr/sbin/$p"
        done
        for p in mkfs.ext4 mkfs.ext3 mkfs.ext2; do ln -s mke2fs "$r/usr/sbin/$p"; done
        for p in fsck.ext4 fsck.ext3 fsck.ext2; do ln -s e2fsck "$r/usr/sbin/$p"; done
        ln -s tune2fs "$r/usr/sbin/e2label"
        cp /etc/mke2fs.conf "$r/etc/" 2>/dev/null || true
        ln -s /proc/self/mounts "$r/etc/mtab"
        printf 'root:x:0:0:root:/root:/bin/sh\n' > "$r/etc/passwd"
        printf 'root:x:0:\ndisk:x:6:\n' > "$r/etc/group"
        cat > "$r/etc/lvm/lvm.conf" <<'EOF'
devices { obtain_device_list_from_udev = 0 external_device_info_source = "none" }
activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
global { thin_check_executable = "/usr/sbin/thin_check" event_activation = 0 }
EOF
        : > "$r/lib/modules/load.order"
        local m
        for m in $(module_closure $GUEST_MODULES); do
                cp "$m" "$r/lib/modules/"
                basename "$m" >> "$r/lib/modules/load.order"
        done
        write_init "$r/init"
        pack_cpio "$r" "$out"
        rm -rf "$r"
}

initramfs_path() {
        local key
        # keyed by what goes into it, so edits to the host side of this script rebuild nothing
        key=$(inputs_hash "$NODE_DIR/env.sh" -- "$KVER" "$(pkg_versions $HOST_GUEST_PKGS)" \
                "$(declare -f write_init build_initramfs)" "$GUEST_PROGRAMS" "$LVM_COMMANDS" "$GUEST_MODULES")
        echo "$CACHE/lvm-initramfs-$key.cpio.gz"
}

# Stages the shared libraries of the guest's programs under build/guest-libs,
# keyed by what they are, so concurrent runs never see a half-written set.
stage_libs() {
        local bins=() b
        for b in nodectl nodecon "${stage[@]}"; do
                [ -f "$REPO/$b" ] && bins+=("$REPO/$b")
        done
        [ ${#bins[@]} -gt 0 ] || { echo ""; return; }
        local libs key dir
        libs=$(lib_closure "${bins[@]}")
        [ -n "$libs" ] || { echo ""; return; }
        # shellcheck disable=SC2086
        key=$(stat -L -c '%n %s %Y' $libs | sha256sum | cut -c1-12)
        dir=$REPO/build/guest-libs/$key
        if [ ! -d "$dir" ]; then
                mkdir -p "$REPO/build/guest-libs"
                local tmp="$dir.tmp.$$"
                mkdir -p "$tmp"
                # shellcheck disable=SC2086
                cp -L $libs "$tmp/"
                mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
        fi
        echo "/share/build/guest-libs/$key"
}

# Where the guest keeps its copies of the programs and libraries above (tmpfs).
GUEST_RAM_BIN=/run/rig/bin GUEST_RAM_LIB=/run/rig/lib

kernel_ensure
initrd=$(initramfs_path)
cached_build "$initrd" build_initramfs
prune_siblings "$initrd" "$CACHE/lvm-initramfs-"
[ $build_only = 1 ] && { echo "$initrd"; exit 0; }
accel_ensure "$cpus"

run=$(mktemp -d "${TMPDIR:-/tmp}/lvm-guest.XXXXXX")
cleanup() { rm -rf "$run"; }
trap cleanup EXIT

guest_libs=$(stage_libs)
{
        echo "export NODECON_TIER=lvm TMPDIR=/tmp HOME=/root"
        # nodectl, nodecon and the staged libraries run from RAM: every exec of
        # them (and of lvm, which would map the staged libraries too) would
        # otherwise read and mlock them page by page over 9p, ~1 s a call under TCG
        echo "mkdir -p $GUEST_RAM_BIN $GUEST_RAM_LIB"
        for b in nodectl nodecon; do
                [ -f "$REPO/$b" ] && echo "cp /share/$b $GUEST_RAM_BIN/"
        done
        echo "export PATH=$GUEST_RAM_BIN:/share:/usr/sbin:/sbin:/bin"
        [ -n "$guest_libs" ] && echo "cp -a $guest_libs/. $GUEST_RAM_LIB/ && export LD_LIBRARY_PATH=$GUEST_RAM_LIB"
        if [ $want_images = 1 ]; then
                imgdir=$("$NODE_DIR/images.sh" | tail -n 1)
                echo "export NODECON_IMAGE_V1=$(guest_path "$imgdir/node-v1.squashfs")"
                echo "export NODECON_IMAGE_V2=$(guest_path "$imgdir/node-v2.squashfs")"
        fi
        for e in "${envs[@]}"; do echo "export $(shell_quote "$e")"; done
} > "$run/env"
echo "exec $(shell_quote "$@")" > "$run/cmd"

drives=()
n=0
for item in "${order[@]}"; do
        case $item in
        disk:*)
                f=$run/disk$n.img
                truncate -s "${item#disk:}" "$f"
                drives+=(-drive "file=$f,if=virtio,format=raw,cache=unsafe,aio=threads")
                ;;
        attach:*|ro:*)
                f=${item#*:}
                [ -e "$f" ] || die "no such disk file: $f"
                fmt=raw
                case $f in *.qcow2) fmt=qcow2 ;; esac
                ro=""
                case $item in ro:*) ro=",readonly=on" ;; esac
                drives+=(-drive "file=$f,if=virtio,format=$fmt,cache=writeback,aio=threads$ro")
                ;;
        esac
        n=$((n + 1))
done

open_serial_log "$run" "$log"
t0=$(now)
q=0
# no_timer_check: on a busy host the kernel's early check of the IO-APIC timer
# can miss its ticks under TCG and panic ("IO-APIC + timer doesn't work!")
# shellcheck disable=SC2086
run_qemu_watched "$log" timeout "$tmo" qemu-system-x86_64 $ACCEL -m "$mem" -M q35 $(qemu_fast_firmware) \
        -kernel "$KERNEL" -initrd "$initrd" \
        -append "console=ttyS0 quiet panic=-1 no_timer_check $append" \
        "${drives[@]}" \
        -virtfs "local,path=$REPO,mount_tag=share,security_model=none" \
        -virtfs "local,path=$CACHE,mount_tag=cache,security_model=none,readonly=on" \
        -virtfs "local,path=$run,mount_tag=run,security_model=none,readonly=on" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -nographic -no-reboot -nodefaults -serial "file:$log" > "$run/qemu.out" 2>&1
finish_guest lvm-guest "$q" "$log" "$run" "$keep_log" "$tmo" "$t0"
