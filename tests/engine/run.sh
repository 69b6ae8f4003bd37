#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The engine tier: `nodectl register/engine/unregister` against the test engine
# (tests/engine/engine.py, HTTPS on 127.0.0.1 with a CA made here by openssl),
# every file written below a throw-away root (NODECTL_ROOT).  Prints TAP.
# The happy path runs under valgrind (~9 s of the tier), unless NO_VALGRIND=1
# (for NODECTL=build/asan/nodectl).
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
NODECTL=${NODECTL:-$REPO/nodectl}
ENGINE=$REPO/tests/engine/engine.py
TMP=$(mktemp -d); trap 'stop_engine; rm -rf "$TMP"' EXIT
PKI=$TMP/pki
ENGINE_PID=

pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; shift; for l in "$@"; do printf '#   %s\n' "$l"; done; }
check() { # NAME COMMAND...
        local name=$1; shift
        if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "failed: $*"; fi
}
contains() { # NAME HAYSTACK NEEDLE
        case "$2" in *"$3"*) pass "$1" ;; *) fail "$1" "'$3' not in: ${2:0:600}" ;; esac
}
lacks() { # NAME HAYSTACK NEEDLE
        case "$2" in *"$3"*) fail "$1" "'$3' found in: ${2:0:600}" ;; *) pass "$1" ;; esac
}

# ---- PKI: the engine's CA and server certificates, made fresh each run (EC keys: fast)
mkdir -p "$PKI"
ec() { echo -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes; }
make_ca() { # NAME CN
        openssl req -x509 $(ec) -keyout "$PKI/$1.key" -out "$PKI/$1.pem" -days 3650 \
                -subj "/O=nodecon tests/CN=$2" -addext basicConstraints=critical,CA:TRUE \
                -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
make_server_cert() { # NAME CA DNS-NAME [MORE-SAN]
        openssl req -new $(ec) -keyout "$PKI/$1.key" -out "$PKI/$1.csr" -subj "/CN=$3" 2>/dev/null &&
        printf 'subjectAltName=DNS:%s%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$3" "${4:+,$4}" \
                >"$PKI/$1.ext" &&
        openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/$2.pem" -CAkey "$PKI/$2.key" -CAcreateserial \
                -out "$PKI/$1.pem" -days 30 -extfile "$PKI/$1.ext" 2>/dev/null
}
make_ca ca "nodecon test engine CA" && make_ca otherca "another CA" &&
        make_server_cert server ca localhost IP:::1 && make_server_cert wrongname ca wrong.example.org ||
        { echo "not ok - openssl made the test PKI"; exit 1; }
CA_SHA256=$(openssl x509 -in "$PKI/ca.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
CA_SHA1=$(openssl x509 -in "$PKI/ca.pem" -noout -fingerprint -sha1 | sed 's/.*=//')
OTHER_SHA256=$(openssl x509 -in "$PKI/otherca.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
# the engine's SSH key: a well-formed ssh-ed25519 line; its fingerprint computed here, independently
python3 - "$PKI/engine_ssh.pub" "$PKI/engine_ssh.fp" <<'EOF'
import base64, hashlib, os, struct, sys
blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + os.urandom(32)
open(sys.argv[1], "w").write("ssh-ed25519 %s ovirt-engine\n" % base64.b64encode(blob).decode())
open(sys.argv[2], "w").write("SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("="))
EOF
KEY_LINE=$(cat "$PKI/engine_ssh.pub")
KEY_FP=$(cat "$PKI/engine_ssh.fp")

# ---- the test engine
LOG=$TMP/engine.log
start_engine() { # [--cert NAME] [--ca NAME] [engine.py options...]
        stop_engine
        local cert=server ca=ca
        while [ $# -gt 0 ]; do
                case $1 in
                --cert) cert=$2; shift 2 ;;
                --ca) ca=$2; shift 2 ;;
                *) break ;;
                esac
        done
        rm -f "$TMP/port"
        : >"$LOG"
        python3 "$ENGINE" --cert "$PKI/$cert.pem" --key "$PKI/$cert.key" --ca "$PKI/$ca.pem" \
                --ssh-key "$PKI/engine_ssh.pub" --log "$LOG" --hosts "$TMP/hosts.json" \
                --port-file "$TMP/port" --control "$TMP/control.json" "$@" &
        ENGINE_PID=$!
        local i
        for i in $(seq 100); do
                [ -s "$TMP/port" ] && break
                kill -0 "$ENGINE_PID" 2>/dev/null || break
                sleep 0.05
        done
        PORT=$(cat "$TMP/port" 2>/dev/null)
        [ -n "$PORT" ] || { echo "not ok - test engine started"; exit 1; }
}
stop_engine() {
        if [ -n "$ENGINE_PID" ]; then
                kill "$ENGINE_PID" 2>/dev/null
                wait "$ENGINE_PID" 2>/dev/null
                ENGINE_PID=
        fi
}
# fault KIND [COMMAND] / fault none / skew SECONDS: changes the running engine's behaviour
fault() {
        case $1 in
        none) rm -f "$TMP/control.json" ;;
        skew) printf '{"date_offset": %d}\n' "$2" >"$TMP/control.json" ;;
        *) printf '{"fault": "%s", "fault_on": "%s"}\n' "$1" "${2:-}" >"$TMP/control.json" ;;
        esac
}
commands() { python3 -c 'import json,sys; print(" ".join(json.loads(l)["command"] or "-" for l in open(sys.argv[1])))' "$LOG"; }

# ---- a node's root: passwd and a DMI product UUID, nothing else
new_root() { # DIR [PRODUCT_UUID]
        rm -rf "$1"
        mkdir -p "$1/etc" "$1/root" "$1/sys/class/dmi/id"
        echo 'root:x:0:0:root:/root:/bin/bash' >"$1/etc/passwd"
        [ -n "${2:-}" ] && echo "$2" >"$1/sys/class/dmi/id/product_uuid"
        chmod 0700 "$1/root"
}
tree() { (cd "$1" && find . -printf '%p %m %s\n' | sort && find . -type f -exec md5sum {} + | sort); }

# run NAME WANT_EXIT ARGS... : nodectl with the root; $OUT, $ERR, $RC
run() {
        local name=$1 want=$2; shift 2
        local t0; t0=$(date +%s%N)
        NODECTL_ROOT=$ROOT $VALGRIND "$NODECTL" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
        RC=$?
        [ -n "${ENGINE_TIMING:-}" ] && echo "# $(( ($(date +%s%N) - t0) / 1000000 )) ms: $name"
        OUT=$(cat "$TMP/out"); ERR=$(cat "$TMP/err")
        if [ -n "$VALGRIND" ] && [ -s "$TMP/vg" ]; then
                fail "$name: valgrind clean" "$(head -20 "$TMP/vg")"; : >"$TMP/vg"; return 1
        fi
        if [ "$RC" != "$want" ]; then
                fail "$name: exit $want" "got exit $RC" "stderr: $ERR" "stdout: ${OUT:0:600}"; return 1
        fi
        pass "$name: exit $want"
}
VALGRIND=
with_valgrind() {
        # NO_VALGRIND=1 for a sanitizer build of nodectl (the two do not mix)
        [ -n "${NO_VALGRIND:-}" ] && { "$@"; return; }
        VALGRIND="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --log-file=$TMP/vg"
        "$@"
        VALGRIND=
}
one_sentence() { # NAME: the first stderr line is "nodectl: " + a sentence, no control characters
        local first
        first=$(printf '%s\n' "$ERR" | head -1)
        case "$first" in "nodectl: "?*) ;; *) fail "$1: one clear sentence" "stderr: $ERR"; return ;; esac
        if printf '%s' "$ERR" | tr -d '\n' | LC_ALL=C grep -q '[[:cntrl:]]'; then
                fail "$1: no control characters shown" "$(printf '%s' "$ERR" | od -c | head -5)"
        else
                pass "$1: one clear sentence"
        fi
}
nothing_written() { # NAME TREE-BEFORE
        local now; now=$(tree "$ROOT")
        if [ "$now" = "$2" ]; then pass "$1: nothing written"; else
                fail "$1: nothing written" "$(diff <(echo "$2") <(echo "$now") | head -10)"
        fi
}

# the node lock in a directory of our own (other test runs may hold /run/nodecon/lock)
export NODECTL_RUN_DIR=$TMP/run
mkdir -p "$NODECTL_RUN_DIR"
ROOT=$TMP/root
UUID=4C4C4544-0042-3510-8052-B4C04F564433
UUID_LC=$(echo "$UUID" | tr 'A-Z' 'a-z')

# ---- usage
new_root "$ROOT"
run "register without an engine" 2 register && one_sentence "register without an engine"
run "register https://URL" 2 register https://engine.example.com && one_sentence "register https://URL"
run "register with a bad port" 2 register engine.example.com:70000
run "register with an IPv6 address without brackets" 2 register fe80::1:443
run "register with a bad host name" 2 register 'bad_name!.example'
run "register --ssh-port 0" 2 register engine.example.com --ssh-port 0
run "register --ssh-user with a slash" 2 register engine.example.com --ssh-user ../x
run "register --timeout x" 2 register engine.example.com --timeout x
run "engine when not registered" 0 engine && contains "says not registered" "$OUT" "Not registered"
run "engine --json when not registered" 0 engine --json && contains "registered false" "$OUT" '"registered":false'
run "unregister when not registered" 1 unregister && one_sentence "unregister when not registered"

# ---- happy path
start_engine
new_root "$ROOT" "$UUID"
before=$(tree "$ROOT")
with_valgrind run "register (valgrind)" 0 register "localhost:$PORT" --name node1.example.org --address 192.0.2.10 \
        --fingerprint "$CA_SHA256"
contains "shows the CA's SHA-256" "$OUT" "$CA_SHA256"
contains "shows the CA's SHA-1" "$OUT" "$CA_SHA1"
contains "shows the CA's subject" "$OUT" "CN=nodecon test engine CA"
contains "shows the validity" "$OUT" "Valid:"
contains "says registered" "$OUT" "Registered to localhost as node1.example.org"
is_cmds=$(commands)
[ "$is_cmds" = "get-version get-pki-trust get-ssh-trust register" ] && pass "the four calls in order" ||
        fail "the four calls in order" "got: $is_cmds"
if python3 - "$LOG" "$UUID_LC" "$KEY_FP" <<'EOF' 2>"$TMP/py"; then pass "register sent exactly the expected parameters"; else fail "register sent exactly the expected parameters" "$(cat "$TMP/py")"; fi
import json, sys
log, uuid, fp = sys.argv[1:]
reg = [json.loads(l) for l in open(log) if json.loads(l)["command"] == "register"][-1]
want = {"version": "1", "command": "register", "address": "192.0.2.10", "name": "node1.example.org",
        "uniqueId": uuid, "sshUser": "root", "sshPort": "22", "sshKeyFingerprint": fp, "vdsPort": "54321"}
assert reg["params"] == want, "got %r" % reg["params"]
assert reg["status"] == 200
EOF
check "ca.pem is the engine's CA" cmp "$ROOT/etc/pki/ovirt-engine/ca.pem" "$PKI/ca.pem"
[ "$(stat -c %a "$ROOT/etc/pki/ovirt-engine/ca.pem")" = 644 ] && pass "ca.pem mode 0644" || fail "ca.pem mode 0644"
[ "$(stat -c %a "$ROOT/root/.ssh")" = 700 ] && pass ".ssh mode 0700" || fail ".ssh mode 0700" "$(stat -c %a "$ROOT/root/.ssh")"
[ "$(stat -c %a "$ROOT/root/.ssh/authorized_keys")" = 600 ] && pass "authorized_keys mode 0600" || fail "authorized_keys mode 0600"
[ "$(grep -cxF "$KEY_LINE" "$ROOT/root/.ssh/authorized_keys")" = 1 ] && pass "the engine's key once in authorized_keys" ||
        fail "the engine's key once in authorized_keys" "$(cat "$ROOT/root/.ssh/authorized_keys")"
[ "$(cat "$ROOT/etc/vdsm/vdsm.id")" = "$UUID_LC" ] && pass "vdsm.id is the DMI product UUID" ||
        fail "vdsm.id is the DMI product UUID" "$(cat "$ROOT/etc/vdsm/vdsm.id")"
[ "$(stat -c %a "$ROOT/etc/vdsm/vdsm.id")" = 644 ] && pass "vdsm.id mode 0644" || fail "vdsm.id mode 0644"
check "state file written" grep -qx "engine=localhost" "$ROOT/etc/nodecon/engine.conf"
lacks "no staged CA left" "$(ls -a "$ROOT/etc/pki/ovirt-engine")" "staged"

run "engine" 0 engine
contains "engine: registered to" "$OUT" "localhost port $PORT"
contains "engine: reachable" "$OUT" "Reachable now:   yes"
run "engine --json" 0 engine --json
if printf '%s' "$OUT" | python3 -c '
import json, sys; d = json.load(sys.stdin)
assert d["registered"] and d["reachable"] and d["engine"] == "localhost" and d["name"] == "node1.example.org", d
assert d["ca_sha256"] == sys.argv[1], d' "$CA_SHA256" 2>"$TMP/py"; then pass "engine --json fields"; else fail "engine --json fields" "$(cat "$TMP/py")"; fi

# ---- re-register: idempotent
tree_before_rereg=$(tree "$ROOT")
run "register again (--yes)" 0 register "localhost:$PORT" --name node1.example.org --address 192.0.2.10 --yes
contains "key already there" "$OUT" "already there"
[ "$(grep -cxF "$KEY_LINE" "$ROOT/root/.ssh/authorized_keys")" = 1 ] && pass "no duplicate key line" ||
        fail "no duplicate key line" "$(cat "$ROOT/root/.ssh/authorized_keys")"
[ "$(cat "$ROOT/etc/vdsm/vdsm.id")" = "$UUID_LC" ] && pass "vdsm.id kept" || fail "vdsm.id kept"

# ---- HTTP 400: the same id under another name, another id under the same name
snap=$(tree "$ROOT")
run "same id, other name: HTTP 400" 8 register "localhost:$PORT" --name other.example.org --address 192.0.2.10 --yes
one_sentence "same id, other name"
contains "engine's words shown" "$ERR" "ALREADY_EXISTS"
contains "hint for a known host" "$ERR" "hint:"
nothing_written "same id, other name" "$snap"
ROOT2=$TMP/root2; new_root "$ROOT2" 11111111-2222-3333-4444-555555555555
snap2=$(tree "$ROOT2")
ROOT=$ROOT2 run "other id, same name: HTTP 400" 8 register "localhost:$PORT" --name node1.example.org --yes
contains "engine's words for the name" "$ERR" "NAME_ALREADY_USED"
contains "hint for the name" "$ERR" "hint:"
ROOT=$ROOT2 nothing_written "other id, same name" "$snap2"

# ---- unregister
run "unregister" 0 unregister
[ ! -e "$ROOT/etc/pki/ovirt-engine/ca.pem" ] && pass "unregister removed ca.pem" || fail "unregister removed ca.pem"
[ ! -e "$ROOT/root/.ssh/authorized_keys" ] && pass "unregister removed the authorized_keys it created" ||
        fail "unregister removed the authorized_keys it created" "$(cat "$ROOT/root/.ssh/authorized_keys")"
[ ! -e "$ROOT/etc/nodecon/engine.conf" ] && pass "unregister removed the state file" || fail "unregister removed the state file"
[ -s "$ROOT/etc/vdsm/vdsm.id" ] && pass "vdsm.id stays (the node's identity)" || fail "vdsm.id stays"
run "engine after unregister" 0 engine && contains "not registered after unregister" "$OUT" "Not registered"

# an admin's own key survives register + unregister, with its file's mode
new_root "$ROOT" "$UUID"
mkdir -m 0700 "$ROOT/root/.ssh"
printf 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ admin@desk' >"$ROOT/root/.ssh/authorized_keys"  # no final newline
chmod 0640 "$ROOT/root/.ssh/authorized_keys"
run "register next to an admin's key" 0 register "localhost:$PORT" --name node1.example.org --address 192.0.2.10 --yes
[ "$(wc -l <"$ROOT/root/.ssh/authorized_keys")" = 2 ] && pass "key appended on its own line" ||
        fail "key appended on its own line" "$(cat "$ROOT/root/.ssh/authorized_keys")"
run "unregister next to an admin's key" 0 unregister
[ "$(cat "$ROOT/root/.ssh/authorized_keys")" = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ admin@desk" ] &&
        pass "the admin's key is left alone" || fail "the admin's key is left alone" "$(cat "$ROOT/root/.ssh/authorized_keys")"

# no DMI UUID: a random one
new_root "$ROOT"
run "register without a DMI UUID" 0 register "localhost:$PORT" --name node3.example.org --yes
grep -qxE '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}' "$ROOT/etc/vdsm/vdsm.id" &&
        pass "a random UUID in vdsm.id" || fail "a random UUID in vdsm.id" "$(cat "$ROOT/etc/vdsm/vdsm.id")"

# ---- trust refused: nothing written, the engine not asked to register
new_root "$ROOT" "$UUID"; snap=$(tree "$ROOT")
: >"$LOG"
run "wrong fingerprint" 9 register "localhost:$PORT" --name n --fingerprint "$OTHER_SHA256"
one_sentence "wrong fingerprint"
contains "names both fingerprints" "$ERR" "$CA_SHA256"
nothing_written "wrong fingerprint" "$snap"
[ "$(commands)" = "get-version get-pki-trust" ] && pass "wrong fingerprint: no key fetched, no register" ||
        fail "wrong fingerprint: no key fetched, no register" "$(commands)"
run "no terminal, no --yes" 9 register "localhost:$PORT" --name n
contains "says how to decide" "$ERR" "--fingerprint"
nothing_written "no terminal, no --yes" "$snap"
# on a terminal the admin answers; "n" (or anything but y/yes) trusts nothing
on_tty() { # ANSWER ARGS... : nodectl on a pty, ANSWER typed at the prompt; $OUT, $RC
        OUT=$(NODECTL_ROOT=$ROOT timeout 20 python3 - "$NODECTL" "$@" <<'PY'
import os, pty, sys
answer = sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1]] + sys.argv[3:])
out = b""
sent = False
while True:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not sent and b"[y/N]" in out:
        os.write(fd, answer.encode() + b"\n")
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
)
        RC=$?
}
on_tty n register "localhost:$PORT" --name n
[ "$RC" = 9 ] && pass "terminal, answered n: exit 9" || fail "terminal, answered n: exit 9" "exit $RC" "${OUT:0:600}"
contains "terminal: the CA was shown before the question" "$OUT" "$CA_SHA256"
contains "terminal: says rejected" "$OUT" "Rejected"
nothing_written "terminal, answered n" "$snap"
on_tty y register "localhost:$PORT" --name node1.example.org --address 192.0.2.10
[ "$RC" = 0 ] && pass "terminal, answered y: exit 0" || fail "terminal, answered y: exit 0" "exit $RC" "${OUT:0:600}"
check "terminal, answered y: CA in place" cmp "$ROOT/etc/pki/ovirt-engine/ca.pem" "$PKI/ca.pem"
run "fingerprint without colons, lower case" 0 register "localhost:$PORT" --name node1.example.org --address 192.0.2.10 \
        --fingerprint "$(echo "$CA_SHA256" | tr -d : | tr A-F a-f)"
run "no such --ssh-user" 1 register "localhost:$PORT" --name node1.example.org --ssh-user nobody --yes
contains "names the user" "$ERR" "nobody"
rmdir "$ROOT/root" 2>/dev/null || rm -rf "$ROOT/root"
snap_nohome=$(tree "$ROOT"); : >"$LOG"
run "the SSH user's home is missing" 1 register "localhost:$PORT" --name node1.example.org --yes
contains "names the home directory" "$ERR" "home directory"
nothing_written "the SSH user's home is missing" "$snap_nohome"
lacks "missing home: engine not asked to register" "$(commands)" "register"

# another changing operation holds the node lock: exit 7, nothing written
new_root "$ROOT" "$UUID"; snap=$(tree "$ROOT")
: >"$NODECTL_RUN_DIR/lock"
NODECTL_ROOT=$ROOT flock "$NODECTL_RUN_DIR/lock" "$NODECTL" register "localhost:$PORT" --yes >"$TMP/out" 2>"$TMP/err"
RC=$?; ERR=$(cat "$TMP/err")
[ "$RC" = 7 ] && pass "register while the lock is held: exit 7" || fail "register while the lock is held: exit 7" "exit $RC" "$ERR"
nothing_written "register while the lock is held" "$snap"

# ---- the engine unreachable or wrong
new_root "$ROOT" "$UUID"; snap=$(tree "$ROOT")
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run "port closed" 8 register "127.0.0.1:$closed" --yes && one_sentence "port closed"
contains "port closed: says so" "$ERR" "connection refused"
run "DNS failure" 8 register nodecon-test.invalid --yes && one_sentence "DNS failure"
contains "DNS failure: says so" "$ERR" "does not resolve"
# something that is not TLS on the port (a plain HTTP server)
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.recv(4096)
    c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\nthis is plain HTTP\r\n"); c.close()
' "$TMP/plain.port" &
plain_pid=$!
for i in $(seq 100); do [ -s "$TMP/plain.port" ] && break; sleep 0.05; done
run "not TLS on the port" 8 register "127.0.0.1:$(cat "$TMP/plain.port")" --yes && one_sentence "not TLS on the port"
contains "not TLS: says the handshake failed" "$ERR" "TLS handshake"
kill "$plain_pid"; wait "$plain_pid" 2>/dev/null
nothing_written "unreachable engines" "$snap"

fault silent
t0=$(date +%s)
run "engine down (answers nothing)" 8 register "localhost:$PORT" --yes --timeout 1 && one_sentence "engine down"
contains "engine down: says it did not answer" "$ERR" "did not answer"
[ $(( $(date +%s) - t0 )) -le 6 ] && pass "engine down: gave up after the timeout" || fail "engine down: gave up after the timeout"

fault version0
run "protocol version 0" 8 register "localhost:$PORT" --yes && one_sentence "protocol version 0"
contains "version 0: says which version" "$ERR" "version 0"

fault garbage get-version
run "garbage for get-version" 8 register "localhost:$PORT" --yes && one_sentence "garbage for get-version"
fault garbage get-pki-trust
run "garbage for get-pki-trust" 8 register "localhost:$PORT" --yes && one_sentence "garbage for get-pki-trust"
contains "garbage CA: says not PEM" "$ERR" "not a PEM certificate"
fault garbage get-ssh-trust
run "garbage for get-ssh-trust" 8 register "localhost:$PORT" --yes && one_sentence "garbage for get-ssh-trust"
fault garbage register
run "garbage for register" 8 register "localhost:$PORT" --yes && one_sentence "garbage for register"
contains "garbage register: not OK" "$ERR" "instead of OK"
nothing_written "garbage answers" "$snap"

fault huge get-pki-trust
run "huge CA answer" 8 register "localhost:$PORT" --yes && one_sentence "huge CA answer"
contains "huge: says the bound" "$ERR" "larger than 1024 KiB"
fault slow register
run "register never answered" 8 register "localhost:$PORT" --yes --timeout 1 && one_sentence "register never answered"
nothing_written "huge and slow answers" "$snap"

# ---- TLS against the accepted CA only
fault none
start_engine --cert wrongname
run "TLS name mismatch" 9 register "localhost:$PORT" --fingerprint "$CA_SHA256" && one_sentence "TLS name mismatch"
contains "mismatch: says not trusted" "$ERR" "not trusted"
lacks "mismatch: engine not asked to register" "$(commands)" "register"
start_engine --ca otherca
run "server certificate not from the accepted CA" 9 register "localhost:$PORT" --fingerprint "$OTHER_SHA256"
lacks "other CA: engine not asked to register" "$(commands)" "register"
nothing_written "certificates that do not match" "$snap"

# ---- clock skew: a warning, not a refusal
start_engine
fault skew 3600
run "clock skew of an hour" 0 register "localhost:$PORT" --name node1.example.org --address 192.0.2.10 --yes
contains "clock skew warned" "$ERR" "clock"

# nodectl info shows the engine (the layout from a captured lvs report)
fault none
export NODECTL_LVM=$REPO/tests/host/fake-lvm FAKE_LVM_STDOUT=$REPO/tests/unit/fixtures/lvs-node.json
run "info shows the engine" 0 info && contains "info: engine line" "$OUT" "Engine:          localhost port $PORT, reachable"
run "info --json shows the engine" 0 info --json
if printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["engine"]["reachable"] and d["engine"]["engine"] == "localhost", d' 2>"$TMP/py"; then
        pass "info --json: engine reachable"; else fail "info --json: engine reachable" "$(cat "$TMP/py")"; fi
unset NODECTL_LVM FAKE_LVM_STDOUT

# the CA file replaced behind nodecon's back: not trusted
cp "$ROOT/etc/pki/ovirt-engine/ca.pem" "$TMP/ca.saved"
cp "$PKI/otherca.pem" "$ROOT/etc/pki/ovirt-engine/ca.pem"
run "engine with a replaced CA file" 9 engine
contains "replaced CA: says so" "$OUT" "not the CA that was accepted"
cp "$TMP/ca.saved" "$ROOT/etc/pki/ovirt-engine/ca.pem"

# ---- killed at each fault point
. "$REPO/tests/engine/faults.inc"

# the engine unreachable after registration
stop_engine
run "engine when the engine is down" 8 engine --timeout 2
contains "engine down: reachable no" "$OUT" "Reachable now:   no"
NODECTL_LVM=$REPO/tests/host/fake-lvm FAKE_LVM_STDOUT=$REPO/tests/unit/fixtures/lvs-node.json run "info when the engine is down" 0 info
contains "info: engine down, and why" "$OUT" "NOT reachable now: Cannot connect to localhost port $PORT"

# an engine on IPv6, by address: brackets in the URL, the certificate's IP name verified
rm -f "$TMP/hosts.json"   # a fresh engine
start_engine --bind ::1
new_root "$ROOT" "$UUID"
run "register [::1]:PORT" 0 register "[::1]:$PORT" --name node6.example.org --fingerprint "$CA_SHA256"
run "engine on [::1]" 0 engine && contains "IPv6 engine reachable" "$OUT" "Reachable now:   yes"
stop_engine

# ---- nodectl network test: the tls and clock steps against the registered engine (no NetworkManager
# here: the link step fails, the steps above the network still run)
SERVER_SHA256=$(openssl x509 -in "$PKI/server.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
diag_step() { # STEP FIELD: of the last --json run
        printf '%s' "$OUT" | jq -r --arg s "$1" ".steps[] | select(.step == \$s) | .$2"
}
rm -f "$TMP/hosts.json"
start_engine
new_root "$ROOT" "$UUID"
run "register for the network test" 0 register "localhost:$PORT" --name node1.example.org --address 192.0.2.10 --fingerprint "$CA_SHA256"

export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent
run "network test: the registered engine by default" 1 --json network test
contains "  tls: the engine's certificate fingerprint" "$(diag_step tls detail)" "$SERVER_SHA256"
contains "  tls: issued by the registered CA" "$(diag_step tls result) $(diag_step tls detail)" "ok TLS works"
contains "  tls: says the registered CA issued it" "$(diag_step tls detail)" "issued by the registered CA"
contains "  clock: within the limit" "$(diag_step clock result)" "ok"
run "network test of an unregistered name" 1 --json network test "127.0.0.1:$PORT"
contains "  tls: nothing to compare with" "$(diag_step tls detail)" "no registered CA to compare it with"
fault skew 3600
run "network test: the engine's clock an hour off" 1 --json network test
contains "  clock: failed" "$(diag_step clock result)" "failed"
# the Date header has whole seconds: an hour off reads as 3599 or 3600 s
detail=$(diag_step clock detail)
case "$detail" in
*"3599 s behind the engine's"* | *"3600 s behind the engine's"*) pass "  clock: says how far and what to check" ;;
*) fail "  clock: says how far and what to check" "'3599/3600 s behind the engine's' not in: $detail" ;;
esac
fault none
make_server_cert othersrv otherca localhost
start_engine --cert othersrv
run "network test: a certificate the registered CA did not issue" 1 --json network test "localhost:$PORT"
contains "  tls: failed" "$(diag_step tls result)" "failed"
contains "  tls: says not trusted and the likely cause" "$(diag_step tls detail)" "the engine was reinstalled, or this is not the engine"
stop_engine
unset DBUS_SYSTEM_BUS_ADDRESS
