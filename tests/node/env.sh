# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by every tests/node script: where things are, which kernel, which
# accelerator, and the helpers that make cached builds idempotent and atomic.
#
# Environment:
#   NODECON_CACHE   where slow things are kept (default: <repo>/.cache)
#   NODECON_ACCEL   QEMU accelerator arguments, overriding the cached probe
#   NODECON_KVER    kernel version to use, overriding the apt-cache lookup

NODE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
REPO=$(cd "$NODE_DIR/../.." && pwd)
CACHE=${NODECON_CACHE:-$REPO/.cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

# The Debian packages whose files go into the guests built from the host.
HOST_GUEST_PKGS="busybox-static lvm2 dmsetup thin-provisioning-tools e2fsprogs squashfs-tools util-linux
 mount xfsprogs libc6 kmod qemu-system-x86"

say() { printf '%s\n' "[rig] $*" >&2; }
die() { printf '%s\n' "[rig] error: $*" >&2; exit 1; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The newest linux-image-6.1.0-N-amd64 apt knows of; cached kernels are keyed by it.
resolve_kver() {
        if [ -n "${NODECON_KVER:-}" ]; then
                KVER=$NODECON_KVER
                return
        fi
        local pkg
        pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' 2>/dev/null |
                awk '{print $1}' | sort -V | tail -n 1)
        if [ -z "$pkg" ]; then
                # apt lists missing (no apt-get update yet): fall back to a kernel already cached
                pkg=$(ls -d "$CACHE"/kernel-6.1.0-*-amd64-* 2>/dev/null | sed 's|.*/kernel-||; s|-[0-9a-f]*$||' |
                        sort -V | tail -n 1)
                [ -n "$pkg" ] || die "no linux-image-6.1.0-*-amd64 known to apt (run apt-get update)"
                pkg=linux-image-$pkg
        fi
        KVER=${pkg#linux-image-}
}

# Stable digest of the things named: files (contents), and literal strings.
#   inputs_hash FILE... -- STRING...
inputs_hash() {
        {
                while [ $# -gt 0 ] && [ "$1" != -- ]; do
                        printf 'file %s\n' "$(basename "$1")"
                        cat "$1"
                        shift
                done
                [ $# -gt 0 ] && shift
                printf '%s\n' "$@"
        } | sha256sum | cut -c1-12
}

# Versions of installed Debian packages, so an upgrade of lvm2 on the host rebuilds the guests.
pkg_versions() {
        dpkg-query -W -f '${Package}=${Version}\n' "$@" 2>/dev/null | sort
}

# Runs BUILDER TMPPATH to make DEST, unless DEST exists. The builder writes
# TMPPATH (a file or a directory) next to DEST; it is renamed into place only
# when the builder succeeded, so an interrupted build leaves nothing that looks
# finished.  A lock serialises concurrent builders of the same thing.
cached_build() {
        local dest=$1
        shift
        [ -e "$dest" ] && return 0
        mkdir -p "$(dirname "$dest")"
        exec {lockfd}>"$dest.lock"
        flock "$lockfd"
        if [ ! -e "$dest" ]; then
                local tmp="$dest.tmp.$$" t0 rc=0
                rm -rf "$tmp"
                t0=$(now)
                say "building $(basename "$dest") ..."
                "$@" "$tmp" || rc=$?
                if [ $rc -ne 0 ]; then
                        rm -rf "$tmp" "$dest.lock"
                        exec {lockfd}>&-
                        die "building $(basename "$dest") failed (rc=$rc)"
                fi
                mv -T "$tmp" "$dest"
                say "built $(basename "$dest") in $(elapsed "$t0") s"
        fi
        exec {lockfd}>&-
        rm -f "$dest.lock"
}

# Kernel paths (filled by kernel_ensure from kernel.sh).
kernel_paths() {
        KDIR=$CACHE/kernel-$KVER-$(inputs_hash "$NODE_DIR/kernel.sh" -- "$KVER")
        KROOT=$KDIR/kroot
        VMLINUZ=$KROOT/boot/vmlinuz-$KVER
        VMLINUX=$KDIR/vmlinux
}

kernel_ensure() {
        resolve_kver
        kernel_paths
        [ -e "$KDIR" ] || "$NODE_DIR/kernel.sh" >&2
        [ -e "$KDIR" ] || die "kernel $KVER missing after kernel.sh"
        # PVH boot of the uncompressed kernel skips the decompression, which is slow under TCG
        if [ -s "$VMLINUX" ]; then KERNEL=$VMLINUX; else KERNEL=$VMLINUZ; fi
}

# Kernel modules (paths) for NAMES, with their dependencies, in load order.
module_closure() {
        modprobe -d "$KROOT" -S "$KVER" -a --show-depends "$@" |
                awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++'
}

# Shared libraries (host paths) the given ELF programs need, except the loader.
lib_closure() {
        ldd "$@" 2>/dev/null | awk '/=> \// { print $3 }' | sort -u
}

# Copies programs and their library closure into a root directory.
copy_with_libs() {
        local root=$1 dir=$2
        shift 2
        mkdir -p "$root$dir"
        local b l
        for b in "$@"; do cp -L "$b" "$root$dir/"; done
        for l in $(lib_closure "$@"); do
                [ -e "$root$l" ] && continue
                mkdir -p "$root$(dirname "$l")"
                cp -L "$l" "$root$l"
        done
        mkdir -p "$root/lib64"
        [ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
}

# Packs a directory as a gzip'd newc cpio (an initramfs).
pack_cpio() {
        local dir=$1 out=$2
        (cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out"
}

# The accelerator: KVM only if a probe guest really runs under it here (on a
# PVM host /dev/kvm exists but a stock kernel does not boot), else TCG.
#   accel_ensure CPUS   sets ACCEL: the arguments above, with CPUS virtual CPUs
accel_ensure() {
        local smp="-smp $1"  # QEMU takes the last -smp given
        if [ -n "${NODECON_ACCEL:-}" ]; then
                ACCEL="$NODECON_ACCEL $smp"
                return
        fi
        kernel_ensure
        local key file
        key=$(inputs_hash "$NODE_DIR/env.sh" -- "$KVER" "$(uname -r)" "$(pkg_versions qemu-system-x86)")
        file=$CACHE/accel-$key
        if [ ! -s "$file" ]; then
                # qemu64, not max: with max the guest kernel turns on Spectre
                # mitigations (retpolines, RSB filling) that TCG pays for on every
                # syscall; 1500 fork+exec and 10 lvs in the LVM guest took 22-27 CPU
                # seconds of QEMU with qemu64 and 27-47 with max (2026-12-05)
                local tcg="-accel tcg,thread=multi -cpu qemu64 -smp 2"
                local result=$tcg
                if [ -w /dev/kvm ] && [ -x /bin/busybox ]; then
                        local d rc=0
                        d=$(mktemp -d "${TMPDIR:-/tmp}/accel-probe.XXXXXX")
                        mkdir -p "$d/root/bin" "$d/root/dev"
                        cp /bin/busybox "$d/root/bin/"
                        printf '%s\n' '#!/bin/busybox sh' '/bin/busybox mount -t devtmpfs dev /dev' \
                                "printf '\\005' | /bin/busybox dd of=/dev/port bs=1 seek=244 count=1" \
                                '/bin/busybox poweroff -f' > "$d/root/init"
                        chmod +x "$d/root/init"
                        pack_cpio "$d/root" "$d/initrd"
                        # the probe's QEMU may abort: keep bash's job report out of the log
                        rc=$( (timeout 40 qemu-system-x86_64 -accel kvm -cpu host -smp 2 -m 256 -M q35 \
                                -kernel "$VMLINUZ" -initrd "$d/initrd" -append "console=ttyS0 quiet panic=-1" \
                                -device isa-debug-exit,iobase=0xf4,iosize=0x04 -nographic -no-reboot \
                                -nodefaults -serial "file:$d/serial" >/dev/null 2>&1; echo $?) 2>/dev/null)
                        rm -rf "$d"
                        [ $rc -eq 11 ] && result="-accel kvm -cpu host -smp 2"
                fi
                printf '%s\n' "$result" > "$file.tmp.$$" && mv "$file.tmp.$$" "$file"
                prune_siblings "$file" "$CACHE/accel-"
                say "accelerator probe: $result"
        fi
        ACCEL="$(cat "$file") $smp"
}

# qboot skips SeaBIOS's option-ROM scan and screen output: ~2 s less per boot under TCG.
# UEFI and disk boots need a real firmware and do not use this.
qemu_fast_firmware() {
        if [ -r /usr/share/qemu/qboot.rom ]; then
                echo "-bios /usr/share/qemu/qboot.rom"
        fi
}

# Removes older builds of the same thing (same prefix, other key) once a new one is in place,
# but only those unused for a day: branches checked out side by side share one cache, and each
# would otherwise delete the other's build and rebuild its own, over and over.
prune_siblings() {
        local keep=$1 prefix=$2 f
        for f in "$prefix"*; do
                [ -e "$f" ] || continue
                [ "$f" = "$keep" ] && continue
                case $f in *.lock|*.tmp.*) continue ;; esac
                [ -n "$(find "$f" -maxdepth 0 -mtime +1)" ] || continue
                rm -rf "$f"
        done
}

# Maps a QEMU exit status with isa-debug-exit to the guest's exit code.
guest_rc() {
        local q=$1
        if [ "$q" -eq "$QEMU_STALLED" ]; then
                echo "$GUEST_STALLED"
        elif [ "$q" -eq 1 ]; then
                echo 0
        elif [ "$q" -gt 1 ] && [ "$q" -lt 124 ] && [ $((q & 1)) -eq 1 ]; then
                echo $((q >> 1))
        else
                echo 99
        fi
}

# Under TCG a big buffered write into a thin LV now and then never completes:
# QEMU sits idle with no request in flight while the guest's timers still run,
# and nothing in the guest recovers.  The kernel's hung-task line (a task
# blocked on I/O for 2 minutes) is the sign; the rig stops such a guest at once
# instead of waiting out its timeout, and says so, so that a caller whose work
# can start over (a cache build, a shard of cases on fresh disks) boots it
# again: see guest_stalled.
GUEST_STALLED=75 QEMU_STALLED=250
GUEST_STALL_SIGN='INFO: task .* blocked for more than [0-9]* seconds'

# Runs QEMU's command line (timeout ... qemu-system-x86_64 ...) and sets q to
# its exit status, or to QEMU_STALLED when the serial log LOG showed a stall.
#   run_qemu_watched LOG COMMAND...
run_qemu_watched() {
        local log=$1 pid tick ended st
        shift
        "$@" &
        pid=$!
        # a background job does not see the Ctrl-C of make check: pass it on
        trap 'kill "$pid" 2>/dev/null; exit 130' INT
        trap 'kill "$pid" 2>/dev/null; exit 143' TERM
        while :; do
                sleep 2 </dev/null >/dev/null 2>&1 &
                tick=$!
                st=0
                wait -n -p ended "$pid" "$tick" || st=$?
                if [ "$ended" = "$pid" ]; then
                        q=$st
                        break
                fi
                if grep -q -- "$GUEST_STALL_SIGN" "$log"; then
                        kill "$pid" 2>/dev/null
                        wait "$pid" 2>/dev/null
                        q=$QEMU_STALLED
                        break
                fi
        done
        trap - INT TERM
}

# True when a guest run that exited with RC, whose output went to RUN_LOG,
# was stopped by the rig because its I/O stalled.
#   guest_stalled RC RUN_LOG
guest_stalled() {
        [ "$1" -eq "$GUEST_STALLED" ] && grep -q '^\[rig\] the guest stalled' "$2"
}

# After a guest run: prints its serial log (all of it on success, the end of it
# and QEMU's own words on failure, keeping the log in build/NAME-failed.log
# unless the caller chose where the log goes) and exits with the guest's code.
#   finish_guest NAME QEMU_STATUS LOG RUN_DIR KEEP_LOG TIMEOUT T0
finish_guest() {
        local name=$1 q=$2 log=$3 run=$4 keep_log=$5 tmo=$6 t0=$7 rc
        rc=$(guest_rc "$q")
        if [ "$rc" -eq 0 ]; then
                cat "$log"
        else
                tail -n 100 "$log"
                [ -s "$run/qemu.out" ] && cat "$run/qemu.out" >&2
                if [ "$keep_log" = 0 ]; then
                        mkdir -p "$REPO/build"
                        cp "$log" "$REPO/build/$name-failed.log"
                        log=$REPO/build/$name-failed.log
                fi
                [ "$q" -eq 124 ] && say "timed out after $tmo s"
                [ "$q" -eq "$QEMU_STALLED" ] &&
                        say "the guest stalled: $(grep -m1 -o -- "$GUEST_STALL_SIGN" "$log"); stopped it"
                grep -q '=== GUEST RESULT' "$log" || say "the guest gave no result (qemu exit $q)"
                say "full serial log: $log"
        fi
        say "$name: rc=$rc in $(elapsed "$t0") s"
        exit "$rc"
}

# Quotes each argument for sh, space-separated.
shell_quote() {
        local s out=""
        for s in "$@"; do out="$out '$(printf '%s' "$s" | sed "s/'/'\\\\''/g")'"; done
        printf '%s\n' "${out# }"
}

# What the test-mode runner in a systemd guest reads from its "run" share:
# RUN/env (an export line for each NAME=VALUE) and RUN/cmd (exec CMD...).
#   write_guest_command RUN [NAME=VALUE...] -- CMD...
write_guest_command() {
        local run=$1
        shift
        : > "$run/env"
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                echo "export $(shell_quote "$1")" >> "$run/env"
                shift
        done
        shift
        echo "exec $(shell_quote "$@")" > "$run/cmd"
}

# Sets log (the serial log: the file asked for, else RUN/serial.log, emptied)
# and keep_log (1 when the caller chose the file) for finish_guest.
#   open_serial_log RUN [FILE]
open_serial_log() {
        keep_log=1
        log=${2:-}
        if [ -z "$log" ]; then
                log=$1/serial.log
                keep_log=0
        fi
        : > "$log"
}

# Relative path of a file under REPO or CACHE, as the guest sees it (/share, /cache).
guest_path() {
        case $1 in
        "$REPO"/*) echo "/share/${1#"$REPO"/}" ;;
        "$CACHE"/*) echo "/cache/${1#"$CACHE"/}" ;;
        *) die "$1 is neither in the repo nor in the cache: the guest cannot see it" ;;
        esac
}
