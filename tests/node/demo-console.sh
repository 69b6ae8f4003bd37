#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs in the demo node (full-guest.sh --console) once its boot is done: the
# serial line becomes the controlling terminal of nodecon, as on a node's
# console; when nodecon ends (q), a root login shell follows on the same line,
# and its exit powers the demo node off.
tty=/dev/ttyS0
# the line is read and written, as a terminal is; the script is single-quoted for sh -c
# shellcheck disable=SC2016,SC2094
exec setsid --ctty --wait sh -c '
stty sane
# a serial line cannot tell the size of the terminal at its far end
[ "$(stty size)" = "0 0" ] && stty rows 24 cols 80
export TERM=vt100
nodecon
echo
echo "nodecon has ended: a root shell on the demo node (try nodectl layers, or nodecon again);"
echo "exit powers the node off, Ctrl-A then X quits QEMU."
exec bash -l
' <"$tty" >"$tty" 2>&1
