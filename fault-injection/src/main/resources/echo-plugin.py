#!/usr/bin/env python3
"""A line-echo command plugin for Baton's fault-injection runs.

Usage: echo-plugin.py <port> <serverId> <roleId> <tick-dir>
Answers each line L with "<serverId> L". While it runs it appends the time (epoch ms) to
<tick-dir>/<roleId>.<serverId>.<pid>.ticks every 20 ms: the run's checker reads these to see when two servers
ran the role at once, independently of what the agents report.
"""
import os
import signal
import socket
import sys
import threading
import time

port, server, role, tick_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
os.makedirs(tick_dir, exist_ok=True)
ticks = open(os.path.join(tick_dir, "%s.%s.%d.ticks" % (role, server, os.getpid())), "a", buffering=1)


def tick():
    while True:
        ticks.write("%d\n" % int(time.time() * 1000))
        time.sleep(0.02)


def serve(conn):
    try:
        reader = conn.makefile("rb")
        for line in reader:
            conn.sendall(server.encode() + b" " + line)
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def stop(signum, frame):
    ticks.write("%d\n" % int(time.time() * 1000))
    os._exit(0)


signal.signal(signal.SIGTERM, stop)
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(128)
threading.Thread(target=tick, daemon=True).start()
while True:
    conn, _ = listener.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
