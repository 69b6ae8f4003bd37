#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetches the newest Debian 6.1 kernel package into the cache and unpacks it:
#   $CACHE/kernel-<kver>-<hash>/kroot     the package's files, depmod'ed
#   $CACHE/kernel-<kver>-<hash>/vmlinux   the uncompressed kernel (PVH boot, no
#                                         decompression under TCG: ~1 s faster)
# Prints the kernel directory.
set -eu
. "$(dirname "$0")/env.sh"

build_kernel() {
        local out=$1 work
        mkdir -p "$out"
        work=$(mktemp -d "$out/dl.XXXXXX")
        (cd "$work" && apt-get download -q "linux-image-$KVER" >&2) ||
                die "apt-get download linux-image-$KVER failed"
        dpkg-deb -x "$work"/linux-image-"$KVER"_*.deb "$out/kroot"
        rm -rf "$work"
        depmod -b "$out/kroot" "$KVER"
        # The bzImage payload is xz; cut at the xz magic and inflate it.
        python3 - "$out/kroot/boot/vmlinuz-$KVER" "$out/vmlinux" <<'EOF'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
start = data.find(b'\xfd7zXZ\x00')
if start < 0:
    sys.exit(0)
try:
    elf = lzma.LZMADecompressor().decompress(data[start:])
except lzma.LZMAError:
    sys.exit(0)
if elf[:4] == b'\x7fELF':
    open(sys.argv[2], 'wb').write(elf)
EOF
}

resolve_kver
kernel_paths
cached_build "$KDIR" build_kernel
echo "$KDIR"
