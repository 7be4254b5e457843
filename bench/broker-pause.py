#!/usr/bin/env python3
"""Pauses and restarts the broker of a running local run (./baton up) and measures what the roles do.

For each pause (SIGSTOP of the broker's JVM, then SIGCONT) and for a restart (SIGKILL, then the same command line
again on the same data), it measures the time from the broker answering again until every role answers a client
on the server it ran on before (through the gateway for the role `demo`, directly at the endpoint its agent reports
for the others), and counts what the placement and the agents did meanwhile, from their /metrics: role moves by
reason, unplacements, fences, plugin failures. Prints one line per case. Standard library only.

    BATON_HOME=/tmp/run BATON_PORT_OFFSET=3000 ./baton up        # in another terminal
    bench/broker-pause.py --home /tmp/run --offset 3000 --pauses 0.3,1,3 --restart-down 3

A second role, `demo2` (servers server-b, server-c, server-a), is created when missing, so two roles run on two
servers as in the issue's report. See docs/benchmarks.md, "Broker pauses and restarts".
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

AGENTS = {"server-a": 8084, "server-b": 8085, "server-c": 8086}
PLACEMENTS = (8081, 8091)
GATEWAY_DEMO = 7001
KAFKA = 9092
ROLES = {"demo": None, "demo2": ["server-b", "server-c", "server-a"]}


def http(url, token=None, method="GET", body=None, timeout=2.0):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    if token:
        request.add_header("Authorization", "Bearer " + token)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def ask(host, port, line, timeout=0.5):
    """One line to a sample plugin (directly or through the gateway); its answer, or None."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall((line + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data.decode().strip() or None
    except OSError:
        return None


def accepts(port, timeout=0.2):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


class Run:
    def __init__(self, home, offset):
        self.home = home
        self.offset = offset
        with open(os.path.join(home, "token")) as f:
            self.token = f.read().strip()

    def port(self, base):
        return base + self.offset

    def hosted(self):
        """role -> (server, state, endpoint) as each agent's /health/ready reports it."""
        roles = {}
        for server, port in AGENTS.items():
            try:
                _, body = http("http://127.0.0.1:%d/health/ready" % self.port(port), timeout=0.5)
                for role in json.loads(body).get("roles", []):
                    if role["state"] == "RUNNING":
                        roles[role["roleId"]] = (server, role.get("endpoint"))
            except (OSError, ValueError):
                pass
        return roles

    def serving(self, expected):
        """True when every role answers on the server it is expected on, the demo role through the gateway too."""
        hosted = self.hosted()
        for role, server in expected.items():
            if role not in hosted or hosted[role][0] != server or not hosted[role][1]:
                return False
            host, port = hosted[role][1].rsplit(":", 1)
            if ask(host, int(port), "ping") != server + " ping":
                return False
        return ask("127.0.0.1", self.port(GATEWAY_DEMO), "ping") == expected["demo"] + " ping"

    def counters(self):
        """Sum over both placement instances and the agents of the counters that show a move, a fence, a failure."""
        totals = {}
        urls = ["http://127.0.0.1:%d/metrics" % self.port(p) for p in PLACEMENTS]
        urls += ["http://127.0.0.1:%d/metrics" % self.port(p) for p in AGENTS.values()]
        pattern = re.compile(r'^(baton_placement_moves_total\{[^}]*reason="(\w+)"[^}]*\}|baton_placement_unplaced_total'
                             r'|baton_agent_fences_total|baton_agent_plugin_failures_total)[^ ]* ([0-9.eE+-]+)$')
        for url in urls:
            try:
                _, body = http(url, timeout=1.0)
            except OSError:
                continue
            for line in body.splitlines():
                m = pattern.match(line)
                if m:
                    name = "moves " + m.group(2) if m.group(2) else m.group(1).split("{")[0]
                    totals[name] = totals.get(name, 0) + float(m.group(3))
        return totals

    def await_serving(self, expected, limit=60.0):
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if self.serving(expected):
                return time.monotonic() - started
            time.sleep(0.01)
        return None

    def ensure_roles(self):
        for role, servers in ROLES.items():
            if servers:
                http("http://127.0.0.1:%d/api/v1/roles" % self.port(8081), self.token, "POST",
                     {"roleId": role, "servers": servers})

    def kafka_pid(self):
        with open(os.path.join(self.home, "pids", "kafka")) as f:
            return int(f.read().split()[0])


def delta(before, after):
    keys = sorted(set(before) | set(after))
    changed = {k: after.get(k, 0) - before.get(k, 0) for k in keys if after.get(k, 0) != before.get(k, 0)}
    return ", ".join("%s +%d" % (k, v) for k, v in changed.items()) or "nothing"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", default=os.environ.get("BATON_HOME", ".baton"))
    parser.add_argument("--offset", type=int, default=int(os.environ.get("BATON_PORT_OFFSET", "0")))
    parser.add_argument("--pauses", default="0.3,1,3", help="seconds, comma-separated")
    parser.add_argument("--restart-down", type=float, default=3.0, help="seconds the broker stays dead; <0: skip")
    args = parser.parse_args()
    run = Run(args.home, args.offset)
    run.ensure_roles()
    expected = None
    started = time.monotonic()
    while expected is None or set(expected) != set(ROLES):
        expected = {role: server for role, (server, _) in run.hosted().items() if role in ROLES}
        if time.monotonic() - started > 120:
            sys.exit("roles not running: %s" % expected)
        time.sleep(0.2)
    if run.await_serving(expected) is None:
        sys.exit("roles not serving: %s" % expected)
    print("roles: %s" % expected)
    results = []
    for pause in [float(p) for p in args.pauses.split(",") if p]:
        before = run.counters()
        pid = run.kafka_pid()
        os.kill(pid, signal.SIGSTOP)
        time.sleep(pause)  # the stimulus itself: the broker stays frozen this long
        os.kill(pid, signal.SIGCONT)
        took = run.await_serving(expected)
        time.sleep(3)  # let anything the pause caused show in the counters
        line = "pause %.1f s: serving again on the same servers %s after SIGCONT; %s" % (
            pause, "never" if took is None else "%d ms" % (took * 1000), delta(before, run.counters()))
        print(line, flush=True)
        results.append(line)
    if args.restart_down >= 0:
        before = run.counters()
        pid = run.kafka_pid()
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            command = [a.decode() for a in f.read().split(b"\0") if a]
        cwd = os.readlink("/proc/%d/cwd" % pid)
        os.kill(pid, signal.SIGKILL)
        while os.path.exists("/proc/%d" % pid) and accepts(run.port(KAFKA)):
            time.sleep(0.01)
        time.sleep(args.restart_down)  # the broker stays dead this long
        log = open(os.path.join(args.home, "logs", "kafka-restarted.log"), "ab")
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        with open(os.path.join(args.home, "pids", "kafka"), "w") as f:
            f.write(str(process.pid))
        launched = time.monotonic()
        while not accepts(run.port(KAFKA)):
            time.sleep(0.01)
        listening = time.monotonic()
        took = run.await_serving(expected, limit=120)
        time.sleep(3)
        line = ("restart after %.1f s dead: broker listening %d ms after launch; serving again on the same servers %s"
                " after it listened; %s") % (args.restart_down, (listening - launched) * 1000,
                                            "never" if took is None else "%d ms" % (took * 1000),
                                            delta(before, run.counters()))
        print(line, flush=True)
        results.append(line)


if __name__ == "__main__":
    main()
