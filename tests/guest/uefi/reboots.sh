#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The UEFI node's reboot campaign, run by tests/node/uefi-guest.sh after every
# boot: each boot checks what systemd-boot chose, changes the boot side with
# nodectl and reboots through the firmware, until the last boot exits with
# the number of failed checks.  The phase and the counts survive reboots in
# /var (shared by every layer); TAP goes to the serial line, where the host
# collects it from every boot.
#
#   A  (layer 1, v1)  the admin changes /etc, adds a user, writes /var data;
#                     nodectl upgrade --tries T to the v2 image: it writes the
#                     systemd-boot entry of layer 2 on the ESP (kernel, initrd,
#                     options) and makes it the default on trial
#   B  (layer 2, v2)  the trial boot was healthy (nodectl check --boot in
#                     nodecon-health.service): systemd-bless-boot dropped the
#                     counter; v2's os-release and NVR, the /etc change, the
#                     user and its password, the /var data; add layer 3 whose
#                     /etc names a service in health_services that fails,
#                     nodectl boot --set-default L3 --tries T
#   C  (layer 3)      T boots: nodectl check FAILED (the service does not run),
#                     the boot is not blessed, systemd-boot counts the tries down
#   D  (layer 2)      systemd-boot fell back by itself; nodectl info says why;
#                     long campaign: nodectl rollback (to layer 1)
#   E  (layer 1, v1)  long campaign only: the rollback took effect, v1 runs
#
#   NODECON_UEFI_TRIES      T (default 1)
#   NODECON_UEFI_CAMPAIGN   short (A-D, default) or long (A-E)
#   NODECON_NODE_IMAGES     the node images (node-v2.squashfs) as the guest sees them
. /share/tests/guest/lib.sh

TRIES=${NODECON_UEFI_TRIES:-1}
CAMPAIGN=${NODECON_UEFI_CAMPAIGN:-short}
STATE=/var/lib/nodecon-test
ESP=/boot/efi
KVER=$(uname -r)
VENDOR=4a67b082-0a4c-41cf-b6c7-440b29bb8c4f
VG=onn
IMAGES=${NODECON_NODE_IMAGES:-/cache/node-images}
AGENT=nodecon-test-agent.service
ADMIN_USER=nodeadmin

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

# Lays out the entry of a layer add-layer made (add-layer writes none; an
# upgrade does) as lib/boot does for systemd-boot: kernel and initrd from the
# layer's /boot in /<layer>/ on the ESP, options of the booted entry with the
# layer's own root.
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

# Makes a layer unhealthy the way a node breaks: a service the admin listed in
# health_services (nodecon.conf) is enabled there but fails at every boot.
make_unhealthy() {
        mkdir -p /mnt/layer
        mount "/dev/$VG/$1" /mnt/layer || return 1
        mkdir -p /mnt/layer/etc/nodecon /mnt/layer/etc/systemd/system/multi-user.target.wants
        printf '[Unit]\nDescription=nodecon test: an agent that cannot start\n\n[Service]\nType=exec\nExecStart=/bin/false\n\n[Install]\nWantedBy=multi-user.target\n' \
                > "/mnt/layer/etc/systemd/system/$AGENT"
        ln -sf "../$AGENT" "/mnt/layer/etc/systemd/system/multi-user.target.wants/$AGENT"
        echo "health_services = $AGENT" >> /mnt/layer/etc/nodecon/nodecon.conf
        umount /mnt/layer
}

# What the admin does on v1 that the upgrade must carry: an /etc change, a
# user with a password, data in /var.
admin_changes() {
        echo "lifecycle test $(date +%s)" > /etc/nodecon-lifecycle.conf &&
                cp /etc/nodecon-lifecycle.conf "$STATE/etc-change" &&
                useradd -m "$ADMIN_USER" &&
                echo "$ADMIN_USER:v1-Secret-$$" | chpasswd &&
                grep "^$ADMIN_USER:" /etc/shadow | cut -d: -f2 > "$STATE/hash" &&
                head -c 4194304 /dev/urandom > "$STATE/var-data" &&
                sha256sum "$STATE/var-data" | cut -d' ' -f1 > "$STATE/var-data.sha256"
}
os_release() { sed -n "s/^$1=//p" /etc/os-release | tr -d '"'; }

add_layer() {
        _before=$(lvs --noheadings -o lv_name -S 'lv_tags=imgbased:layer' "$VG" | tr -d ' ' | sort)
        nodectl add-layer > /dev/null 2>&1 || return 1
        lvs --noheadings -o lv_name -S 'lv_tags=imgbased:layer' "$VG" | tr -d ' ' | sort |
                grep -vxF "$_before"
}

# The default is layer $1 on trial: its entry carries +T, boot --list says so.
check_trial() {
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

set_trial() {
        out=$(nodectl boot --set-default "$1" --tries "$TRIES" 2>&1)
        is "boot --set-default $1 --tries $TRIES" "$?" 0
        diag "$out"
        check_trial "$1"
}

# The upgrade of phase A: from the v2 image copied onto /var (a squashfs
# loop-mounted from 9p reads at ~1.5 MB/s under TCG).
upgrade_to_v2() {
        check "v2 image copied from the cache" dd if="$IMAGES/node-v2.squashfs" of=/var/tmp/node-v2.squashfs \
                bs=4M status=none
        t0=$(cut -d' ' -f1 /proc/uptime)
        out=$(nodectl upgrade --yes --json --tries "$TRIES" /var/tmp/node-v2.squashfs 2> "$STATE/upgrade.err")
        is "nodectl upgrade --tries $TRIES to v2" "$?" 0
        diag "upgrade took $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { print b - a }') s;" \
                "$(tail -n 3 "$STATE/upgrade.err")"
        rm -f /var/tmp/node-v2.squashfs
        flat=$(printf '%s\n' "$out" | json_flat)
        L2=$(jget "$flat" layer)
        echo "$L2" > "$STATE/L2"
        jget "$flat" nvr > "$STATE/nvr2"
        like "upgrade made layer 1 of the new base" "$L2" '^nodecon-node-4\.5\.1-.*\+1$'
        is "json: tries" "$(jget "$flat" tries)" "$TRIES"
        is "json: /etc carried from layer 1" "$(jget "$flat" from_layer)" "$L1"
        entry=$ESP/loader/entries/$L2-$KVER+$TRIES.conf
        check "upgrade wrote the entry of $L2 on the ESP" test -f "$entry"
        opts=" $(sed -n 's/^options[[:space:]]*//p' "$entry") "
        for w in "root=/dev/$VG/$L2" "rd.lvm.lv=$VG/$L2" "img.bootid=$L2" systemd.wants=boot-efi.mount; do
                case $opts in *" $w "*) ok "entry options: $w" ;; *) fail "entry options: $w" "$opts" ;; esac
        done
        case $opts in *"$L1"*) fail "entry options name layer 1 no more" "$opts" ;; *) ok "entry options name layer 1 no more" ;; esac
        is "entry: linux" "$(sed -n 's/^linux[[:space:]]*//p' "$entry")" "/$L2/vmlinuz-$KVER"
        is "entry: initrd" "$(sed -n 's/^initrd[[:space:]]*//p' "$entry")" "/$L2/initramfs-$KVER.img"
        check "kernel copied onto the ESP" cmp -s "/boot/vmlinuz-$KVER" "$ESP/$L2/vmlinuz-$KVER"
        check "initrd copied onto the ESP" cmp -s "/boot/initrd.img-$KVER" "$ESP/$L2/initramfs-$KVER.img"
        check_trial "$L2"
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
        is "v1 runs (os-release IMAGE_VERSION)" "$(os_release IMAGE_VERSION)" 4.5.0
        check "the admin changes /etc, adds a user, writes /var" admin_changes
        upgrade_to_v2
        reboot_into B
        ;;
B)
        L1=$(cat "$STATE/L1") L2=$(cat "$STATE/L2")
        check_booted "$L2"
        is "LoaderBootCountPath: systemd-boot counted the try" "$(efivar LoaderBootCountPath)" \
                "\\loader\\entries\\$L2-$KVER+$((TRIES - 1))-1.conf"
        check "nodecon-health.service passed" systemctl is-active --quiet nodecon-health.service
        check "systemd-bless-boot.service ran" systemctl is-active --quiet systemd-bless-boot.service
        is "the blessed entry has no counter" "$(entry_file "$L2")" "$L2-$KVER.conf"
        is "info: default layer" "$(jget "$json" default)" "$L2"
        is "info: no fallback" "$(jget "$json" fallback)" null
        is "info: booted NVR" "$(jget "$json" booted_nvr)" "$(cat "$STATE/nvr2")"
        is "v2 runs (os-release IMAGE_VERSION)" "$(os_release IMAGE_VERSION)" 4.5.1
        is "v2's NVR in the image" "$(cat /usr/share/imgbase/build/meta/nvr)" "$(cat "$STATE/nvr2")"
        is "the /etc change made on v1 is there" "$(cat /etc/nodecon-lifecycle.conf 2>&1)" "$(cat "$STATE/etc-change")"
        check "the user made on v1 exists" id "$ADMIN_USER"
        is "its password made on v1 (shadow hash)" "$(grep "^$ADMIN_USER:" /etc/shadow | cut -d: -f2)" \
                "$(cat "$STATE/hash")"
        # /home is a volume of its own on a real node; here it is on the layer, so not carried
        [ -d "/home/$ADMIN_USER" ] || diag "home of $ADMIN_USER not carried: /home is on the layer on this test node"
        is "the /var data written on v1 is intact" "$(sha256sum "$STATE/var-data" | cut -d' ' -f1)" \
                "$(cat "$STATE/var-data.sha256")"
        check "layer 1 is still there" lvs "$VG/$L1"
        diag "health record of $L2: $(cat "/var/lib/nodecon/health/$L2" 2>/dev/null || echo none)"
        L3=$(add_layer)
        like "add-layer made layer 2 of v2" "$L3" '^nodecon-node-4\.5\.1-.*\+2$'
        echo "$L3" > "$STATE/L3"
        check "entry of $L3 written onto the ESP" write_entry "$L3"
        check "layer $L3: $AGENT listed in health_services, and it fails" make_unhealthy "$L3"
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
        check "$AGENT failed" systemctl is-failed --quiet "$AGENT"
        check "nodecon-health.service failed" systemctl is-failed --quiet nodecon-health.service
        check_fails "systemd-bless-boot.service did not run" systemctl is-active --quiet systemd-bless-boot.service
        is "the health record says why" "$(head -n 1 "/var/lib/nodecon/health/$L3" 2>/dev/null)" \
                "Service $AGENT is not running (systemd says failed)."
        check "the record lists the failed check" grep -qx "FAILED services: Service $AGENT is not running (systemd says failed)." \
                "/var/lib/nodecon/health/$L3"
        check_fails "nodectl check exits 1" nodectl check
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
        reason="Service $AGENT is not running (systemd says failed)."
        is "info: because" "$(jget "$json" fallback.reason)" "$reason"
        plural=s
        [ "$TRIES" = 1 ] && plural=""
        is "info says it in one line" "$(nodectl info | grep '^Last boot:')" \
                "Last boot:       fell back from $L3 because its health check failed on $TRIES boot$plural: $reason"
        if [ "$CAMPAIGN" = long ]; then
                out=$(nodectl rollback --to "$(cat "$STATE/L1")" --yes 2>&1)
                is "rollback to layer 1" "$?" 0
                diag "$out"
                reboot_into E
        fi
        ;;
E)
        L1=$(cat "$STATE/L1")
        check_booted "$L1"
        is "info: default layer" "$(jget "$json" default)" "$L1"
        is "v1 runs again (os-release IMAGE_VERSION)" "$(os_release IMAGE_VERSION)" 4.5.0
        is "the /var data is still intact" "$(sha256sum "$STATE/var-data" | cut -d' ' -f1)" \
                "$(cat "$STATE/var-data.sha256")"
        ;;
esac

failed=$(grep -c '^fail$' "$STATE/results" 2>/dev/null)
echo "=== UEFI DONE after $boot boots: ${failed:-0} failed"
exit "${failed:-0}"
