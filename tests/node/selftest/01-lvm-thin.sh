# The LVM guest has what the node's layout needs: thin pools, thin snapshots
# that activate with -K, tags and JSON reports.
check "fresh VG on the scratch disk" fresh_vg selftest /dev/vda
check "thin pool" lvcreate -q -y --type thin-pool -L 512M -n pool selftest
check "thin base with activation skip" lvcreate -q -y -V 1G --thin -n base selftest/pool \
        --addtag imgbased:base --setactivationskip y
check "base activates with -K" lvchange -ay -K selftest/base
check "ext4 on the base" mkfs.ext4 -q /dev/selftest/base
check "thin snapshot (layer)" lvcreate -q -y -s -n base+1 selftest/base --addtag imgbased:layer
check "layer activates" lvchange -ay -K selftest/base+1
is "layer's origin" "$(lvs --noheadings -o origin selftest/base+1 | tr -d ' ')" base
like "JSON report" "$(lvs --reportformat json -o lv_name,lv_tags selftest)" '"lv_tags":"imgbased:layer"'
check "mount the layer rw" mount /dev/selftest/base+1 /mnt
check "write to it" sh -c 'echo layer > /mnt/f'
umount /mnt
check "dm-thin targets listed" sh -c 'dmsetup targets | grep -q thin-pool'
check "deactivate the VG" vgchange -q -an selftest
