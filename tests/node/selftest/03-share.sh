# The repo is shared read-write and the programs built at its root run here.
check "share is writable" sh -c 'mkdir -p build && echo x > build/.selftest && rm build/.selftest'
is "tier" "${NODECON_TIER:-}" "${NODECON_TIER:+$NODECON_TIER}"
like "tier is set" "${NODECON_TIER:-}" '^(lvm|full)$'
if [ -x ./nodectl ]; then
        check "nodectl runs (libraries staged)" sh -c './nodectl --help >/dev/null 2>&1 || ./nodectl help >/dev/null 2>&1 || ldd ./nodectl | grep -vq "not found"'
        check_fails "no library missing for nodectl" sh -c 'ldd ./nodectl 2>&1 | grep "not found"'
else
        skip "nodectl runs" "not built at the repo root"
fi
