# nodectl upgrade: a node made by init from tiny v1, an /etc change and a user
# added on its layer; then every refused upgrade (bad image, wrong digest, not
# newer, no room) exits != 0 with one sentence and changes nothing.
. "$CASE_DIR/common.inc"
. "$CASE_DIR/upgrade.inc"

fresh_vg "$UVG" /dev/vdb
# a small pool, so "too big for the pool" costs little to arrange
NODECTL_ROOT= run_nodectl init --image "$TINY_V1" --pool-size 256M "$UVG"
is "init on $UVG" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"

# the admin's changes on the v1 layer
mkdir -p /mnt/l1
mount "/dev/$UVG/$L1" /mnt/l1
echo 'Welcome, admin' > /mnt/l1/etc/motd-admin
mkdir -p /mnt/l1/etc/ssh && echo 'PermitRootLogin no' > /mnt/l1/etc/ssh/sshd_config
echo 'alice:x:1000:1000:Alice:/home/alice:/bin/sh' >> /mnt/l1/etc/passwd
umount /mnt/l1

# grub with BLS: the v1 layer's entry is the default
rm -rf "$UROOT"
mkdir -p "$UROOT/boot/loader/entries" "$UROOT/boot/grub2" "$UROOT/boot/$L1" "$UROOT/proc" "$UROOT/etc"
echo kernel > "$UROOT/boot/$L1/vmlinuz-$KVER_TINY"
printf 'title %s\nversion %s\nlinux /%s/vmlinuz-%s\noptions root=/dev/%s/%s ro rd.lvm.lv=%s/%s img.bootid=%s console=ttyS0\n' \
        "$L1" "$KVER_TINY" "$L1" "$KVER_TINY" "$UVG" "$L1" "$UVG" "$L1" "$L1" \
        > "$UROOT/boot/loader/entries/$L1-$KVER_TINY.conf"
body="# GRUB Environment Block
saved_entry=$L1-$KVER_TINY
"
{ printf '%s' "$body"; printf "%$((1024 - ${#body}))s" '' | tr ' ' '#'; } > "$UROOT/boot/grub2/grubenv"
echo "console=ttyS0" > "$UROOT/proc/cmdline"

before=$(node_state)
refuses_upgrade() {
        _name=$1 _want=$2
        shift 2
        run_nodectl --vg "$UVG" upgrade "$@"
        like "$_name: exit code $_want" "$RC" "^($_want)\$"
        _sentence=$(printf '%s\n' "$ERR" | grep '^nodectl: ')
        is "$_name: one sentence" "$(printf '%s\n' "$ERR" | grep -c '^nodectl: ')" 1
        like "$_name: the sentence" "$_sentence" '^nodectl: [^ ].*[^.][.]$'
        diag "$_sentence"
        is "$_name: nothing left mounted" "$(leftovers)" ""
}
cp "$TINY_V2" /tmp/v2.squashfs
head -c $(( $(stat -c %s /tmp/v2.squashfs) / 2 )) /tmp/v2.squashfs > /tmp/truncated.squashfs
refuses_upgrade "truncated image" 4 /tmp/truncated.squashfs
refuses_upgrade "no rootfs.img" 4 "$IMAGES/no-rootfs.squashfs"
refuses_upgrade "no NVR" 4 "$IMAGES/no-nvr.squashfs"
refuses_upgrade "not a squashfs" 4 "$IMAGES/not-squashfs.img"
refuses_upgrade "missing image" 4 /nonexistent.squashfs
refuses_upgrade "older NVR" 8 "$V0"
like "older NVR: says --force" "$ERR" 'not newer.*--force'
refuses_upgrade "same NVR, even with --force" 8 --force "$TINY_V1"
refuses_upgrade "wrong --sha256" 4 --sha256 "$(printf '%064d' 0)" /tmp/v2.squashfs
like "wrong --sha256: names both digests" "$ERR" 'does not match its SHA-256 digest'
refuses_upgrade "malformed --sha256" 4 --sha256 abc /tmp/v2.squashfs
printf '%064d  v2.squashfs\n' 1 > /tmp/v2.squashfs.sha256
refuses_upgrade "wrong IMAGE.sha256 file" 4 /tmp/v2.squashfs
# room in the pool: a volume that takes all but ~40 MiB of it
free=$(( $(lvf "$UVG/pool00" lv_size) - $(pool_used) ))
lvcreate -q -y --thin -V "$(( free / 1048576 ))m" -n filler "$UVG/pool00" >/dev/null 2>&1
dd if=/dev/zero of="/dev/$UVG/filler" bs=1M count=$(( free / 1048576 - 40 )) conv=fsync 2>/dev/null
before_full=$(node_state)
refuses_upgrade "image too big for the pool" 5 /tmp/v2.squashfs
like "too big: says what is free and needed" "$ERR" 'has .* free, but the image needs'
is "too big: node unchanged" "$(node_state)" "$before_full"
lvremove -q -y "$UVG/filler" >/dev/null 2>&1
fstrim -a >/dev/null 2>&1
refuses_upgrade "bad option" 2 --bogus "$TINY_V2"
refuses_upgrade "bad --keep" 2 --keep 0 "$TINY_V2"
refuses_upgrade "two images" 2 "$TINY_V2" "$TINY_V1"
# the lock: another changing operation holds it
flock -F /run/nodecon/lock sleep 60 &
holder=$!
sleep 1
refuses_upgrade "lock held" 7 "$TINY_V2"
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null

is "every refusal left the node as it was" "$(node_state)" "$before"

# a dry run plans, and changes nothing either
sha256sum /tmp/v2.squashfs | sed 's#/tmp/##' > /tmp/v2.squashfs.sha256
run_nodectl --vg "$UVG" upgrade --dry-run --json /tmp/v2.squashfs
is "dry run exit code" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
flat=$(printf '%s\n' "$OUT" | json_flat)
is "dry run: layer it would make" "$(jget "$flat" layer)" "$L2"
is "dry run: /etc from the default layer" "$(jget "$flat" from_layer)" "$L1"
plan=$(printf '%s\n' "$flat" | grep '^etc\.[0-9]*\.\(path\|action\)=' | paste -d' ' - - | sed 's/etc\.[0-9]*\.path=//; s/ etc\.[0-9]*\.action=/ /')
diag "$plan"
check "dry run: motd-admin would be copied" sh -c "printf '%s\n' \"$plan\" | grep -qx 'motd-admin copy'"
check "dry run: passwd would be merged" sh -c "printf '%s\n' \"$plan\" | grep -qx 'passwd merge'"
is "dry run left the node as it was" "$(node_state)" "$before"
