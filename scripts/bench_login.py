"""Sends sign-ins to a server on loopback with bounded concurrency; prints the answers by status,
the time, and the server's peak resident set (VmHWM of its process). Used by scripts/bench-login.

Arguments: PORT PID REQUESTS AT_ONCE MODE, where MODE is `right` (the demo logins' passwords,
each request from its own client address behind a trusted proxy) or `wrong` (wrong passwords
for one account, from one address)."""
import collections
import http.client
import sys
import time
from concurrent.futures import ThreadPoolExecutor

PORT, PID, REQUESTS, AT_ONCE, MODE = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ACCOUNTS = ["admin", "coordinator", "nominator", "host", "secondee", "donor"]


def sign_in(i):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    if MODE == "wrong":
        body = "email=donor%%40demo.hub&password=wrong-guess-%d" % i
    else:
        body = "email=%s%%40demo.hub&password=demo-password-1" % ACCOUNTS[i % len(ACCOUNTS)]
        headers["X-Forwarded-For"] = "198.51.%d.%d" % (i // 250, i % 250 + 1)
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    try:
        connection.request("POST", "/api/login", body, headers)
        status = connection.getresponse().status
    except OSError as error:
        status = type(error).__name__
    finally:
        connection.close()
    return status, time.monotonic() - started


def memory_mib():
    values = {}
    with open("/proc/%d/status" % PID) as status:
        for line in status:
            if line.startswith(("VmHWM", "VmRSS")):
                name, kb = line.split()[:2]
                values[name.rstrip(":")] = int(kb) // 1024
    return values


print("before: peak %(VmHWM)d MiB, now %(VmRSS)d MiB" % memory_mib())
started = time.monotonic()
with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
    results = list(pool.map(sign_in, range(REQUESTS)))
elapsed = time.monotonic() - started
latencies = sorted(seconds for _, seconds in results)
print("%d sign-ins, %d at once (%s): answers %s" % (REQUESTS, AT_ONCE, MODE, dict(collections.Counter(s for s, _ in results))))
print("time %.2f s; latency median %d ms, p95 %d ms, max %d ms" % (
    elapsed, latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.95)] * 1000, latencies[-1] * 1000))
print("server peak resident set: %(VmHWM)d MiB (now %(VmRSS)d MiB); target under 300 MB" % memory_mib())
