#!/bin/sh
# The console lock with the node's real PAM: /etc/pam.d/nodecon as `make
# install` puts it (common-auth, common-account: pam_unix), a test user whose
# password this case sets with chpasswd, the config in /etc/nodecon.  The
# libvterm harness drives nodecon on both displays (serial vt100 80x24 and
# xterm 132x43); then the audit trail must hold every check.

harness=/share/build/tui/vterm-harness
nodecon=/share/build/tui/nodecon
if [ ! -x "$harness" ] || [ ! -x "$nodecon" ]; then
        fail "the screen harness is built" "$harness or $nodecon missing (make O=build/tui)"
        exit 0
fi

install -D -m 0644 dist/pam.d/nodecon /etc/pam.d/nodecon
useradd --no-create-home --shell /bin/sh nodecon-tester 2>/dev/null
echo 'nodecon-tester:Correct-Horse-7' | chpasswd
check "the test user has a password" grep -q '^nodecon-tester:\$' /etc/shadow
conf=/etc/nodecon/nodecon.conf
mkdir -p /etc/nodecon
[ -e "$conf" ] && cp "$conf" "$conf.before-lock"
cat >>"$conf" <<'CONF'
lock_on_start = yes
unlock_user = nodecon-tester
idle_lock_minutes = 0
rescue_shell = /bin/sh
CONF
rm -f /run/nodecon/auth-failures

run_display() { # LABEL TERM LANG COLS ROWS
        rm -f /run/nodecon/auth-failures
        out=$(NODECON=$nodecon HARNESS_LABEL="guest $1" HARNESS_TERM=$2 HARNESS_LANG=$3 HARNESS_COLS=$4 \
                HARNESS_ROWS=$5 HARNESS_TIMEOUT_SCALE=3 "$harness" tests/tui/guest/lock.vt 2>&1)
        printf '%s\n' "$out" | while IFS= read -r line; do
                case $line in
                "ok - "*) ok "${line#ok - }" ;;
                "not ok - "*) fail "${line#not ok - }" ;;
                "#"*) printf '%s\n' "$line" ;;
                esac
        done
        printf '%s\n' "$out" | grep -q '^ok - ' || fail "the lock screen case ran ($1)" "$out"
}
run_display vt100/80x24 vt100 C 80 24
run_display xterm/132x43 xterm C.UTF-8 132 43

audit=$(nodectl audit -n 60)
like "lock: a wrong password is in the audit trail" "$audit" "nodecon unlock user=nodecon-tester: failure"
like "lock: the unlock too" "$audit" "nodecon unlock user=nodecon-tester: success"
like "lock: the rescue shell's refusal" "$audit" "nodecon rescue shell user=nodecon-tester: failure"
like "lock: the rescue shell itself" "$audit" "nodecon rescue shell ended shell=/bin/sh exit=0: success"
is "lock: a right password clears the failure count" "$(cat /run/nodecon/auth-failures 2>/dev/null)" "0 0"

if [ -e "$conf.before-lock" ]; then mv "$conf.before-lock" "$conf"; else rm -f "$conf"; fi
userdel nodecon-tester 2>/dev/null
