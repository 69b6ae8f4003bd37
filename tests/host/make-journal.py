#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes journal entries in systemd's export format on stdout, for
# systemd-journal-remote to turn into a real journal file the tests read.
# Each argument is one entry: "BOOT|SECONDS|PRIORITY|UNIT|IDENT|PID|MESSAGE";
# MESSAGE may use Python escapes (\x1b, \xff, \x00) for hostile content.
import struct
import sys

BOOTS = {"old": "1111111111111111aaaaaaaaaaaaaaaa", "new": "2222222222222222bbbbbbbbbbbbbbbb"}
out = sys.stdout.buffer
for seq, spec in enumerate(sys.argv[1:], start=1):
    boot, secs, prio, unit, ident, pid, msg = spec.split("|", 6)
    fields = [
        ("__REALTIME_TIMESTAMP", str(int(secs) * 1000000)),
        ("__MONOTONIC_TIMESTAMP", str(seq * 1000)),
        ("_BOOT_ID", BOOTS[boot]),
        ("_MACHINE_ID", "fedcba9876543210fedcba9876543210"),
        ("_HOSTNAME", "node1"),
    ]
    if prio:
        fields.append(("PRIORITY", prio))
    if unit:
        fields.append(("_SYSTEMD_UNIT", unit))
    if ident:
        fields.append(("SYSLOG_IDENTIFIER", ident))
    if pid:
        fields.append(("_PID", pid))
    raw = msg.encode("utf-8").decode("unicode_escape").encode("latin-1")
    for key, value in fields:
        out.write(key.encode() + b"=" + value.encode() + b"\n")
    # binary-safe form: name, newline, little-endian 64-bit length, data
    out.write(b"MESSAGE\n" + struct.pack("<Q", len(raw)) + raw + b"\n\n")
