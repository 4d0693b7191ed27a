"""Benchmark of ingestion through HAProxy: one Odoo node against two (`make bench`).

The same load generator as bench_ingest.py, in one run, on this machine, through the
same HAProxy configuration (setup/haproxy.cfg.template) both times:
- /web/health through HAProxy (the floor of the path);
- single-event POSTs at a fixed offered rate (p50/p95/p99 latency);
- single-event POSTs as fast as 8 clients go (events/s);
- batched POSTs of 500 events with 4 clients (events/s).
First behind HAProxy one node, then two nodes with the same workers each. The
jobrunner is off while ingesting, as in bench_ingest.py: the figures are the
endpoint's. Prints a table and records it in docs/benchmarks.md. Not a test.
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

from live.live_cluster import LiveCluster

from bench.bench_ingest import event
from bench.loadgen import closed_loop, open_loop
from bench.results import commit as git_commit
from bench.results import record


def measure(cluster, args, run):
    odoo = cluster.balancer
    _channel_id, key = odoo.create_channel(
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
                url + "/retail_sync/v1/events", data=body, headers=headers, timeout=30
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

    # Warm up every worker of every node (registry, caches) before measuring.
    closed_loop(health, 8, 2)
    closed_loop(post_single(f"{run}-warm"), 8, 3)
    results = {
        "health_max": closed_loop(health, 8, args.seconds / 2),
        "single_fixed_rate": open_loop(
            post_single(f"{run}-fixed"), args.rate, args.seconds
        ),
        "single_max": closed_loop(post_single(f"{run}-max"), 8, args.seconds / 2),
    }
    batch = closed_loop(post_batch, 4, args.seconds)
    batch["events_per_s"] = round(batch["rate_per_s"] * args.batch, 1)
    results["batch"] = batch
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("RS_BENCH_DB", "retail_sync_bench")
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8369,
        help="the benchmark server's port; HAProxy listens on port + 10, the nodes "
        "on the 5 ports after it",
    )
    parser.add_argument("--workers", type=int, default=4, help="HTTP workers per node")
    parser.add_argument("--rate", type=float, default=100.0, help="offered requests/s")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    run = f"cl{int(time.time())}"
    figures = {}
    for nodes in (1, 2):
        with LiveCluster(
            args.database,
            args.port + 10,
            nodes=nodes,
            workers=args.workers,
            runner=False,
        ) as cluster:
            figures[nodes] = measure(cluster, args, f"{run}-{nodes}")

    table = render(figures, args)
    print(table)
    if not args.no_record:
        record(
            "bench_cluster",
            "Ingestion through HAProxy, one node against two "
            "(`tests/bench/bench_cluster.py`)",
            table,
        )
    return 0


def render(figures, args):
    one, two = figures[1], figures[2]
    lines = [
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit {git_commit()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, HAProxy in "
        f"front, {args.workers} HTTP workers per node, jobrunner off while ingesting, "
        "load client on the same machine. Command: `make bench BENCH=cluster`. Both "
        f"nodes, HAProxy, PostgreSQL and the load client share these "
        f"{os.cpu_count()} cores: a second node here adds workers, not cores, so "
        "these figures say what a second node costs on the same cores, not what a "
        "second machine gives.",
        "",
        "| Measure | 1 node: rate /s | p50 ms | p95 ms | 2 nodes: rate /s | p50 ms "
        "| p95 ms | Gain |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def row(name, key, rate_key="rate_per_s", offered=False):
        a, b = one[key], two[key]
        # At a fixed offered rate both serve the same rate: compare latencies.
        gain = "offered" if offered else f"{b[rate_key] / a[rate_key]:.2f}x"
        errors = a["errors"] + b["errors"]
        lines.append(
            f"| {name}{f' ({errors} errors)' if errors else ''} | {a[rate_key]} | "
            f"{a['p50_ms']} | {a['p95_ms']} | {b[rate_key]} | {b['p50_ms']} | "
            f"{b['p95_ms']} | {gain} |"
        )

    row("/web/health, 8 clients flat out (floor)", "health_max")
    row(
        f"Single event POST at {args.rate:g} req/s offered",
        "single_fixed_rate",
        offered=True,
    )
    row("Single event POST, 8 clients flat out", "single_max")
    row(
        f"Batch of {args.batch} events, 4 clients (rate = events/s)",
        "batch",
        "events_per_s",
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
