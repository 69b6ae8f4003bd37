# nodectl layers --json reports what lvs reports: names, sizes in bytes, flags.
# needs: 20-init
. "$CASE_DIR/common.inc"

B=$VG/$NVR1
L=$VG/$NVR1+1
run_nodectl --vg "$VG" layers --json
is "layers --json exit code" "$RC" 0
flat=$(printf '%s\n' "$OUT" | json_flat)
is "vg" "$(jget "$flat" vg)" "$VG"
is "pool.name" "$(jget "$flat" pool.name)" pool00
is "pool.size == lvs lv_size" "$(jget "$flat" pool.size)" "$(lvf "$VG/pool00" lv_size)"
is "pool.full" "$(jget "$flat" pool.full)" false
pct=$(lvf "$VG/pool00" data_percent)
jpct=$(jget "$flat" pool.data_percent)
check "pool.data_percent ($jpct) ~ lvs data_percent ($pct)" \
        awk -v a="$jpct" -v b="$pct" 'BEGIN { d = a - b; exit !(d < 0.5 && d > -0.5) }'
is "bases.0.name" "$(jget "$flat" bases.0.name)" "$NVR1"
is "bases.0.nvr" "$(jget "$flat" bases.0.nvr)" "$NVR1"
is "bases.0.size == lvs lv_size" "$(jget "$flat" bases.0.size)" "$(lvf "$B" lv_size)"
is "bases.0.read_only" "$(jget "$flat" bases.0.read_only)" true
is "bases.0.activation_skip" "$(jget "$flat" bases.0.activation_skip)" true
is "bases.0.layers.0.name" "$(jget "$flat" bases.0.layers.0.name)" "$NVR1+1"
is "bases.0.layers.0.nvr" "$(jget "$flat" bases.0.layers.0.nvr)" "$NVR1"
is "bases.0.layers.0.number" "$(jget "$flat" bases.0.layers.0.number)" 1
is "bases.0.layers.0.size == lvs lv_size" "$(jget "$flat" bases.0.layers.0.size)" "$(lvf "$L" lv_size)"
is "bases.0.layers.0.active" "$(jget "$flat" bases.0.layers.0.active)" true
check "bases.0.layers.0.time set" test -n "$(jget "$flat" bases.0.layers.0.time)"
is "no second base" "$(jget "$flat" bases.1.name)" ""
is "volumes.0.name" "$(jget "$flat" volumes.0.name)" var
is "volumes.0.size == lvs lv_size" "$(jget "$flat" volumes.0.size)" "$(lvf "$VG/var" lv_size)"

run_nodectl layers --json
is "VG found by its imgbased:vg tag" "$(printf '%s\n' "$OUT" | json_flat | grep '^vg=')" "vg=$VG"
run_nodectl --vg "$VG" layers
is "layers (text) exit code" "$RC" 0
# imgbase layout's tree; the branch is drawn in ASCII without a UTF-8 locale
is "layers (text): base line" "$(printf '%s\n' "$OUT" | sed -n 1p)" "$NVR1"
like "layers (text): layer under it" "$(printf '%s\n' "$OUT" | sed -n 2p)" "^ (└╼|[+\`]-) $NVR1[+]1\$"
