# The node disk boots: root is the layer, the base is protected, /var is its own volume.
root_dev=$(findmnt -n -o SOURCE /)
like "root is a layer of onn" "$root_dev" '^/dev/(mapper/onn-|onn/)'
layer=$(lvs --noheadings -o lv_name -S 'lv_tags=imgbased:layer' onn | tr -d ' ' | head -n 1)
like "a layer exists" "$layer" '\+1$'
like "the layer is active" "$(lvs --noheadings -o lv_attr "onn/$layer" | tr -d ' ')" '^V.{3}a'
like "the base is read-only and inactive" \
        "$(lvs --noheadings -o lv_attr -S 'lv_tags=imgbased:base' onn | tr -d ' ')" '^Vr.{2}-'
check "/var is mounted from its own volume" sh -c 'findmnt -n -o SOURCE /var | grep -q onn-var'
like "the image's NVR is in the root" "$(cat /usr/share/imgbase/build/meta/nvr)" '^nodecon-node-4\.5\.0-'
check "root is writable" sh -c 'echo x > /etc/.rig-test && rm /etc/.rig-test'
like "systemd reached running" "$(systemctl is-system-running)" '^running$'
diag "$(systemd-analyze 2>&1 | head -n 1)"
diag "$(systemd-analyze blame 2>&1 | head -n 8)"
