#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The UEFI node's reboot campaign, run by tests/node/uefi-guest.sh after every
# boot: each boot checks what systemd-boot chose, changes the boot side with
# nodectl and reboots through the firmware, until the last boot exits with
# the number of failed checks.  The phase and the counts survive reboots in
# /var (shared by every layer); TAP goes to the serial line, where the host
# collects it from every boot.
#
#   A  (layer 1)  add layer 2, write its entry onto the ESP,
#                 nodectl boot --set-default L2 --tries T
#   B  (layer 2)  the trial boot was healthy: systemd-bless-boot dropped the
#                 counter; add layer 3 with a failing health check,
#                 nodectl boot --set-default L3 --tries T
#   C  (layer 3)  T boots: the health check fails, the boot is not blessed,
#                 systemd-boot counts the tries down
#   D  (layer 2)  systemd-boot fell back by itself; nodectl info says why;
#                 long campaign: nodectl rollback (to layer 1)
#   E  (layer 1)  long campaign only: the rollback took effect
#
#   NODECON_UEFI_TRIES      T (default 1)
#   NODECON_UEFI_CAMPAIGN   short (A-D, default) or long (A-E)
. /share/tests/guest/lib.sh

TRIES=${NODECON_UEFI_TRIES:-1}
CAMPAIGN=${NODECON_UEFI_CAMPAIGN:-short}
STATE=/var/lib/nodecon-test
ESP=/boot/efi
KVER=$(uname -r)
VENDOR=4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
VG=onn

mkdir -p "$STATE"
phase=$(cat "$STATE/phase" 2>/dev/null || echo A)
boot=$(( $(cat "$STATE/boots" 2>/dev/null || echo 0) + 1 ))
echo "$boot" > "$STATE/boots"
export NODECON_CASE="boot $boot ($phase)"
export NODECON_TAP_STATE=$STATE/results
echo "=== UEFI BOOT $boot phase $phase uptime=$(cut -d' ' -f1 /proc/uptime)s"

booted() { sed -n 's/.*img\.bootid=\([^ ]*\).*/\1/p' /proc/cmdline; }
# A systemd-boot EFI variable as text (UTF-16LE after 4 bytes of attributes).
efivar() { cat "/sys/firmware/efi/efivars/$1-$VENDOR" 2>/dev/null | tail -c +5 | tr -d '\000'; }
entry_file() { ls "$ESP/loader/entries/" | grep -F -- "$1-$KVER" | head -n 1; }
loader_default() { sed -n 's/^default[[:space:]]*//p' "$ESP/loader/loader.conf" | tail -n 1; }

# Lays out a layer's entry as lib/boot does for systemd-boot: kernel and
# initrd from the layer's /boot in /<layer>/ on the ESP, options of the booted
# entry with the layer's own root.
write_entry() {
        _l=$1 _from=$(booted)
        mkdir -p /mnt/layer "$ESP/$_l"
        mount -o ro "/dev/$VG/$_l" /mnt/layer || return 1
        cp "/mnt/layer/boot/vmlinuz-$KVER" "$ESP/$_l/vmlinuz-$KVER" &&
                cp "/mnt/layer/boot/initrd.img-$KVER" "$ESP/$_l/initramfs-$KVER.img"
        _rc=$?
        umount /mnt/layer
        [ $_rc = 0 ] || return 1
        _opts=$(sed -n 's/^options[[:space:]]*//p' "$ESP/loader/entries/$(entry_file "$_from")" |
                sed "s|$_from|$_l|g")
        printf 'title %s\nversion %s\nlinux /%s/vmlinuz-%s\ninitrd /%s/initramfs-%s.img\noptions %s\n' \
                "$_l" "$KVER" "$_l" "$KVER" "$_l" "$KVER" "$_opts" > "$ESP/loader/entries/.new" &&
                sync && mv "$ESP/loader/entries/.new" "$ESP/loader/entries/$_l-$KVER.conf"
}

# Makes a layer's health check fail (the placeholder of nodectl check reads this).
make_unhealthy() {
        mkdir -p /mnt/layer
        mount "/dev/$VG/$1" /mnt/layer || return 1
        mkdir -p /mnt/layer/etc/nodecon
        echo "$2" > /mnt/layer/etc/nodecon/unhealthy
        umount /mnt/layer
}

add_layer() {
        _before=$(lvs --noheadings -o lv_name -S 'lv_tags=imgbased:layer' "$VG" | tr -d ' ' | sort)
        nodectl add-layer > /dev/null 2>&1 || return 1
        lvs --noheadings -o lv_name -S 'lv_tags=imgbased:layer' "$VG" | tr -d ' ' | sort |
                grep -vxF "$_before"
}

set_trial() {
        out=$(nodectl boot --set-default "$1" --tries "$TRIES" 2>&1)
        is "boot --set-default $1 --tries $TRIES" "$?" 0
        diag "$out"
        check "the entry of $1 is counted (+$TRIES)" test -e "$ESP/loader/entries/$1-$KVER+$TRIES.conf"
        flat=$(nodectl boot --list --json | json_flat)
        n=0
        while [ -n "$(jget "$flat" "$n.id")" ]; do
                if [ "$(jget "$flat" "$n.layer")" = "$1" ]; then
                        is "boot --list: $1 is the default" "$(jget "$flat" "$n.default")" true
                        is "boot --list: $1 has $TRIES tries left" "$(jget "$flat" "$n.tries_left")" "$TRIES"
                fi
                n=$((n + 1))
        done
        diag "loader.conf default: $(loader_default)"
}

# The next phase after a reboot through the firmware.
reboot_into() {
        echo "$1" > "$STATE/phase"
        sync
        echo "=== UEFI REBOOT after boot $boot into phase $1"
        sleep 1
        systemctl reboot
        sleep 300
        fail "the reboot did not happen"
        exit 1
}

check_booted() {
        is "systemd-boot started layer $1 (img.bootid)" "$(booted)" "$1"
        is "LoaderEntrySelected names the entry of $1" "$(efivar LoaderEntrySelected | sed 's/+[0-9-]*\.conf$/.conf/')" \
                "$1-$KVER.conf"
        json=$(nodectl info --json | json_flat)
        is "info: booted layer" "$(jget "$json" booted)" "$1"
}

state=$(systemctl is-system-running 2>/dev/null)
diag "systemd: $state; cmdline: $(cat /proc/cmdline)"
diag "efivarfs: $(findmnt -n -o FSTYPE /sys/firmware/efi/efivars):" $(ls /sys/firmware/efi/efivars | grep "$VENDOR" | sed "s/-$VENDOR//")
is "the ESP is mounted on $ESP (vfat)" "$(findmnt -n -o FSTYPE "$ESP")" vfat

case $phase in
A)
        L1=$(booted)
        echo "$L1" > "$STATE/L1"
        check_booted "$L1"
        is "info: default layer" "$(jget "$json" default)" "$L1"
        is "boot --list: the entry on the ESP, the default" "$(nodectl boot --list | awk '{ print $1, $2 }')" \
                "* $L1-$KVER"
        L2=$(add_layer)
        like "add-layer made layer 2" "$L2" '\+2$'
        echo "$L2" > "$STATE/L2"
        check "entry of $L2 written onto the ESP" write_entry "$L2"
        set_trial "$L2"
        reboot_into B
        ;;
B)
        L2=$(cat "$STATE/L2")
        check_booted "$L2"
        is "LoaderBootCountPath: systemd-boot counted the try" "$(efivar LoaderBootCountPath)" \
                "\\loader\\entries\\$L2-$KVER+$((TRIES - 1))-1.conf"
        check "nodecon-health.service passed" systemctl is-active --quiet nodecon-health.service
        check "systemd-bless-boot.service ran" systemctl is-active --quiet systemd-bless-boot.service
        is "the blessed entry has no counter" "$(entry_file "$L2")" "$L2-$KVER.conf"
        is "info: default layer" "$(jget "$json" default)" "$L2"
        is "info: no fallback" "$(jget "$json" fallback)" null
        L3=$(add_layer)
        like "add-layer made layer 3" "$L3" '\+3$'
        echo "$L3" > "$STATE/L3"
        check "entry of $L3 written onto the ESP" write_entry "$L3"
        check "layer $L3 made unhealthy" make_unhealthy "$L3" "test: the engine is unreachable"
        set_trial "$L3"
        echo 0 > "$STATE/tries"
        reboot_into C
        ;;
C)
        L3=$(cat "$STATE/L3")
        try=$(( $(cat "$STATE/tries") + 1 ))
        echo "$try" > "$STATE/tries"
        check_booted "$L3"
        is "try $try of $TRIES: counted down" "$(entry_file "$L3")" "$L3-$KVER+$((TRIES - try))-$try.conf"
        check "nodecon-health.service failed" systemctl is-failed --quiet nodecon-health.service
        check_fails "systemd-bless-boot.service did not run" systemctl is-active --quiet systemd-bless-boot.service
        is "the health record says why" "$(cat "/var/lib/nodecon/health/$L3" 2>/dev/null)" \
                "test: the engine is unreachable"
        if [ "$try" -lt "$TRIES" ]; then reboot_into C; else reboot_into D; fi
        ;;
D)
        L2=$(cat "$STATE/L2") L3=$(cat "$STATE/L3")
        check_booted "$L2"
        is "loader.conf still names the trial pattern (nothing changed it)" \
                "$(loader_default | grep -c "\\[")" 1
        is "the entry of $L3 is out of tries" "$(entry_file "$L3")" "$L3-$KVER+0-$TRIES.conf"
        is "info: fell back from" "$(jget "$json" fallback.from)" "$L3"
        is "info: tries" "$(jget "$json" fallback.tries)" "$TRIES"
        is "info: because" "$(jget "$json" fallback.reason)" "test: the engine is unreachable"
        plural=s
        [ "$TRIES" = 1 ] && plural=""
        is "info says it in one line" "$(nodectl info | grep '^Last boot:')" \
                "Last boot:       fell back from $L3 because its health check failed on $TRIES boot$plural: test: the engine is unreachable"
        if [ "$CAMPAIGN" = long ]; then
                out=$(nodectl rollback --yes 2>&1)
                is "rollback" "$?" 0
                diag "$out"
                reboot_into E
        fi
        ;;
E)
        L1=$(cat "$STATE/L1")
        check_booted "$L1"
        is "info: default layer" "$(jget "$json" default)" "$L1"
        ;;
esac

failed=$(grep -c '^fail$' "$STATE/results" 2>/dev/null)
echo "=== UEFI DONE after $boot boots: ${failed:-0} failed"
exit "${failed:-0}"
