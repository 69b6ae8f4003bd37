#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots the node disk the way a UEFI machine does: OVMF firmware, systemd-boot
# from an EFI System Partition, one Boot Loader Specification entry per layer
# there, and runs one command in test mode after every boot, reboots included:
# the guest reboots as often as the command asks (systemctl reboot), and the
# run ends when the command returns (its status is the guest's, through
# isa-debug-exit).  A reboot is a power cycle: QEMU exits (-no-reboot) and is
# started again on the same disks and EFI variables, so every boot goes
# through the firmware and systemd-boot from the start (a reset inside one
# QEMU process hung OVMF under TCG here).
#
# uefi-guest.sh [--timeout S] [--max-boots N] [--mem MB] [--cpus N] [--log FILE] [--env NAME=VALUE]... -- GUEST_CMD...
#
#   --cpus N   virtual CPUs (default 1, as full-guest.sh)
#   /dev/vda   the node disk from node-disk.sh (VG onn, layer NVR+1)
#   /dev/vdb   the ESP disk: GPT, one partition labelled nodecon-esp (type ESP,
#              FAT32) holding EFI/BOOT/BOOTX64.EFI (systemd-boot),
#              loader/loader.conf (default: the layer's entry, no menu),
#              loader/entries/<layer>-<kver>.conf and /<layer>/vmlinuz-<kver>,
#              /<layer>/initramfs-<kver>.img (the node initrd), as lib/boot
#              lays them out; the node mounts it on /boot/efi (boot-efi.mount,
#              pulled in by systemd.wants= on the entries' command line)
# Both disks are qcow2 overlays made for each run over the cached images, which
# never change; what the guest writes lasts across its reboots.  EFI variables
# live in a copy of OVMF_VARS made for each run.  --max-boots (default 12)
# bounds a guest that keeps rebooting; --timeout covers all boots together.  GUEST_CMD runs in /share
# with NODECON_TIER=full after each boot; write state that must survive a
# reboot to /var (shared by every layer) and report on the serial line;
# NODECON_NODE_IMAGES names the cached node images (node-v2.squashfs) there.
# The ESP is built with mkfs.vfat and mtools (no loop devices), cached as
# $CACHE/uefi-esp-<hash>.img keyed by its inputs.
set -eu
. "$(dirname "$0")/env.sh"

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0" >&2; exit 2; }

OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
SYSTEMD_BOOT=/usr/lib/systemd/boot/efi/systemd-bootx64.efi
ESP_MB=256
# The test mode of the node (see rootfs.sh) and its ESP mount, on every entry:
# nodectl carries these options over into the entries it writes.  Under TCG on
# a loaded host the kernel's IO-APIC timer check can fail and panic, which
# would use up a boot-counted entry's try: no_timer_check.  At load ~20 the
# /var volume's device took longer than systemd's 90 s to appear once (lvm's
# autoactivation under TCG) and the boot stopped in emergency mode: 600 s.
ENTRY_OPTIONS="console=ttyS0 quiet systemd.show_status=0 panic=-1 nodecon.test=1 no_timer_check
 systemd.mask=serial-getty@ttyS0.service systemd.wants=boot-efi.mount systemd.default_device_timeout_sec=600"

log="" tmo=1200 mem=1536 cpus=${NODECON_GUEST_CPUS:-1} max_boots=12 envs=()
while [ $# -gt 0 ]; do
        case $1 in
        --log) log=$2; shift 2 ;;
        --timeout) tmo=$2; shift 2 ;;
        --max-boots) max_boots=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --cpus) cpus=$2; shift 2 ;;
        --env) envs+=("$2"); shift 2 ;;
        --) shift; break ;;
        -h|--help) usage ;;
        *) break ;;
        esac
done
[ $# -gt 0 ] || usage
for f in "$OVMF_CODE" "$OVMF_VARS" "$SYSTEMD_BOOT"; do
        [ -r "$f" ] || die "$f is missing (packages ovmf and systemd-boot)"
done

# The ESP as a partition image, then placed in a GPT disk at 1 MiB.
build_esp() {
        local out=$1 work options
        work=$(mktemp -d "$CACHE/uefi-esp-work.XXXXXX")
        options="root=/dev/onn/$layer rd.lvm.lv=onn/$layer img.bootid=$layer $(echo $ENTRY_OPTIONS)"
        mkdir -p "$work/t/EFI/BOOT" "$work/t/loader/entries" "$work/t/$layer"
        cp "$SYSTEMD_BOOT" "$work/t/EFI/BOOT/BOOTX64.EFI"
        cp "$VMLINUZ" "$work/t/$layer/vmlinuz-$KVER"
        cp "$initrd" "$work/t/$layer/initramfs-$KVER.img"
        printf 'timeout 0\ndefault %s-%s.conf\nconsole-mode keep\neditor no\n' "$layer" "$KVER" \
                > "$work/t/loader/loader.conf"
        printf 'title %s\nversion %s\nlinux /%s/vmlinuz-%s\ninitrd /%s/initramfs-%s.img\noptions %s\n' \
                "$layer" "$KVER" "$layer" "$KVER" "$layer" "$KVER" "$options" \
                > "$work/t/loader/entries/$layer-$KVER.conf"
        mkfs.vfat -F 32 -n ESP -C "$work/esp.part" $((ESP_MB * 1024)) >/dev/null
        MTOOLS_SKIP_CHECK=1 mcopy -s -i "$work/esp.part" "$work/t/EFI" "$work/t/loader" "$work/t/$layer" ::/
        truncate -s $(((ESP_MB + 2) * 1024 * 1024)) "$out"
        sfdisk -q "$out" <<EOF
label: gpt
start=2048, size=$((ESP_MB * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=nodecon-esp
EOF
        dd if="$work/esp.part" of="$out" bs=1M seek=1 conv=notrunc,sparse status=none
        rm -rf "$work"
}

kernel_ensure
initrd=$("$NODE_DIR/node-initrd.sh")
ndir=$("$NODE_DIR/node-disk.sh" | tail -n 1)
layer=$(cat "$ndir/layer")
key=$(inputs_hash "$NODE_DIR/uefi-guest.sh" "$SYSTEMD_BOOT" -- "$KVER" "$(basename "$initrd")" \
        "$(basename "$ndir")" "$layer" "$(pkg_versions systemd-boot dosfstools mtools fdisk)")
esp=$CACHE/uefi-esp-$key.img
cached_build "$esp" build_esp
prune_siblings "$esp" "$CACHE/uefi-esp-"
accel_ensure "$cpus"

run=$(mktemp -d "${TMPDIR:-/tmp}/uefi-guest.XXXXXX")
trap 'rm -rf "$run"' EXIT
cp "$OVMF_VARS" "$run/vars.fd"
qemu-img create -q -f qcow2 -F raw -b "$ndir/disk.img" "$run/node.qcow2"
qemu-img create -q -f qcow2 -F raw -b "$esp" "$run/esp.qcow2"

# the node images for an upgrade in the guest, as it sees the cache
images=$("$NODE_DIR/images.sh" | tail -n 1)
envs+=("NODECON_NODE_IMAGES=/cache/$(basename "$images")")
write_guest_command "$run" "${envs[@]}" -- "$@"
open_serial_log "$run" "$log"
t0=$(now)
q=0
boots=0
while :; do
        boots=$((boots + 1))
        left=$(awk -v t="$tmo" -v e="$(elapsed "$t0")" 'BEGIN { l = int(t - e); print (l > 0 ? l : 1) }')
        say "boot $boots (${left} s left)"
        q=0
        # shellcheck disable=SC2086
        timeout "$left" qemu-system-x86_64 $ACCEL -m "$mem" -M q35 \
                -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE" \
                -drive "if=pflash,format=raw,unit=1,file=$run/vars.fd" \
                -drive "file=$run/node.qcow2,if=virtio,format=qcow2,cache=unsafe,aio=threads" \
                -drive "file=$run/esp.qcow2,if=virtio,format=qcow2,cache=unsafe,aio=threads" \
                -virtfs "local,path=$REPO,mount_tag=share,security_model=none" \
                -virtfs "local,path=$CACHE,mount_tag=cache,security_model=none,readonly=on" \
                -virtfs "local,path=$run,mount_tag=run,security_model=none,readonly=on" \
                -netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile= \
                -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
                -chardev "file,id=serial0,path=$log,append=on" -serial chardev:serial0 \
                -nographic -no-reboot -nodefaults >> "$run/qemu.out" 2>&1 || q=$?
        # 0: the guest rebooted (or powered off) without a verdict: boot it again
        [ "$q" -eq 0 ] || break
        if [ "$boots" -ge "$max_boots" ]; then
                say "the guest rebooted $boots times without a verdict"
                q=2  # no isa-debug-exit status: guest_rc makes it 99
                break
        fi
done
finish_guest uefi-guest "$q" "$log" "$run" "$keep_log" "$tmo" "$t0"
