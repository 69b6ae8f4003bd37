#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A stand-in for the oVirt engine's host registration service, for tests.

Serves /ovirt-engine/services/host-register over HTTPS on 127.0.0.1 (or ::1) the way
the engine's RegisterServlet (protocol version 1) answers: get-version,
get-pki-trust, get-ssh-trust, register; required parameters checked, HTTP 400
with the engine's error page otherwise.  Every request is appended to --log as
one JSON object per line, for the tests to read.  --fault makes it misbehave.

    engine.py --cert C --key K --ca CA.pem --ssh-key KEY.pub --log L --port-file P
              [--fault garbage|huge|slow|silent|version0] [--fault-on COMMAND]
              [--date-offset SECONDS] [--hosts FILE] [--control FILE]

It binds --port (default: an ephemeral one) and writes it to --port-file once it listens.
--control names a JSON file read at every request whose keys (fault, fault_on,
date_offset) override the options, so one engine serves many test cases.
"""
import argparse
import email.utils
import http.server
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse

PATH = "/ovirt-engine/services/host-register"


def error_page(message):
    # what the engine's application server sends for response.sendError()
    return "<html><head><title>Error</title></head><body>%s</body></html>" % message


class RegisterHandler(http.server.BaseHTTPRequestHandler):
    server_version = "nodecon-test-engine/1"
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.opts = self.server.current_opts()
        if self.opts.fault == "silent":
            # the port is open, but nothing ever answers (a hung engine)
            time.sleep(3600)

    def log_message(self, fmt, *args):
        pass

    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(time.time() + self.opts.date_offset, usegmt=True)

    def answer(self, status, body, content_type="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, command, params, status):
        entry = {"command": command, "params": params, "status": status, "path": self.path.split("?")[0]}
        with self.server.lock, open(self.server.opts.log, "a") as log:
            log.write(json.dumps(entry) + "\n")

    def faulty(self, command):
        o = self.opts
        if not o.fault or (o.fault_on and o.fault_on != command):
            return False
        if o.fault == "garbage":
            self.answer(200, b"\x1b[2J<html>\x00\xff\xfe not what you asked for\r\n\x07")
        elif o.fault == "huge":
            chunk = b"A" * 65536
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(chunk) * 160))
            self.end_headers()
            try:
                for _ in range(160):  # 10 MiB
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client hung up, as it should
        elif o.fault == "slow":
            time.sleep(3600)
        elif o.fault == "version0" and command == "get-version":
            self.answer(200, "0")
        else:
            return False
        return True

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        params = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        command = params.get("command")
        if url.path != PATH:
            self.record(command, params, 404)
            return self.answer(404, error_page("Not Found"), "text/html")
        if self.faulty(command):
            self.record(command, params, 200)
            return
        status, body, ctype = self.dispatch(params, command)
        self.record(command, params, status)
        self.answer(status, body, ctype)

    def dispatch(self, params, command):
        version = params.get("version")
        if version is None:
            # protocol 0 (before 3.4): only registration, by vds_ip
            if "vds_ip" not in params:
                return 500, error_page("Missing vds_ip"), "text/html"
            return 200, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), "text/html"
        if version != "1":
            try:
                shown = int(version)
            except ValueError:
                shown = -1
            return 400, error_page("Invalid registration protocol version %d" % shown), "text/html"
        if command is None:
            return 400, error_page("command parameter is missing"), "text/html"
        if command == "get-version":
            return 200, "1", "text/plain"
        if command == "get-pki-trust":
            with open(self.server.opts.ca) as f:
                return 200, f.read(), "application/x-x509-ca-cert"
        if command == "get-ssh-trust":
            with open(self.server.opts.ssh_key) as f:
                return 200, f.read(), "text/plain"
        if command == "register":
            return self.register(params)
        return 400, error_page("Invalid command"), "text/html"

    def register(self, params):
        for number in ("sshPort", "vdsPort"):
            if number in params:
                try:
                    int(params[number])
                except ValueError:
                    return 400, error_page('For input string: "%s"' % params[number]), "text/html"
        unique_id = params.get("uniqueId")
        if unique_id is None:
            return 400, error_page("Unique id was not provided"), "text/html"
        host = {
            "address": params.get("address", self.client_address[0]),
            "name": params.get("name", params.get("address", self.client_address[0])),
            "sshUser": params.get("sshUser", "root"),
            "sshPort": int(params.get("sshPort", "22")),
            "sshKeyFingerprint": params.get("sshKeyFingerprint"),
            "vdsPort": int(params.get("vdsPort", "54321")),
        }
        with self.server.lock:
            hosts = self.server.load_hosts()
            known = hosts.get(unique_id)
            if known is not None and known != host:
                return 400, error_page("runInternalQuery failed 'ACTION_TYPE_FAILED_VDS_ALREADY_EXISTS' "
                                       "(host %s already exists)" % known["name"]), "text/html"
            for other_id, other in hosts.items():
                if other_id != unique_id and other["name"] == host["name"]:
                    return 400, error_page("runInternalQuery failed 'ACTION_TYPE_FAILED_NAME_ALREADY_USED'"), \
                        "text/html"
            # the same host registering again is fine (the engine tolerates
            # VDS_STATUS_NOT_VALID_FOR_UPDATE)
            hosts[unique_id] = host
            self.server.save_hosts(hosts)
        return 200, "OK\n", "text/plain"


class EngineServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, opts):
        self.opts = opts
        if ":" in opts.bind:
            self.address_family = socket.AF_INET6
        self.lock = threading.Lock()
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(opts.cert, opts.key)
        super().__init__((opts.bind, opts.port), RegisterHandler)

    def get_request(self):
        sock, addr = self.socket.accept()
        # the handshake happens in the request's thread, so a hung client
        # (or a "silent" engine) does not block the others
        return self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        pass  # clients that hang up early are part of the tests

    def current_opts(self):
        opts = argparse.Namespace(**vars(self.opts))
        if opts.control:
            try:
                with open(opts.control) as f:
                    for key, value in json.load(f).items():
                        setattr(opts, key, value)
            except FileNotFoundError:
                pass
        return opts

    def load_hosts(self):
        try:
            with open(self.opts.hosts) as f:
                return json.load(f)
        except (FileNotFoundError, ValueError):
            return {}

    def save_hosts(self, hosts):
        with open(self.opts.hosts + ".tmp", "w") as f:
            json.dump(hosts, f)
        os.replace(self.opts.hosts + ".tmp", self.opts.hosts)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--ca", required=True, help="PEM that get-pki-trust answers")
    p.add_argument("--ssh-key", required=True, help="public key line that get-ssh-trust answers")
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--hosts", help="registered hosts (JSON), kept across restarts")
    p.add_argument("--port", type=int, default=0, help="port to listen on (0: any free one); a restarted "
                   "engine keeps its port")
    p.add_argument("--bind", default="127.0.0.1", help="address to listen on (127.0.0.1 or ::1)")
    p.add_argument("--fault", choices=["garbage", "huge", "slow", "silent", "version0"])
    p.add_argument("--fault-on", help="only this command misbehaves")
    p.add_argument("--date-offset", type=int, default=0, help="seconds added to the Date header")
    p.add_argument("--control", help="JSON file overriding fault, fault_on, date_offset per request")
    opts = p.parse_args()
    if not opts.hosts:
        opts.hosts = opts.log + ".hosts"
    server = EngineServer(opts)
    with open(opts.port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(opts.port_file + ".tmp", opts.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
