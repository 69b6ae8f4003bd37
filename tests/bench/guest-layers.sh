#!/bin/sh
# Runs inside the LVM guest (cwd /share): builds imgbased-like layouts of 2, 20
# and 100 layers and times `nodectl layers --json` against `lvm lvs` of the VG.
set -eu
RUNS=${RUNS:-15}
OUT=/share/build/results/bench-layers.csv
VG=benchvg
BASE=nodecon-node-4.5.0-0.20261101.0
# lvm runs from the initramfs (RAM); nodectl and its libraries would be read
# over 9p on every exec, so they are copied to RAM too for a fair comparison.
mkdir -p /tmp/bench-bin /tmp/bench-libs
cp /share/nodectl /tmp/bench-bin/
[ -n "${LD_LIBRARY_PATH:-}" ] && for d in $(echo "$LD_LIBRARY_PATH" | tr : ' '); do cp -a "$d"/. /tmp/bench-libs/ 2>/dev/null || true; done
export PATH=/tmp/bench-bin:$PATH LD_LIBRARY_PATH=/tmp/bench-libs

pvcreate -qq -y /dev/vda
vgcreate -qq --addtag imgbased:vg $VG /dev/vda
lvcreate -qq -y --type thin-pool -L 1G -n pool --addtag imgbased:pool $VG
lvcreate -qq -y -V 256M --thin -n $BASE --addtag imgbased:base $VG/pool
lvchange -qq --permission r --setactivationskip y $VG/$BASE

# centiseconds since boot (busybox date has no sub-second format)
now_cs() { awk '{printf "%d", $1 * 100}' /proc/uptime; }

# mean wall time in ms of RUNS runs of "$@"
mean_ms() {
        i=0; t0=$(now_cs)
        while [ $i -lt "$RUNS" ]; do "$@" >/dev/null 2>&1; i=$((i + 1)); done
        echo $(( ($(now_cs) - t0) * 10 / RUNS ))
}

# lvm processes started by "$@": an lvm wrapper counts its own invocations
cat >/tmp/lvm-count <<'EOS'
#!/bin/sh
echo x >>/tmp/lvm-calls
exec lvm "$@"
EOS
chmod +x /tmp/lvm-count
count_lvm() {
        : >/tmp/lvm-calls
        NODECTL_LVM=/tmp/lvm-count "$@" >/dev/null 2>&1 || true
        wc -l </tmp/lvm-calls | tr -d ' '
}

echo "layers,lvs_ms,nodectl_ms,lvs_procs,nodectl_procs" >"$OUT"
have=0
for n in 2 20 100; do
        while [ $have -lt $n ]; do
                have=$((have + 1))
                lvcreate -qq -y -s -n "$BASE+$have" --addtag imgbased:layer $VG/$BASE >/dev/null
        done
        nodectl --vg $VG layers --json >/tmp/check.json
        [ "$(grep -c "\"$BASE+" /tmp/check.json)" -ge "$n" ] || { echo "nodectl did not list $n layers"; exit 1; }
        lvs_ms=$(mean_ms lvm lvs $VG)
        nodectl_ms=$(mean_ms nodectl --vg $VG layers --json)
        nodectl_procs=$(count_lvm nodectl --vg $VG layers --json)
        echo "$n,$lvs_ms,$nodectl_ms,1,$nodectl_procs" | tee -a "$OUT"
done
