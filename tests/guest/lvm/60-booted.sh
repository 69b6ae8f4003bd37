# The booted layer is the one img.bootid names on the kernel command line.
# needs: 50-second-base
. "$CASE_DIR/common.inc"

real=$(cat /proc/cmdline)
case $real in
*img.bootid=*)
        want=$(printf '%s\n' "$real" | tr ' ' '\n' | sed -n 's/^img.bootid=//p' | head -n1)
        ;;
*)
        want=$NVR1+2
        printf '%s img.bootid=%s\n' "$real" "$want" > /tmp/cmdline
        mount --bind /tmp/cmdline /proc/cmdline
        ;;
esac
diag "img.bootid=$want"
if [ -n "$(lvf "$VG/$want" lv_name)" ]; then
        run_nodectl --vg "$VG" layers --json
        flat=$(printf '%s\n' "$OUT" | json_flat)
        is "booted" "$(jget "$flat" booted)" "$want"
        booted_flags=$(printf '%s\n' "$flat" | grep 'layers\.[0-9]*\.booted=true' | wc -l)
        is "exactly one layer flagged booted" "$booted_flags" 1
        run_nodectl --vg "$VG" info --json
        is "info: booted" "$(printf '%s\n' "$OUT" | json_flat | grep '^booted=' | cut -d= -f2-)" "$want"
else
        skip "booted" "img.bootid=$want names no LV of $VG"
fi
grep -q ' /proc/cmdline ' /proc/mounts && umount /proc/cmdline
