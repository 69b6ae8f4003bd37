#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What a translation still lacks: merges the template into a scratch copy of
# po/LANG.po (the file itself is not touched) and prints, as po entries ready
# to fill in, every untranslated and every fuzzy message (a fuzzy one shows
# the msgid it was translated from as "#| msgid"), then the obsolete ones
# (translated, but no longer in the template: delete them).
#
#   tools/po-missing.sh LANG [TEMPLATE]    (default template: po/nodecon.pot)
#
# Exit 0 when the translation is complete, 1 when something is missing or
# fuzzy or obsolete, 2 when LANG has no po file.  After code changes:
# "make update-po", then this, then translate what it lists in po/LANG.po.
set -eu
cd "$(dirname "$0")/.."

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
        echo "usage: tools/po-missing.sh LANG [TEMPLATE]" >&2
        exit 2
fi
lang=$1
template=${2:-po/nodecon.pot}
po=po/$lang.po
if [ ! -f "$po" ]; then
        echo "po-missing: there is no $po (start one with: msginit -i $template -l $lang -o $po)" >&2
        exit 2
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp "$po" "$scratch/merged.po"
msgmerge --quiet --update --backup=none --previous "$scratch/merged.po" "$template"

# msgattrib prints nothing when nothing matches, else the header plus the matches
count() { # FILE: its messages, without the header
        [ -s "$1" ] || { echo 0; return; }
        echo $(( $(grep -c '^msgid ' "$1") - 1 ))
}
msgattrib --untranslated --no-fuzzy --no-obsolete -o "$scratch/untranslated.po" "$scratch/merged.po"
msgattrib --only-fuzzy --no-obsolete -o "$scratch/fuzzy.po" "$scratch/merged.po"
obsolete=$(grep -c '^#~ msgid ' "$scratch/merged.po" || true)
untranslated=$(count "$scratch/untranslated.po")
fuzzy=$(count "$scratch/fuzzy.po")

echo "# $po against $template: $untranslated untranslated, $fuzzy fuzzy, $obsolete obsolete"
# the entries without their header: from the first blank line on
body() { sed '1,/^$/d' "$1"; }
if [ "$untranslated" -gt 0 ]; then
        echo "# untranslated:"
        body "$scratch/untranslated.po"
fi
if [ "$fuzzy" -gt 0 ]; then
        echo "# fuzzy (check the translation against the new msgid, then remove the fuzzy flag):"
        body "$scratch/fuzzy.po"
fi
if [ "$obsolete" -gt 0 ]; then
        echo "# obsolete (no longer in the template; delete them from $po):"
        grep '^#~ msgid ' "$scratch/merged.po"
fi
[ "$untranslated" -eq 0 ] && [ "$fuzzy" -eq 0 ] && [ "$obsolete" -eq 0 ]
