"""Polls <url> [header...] every millisecond until it answers 200, then prints the wall-clock time of that answer (epoch seconds).

Started by bench/common.sh before the server is exec'd: it says "ready" on stdout first, so that Python's own start-up
is not inside the measured time, and it polls over one raw socket per try (no process spawned per poll, as curl was:
on a busy machine that alone added 10-60 ms to a 35 ms cold start). Gives up after 60 s.
"""
import socket
import sys
import time
from urllib.parse import urlsplit

url = urlsplit(sys.argv[1])
header = "".join(f"{h}\r\n" for h in sys.argv[2:])  # e.g. "Authorization: Bearer ..." (bench/coldstart-aws.sh)
request = f"GET {url.path or '/'} HTTP/1.1\r\nHost: {url.hostname}\r\n{header}Connection: close\r\n\r\n".encode()
print("ready", flush=True)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with socket.create_connection((url.hostname, url.port), timeout=1) as s:
            s.sendall(request)
            head = s.recv(64)
            if head.startswith(b"HTTP/1.1 200"):
                print(f"{time.time():.6f}", flush=True)
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.001)
sys.exit(1)
