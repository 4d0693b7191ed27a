"""Benchmark of inbound ingestion against a live server (`make bench`).

Measures in one run, on this machine, next to Odoo's own /web/health as the floor:
- /web/health and single-event POSTs at a fixed offered rate (p50/p95/p99 latency);
- single-event POSTs as fast as 8 clients go (events/s);
- batched POSTs of 500 events with 4 clients (events/s).
Prints a table and records it in docs/benchmarks.md. Not a test: it asserts nothing.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from live.live_odoo import LiveOdoo

from bench.loadgen import closed_loop, open_loop
from bench.results import commit as git_commit
from bench.results import record


def event(run, i, key_count=50):
    return {
        "id": f"{run}-{i}",
        "type": "system.ping",
        "schema_version": 1,
        "occurred_at": "2026-11-27T10:00:00+00:00",
        "ordering_key": f"bench-{i % key_count}",
        "data": {"message": "bench"},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("RS_BENCH_DB", "retail_sync_bench")
    )
    parser.add_argument("--port", type=int, default=8369)
    parser.add_argument("--rate", type=float, default=100.0, help="offered requests/s")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    run = f"run{int(time.time())}"
    results = {}
    # Phase 1: ingestion alone (no jobrunner), so the figures are the endpoint's.
    with LiveOdoo(
        args.database, http_port=args.port, log_name="bench-server", runner=False
    ) as odoo:
        channel_id, key = odoo.create_channel(
            f"BENCH-{run}", rate_limit=0, max_batch_size=args.batch
        )
        url = odoo.url
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

        def health(session, _i):
            return session.get(url + "/web/health", timeout=30).status_code == 200

        def post_single(prefix):
            def send(session, i):
                body = json.dumps(event(prefix, i)).encode()
                response = session.post(
                    url + "/retail_sync/v1/events",
                    data=body,
                    headers=headers,
                    timeout=30,
                )
                return response.status_code == 202

            return send

        def post_batch(session, i):
            body = json.dumps(
                {"events": [event(f"{run}-b{i}", n) for n in range(args.batch)]}
            ).encode()
            response = session.post(
                url + "/retail_sync/v1/events", data=body, headers=headers, timeout=60
            )
            return response.status_code == 202

        # Warm up every worker (registry, caches) before measuring.
        closed_loop(health, 8, 2)
        closed_loop(post_single(f"{run}-warm"), 8, 3)

        results["health_fixed_rate"] = open_loop(health, args.rate, args.seconds)
        results["single_fixed_rate"] = open_loop(
            post_single(f"{run}-fixed"), args.rate, args.seconds
        )
        results["health_max"] = closed_loop(health, 8, args.seconds / 2)
        results["single_max"] = closed_loop(
            post_single(f"{run}-max"), 8, args.seconds / 2
        )
        batch = closed_loop(post_batch, 4, args.seconds)
        batch["events_per_s"] = round(batch["rate_per_s"] * args.batch, 1)
        results["batch"] = batch
        backlog = odoo.count_events(channel_id, [("state", "=", "queued")])

    # Phase 2: the same server with its jobrunner applies the backlog.
    with LiveOdoo(args.database, http_port=args.port, log_name="bench-server") as odoo:
        began = time.perf_counter()
        odoo.wait_until(
            lambda: odoo.count_events(channel_id, [("state", "!=", "done")]) == 0,
            timeout=900,
            interval=2,
        )
        took = time.perf_counter() - began
        left = odoo.count_events(channel_id, [("state", "!=", "done")])
    results["apply"] = {
        "backlog": backlog,
        "seconds": round(took, 1),
        "events_per_s": round((backlog - left) / took, 1),
        "left": left,
    }

    table = render(results, args)
    print(table)
    if not args.no_record:
        record(
            "bench_ingest", "Inbound ingestion (`tests/bench/bench_ingest.py`)", table
        )
    return 0


def render(results, args):
    commit = git_commit()
    fixed_h, fixed_s = results["health_fixed_rate"], results["single_fixed_rate"]
    max_h, max_s, batch = results["health_max"], results["single_max"], results["batch"]
    lines = [
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit {commit}, "
        f"{os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, Odoo 4 HTTP workers, jobrunner off while "
        "ingesting, load client on the same machine. Command: `make bench`.",
        "",
        "| Measure | Requests | Errors | Rate /s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]

    def row(name, r, rate=None):
        lines.append(
            f"| {name} | {r['requests']} | {r['errors']} | {rate or r['rate_per_s']} | "
            f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |"
        )

    row(f"/web/health at {args.rate:g} req/s (floor)", fixed_h)
    row(f"Single event POST at {args.rate:g} req/s", fixed_s)
    row("/web/health, 8 clients flat out (floor)", max_h)
    row("Single event POST, 8 clients flat out", max_s)
    row(
        f"Batch of {args.batch} events, 4 clients (rate = events/s)",
        batch,
        batch["events_per_s"],
    )
    apply = results["apply"]
    lines += [
        "",
        f"Applying the backlog afterwards (jobrunner on, `system.ping` events over 50 "
        f"keys): {apply['backlog']:,} events in {apply['seconds']} s = "
        f"{apply['events_per_s']:,.0f} events/s applied, {apply['left']} left.",
        "",
        "Targets: single-event p95 <= 50 ms at 100 req/s "
        f"(got {fixed_s['p95_ms']} ms); "
        f"batched ingestion >= 2,000 events/s (got {batch['events_per_s']:,.0f}).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
