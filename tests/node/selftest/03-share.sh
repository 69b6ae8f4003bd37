# The repo is shared read-write and the programs built at its root run here.
check "share is writable" sh -c 'mkdir -p build && echo x > build/.selftest && rm build/.selftest'
like "tier is set" "${NODECON_TIER:-}" '^(lvm|full)$'
if [ -x ./nodectl ]; then
        # the loader lists what it could not find, as ldd would (the guest has no ldd)
        check_fails "no library missing for nodectl" sh -c '/lib64/ld-linux-x86-64.so.2 --list ./nodectl 2>&1 | grep "not found"'
        check "nodectl --help runs" ./nodectl --help
else
        skip "nodectl runs" "not built at the repo root"
fi
