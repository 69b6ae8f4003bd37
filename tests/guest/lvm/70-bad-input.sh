# Bad input: each refusal is one sentence, exit code != 0, and no change to
# what lvs and vgs report.
# needs: 20-init (a VG with a node layout)
. "$CASE_DIR/common.inc"

P=plain
fresh_vg "$P" /dev/vdb

refuses "missing VG" 3 "" --vg nosuchvg layers
like "missing VG: names it" "$ERR" 'nosuchvg'
refuses "VG without tags: layers" 3 "$P" --vg "$P" layers
refuses "VG without tags: add-layer" 3 "$P" --vg "$P" add-layer
refuses "init on a missing VG" 3 "" init --image "$TINY_V1" nosuchvg

refuses "init: not a squashfs" 4 "$P" init --image "$IMAGES/not-squashfs.img" "$P"
refuses "init: squashfs without rootfs.img" 4 "$P" init --image "$IMAGES/no-rootfs.squashfs" "$P"
refuses "init: rootfs.img no file system" 4 "$P" init --image "$IMAGES/not-fs.squashfs" "$P"
refuses "init: image without NVR" 4 "$P" init --image "$IMAGES/no-nvr.squashfs" "$P"
refuses "init: malformed NVR" 4 "$P" init --image "$IMAGES/bad-nvr.squashfs" "$P"
# node_init reports a missing image and a missing VG both as ENOENT, so
# nodectl may map it to 3 as well as to 4
refuses "init: missing image" "3|4" "$P" init --image /nonexistent.squashfs "$P"
refuses "init on a VG that has a layout" 1 "$VG" init --image "$TINY_V1" "$VG"
like "init on a VG that has a layout: says so" "$ERR" 'already has a node layout'

# Garbage from lvm: nodectl must say it cannot read it, not crash or guess.
cat > /tmp/garbage-lvm <<'FAKE'
#!/bin/sh
echo '{"report": [ {"lv": [ {"lv_name":"x", "lv_size": 12'
echo '%%% garbage'
exit 0
FAKE
chmod +x /tmp/garbage-lvm
export NODECTL_LVM=/tmp/garbage-lvm
refuses "garbage from lvs: layers" 6 "$VG" --vg "$VG" layers
refuses "garbage from lvs: add-layer" 6 "$VG" --vg "$VG" add-layer
refuses "garbage from lvm: init" 6 "$P" init --image "$TINY_V1" "$P"
unset NODECTL_LVM

# Not enough space: leave ~120 MiB free in the VG.
free=$(vgf "$P" vg_free)
lvcreate -q -y -n filler -L "$(( free - 120 * 1048576 ))b" "$P" >/dev/null 2>&1
refuses "init: not enough space" 5 "$P" init --image "$TINY_V1" "$P"
like "not enough space: needed vs free" "$ERR" 'has [0-9.]+ [MG]iB free, but .* needs [0-9.]+ [MG]iB'
refuses "init: --pool-size larger than the VG" 5 "$P" init --image "$TINY_V1" --pool-size 100G "$P"
lvremove -q -y "$P/filler" >/dev/null 2>&1

# A full pool: a small layout, its pool filled up.
run_nodectl init --image "$TINY_V1" --pool-size 192M --var-size 64M "$P"
is "small layout made" "$RC" 0
[ "$RC" = 0 ] || diag "$ERR"
lvchange -q --errorwhenfull y "$P/pool00" >/dev/null 2>&1
lvcreate -q -y --thin -V 1G -n filler "$P/pool00" >/dev/null 2>&1
# zeros take pool blocks as random data would (dm-thin does not look at the
# data); direct writes stop at the first one the full pool refuses, where
# buffered ones would push the whole 1 GiB through the page cache
dd if=/dev/zero of="/dev/$P/filler" bs=1M oflag=direct 2>/dev/null
sync
diag "pool data_percent $(lvf "$P/pool00" data_percent)"
is "pool reported full by lvs" "$(lvf "$P/pool00" data_percent)" 100.00
run_nodectl --vg "$P" layers --json
is "layers --json says full" "$(printf '%s\n' "$OUT" | json_flat | grep '^pool.full=' | cut -d= -f2)" true
refuses "add-layer on a full pool" 5 "$P" --vg "$P" add-layer
like "full pool: says so" "$ERR" 'full'
