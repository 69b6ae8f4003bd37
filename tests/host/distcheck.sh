#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The release tarball builds by itself (no git, no files from the work tree),
# and `make install DESTDIR=...` puts exactly the files README's
# "Installation" section lists.  Prints TAP.
#   tests/host/distcheck.sh TARBALL
set -u
tarball=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/distcheck.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0
pass() { echo "ok - distcheck: $1"; }
fail() { echo "not ok - distcheck: $1"; shift; for l in "$@"; do printf '#   %s\n' "$l"; done; failed=1; }

tar -C "$work" -xzf "$tarball" && pass "the tarball unpacks" || { fail "the tarball unpacks"; exit 1; }
src=$(echo "$work"/nodecon-*)
if make -C "$src" -s -j"$(nproc)" all >"$work/build.log" 2>&1; then
        pass "it builds from the tarball alone"
else
        fail "it builds from the tarball alone" "$(tail -20 "$work/build.log")"
        exit 1
fi
if make -C "$src" -s install DESTDIR="$work/root" >"$work/install.log" 2>&1; then
        pass "make install DESTDIR"
else
        fail "make install DESTDIR" "$(tail -20 "$work/install.log")"
        exit 1
fi
(cd "$work/root" && find . -type f | sed 's|^\.||' | sort) >"$work/installed"
sed -n '/^<!-- install-files -->/,/^<!-- end install-files -->/p' "$repo/README" |
        sed -n 's/^    \(\/.*\)$/\1/p' | sort >"$work/documented"
if [ -s "$work/documented" ] && cmp -s "$work/installed" "$work/documented"; then
        pass "installed files are the ones README lists"
else
        fail "installed files are the ones README lists" "$(diff "$work/documented" "$work/installed")"
fi
for f in usr/sbin/nodectl usr/sbin/nodecon; do
        [ -x "$work/root/$f" ] && pass "/$f is executable" || fail "/$f is executable"
done
"$work/root/usr/sbin/nodectl" --version | grep -q "^nodectl " && pass "the installed nodectl runs" ||
        fail "the installed nodectl runs"
man -l "$work/root/usr/share/man/man8/nodectl.8" >/dev/null 2>"$work/man.err" && [ ! -s "$work/man.err" ] &&
        pass "nodectl.8 renders without warnings" || fail "nodectl.8 renders without warnings" "$(cat "$work/man.err")"
man -l "$work/root/usr/share/man/man8/nodecon.8" >/dev/null 2>"$work/man.err" && [ ! -s "$work/man.err" ] &&
        pass "nodecon.8 renders without warnings" || fail "nodecon.8 renders without warnings" "$(cat "$work/man.err")"
man -l "$work/root/usr/share/man/man5/nodecon.conf.5" >/dev/null 2>"$work/man.err" && [ ! -s "$work/man.err" ] &&
        pass "nodecon.conf.5 renders without warnings" || fail "nodecon.conf.5 renders without warnings" "$(cat "$work/man.err")"
bash -n "$work/root/usr/share/bash-completion/completions/nodectl" && pass "the bash completion parses" ||
        fail "the bash completion parses"
got=$(bash -c ". '$work/root/usr/share/bash-completion/completions/nodectl'
        COMP_WORDS=(nodectl rem); COMP_CWORD=1; _nodectl; echo \"\${COMPREPLY[*]}\"")
[ "$got" = "remove" ] && pass "completion: 'nodectl rem' completes to remove" ||
        fail "completion: 'nodectl rem' completes to remove" "got: $got"
got=$(bash -c ". '$work/root/usr/share/bash-completion/completions/nodectl'
        COMP_WORDS=(nodectl logs -p e); COMP_CWORD=3; _nodectl; echo \"\${COMPREPLY[*]}\"")
[ "$got" = "emerg err" ] && pass "completion: priorities after logs -p" ||
        fail "completion: priorities after logs -p" "got: $got"
exit $failed
