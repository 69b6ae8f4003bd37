#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boots the full guest (Debian bookworm with systemd, dbus, NetworkManager,
# lvm2; direct kernel boot) and runs one command in it once the boot is done.
# The exit status is the command's.
#
# full-guest.sh [--node-disk] [--disk SIZE]... [--attach-ro FILE]... [--append "ARGS"] [--log FILE]
#               [--timeout S] [--mem MB] [--cpus N] [--env NAME=VALUE]... -- GUEST_CMD...
# full-guest.sh --interactive [--node-disk] [--append "ARGS"]
#
#   (default)     root is a plain ext4 image of the rootfs (cached), /dev/vda
#   --node-disk   /dev/vda is the node disk from node-disk.sh and root is its
#                 layer: root=/dev/onn/<layer> rd.lvm.lv=onn/<layer> (no img.bootid;
#                 add one with --append)
#   --disk SIZE   an extra fresh sparse virtio disk after /dev/vda
#   --attach-ro FILE  an extra read-only virtio disk backed by FILE, e.g. a node
#                 image to upgrade to: `dd if=/dev/vdb of=/tmp/v2.squashfs bs=4M`
#                 in the guest is ~10x faster than loop-mounting it over 9p
#   --cpus N      virtual CPUs (default: NODECON_GUEST_CPUS, else 1 for
#                 tests, as lvm-guest.sh: the guests of make check run side by
#                 side on 2 cores, where a second vCPU only adds TCG's cost;
#                 2 with --interactive and --console, where a person waits)
#   --interactive no test mode: the serial console is this terminal, root logs
#                 in by itself (Ctrl-A X quits QEMU)
#   --console     test mode with the serial console on this terminal: CMD runs
#                 once the boot is done and may take /dev/ttyS0 for itself; the
#                 node powers off when it ends (exit status: CMD's, 0 after
#                 Ctrl-A X); used by demo.sh
# The root disk is opened with snapshot=on: the cached images never change.
# GUEST_CMD runs in /share with PATH starting with /share, NODECON_TIER=full.
# The guest may pull or plug its NIC's cable (QEMU's `set_link nic0 off|on`
# on the monitor socket): `host_link off|on` in tests/guest/lib.sh writes the
# request into /share/$NODECON_RIG_CTL/link and waits for link.done.
set -eu
. "$(dirname "$0")/env.sh"

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0" >&2; exit 2; }

node_disk=0 interactive=0 console=0 append="" log="" tmo=900 mem=1536 cpus=${NODECON_GUEST_CPUS:-} disks=() envs=()
while [ $# -gt 0 ]; do
        case $1 in
        --node-disk) node_disk=1; shift ;;
        --interactive) interactive=1; shift ;;
        --console) console=1; shift ;;
        --disk) disks+=("disk:$2"); shift 2 ;;
        --attach-ro) disks+=("ro:$2"); shift 2 ;;
        --append) append="$append $2"; shift 2 ;;
        --log) log=$2; shift 2 ;;
        --timeout) tmo=$2; shift 2 ;;
        --mem) mem=$2; shift 2 ;;
        --cpus) cpus=$2; shift 2 ;;
        --env) envs+=("$2"); shift 2 ;;
        --) shift; break ;;
        -h|--help) usage ;;
        *) break ;;
        esac
done
[ $# -gt 0 ] || [ $interactive = 1 ] || usage

build_root_image() {
        local out=$1 tree used_mb
        tree=$(mktemp -d "$CACHE/root-tree.XXXXXX")
        tar -C "$tree" -xf "$rootfs"
        used_mb=$(du -sm "$tree" | cut -f1)
        # room for what the tests write, still sparse on the host
        truncate -s $((used_mb * 13 / 10 + 1024))M "$out"
        mkfs.ext4 -q -F -L noderoot -d "$tree" "$out"
        rm -rf "$tree"
}

kernel_ensure
initrd=$("$NODE_DIR/node-initrd.sh")
if [ $node_disk = 1 ]; then
        # NODECON_NODE_DISK=manual: the disk laid out without nodectl (see node-disk.sh)
        ndir=$("$NODE_DIR/node-disk.sh" ${NODECON_NODE_DISK:+--$NODECON_NODE_DISK} | tail -n 1)
        layer=$(cat "$ndir/layer")
        root_disk=$ndir/disk.img
        root_args="root=/dev/onn/$layer rd.lvm.lv=onn/$layer"
else
        rootfs=$("$NODE_DIR/rootfs.sh" | tail -n 1)
        root_disk=$CACHE/root-$(basename "$rootfs" .tar | sed 's/^rootfs-//').img
        cached_build "$root_disk" build_root_image
        prune_siblings "$root_disk" "$CACHE/root-"
        root_args="root=/dev/vda"
fi
[ -n "$cpus" ] || { cpus=1; [ $interactive = 1 ] || [ $console = 1 ] && cpus=2; }
accel_ensure "$cpus"

run=$(mktemp -d "${TMPDIR:-/tmp}/full-guest.XXXXXX")
ctl=$REPO/build/rig-ctl/$(basename "$run")
watcher=
trap '[ -z "$watcher" ] || kill "$watcher" 2>/dev/null; rm -rf "$run" "$ctl"' EXIT

drives=(-drive "file=$root_disk,if=virtio,format=raw,snapshot=on,cache=unsafe,aio=threads")
n=1
for item in "${disks[@]}"; do
        case $item in
        disk:*)
                truncate -s "${item#disk:}" "$run/disk$n.img"
                drives+=(-drive "file=$run/disk$n.img,if=virtio,format=raw,cache=unsafe,aio=threads")
                ;;
        ro:*)
                [ -e "${item#ro:}" ] || die "no such file: ${item#ro:}"
                drives+=(-drive "file=${item#ro:},if=virtio,format=raw,readonly=on,aio=threads")
                ;;
        esac
        n=$((n + 1))
done
shares=(-virtfs "local,path=$REPO,mount_tag=share,security_model=none"
        -virtfs "local,path=$CACHE,mount_tag=cache,security_model=none,readonly=on")

if [ $interactive = 1 ]; then
        # --foreground: QEMU reads the terminal; a forgotten demo still ends
        # shellcheck disable=SC2086
        exec timeout --foreground "${NODECON_DEMO_TIMEOUT:-14400}" qemu-system-x86_64 $ACCEL -m "$mem" -M q35 $(qemu_fast_firmware) \
                -kernel "$KERNEL" -initrd "$initrd" \
                -append "console=ttyS0 quiet systemd.show_status=0 no_timer_check $root_args $append" \
                "${drives[@]}" "${shares[@]}" -nic user,model=virtio-net-pci \
                -nographic -nodefaults -serial mon:stdio
fi

mkdir -p "$ctl"
envs+=("NODECON_RIG_CTL=${ctl#"$REPO"/}")
write_guest_command "$run" "${envs[@]}" -- "$@"

if [ $console = 1 ]; then
        q=0
        # shellcheck disable=SC2086
        timeout --foreground "${NODECON_DEMO_TIMEOUT:-14400}" qemu-system-x86_64 $ACCEL -m "$mem" -M q35 $(qemu_fast_firmware) \
                -kernel "$KERNEL" -initrd "$initrd" \
                -append "console=ttyS0 quiet systemd.show_status=0 no_timer_check nodecon.test=1 systemd.mask=serial-getty@ttyS0.service $root_args $append" \
                "${drives[@]}" "${shares[@]}" \
                -virtfs "local,path=$run,mount_tag=run,security_model=none,readonly=on" \
                -nic user,model=virtio-net-pci -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
                -nographic -no-reboot -nodefaults -serial mon:stdio || q=$?
        # Ctrl-A X: QEMU's own 0
        [ $q = 0 ] && exit 0
        exit "$(guest_rc "$q")"
fi

# One monitor command; the answer is read up to the next prompt.
monitor() {
        python3 - "$run/monitor.sock" "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
def until_prompt():
    data = b""
    while not data.endswith(b"(qemu) "):
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
until_prompt()
s.sendall(sys.argv[2].encode() + b"\n")
until_prompt()
EOF
}
# the guest's requests, in a file on the shared repo (9p): polled, the guest waits for link.done
link_watcher() {
        local state
        while :; do
                if [ -s "$ctl/link" ]; then
                        state=$(cat "$ctl/link")
                        rm -f "$ctl/link"
                        case $state in
                        on|off) monitor "set_link nic0 $state" && echo "$state" >"$ctl/link.done" ;;
                        esac
                fi
                sleep 0.2
        done
}
link_watcher &
watcher=$!

open_serial_log "$run" "$log"
t0=$(now)
q=0
# no_timer_check: see lvm-guest.sh
# shellcheck disable=SC2086
timeout "$tmo" qemu-system-x86_64 $ACCEL -m "$mem" -M q35 $(qemu_fast_firmware) \
        -kernel "$KERNEL" -initrd "$initrd" \
        -append "console=ttyS0 quiet systemd.show_status=0 panic=-1 no_timer_check nodecon.test=1 systemd.mask=serial-getty@ttyS0.service $root_args $append" \
        "${drives[@]}" "${shares[@]}" \
        -virtfs "local,path=$run,mount_tag=run,security_model=none,readonly=on" \
        -nic user,id=nic0,model=virtio-net-pci -monitor "unix:$run/monitor.sock,server=on,wait=off" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -nographic -no-reboot -nodefaults -serial "file:$log" > "$run/qemu.out" 2>&1 || q=$?
finish_guest full-guest "$q" "$log" "$run" "$keep_log" "$tmo" "$t0"
