# Binaries built on the host run here with the guest's own libraries.
if [ -x ./nodectl ]; then
        check_fails "every library of nodectl is in the guest" sh -c 'ldd ./nodectl | grep "not found"'
else
        skip "nodectl libraries" "nodectl not built at the repo root"
fi
if [ -x ./nodecon ]; then
        check_fails "every library of nodecon is in the guest" sh -c 'ldd ./nodecon | grep "not found"'
else
        skip "nodecon libraries" "nodecon not built at the repo root"
fi
