# nodecon's screens on real lvm, typed into the console running in a terminal
# emulator (tests/tui's harness) inside this guest: on a node made from tiny
# v1, the refused rollback (one layer), an upgrade to v2 with its progress bar,
# a rollback to v1 and the removal of v2's layer with its base; lvm and
# grubenv are read back after.
# needs: nothing (it makes its VG on /dev/vda)
. "$CASE_DIR/common.inc"
. "$CASE_DIR/upgrade.inc"

harness=/share/build/vterm-harness
if [ ! -x "$harness" ] || [ ! -x /share/nodecon ] || [ ! -d /share/build/guest-terminfo ]; then
        skip "nodecon in a terminal" "build/vterm-harness, nodecon or build/guest-terminfo missing"
        exit 0
fi
TVG=tui TROOT=/tmp/tuiroot
export NODECTL_ROOT=$TROOT
fresh_vg "$TVG" /dev/vda
NODECTL_ROOT= run_nodectl init --image "$TINY_V1" --pool-size 256M "$TVG"
is "init on $TVG" "$RC" 0
# grub with BLS: the v1 layer's entry is the default
rm -rf "$TROOT"
mkdir -p "$TROOT/boot/loader/entries" "$TROOT/boot/grub2" "$TROOT/boot/$L1" "$TROOT/proc" "$TROOT/etc"
echo kernel > "$TROOT/boot/$L1/vmlinuz-$KVER_TINY"
printf 'title %s\nversion %s\nlinux /%s/vmlinuz-%s\noptions root=/dev/%s/%s ro rd.lvm.lv=%s/%s img.bootid=%s console=ttyS0\n' \
        "$L1" "$KVER_TINY" "$L1" "$KVER_TINY" "$TVG" "$L1" "$TVG" "$L1" "$L1" \
        > "$TROOT/boot/loader/entries/$L1-$KVER_TINY.conf"
body="# GRUB Environment Block
saved_entry=$L1-$KVER_TINY
"
{ printf '%s' "$body"; printf "%$((1024 - ${#body}))s" '' | tr ' ' '#'; } > "$TROOT/boot/grub2/grubenv"
echo "console=ttyS0" > "$TROOT/proc/cmdline"
cp "$TINY_V2" /tmp/tui-v2.squashfs

export TERMINFO=/share/build/guest-terminfo NODECON=/share/nodecon TVG L1 L2 IMAGE=/tmp/tui-v2.squashfs
export FAKE_REBOOT=/share/tests/tui/fake-reboot REBOOT_LOG=/tmp/tui-reboot.log
t0=$(cut -d' ' -f1 /proc/uptime)
# the harness' steps, as this case's, as they happen (a case stopped by its
# timeout still shows how far it got)
"$harness" "$CASE_DIR/76-tui.vt" 2>&1 | while IFS= read -r line; do
        case $line in
        "ok - "*) ok "${line#ok - 76-tui: }" ;;
        "not ok - "*) fail "${line#not ok - 76-tui: }" ;;
        "# "*) printf '%s\n' "$line" ;;
        esac
done
t1=$(cut -d' ' -f1 /proc/uptime)
diag "the screens took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"

is "v2's layer was removed" "$(lvf "$TVG/$L2" lv_name)" ""
is "v2's base was removed with it" "$(lvf "$TVG/$NVR2" lv_name)" ""
is "v1's layer is kept" "$(lvf "$TVG/$L1" lv_tags)" imgbased:layer
is "v1's layer is the boot default" "$(grep -a '^saved_entry=' "$TROOT/boot/grub2/grubenv" | cut -d= -f2-)" \
        "$L1-$KVER_TINY"
check_fails "v2's boot entry is gone" test -e "$TROOT/boot/loader/entries/$L2-$KVER_TINY.conf"
check_fails "no restart was asked for" test -s /tmp/tui-reboot.log
is "nothing left mounted" "$(leftovers)" ""
vgchange -an "$TVG" >/dev/null 2>&1
