"""Small load generators for the benchmarks: open loop at a fixed rate, closed loop.

Open loop schedules every request at its own time and measures latency from that time,
so a slow server cannot hide its queueing (no coordinated omission).
"""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(latencies_s, elapsed_s, count, errors):
    ms = [v * 1000 for v in latencies_s]
    return {
        "requests": count,
        "errors": errors,
        "elapsed_s": round(elapsed_s, 2),
        "rate_per_s": round(count / elapsed_s, 1) if elapsed_s else 0.0,
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan"),
    }


def open_loop(send, rate, duration_s, threads=32):
    """Call send(session, i) at ``rate`` per second for ``duration_s``; send returns
    True when the answer was the expected one."""
    total = int(rate * duration_s)
    start = time.perf_counter() + 0.2
    latencies, errors = [], [0]
    lock = threading.Lock()
    local = threading.local()

    def one(i):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        ok = send(session, i)
        done = time.perf_counter()
        with lock:
            latencies.append(done - scheduled)
            if not ok:
                errors[0] += 1

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(total)))
    return summary(latencies, time.perf_counter() - start, total, errors[0])


def closed_loop(send, concurrency, duration_s):
    """``concurrency`` clients sending back to back for ``duration_s``."""
    deadline = time.perf_counter() + duration_s
    latencies, errors, counter = [], [0], [0]
    lock = threading.Lock()

    def client(_n):
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                with lock:
                    i = counter[0]
                    counter[0] += 1
                began = time.perf_counter()
                ok = send(session, i)
                took = time.perf_counter() - began
                with lock:
                    latencies.append(took)
                    if not ok:
                        errors[0] += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(client, range(concurrency)))
    return summary(latencies, time.perf_counter() - start, len(latencies), errors[0])
