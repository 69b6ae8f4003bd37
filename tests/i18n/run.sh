#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The translations, TAP on stdout:
#   - the template is fresh: xgettext over today's sources finds exactly the
#     msgids of po/nodecon.pot (no _() string missing from it, none stale);
#   - po/LINGUAS and the po files agree;
#   - every language of po/LINGUAS is complete against the template (no
#     untranslated, fuzzy or obsolete message; tools/po-missing.sh prints
#     what is missing, as entries ready to translate);
#   - msgfmt -c accepts every po file and compendium (printf formats, plural
#     forms, header).
# Whether nodecon and nodectl then speak the language is shown by the tui
# tier (cases/i18n-de.vt) and the cli tier.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO" || exit 1
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; shift; printf '%s\n' "$@" | sed 's/^/#   /'; }

# msgids FILE: every msgid and msgid_plural of FILE, one a line, sorted
# (a msgid split over several lines is joined into one)
msgids() {
        msgcat --no-wrap --sort-output --no-location "$1" | awk '
                function flush() { if (key != "" && text != "\"\"") print key " " text; key = "" }
                /^msgid(_plural)? "/ { flush(); key = $1; text = substr($0, length($1) + 2); next }
                /^"/ && key != "" { text = text $0; next }
                { flush() }
                END { flush() }'
}

fresh=build/po/nodecon.pot
rm -f "$fresh"
if ! make -s "$fresh" >"$TMP/make.log" 2>&1; then
        fail "xgettext over the sources" "$(tail -20 "$TMP/make.log")"
else
        msgids po/nodecon.pot >"$TMP/committed"
        msgids "$fresh" >"$TMP/fresh"
        if diff -u "$TMP/committed" "$TMP/fresh" >"$TMP/diff"; then
                pass "po/nodecon.pot holds exactly the sources' $(grep -c '^msgid ' "$TMP/fresh") msgids"
        else
                fail "po/nodecon.pot is stale: run make pot (+ in the sources, - only in the template)" \
                        "$(grep '^[-+]msgid' "$TMP/diff" | head -40)"
        fi
fi

read -r -a languages <<<"$(sed 's/#.*//' po/LINGUAS | tr '\n' ' ')"
if [ ${#languages[@]} -eq 0 ]; then
        fail "po/LINGUAS names at least one language" "$(cat po/LINGUAS)"
fi
for po in po/*.po; do
        lang=$(basename "$po" .po)
        [[ " ${languages[*]} " == *" $lang "* ]] ||
                fail "$po is listed in po/LINGUAS" "add $lang to po/LINGUAS, or remove $po"
done

for lang in "${languages[@]}"; do
        po=po/$lang.po
        if [ ! -f "$po" ]; then
                fail "$lang: po/LINGUAS names it, $po exists"
                continue
        fi
        if tools/po-missing.sh "$lang" >"$TMP/missing" 2>&1; then
                pass "$lang: every msgid of the template is translated, nothing fuzzy or obsolete"
        else
                fail "$lang: complete against po/nodecon.pot (translate these in $po)" "$(head -200 "$TMP/missing")"
        fi
        for file in "$po" po/"$lang".compendium; do
                [ -f "$file" ] || continue
                if msgfmt -c --check-format -o "$TMP/$lang.mo" "$file" >"$TMP/msgfmt" 2>&1; then
                        pass "$lang: msgfmt -c accepts $file (formats, plural forms, header)"
                else
                        fail "$lang: msgfmt -c accepts $file" "$(head -40 "$TMP/msgfmt")"
                fi
        done
done
