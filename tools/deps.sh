#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages that building nodecon and running its tests need.
# Quiet and quick when everything is there; needs root (apt-get) otherwise.
set -eu

PACKAGES="
build-essential pkg-config gettext
libjson-c-dev libdevmapper-dev libcurl4-openssl-dev libssl-dev openssl libncurses-dev libglib2.0-dev libsystemd-dev libnm-dev libpam0g-dev
libvirt-dev
libcmocka-dev libvterm-dev valgrind
qemu-system-x86 qemu-utils busybox-static lvm2 thin-provisioning-tools cpio e2fsprogs xfsprogs kmod
mmdebstrap fdisk dosfstools mtools ovmf systemd-boot squashfs-tools util-linux
iproute2 network-manager dbus
hyperfine strace python3 jq systemd-journal-remote openssh-client
clang libclang-rt-14-dev clang-tidy cppcheck grub-common
"

missing=""
for p in $PACKAGES; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
        esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
        echo "deps: these Debian packages are missing and installing them needs root:" >&2
        echo "  sudo apt-get install$missing" >&2
        exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
