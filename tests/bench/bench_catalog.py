"""Benchmark of catalog and prices out (`make bench BENCH=catalog`).

One run, on this machine, against a live server started like `make run`:
- the catalog: 100,000 variants made through the ORM in an `odoo shell`
  (bench/catalog_fixture.py: templates of 10 x 10 attribute values, batched
  creates, mail tracking off), kept in the benchmark database for the next run;
- 5 storefront channels, each a reference channel server (tests/reference_channel)
  that verifies the signed pushes and keeps the catalog they bring, subscribed to
  every variant at one pricelist;
- measured, in order:
  1. initial sync: the subscriptions saved -> every channel holds every record
     (time, requests);
  2. price changes in one pricelist import (`load` of pricelist items, one
     transaction) pushed one request per change and channel (the baseline,
     tests/addons/retail_sync_bench_baseline; 200 changes), then 1,000 other
     changes the same way pushed by the catalog (coalesced per window, batched):
     p50, p95 and max time from the import's commit to each channel holding each
     final price;
  3. full catalog pass: each channel has lost 10 % of its records; Resync catalog
     on every channel at once -> every pass done and every lost record back
     (time, requests), and every channel holds every record with the checksum of
     Odoo's fresh document (the pass resends only what was lost).
Prints a table and records it in docs/benchmarks.md. Not a test: it asserts nothing.
"""

import argparse
import datetime
import math
import os
import pathlib
import platform
import random
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from live.live_odoo import LOCAL, LiveOdoo, pg_connect
from reference_channel.server import ReferenceChannel

from bench.results import commit as git_commit
from bench.results import record

LOG_NAME = "bench-catalog"
PARENT = "Retail Sync bench catalog"
PER_CATEGORY = 10000
CODE_PREFIX = "CATB"
BASELINE_CONTEXT = {"retail_sync_bench_one_push_per_change": True}


class Requests(list):
    """What the reference channel keeps of each request: its arrival, type and
    number of documents (not the body: 100,000 documents per channel)."""

    def append(self, entry):
        arrived, _headers, body, verified = entry
        items = body.get("documents") or body.get("records") or []
        super().append((arrived, body.get("type"), len(items), verified))


def make_channel():
    channel = ReferenceChannel().start()
    channel.received = Requests()
    return channel


def fixture(args):
    """Top the benchmark catalog up to ``args.variants`` variants through the ORM
    in an `odoo shell`; returns (variants, seconds, created, seconds the whole
    catalog took to make)."""
    script = pathlib.Path(__file__).resolve().parent / "catalog_fixture.py"
    env = dict(os.environ, RS_BENCH_VARIANTS=str(args.variants))
    with script.open() as stdin:
        done = subprocess.run(
            [
                str(LOCAL / "venv" / "bin" / "odoo"),
                "shell",
                "-c",
                str(LOCAL / "odoo-test.conf"),
                "-d",
                args.database,
                "--no-http",
                "--log-level=warn",
                f"--logfile={LOCAL / 'log' / 'bench-catalog-fixture.log'}",
            ],
            stdin=stdin,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    for line in done.stdout.splitlines():
        if line.startswith("FIXTURE "):
            _tag, variants, seconds, created, spent = line.split()
            return int(variants), float(seconds), int(created), float(spent)
    raise RuntimeError(
        f"the fixture failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}"
    )


def call(odoo, model, method, *args, timeout=1200, **kwargs):
    """`odoo.call` without its 2-minute limit: a pricelist import that enqueues
    one job per change (the baseline) takes longer on a loaded machine."""
    response = odoo.session.post(
        odoo.url + "/jsonrpc",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    odoo.database,
                    odoo.admin_uid,
                    "admin",
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
        },
        timeout=timeout,
    )
    body = response.json()
    if "error" in body:
        raise RuntimeError(body["error"]["data"].get("message"))
    return body.get("result")


def requests_of(channels, kind, since=0.0):
    return sum(
        1
        for channel in channels
        for r in list(channel.received)
        if r[1] == kind and r[0] >= since
    )


def wait(predicate, timeout, interval=1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def pending(database, subscription_ids):
    with pg_connect(database) as connection, connection.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM retail_sync_catalog_pending"
            " WHERE subscription_id = ANY(%s)",
            (subscription_ids,),
        )
        (count,) = cr.fetchone()
    connection.close()
    return count


def held_checksums(database, subscription_id):
    """{product id: checksum} Odoo last sent the channel (its catalog state)."""
    with pg_connect(database) as connection, connection.cursor() as cr:
        cr.execute(
            "SELECT product_id, checksum FROM retail_sync_catalog_state"
            " WHERE subscription_id = %s AND NOT removed",
            (subscription_id,),
        )
        rows = dict(cr.fetchall())
    connection.close()
    return rows


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def price_round(odoo, args, channels, item_ids, product_ids, context, step):
    """One pricelist import of new fixed prices for ``item_ids`` (one `load`, one
    transaction); returns the latencies (s) from its commit to each channel
    holding each final price, the requests sent, and what never arrived."""
    prices = {
        pid: f"{20.0 + (pid * 7 + step) % 500 + 0.25 * step:.2f}" for pid in product_ids
    }
    rows = [
        [str(item_id), prices[pid]]
        for item_id, pid in zip(item_ids, product_ids, strict=True)
    ]
    since = time.time()
    result = call(
        odoo,
        "product.pricelist.item",
        "load",
        [".id", "fixed_price"],
        rows,
        context=context,
    )
    committed = time.time()
    if result.get("messages"):
        raise RuntimeError(f"the import failed: {result['messages'][:3]}")

    def arrived():
        return all(
            (channel.catalog_record(pid) or {}).get("price") == prices[pid]
            for channel in channels
            for pid in product_ids
        )

    wait(arrived, args.settle_seconds)
    latencies, missing = [], 0
    for channel in channels:
        with channel.lock:
            arrivals = {
                pid: list(channel.catalog_arrivals.get(pid, ())) for pid in prices
            }
        for pid, price in prices.items():
            times = [t for t, p, _v in arrivals[pid] if p == price and t >= since]
            if times:
                latencies.append(max(0.0, min(times) - committed))
            else:
                missing += 1
    return {
        "import_seconds": committed - since,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "max": max(latencies) if latencies else float("nan"),
        "requests": requests_of(channels, "catalog.batch", since),
        "missing": missing,
        "pairs": len(latencies) + missing,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("RS_BENCH_DB", "retail_sync_bench")
    )
    parser.add_argument("--port", type=int, default=8369)
    parser.add_argument("--variants", type=int, default=100000)
    parser.add_argument("--channels", type=int, default=5)
    parser.add_argument("--price-changes", type=int, default=1000)
    # The baseline's one job per change and channel runs at a few jobs a second
    # on this machine: a smaller import (fewer jobs queued, so a lower latency
    # than 1,000 changes would give it: the comparison favours the baseline).
    parser.add_argument("--baseline-changes", type=int, default=200)
    parser.add_argument("--lost-share", type=float, default=0.10)
    parser.add_argument("--settle-seconds", type=float, default=1800.0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    if args.variants % PER_CATEGORY:
        parser.error(f"--variants is a multiple of {PER_CATEGORY}")
    rng = random.Random(20261207)
    run = f"{int(time.time()) % 100000:05d}"
    figures = {"run": run}

    variants, fixture_seconds, created, spent = fixture(args)
    figures.update(
        variants=variants,
        fixture_seconds=fixture_seconds,
        created=created,
        fixture_total=spent,
    )
    print(f"fixture: {variants} variants, {created} created in {fixture_seconds:.0f} s")
    # Earlier runs' channels are archived (their servers are gone) and their
    # jobs cancelled, with the job runner stopped (no job is running).
    with LiveOdoo(
        args.database, http_port=args.port, log_name=LOG_NAME, runner=False
    ) as odoo:
        old = odoo.call(
            "retail.sync.channel", "search", [("code", "=like", f"{CODE_PREFIX}%")]
        )
        if old:
            odoo.call("retail.sync.channel", "write", old, {"active": False})
        call(odoo, "retail.sync.bench.catalog.baseline", "cancel_jobs")
    channels = [make_channel() for _ in range(args.channels)]
    with LiveOdoo(args.database, http_port=args.port, log_name=LOG_NAME) as odoo:
        [parent] = odoo.call(
            "product.category",
            "search",
            [("name", "=", PARENT), ("parent_id", "=", False)],
        )
        categories = odoo.call(
            "product.category",
            "search",
            [("parent_id", "=", parent)],
            order="id",
            limit=args.variants // PER_CATEGORY,
        )
        product_ids = odoo.call(
            "product.product", "search", [("categ_id", "in", categories)], order="id"
        )
        figures["variants"] = len(product_ids)
        # Two sets of variants spread over the catalog, each with a rule of its
        # own in the channels' pricelist (made before the subscriptions).
        chosen = rng.sample(product_ids, args.baseline_changes + args.price_changes)
        base_set = sorted(chosen[: args.baseline_changes])
        pipe_set = sorted(chosen[args.baseline_changes :])
        pricelist = odoo.call(
            "product.pricelist", "create", {"name": f"Bench catalog {run}"}
        )
        item_ids = odoo.call(
            "product.pricelist.item",
            "create",
            [
                {
                    "pricelist_id": pricelist,
                    "applied_on": "0_product_variant",
                    "product_id": pid,
                    "compute_price": "fixed",
                    "fixed_price": 15.0,
                }
                for pid in base_set + pipe_set
            ],
        )
        base_items = item_ids[: args.baseline_changes]
        pipe_items = item_ids[args.baseline_changes :]
        channel_ids = []
        for index, channel in enumerate(channels):
            channel_id, _key = odoo.create_channel(
                f"{CODE_PREFIX}{run}-{index}", kind="ecommerce", push_url=channel.url
            )
            action = odoo.call(
                "retail.sync.channel", "action_rotate_push_secret", [channel_id]
            )
            [wizard] = odoo.call(
                "retail.sync.secret.wizard", "read", [action["res_id"]], ["secret"]
            )
            channel.secret = wizard["secret"]
            channel_ids.append(channel_id)

        # ---------------------------------------------------- 1. initial sync
        start = time.time()
        subscription_ids = [
            call(
                odoo,
                "retail.sync.catalog.subscription",
                "create",
                {
                    "channel_id": channel_id,
                    "pricelist_id": pricelist,
                    "product_domain": "[]",
                    "category_ids": [(6, 0, categories)],
                    "full_pass_hours": 0,
                },
            )
            for channel_id in channel_ids
        ]
        wait(
            lambda: all(len(c.catalog) >= len(product_ids) for c in channels)
            and pending(args.database, subscription_ids) == 0,
            args.settle_seconds,
            2.0,
        )
        figures["initial"] = {
            "seconds": time.time() - start,
            "requests": requests_of(channels, "catalog.batch"),
            "held": [len(c.catalog_ids()) for c in channels],
        }
        print(f"initial sync: {figures['initial']}")

        # ---------------------------------------------------- 2. price imports
        figures["baseline"] = price_round(
            odoo, args, channels, base_items, base_set, BASELINE_CONTEXT, 1
        )
        print(f"prices, one push per change: {figures['baseline']}")
        figures["pipeline"] = price_round(
            odoo, args, channels, pipe_items, pipe_set, {}, 2
        )
        print(f"prices, catalog pushes: {figures['pipeline']}")

        # ---------------------------------------------------- 3. full pass
        lost = {}
        for channel in channels:
            ids = rng.sample(product_ids, int(len(product_ids) * args.lost_share))
            channel.forget_catalog(*ids)
            lost[channel.port] = len(ids)
        since = time.time()
        run_ids = []
        for subscription_id in subscription_ids:
            action = odoo.call(
                "retail.sync.catalog.subscription", "action_resync", [subscription_id]
            )
            run_ids.append(action["res_id"])

        def passes_done():
            runs = odoo.call("retail.sync.catalog.run", "read", run_ids, ["state"])
            return all(r["state"] != "running" for r in runs)

        wait(
            lambda: passes_done()
            and pending(args.database, subscription_ids) == 0
            and all(len(c.catalog_ids()) >= len(product_ids) for c in channels),
            args.settle_seconds,
            2.0,
        )
        seconds = time.time() - since
        runs = odoo.call(
            "retail.sync.catalog.run",
            "read",
            run_ids,
            ["state", "checked", "batches", "resend_count", "removed_count"],
        )
        wrong = 0
        for channel, subscription_id in zip(channels, subscription_ids, strict=True):
            sent = held_checksums(args.database, subscription_id)
            with channel.lock:
                held = {
                    pid: channel.catalog_checksum(h["data"])
                    for pid, h in channel.catalog.items()
                    if not h["removed"]
                }
            wrong += sum(1 for pid in product_ids if held.get(pid) != sent.get(pid))
        figures["full_pass"] = {
            "seconds": seconds,
            "states": sorted({r["state"] for r in runs}),
            "checked": sum(r["checked"] for r in runs),
            "pass_requests": requests_of(channels, "catalog.full_pass", since),
            "push_requests": requests_of(channels, "catalog.batch", since),
            "resent": sum(r["resend_count"] for r in runs),
            "removed": sum(r["removed_count"] for r in runs),
            "lost": sum(lost.values()),
            "held": [len(c.catalog_ids()) for c in channels],
            "wrong": wrong,
            "stale": sum(len(c.catalog_stale) for c in channels),
            "mismatches": sum(len(c.catalog_mismatches) for c in channels),
            "unsigned": sum(1 for c in channels for r in c.received if not r[3]),
        }
        print(f"full pass: {figures['full_pass']}")
        figures["load"] = os.getloadavg()
        odoo.call("retail.sync.channel", "write", channel_ids, {"active": False})
    for channel in channels:
        channel.stop()
    table = render(figures, args)
    print(table)
    if not args.no_record:
        record(
            "bench_catalog",
            "Catalog and prices out (`tests/bench/bench_catalog.py`)",
            table,
        )
    return 0


def command(args):
    argv, skip = [], False
    for arg in sys.argv[1:]:
        if skip or arg.startswith("--port"):
            skip = arg == "--port"
            continue
        argv.append(arg)
    if not argv or argv == ["--no-record"]:
        return "make bench BENCH=catalog"
    return "cd tests && python bench/bench_catalog.py " + " ".join(argv)


def render(f, args):
    initial, base, pipe, full = (
        f["initial"],
        f["baseline"],
        f["pipeline"],
        f["full_pass"],
    )
    n = f["variants"]
    channels = args.channels

    def met(ok):
        return "met" if ok else "NOT met"

    fixture = (
        f"made through the ORM (bench/catalog_fixture.py) in "
        f"{f['fixture_seconds']:.0f} s by this run"
        if f["created"]
        else "kept in the database from the run that made it"
    ) + f"; the whole benchmark catalog took {f['fixture_total']:.0f} s to make"
    every = all(h >= n for h in full["held"]) and not full["wrong"]
    scale = (
        ""
        if n >= 100000
        else f" (set for 100,000 variants; this run has {n}, so they are read "
        "at its scale only)"
    )
    load = " / ".join(f"{x:.1f}" for x in f["load"])
    lines = [
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, commit "
        f"{git_commit()}, {platform.node()} ({os.cpu_count()} cores, load average "
        f"at the end {load}), `{command(args)}`.",
        "",
        f"Catalog: {n} variants, {fixture}; {channels} channels (reference channel "
        "servers, signed pushes verified), each subscribed to every variant at one "
        "pricelist.",
        "",
        "| Measure | Figure |",
        "|---|---|",
        f"| Initial sync: subscriptions saved -> every channel holds every record "
        f"| {initial['seconds']:.0f} s, {initial['requests']} requests "
        f"({channels * n} documents) |",
        f"| Full pass: Resync on {channels} channels that each lost "
        f"{args.lost_share:.0%} of their records -> passes done, records back "
        f"| {full['seconds']:.0f} s |",
        f"| Full pass requests: checksum batches + pushes "
        f"| {full['pass_requests']} + {full['push_requests']} "
        f"({full['checked']} checksums, {full['resent']} records resent for "
        f"{full['lost']} lost, {full['removed']} removed) |",
        f"| Channels holding every record with Odoo's checksum after the pass "
        f"| {sum(1 for h in full['held'] if h >= n)} of {channels} "
        f"({full['wrong']} records differ) |",
        f"| Stale documents applied / checksum mismatches / unsigned requests "
        f"| {full['stale']} / {full['mismatches']} / {full['unsigned']} |",
        "",
        f"Price changes in one pricelist import (`load` of pricelist items, one "
        f"transaction; {args.price_changes} for the catalog, "
        f"{args.baseline_changes} for the baseline, whose one job per change and "
        "channel runs at a few jobs a second here) -> every channel holds every "
        "final price, time from the import's commit:",
        "",
        "| Measure | Catalog (coalesced, batched) | Baseline (one push per change) |",
        "|---|---|---|",
        f"| Import (the `load` call) | {pipe['import_seconds']:.1f} s "
        f"| {base['import_seconds']:.1f} s |",
        f"| p50 | {pipe['p50']:.1f} s | {base['p50']:.1f} s |",
        f"| p95 | {pipe['p95']:.1f} s | {base['p95']:.1f} s |",
        f"| max | {pipe['max']:.1f} s | {base['max']:.1f} s |",
        f"| Requests to the channels | {pipe['requests']} | {base['requests']} |",
        f"| (channel, price) pairs never arrived | {pipe['missing']} of "
        f"{pipe['pairs']} | {base['missing']} of {base['pairs']} |",
        "",
        f"Targets{scale}: full pass <= 300 s (got {full['seconds']:.0f} s: "
        f"{met(full['seconds'] <= 300 and every)}), batched (documents per request: "
        f"{channels * n / max(initial['requests'], 1):.0f}); price p95 <= 60 s "
        f"(got {pipe['p95']:.1f} s: {met(pipe['p95'] <= 60 and not pipe['missing'])}"
        f"), {base['p95'] / pipe['p95'] if pipe['p95'] else float('nan'):.1f}x "
        "faster than the baseline at p95. The catalog waits out its 30 s "
        "coalescing window before a push, by design.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
