#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages that building nodecon and running its tests need.
# Quiet and quick when everything is there; needs root (apt-get) otherwise.
set -eu

PACKAGES="
build-essential pkg-config gettext locales
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
# The German screen and command line tests run under LANG=de_DE.UTF-8; Debian
# generates no locale by itself (localedef needs the locales package's data).
has_german_locale() { locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; }
[ -z "$missing" ] && has_german_locale && exit 0

if [ "$(id -u)" != 0 ]; then
        [ -z "$missing" ] || {
                echo "deps: these Debian packages are missing and installing them needs root:" >&2
                echo "  sudo apt-get install$missing" >&2
        }
        has_german_locale || echo "deps: the de_DE.UTF-8 locale is missing: sudo localedef -i de_DE -f UTF-8 de_DE.UTF-8" >&2
        exit 1
fi
if [ -n "$missing" ]; then
        echo "deps: installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        # shellcheck disable=SC2086
        apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
if ! has_german_locale; then
        echo "deps: generating the de_DE.UTF-8 locale"
        localedef -i de_DE -f UTF-8 de_DE.UTF-8
fi
