"""Benchmark of stock in seconds (`make bench`): store sales to storefront figures.

One run, on this machine, against a live server started like `make run`:
- 40 stores (one POS channel each) and a storefront fed by all of them, 200 SKUs with
  a few units per store, sales skewed to hot SKUs (a store only sells what it has);
- a steady phase at 20 sales/s, then a 60 s promotion spike at 200 sales/s, then a
  backlog posted at once by every till (capacity, whatever the pace of sales);
- each till flushes its sales every second as one signed batch (as tills do);
- measured: latency from a sale accepted to the storefront receiving a figure that
  includes it (p50/p95/p99, per phase), sales applied per second, time for the spike
  backlog to drain, lost events;
- oversold units: the same stream of web orders replayed against the storefront's view
  with Retail Sync and with the baseline of store sales reaching Odoo in batches every
  15 minutes (so during a run the storefront never sees them);
- where the time goes: each traced sale's legs (drain wait, drain, commit, push wait,
  push, send) from microsecond timestamps, and the jobs (first or tail) that carried it.
Prints a table and records it in docs/benchmarks.md. Not a test: it asserts nothing.
"""

import argparse
import bisect
import concurrent.futures
import datetime
import hashlib
import json
import os
import pathlib
import platform
import random
import re
import sys
import threading
import time
from collections import defaultdict

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from live.live_odoo import LOCAL, LiveOdoo, pg_connect
from reference_channel.server import (
    ReferenceChannel,
    ReferencePos,
    pos_sale,
)

from bench.loadgen import percentile
from bench.results import commit as git_commit
from bench.results import record


class Stores:
    """The bench's own truth: units left per store and SKU, and every sale made."""

    def __init__(self, stores, skus, units, rng):
        self.left = {(st, sku): units for st in stores for sku in skus}
        self.stores, self.skus, self.rng = stores, skus, rng
        hot = skus[: len(skus) // 5]
        self.weights = [8 if sku in hot else 0.5 for sku in skus]
        self.sales = []  # (sale time, sku)

    def pick(self):
        """A store and a SKU it still has, or None when that store is sold out."""
        store = self.rng.choice(self.stores)
        for _try in range(20):
            sku = self.rng.choices(self.skus, self.weights)[0]
            if self.left[(store, sku)] > 0:
                self.left[(store, sku)] -= 1
                return store, sku
        return None


def run_load(tills, stores, rate, seconds, phase, accepted, counters):
    """Sell at ``rate`` sales/s for ``seconds``; each till flushes once a second."""
    buffers = defaultdict(list)
    lock = threading.Lock()
    stop = threading.Event()

    def flusher():
        while not stop.is_set() or any(buffers.values()):
            time.sleep(1.0)
            with lock:
                batches = {store: buf[:] for store, buf in buffers.items() if buf}
                for store in batches:
                    buffers[store].clear()
            for store, events in batches.items():
                response = tills[store].send(events)
                now = time.time()
                if response.status_code != 202:
                    counters["rejected"] += len(events)
                    continue
                for event in events:
                    sku = event["data"]["lines"][0]["sku"]
                    accepted.append((now, sku, phase, event["id"]))

    thread = threading.Thread(target=flusher)
    thread.start()
    began = time.time()
    made = 0
    while True:
        elapsed = time.time() - began
        if elapsed >= seconds:
            break
        due = int(elapsed * rate)
        while made < due:
            picked = stores.pick()
            made += 1
            if picked is None:
                continue
            store, sku = picked
            counters["sequence"][store] += 1
            event = pos_sale(
                f"{phase}-{store}-{counters['sequence'][store]}",
                counters["sequence"][store],
                store,
                "R1",
                sku,
            )
            with lock:
                buffers[store].append(event)
            stores.sales.append((time.time(), sku))
            counters["sent"] += 1
        time.sleep(0.005)
    stop.set()
    thread.join()
    return time.time()


def iso_utc(moment):
    """An epoch as Odoo's datetime string (UTC), for a domain on a datetime."""
    return datetime.datetime.fromtimestamp(moment, datetime.UTC).strftime(
        "%Y-%m-%d %H:%M:%S"
    )


def send_backlog(tills, stores, count, counters, threads, prefix="flat"):
    """Every till posts its share of ``count`` sales at once, in batches of 100,
    from ``threads`` threads; returns (sales sent, time the first post began)."""
    per_store = defaultdict(list)
    misses = 0
    while sum(map(len, per_store.values())) < count and misses < count:
        picked = stores.pick()
        if picked is None:
            misses += 1
            continue
        store, sku = picked
        counters["sequence"][store] += 1
        sequence = counters["sequence"][store]
        per_store[store].append(
            pos_sale(f"{prefix}-{store}-{sequence}", sequence, store, "R1", sku)
        )
        stores.sales.append((time.time(), sku))
    batches = [
        (store, events[i : i + 100])
        for store, events in per_store.items()
        for i in range(0, len(events), 100)
    ]
    # One thread per store at a time: a till sends its batches in order.
    by_store = defaultdict(list)
    for store, batch in batches:
        by_store[store].append(batch)
    began = time.time()

    def send_store(store):
        """(accepted, rejected) sales of one till's batches."""
        accepted = rejected = 0
        for batch in by_store[store]:
            if tills[store].send(batch).status_code == 202:
                accepted += len(batch)
            else:
                rejected += len(batch)
        return accepted, rejected

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for accepted, rejected in pool.map(send_store, list(by_store)):
            counters["backlog_accepted"] += accepted
            counters["rejected"] += rejected
    sent = sum(map(len, per_store.values()))
    counters["sent"] += sent
    return sent, began, time.time()


def sale_latencies(accepted, storefront, initial_on_hand):
    """Per accepted sale: first arrival of a figure for its SKU whose on_hand counts
    every sale of that SKU accepted up to it (an upper bound). Returns the latencies
    per phase and the traced sales (phase, accepted at, event id, arrived at, the
    push's generated_at) for the breakdown by leg."""
    on_hand_seen = defaultdict(list)
    for arrived, _headers, body, _ok in storefront.received:
        generated = datetime.datetime.fromisoformat(body["generated_at"]).timestamp()
        for figure in body["figures"]:
            on_hand_seen[figure["sku"]].append((arrived, figure["on_hand"], generated))
    for sku in on_hand_seen:
        on_hand_seen[sku].sort()
    sold = defaultdict(int)
    latencies, traced = defaultdict(list), []
    for accepted_at, sku, phase, event_id in sorted(accepted):
        sold[sku] += 1
        target = initial_on_hand[sku] - sold[sku]
        for arrived, on_hand, generated in on_hand_seen[sku]:
            if arrived >= accepted_at - 5 and on_hand <= target:
                latencies[phase].append(max(0.0, arrived - accepted_at))
                traced.append((phase, accepted_at, event_id, arrived, generated))
                break
        else:
            latencies["never"].append(sku)
    return latencies, traced


# The legs of a sale's way from its 202 to the storefront, in order; each ends at
# the instant named (see leg_breakdown).
LEGS = (
    ("wait for a drain job (enqueue, runner dispatch, jobs ahead)", "drain_started"),
    ("drain job, until this sale is applied", "applied"),
    ("drain job, rest and commit", "drain_done"),
    (
        "wait for the push (at the drain's commit, or a push job: runner dispatch, "
        "step-backs)",
        "push_started",
    ),
    ("push, until the figures are computed", "generated"),
    ("push sent, until the storefront has it", "arrived"),
)


def processed_times(database, channel_ids, external_like):
    """Sorted epochs (to the microsecond) at which these events were applied."""
    with pg_connect(database) as connection, connection.cursor() as cr:
        cr.execute(
            "SELECT extract(epoch FROM processed_at) FROM retail_sync_event"
            " WHERE channel_id = ANY(%s) AND external_id LIKE %s AND state = 'done'"
            " ORDER BY 1",
            (channel_ids, external_like),
        )
        return [float(row[0]) for row in cr.fetchall()]


class CpuSampler:
    """The machine's busy CPU time (all processes: Odoo, PostgreSQL, this client),
    sampled from /proc/stat a few times a second, to say how much of the cores a
    drain used."""

    def __init__(self, interval=0.2):
        self.samples, self.interval = [], interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    @staticmethod
    def read():
        with open("/proc/stat") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values) - idle, sum(values)

    def run(self):
        while not self.stop.is_set():
            self.samples.append((time.time(), *self.read()))
            self.stop.wait(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def busy_cores(self, start, end):
        """Cores busy on average between two epochs (nearest samples inside)."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return None
        (_t0, busy0, total0), (_t1, busy1, total1) = inside[0], inside[-1]
        share = (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0
        return share * (os.cpu_count() or 1)


def first_job_start(database, method, since):
    """Epoch at which the first ``method`` job created after ``since`` started."""
    with pg_connect(database) as connection, connection.cursor() as cr:
        cr.execute(
            "SELECT extract(epoch FROM min(date_started)) FROM queue_job"
            " WHERE method_name = %s"
            " AND date_created >= to_timestamp(%s) AT TIME ZONE 'UTC'",
            (method, since),
        )
        value = cr.fetchone()[0]
    return float(value) if value is not None else None


def _job_rows(cr, method, since):
    cr.execute(
        """
        SELECT identity_key, args, extract(epoch FROM date_created),
               extract(epoch FROM date_started), extract(epoch FROM date_done)
          FROM queue_job
         WHERE method_name = %s AND state = 'done'
           AND date_created >= to_timestamp(%s) AT TIME ZONE 'UTC'
        """,
        (method, since),
    )
    return cr.fetchall()


def _job_kind(identity):
    """How a job came to be: a follow-up (tail, more, retry, probe) or the first."""
    suffix = identity.rsplit(":", 1)[-1]
    if suffix in ("tail", "more", "retry", "probe", "after-drain", "safety"):
        return suffix
    return "first"


def _job_at(jobs, moment):
    """The job (identity, started, done, created) that was running at ``moment``."""
    for job in jobs:
        if job[1] <= moment <= job[2]:
            return job
    return None


def _pushed_after_drain(drains, generated):
    """The push a drain made as soon as it committed (in its worker, no push job):
    (identity, started, done, created), started when the last drain done before
    ``generated`` ended."""
    done = [job for jobs in drains.values() for job in jobs if job[2] <= generated]
    if not done:
        return None
    last = max(done, key=lambda job: job[2])
    return ("after-drain", last[2], generated, last[2])


def leg_breakdown(database, traced, since, partitions, segment):
    """Where each traced sale's time went, leg by leg (LEGS), from timestamps to the
    microsecond: the event's processed_at, the queue_job rows of the drain and push
    jobs that carried it (date_started, date_done: Odoo runs in UTC) and the push's
    generated_at. A stock drain job drains one partition of the store keys at a
    time; a key's partition is the md5 rule of docs/pipeline.md."""
    with pg_connect(database) as connection, connection.cursor() as cr:
        cr.execute(
            "SELECT external_id, ordering_key, extract(epoch FROM processed_at)"
            "  FROM retail_sync_event WHERE external_id = ANY(%s)",
            ([event_id for _p, _a, event_id, _r, _g in traced],),
        )
        events = {row[0]: row[1:] for row in cr.fetchall()}
        drains = defaultdict(list)
        for identity, args, created, started, done in _job_rows(
            cr, "_drain_domain", since
        ):
            # queue_job keeps the arguments as JSON text.
            args = json.loads(args) if isinstance(args, str) else args
            partition = args[1] if len(args) > 1 else 0
            drains[partition].append(
                (identity, float(started), float(done), float(created))
            )
        pushes = [
            (identity, float(started), float(done), float(created))
            for identity, _args, created, started, done in _job_rows(
                cr, "_push_available", since
            )
        ]
    rows, untraced = [], 0
    for phase, accepted_at, event_id, arrived, generated in traced:
        key, applied = events.get(event_id, (None, None))
        if key is None or applied is None:
            untraced += 1
            continue
        part = key.split(":")[segment - 1] if segment > 0 else key
        partition = int(hashlib.md5(part.encode()).hexdigest()[:8], 16) % partitions
        drain = _job_at(drains[partition], float(applied))
        push = _job_at(pushes, generated) or _pushed_after_drain(drains, generated)
        if drain is None or push is None:
            untraced += 1
            continue
        instants = {
            "drain_started": drain[1],
            "applied": float(applied),
            "drain_done": drain[2],
            "push_started": push[1],
            "generated": generated,
            "arrived": arrived,
        }
        legs, previous = [], accepted_at
        for _label, instant in LEGS:
            legs.append(instants[instant] - previous)
            previous = instants[instant]
        rows.append(
            {
                "phase": phase,
                "total": arrived - accepted_at,
                "legs": legs,
                "drain_job": _job_kind(drain[0]),
                "push_job": _job_kind(push[0]),
                "accepted": accepted_at,
                "drain": drain,
                "push": push,
                "event": event_id,
            }
        )
    return rows, untraced


def oversold(stores, storefront_view, web_orders, initial_left):
    """Replay web orders against a storefront view; count units sold the true stock
    did not have."""
    sales = sorted(stores.sales)
    sale_times = defaultdict(list)
    for sold_at, sku in sales:
        sale_times[sku].append(sold_at)
    web_sold = defaultdict(int)
    over = 0
    for ordered_at, sku in web_orders:
        view = storefront_view(sku, ordered_at) - web_sold[sku]
        if view < 1:
            continue
        web_sold[sku] += 1
        true_left = (
            initial_left[sku]
            - bisect.bisect_right(sale_times[sku], ordered_at)
            - (web_sold[sku] - 1)
        )
        if true_left < 1:
            over += 1
    return over, sum(web_sold.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("RS_BENCH_DB", "retail_sync_bench")
    )
    parser.add_argument("--port", type=int, default=8369)
    parser.add_argument("--stores", type=int, default=40)
    parser.add_argument("--skus", type=int, default=200)
    parser.add_argument("--units", type=int, default=3, help="units per store and SKU")
    # The storefront's safety buffer covers what sells while a figure is on its way:
    # a hot SKU sells about 4 units/s during the spike, figures arrive within ~2 s.
    parser.add_argument("--buffer", type=float, default=8.0)
    parser.add_argument("--steady-rate", type=float, default=20.0)
    parser.add_argument("--steady-seconds", type=float, default=60.0)
    parser.add_argument("--spike-rate", type=float, default=200.0)
    parser.add_argument("--spike-seconds", type=float, default=60.0)
    parser.add_argument("--web-rate", type=float, default=10.0, help="web orders/s")
    parser.add_argument(
        "--flat-sales", type=int, default=8000, help="backlog sent at once"
    )
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    rng = random.Random(20261127)
    run = f"s{int(time.time())}"
    # Warehouse short names have at most 5 characters; unique per run.
    store_codes = [f"{run[-2:]}B{n:02d}" for n in range(args.stores)]
    skus = [f"{run}-SKU{n:03d}" for n in range(args.skus)]
    storefront = ReferenceChannel().start()
    with LiveOdoo(args.database, http_port=args.port, log_name="bench-server") as odoo:
        # ------------------------------------------------------------ setup
        product_ids = [odoo.create_product(sku) for sku in skus]
        locations, tills, pos_channel_ids = [], {}, []
        for code in store_codes:
            warehouse_id, location_id = odoo.create_store(code)
            locations.append(location_id)
            channel_id, key = odoo.create_channel(f"{run}-{code}", rate_limit=0)
            pos_channel_ids.append(channel_id)
            odoo.call(
                "retail.sync.binding",
                "create",
                {
                    "channel_id": channel_id,
                    "kind": "store",
                    "external_ref": code,
                    "record_ref": f"stock.warehouse,{warehouse_id}",
                },
            )
            tills[code] = ReferencePos(odoo.url, key)
        quant_ids = odoo.call(
            "stock.quant",
            "create",
            [
                {"product_id": p, "location_id": loc, "inventory_quantity": args.units}
                for p in product_ids
                for loc in locations
            ],
            context={"inventory_mode": True},
        )
        odoo.call("stock.quant", "action_apply_inventory", quant_ids)
        web_id, _key = odoo.create_channel(
            f"{run}-WEB",
            kind="ecommerce",
            push_url=storefront.url,
            feed_location_ids=[(6, 0, locations)],
            safety_buffer=args.buffer,
        )
        action = odoo.call("retail.sync.channel", "action_rotate_push_secret", [web_id])
        [wizard] = odoo.call(
            "retail.sync.secret.wizard", "read", [action["res_id"]], ["secret"]
        )
        storefront.secret = wizard["secret"]
        initial_on_hand = dict.fromkeys(skus, float(args.units * args.stores))
        storefront.wait_for(lambda: len(storefront.latest) >= len(skus), 120, 0.5)
        initial_view = {sku: storefront.available(sku) for sku in skus}

        # ------------------------------------------------------------ load
        stores = Stores(store_codes, skus, args.units, rng)
        accepted, counters = (
            [],
            {
                "sent": 0,
                "rejected": 0,
                "backlog_accepted": 0,
                "sequence": defaultdict(int),
            },
        )
        start = time.time()
        steady_end = run_load(
            tills,
            stores,
            args.steady_rate,
            args.steady_seconds,
            "steady",
            accepted,
            counters,
        )
        spike_end = run_load(
            tills,
            stores,
            args.spike_rate,
            args.spike_seconds,
            "spike",
            accepted,
            counters,
        )
        domain = [("channel_id", "in", pos_channel_ids)]

        def pending():
            return odoo.call(
                "retail.sync.event", "search_count", [*domain, ("state", "!=", "done")]
            )

        odoo.wait_until(lambda: pending() == 0, timeout=600, interval=1)
        drained_at = time.time()
        done_rows = odoo.call(
            "retail.sync.event",
            "search_read",
            [*domain, ("state", "=", "done")],
            ["processed_at"],
        )
        # The last figures reach the storefront.
        final_truth = {sku: initial_on_hand[sku] for sku in skus}
        for _t, sku in stores.sales:
            final_truth[sku] -= 1
        storefront.wait_for(
            lambda: all(
                (f := storefront.latest.get(sku)) and f["on_hand"] == final_truth[sku]
                for sku in skus
            ),
            60,
            0.5,
        )
        settled = time.time()
        # Capacity: a backlog from every till is stored while no job runner runs
        # (as after an outage of the runner), then drained: the rate of the
        # drains alone, from the first drain job's start to the last sale
        # applied, not shared with the tills' posting. First with one stock
        # drain at a time (the serial drain of before), then with the parallel
        # drains as shipped (by store).
        [inventory] = odoo.call(
            "retail.sync.domain",
            "search_read",
            [("code", "=", "inventory")],
            ["drain_partitions", "partition_segment"],
        )
        load_partitions = inventory["drain_partitions"] or max(1, odoo.workers // 2)
        flat = {}
        # The serial drain of before: one partition, and one stock drain job at a
        # time (queue channel capacity 1; with more, a second job of the same
        # partition takes the keys the first has not locked).
        serial_channels = re.sub(
            r"root\.retail_sync\.inventory:\d+",
            "root.retail_sync.inventory:1",
            odoo.configured_job_channels(),
        )
        for mode, drains, channels in (
            ("serial", 1, serial_channels),
            ("parallel", inventory["drain_partitions"], None),
        ):
            odoo.restart(runner=False)
            odoo.call(
                "retail.sync.domain",
                "write",
                [inventory["id"]],
                {"drain_partitions": drains},
            )
            sent, began, posted = send_backlog(
                tills, stores, args.flat_sales, counters, args.threads, f"flat{mode}"
            )
            with CpuSampler() as cpu:
                odoo.restart(channels)
                odoo.wait_until(lambda: pending() == 0, timeout=600, interval=1)
            rows = processed_times(args.database, pos_channel_ids, f"flat{mode}-%")
            started = first_job_start(args.database, "_drain_domain", began)
            busy = cpu.busy_cores(started, rows[-1]) if rows and started else None
            flat[mode] = (sent, began, rows, posted, started, busy)
        flat_rows = flat["serial"][2] + flat["parallel"][2]
        retried = odoo.call(
            "queue.job",
            "search_read",
            [
                ("method_name", "=", "_drain_domain"),
                ("date_created", ">=", iso_utc(flat["serial"][1])),
            ],
            ["retry"],
        )
        # queue_job counts attempts: a job done at its first try has retry 1.
        conflicts = sum(max(0, job["retry"] - 1) for job in retried)
        not_done = pending()
        # The settlement tier: stock moves for every store stock change of the run.
        to_settle = odoo.call(
            "retail.sync.stock.movement", "search_count", [("state", "=", "pending")]
        )
        moves_before = odoo.call("stock.move", "search_count", [])
        settle_start = time.time()
        odoo.call("retail.sync.stock.movement", "action_settle_now")
        settle_seconds = time.time() - settle_start
        settle_moves = odoo.call("stock.move", "search_count", []) - moves_before
    storefront.stop()

    # ------------------------------------------------------------ figures
    processed = sorted(
        datetime.datetime.fromisoformat(r["processed_at"])
        .replace(tzinfo=datetime.UTC)
        .timestamp()
        for r in done_rows
    )
    spike_start = steady_end
    in_spike = [t for t in processed if spike_start <= t <= spike_end]
    applied_rate = len(in_spike) / (spike_end - spike_start) if in_spike else 0.0
    peak = (
        max(
            (
                bisect.bisect_right(processed, t + 10)
                - bisect.bisect_left(processed, t)
                for t in processed
            ),
            default=0,
        )
        / 10
    )
    flat_rates, ingest_rates, busy_cores = {}, {}, {}
    for mode, (sent, began, rows, posted, started, busy) in flat.items():
        busy_cores[mode] = busy
        ingest_rates[mode] = sent / (posted - began)
        flat_rates[mode] = len(rows) / (rows[-1] - started) if rows and started else 0.0
    latencies, traced = sale_latencies(accepted, storefront, initial_on_hand)
    legs, untraced = leg_breakdown(
        args.database,
        traced,
        start - 5,
        load_partitions,
        inventory["partition_segment"],
    )
    web_orders, t = [], start
    web_rng = random.Random(7)
    while t < spike_end:
        t += web_rng.expovariate(args.web_rate)
        web_orders.append((t, web_rng.choices(skus, stores.weights)[0]))
    figure_times = defaultdict(list)
    for arrived, _h, body, _ok in storefront.received:
        for figure in body["figures"]:
            figure_times[figure["sku"]].append((arrived, figure["available"]))
    for sku in figure_times:
        figure_times[sku].sort()

    def live_view(sku, at):
        series = figure_times[sku]
        index = bisect.bisect_right(series, (at, float("inf"))) - 1
        return series[index][1] if index >= 0 else initial_view[sku] or 0.0

    def baseline_view(sku, _at):
        return initial_view[sku] or 0.0

    initial_left = {sku: args.units * args.stores for sku in skus}
    over_live, web_live = oversold(stores, live_view, web_orders, initial_left)
    over_base, web_base = oversold(stores, baseline_view, web_orders, initial_left)
    results = {
        "sent": counters["sent"],
        "accepted": len(accepted) + counters["backlog_accepted"],
        "rejected": counters["rejected"],
        "not_done": not_done,
        "lost": counters["sent"]
        - len(done_rows)
        - len(flat_rows)
        - counters["rejected"],
        "flat_sent": flat["parallel"][0],
        "flat_rate": flat_rates["parallel"],
        "serial_rate": flat_rates["serial"],
        "ingest_rate": min(ingest_rates.values()),
        "busy_cores": busy_cores,
        "drains": inventory["drain_partitions"],
        "conflicts": conflicts,
        "steady": latencies.get("steady", []),
        "spike": latencies.get("spike", []),
        "never": len(latencies.get("never", [])),
        "applied_rate": applied_rate,
        "peak_rate": peak,
        "drain_after_spike": drained_at - spike_end,
        "settled_after_spike": settled - spike_end,
        "over_live": over_live,
        "web_live": web_live,
        "over_base": over_base,
        "web_base": web_base,
        "to_settle": to_settle,
        "settle_moves": settle_moves,
        "settle_seconds": settle_seconds,
        "legs": legs,
        "untraced": untraced,
    }
    # Every traced sale with its jobs, for a closer look at the tail.
    (LOCAL / "log" / "bench-stock-legs.json").write_text(json.dumps(legs))
    table = render(results, args)
    print(table)
    if not args.no_record:
        record("bench_stock", "Stock in seconds (`tests/bench/bench_stock.py`)", table)
    return 0


def render(r, args):
    commit = git_commit()

    def ms(values, q):
        return f"{percentile(values, q) * 1000:.0f}" if values else "-"

    def cores(value):
        return f"{value:.2f}" if value is not None else "-"

    lines = [
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit {commit}, "
        f"{os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, Odoo 4 HTTP workers + queue_job runner "
        "(channels as configured by `make run`), load client and "
        "reference storefront on the same machine. "
        "Command: `make bench`.",
        "",
        f"{args.stores} stores, {args.skus} SKUs x {args.units} units per store, hot "
        f"SKUs take most sales; tills flush every second; storefront buffer "
        f"{args.buffer:g}; web orders {args.web_rate:g}/s.",
        "",
        "| Measure | Value |",
        "|---|---|",
        "| Sales sent / accepted / rejected "
        f"| {r['sent']} / {r['accepted']} / {r['rejected']} |",
        "| Sale accepted -> storefront figure, steady "
        f"{args.steady_rate:g}/s: p50 / p95 / p99 ms "
        f"| {ms(r['steady'], 0.5)} / {ms(r['steady'], 0.95)} "
        f"/ {ms(r['steady'], 0.99)} |",
        f"| Same, during the spike at {args.spike_rate:g}/s: p50 / p95 / p99 ms "
        f"| {ms(r['spike'], 0.5)} / {ms(r['spike'], 0.95)} / {ms(r['spike'], 0.99)} |",
        f"| Sales applied per second during the spike (peak 10 s) "
        f"| {r['applied_rate']:.0f} ({r['peak_rate']:.0f}) |",
        f"| Stock capacity: a backlog of {r['flat_sent']} sales from every till, "
        "stored while the job runner was down, applied per second from the first "
        "drain job's start; parallel stock drains by store "
        f"({r['drains'] or 'half the workers'}) | {r['flat_rate']:.0f} |",
        "| Same backlog, one stock drain at a time (the serial drain) "
        f"| {r['serial_rate']:.0f} |",
        "| Parallel / serial (target >= 1.5x) "
        f"| {r['flat_rate'] / r['serial_rate'] if r['serial_rate'] else 0:.2f}x |",
        "| Cores busy while the backlog drained (Odoo, PostgreSQL and all), "
        f"of {os.cpu_count()}: parallel / serial "
        f"| {cores(r['busy_cores'].get('parallel'))} / "
        f"{cores(r['busy_cores'].get('serial'))} |",
        "| The backlog's posting, sales accepted per second (no drain running) "
        f"| {r['ingest_rate']:.0f} |",
        "| Drain jobs retried after a concurrent update, both backlogs "
        f"| {r['conflicts']} |",
        "| Spike backlog applied, after the spike ended "
        f"| {r['drain_after_spike']:.1f} s |",
        "| Every final figure at the storefront, after the spike "
        f"| {r['settled_after_spike']:.1f} s |",
        f"| Events not applied / lost | {r['not_done']} / {r['lost']} |",
        "| Settlement tier after the run: store stock changes -> validated stock "
        f"moves, time | {r['to_settle']} -> {r['settle_moves']}, "
        f"{r['settle_seconds']:.1f} s |",
        "| Oversold web units, Retail Sync "
        f"| {r['over_live']} of {r['web_live']} web units |",
        f"| Oversold web units, baseline (store sales in 15-minute batches) "
        f"| {r['over_base']} of {r['web_base']} web units |",
        "",
        "Targets: p95 <= 2 s at steady load; >= 200 sales/s applied; spike backlog "
        "drained within 2 minutes of its end; zero lost events; oversold zero where "
        "the baseline oversells.",
        "",
        *render_legs(r["legs"], r["untraced"], args),
    ]
    return "\n".join(lines)


def render_legs(rows, untraced, args):
    """The breakdown by leg: p50 and p95 of each leg per phase, and the mean of each
    leg over the slowest 5 % of sales (where the tail's time goes)."""
    lines = [
        "Where the time goes, sale accepted (202) -> storefront figure, per leg (ms): "
        "p50 / p95 of each leg, and its mean over the slowest 5 % of the sales "
        f"(traced {len(rows)} sales, {untraced} not traceable).",
        "",
        f"| Leg | Steady {args.steady_rate:g}/s p50 / p95 | slowest 5 % | "
        f"Spike {args.spike_rate:g}/s p50 / p95 | slowest 5 % |",
        "|---|---|---|---|---|",
    ]
    by_phase = {
        phase: sorted(
            (r for r in rows if r["phase"] == phase), key=lambda r: r["total"]
        )
        for phase in ("steady", "spike")
    }
    tails = {
        phase: phase_rows[int(len(phase_rows) * 0.95) :]
        for phase, phase_rows in by_phase.items()
    }

    def cell(phase, index):
        values = [r["legs"][index] for r in by_phase[phase]]
        tail = [r["legs"][index] for r in tails[phase]]
        if not values:
            return "- | -"
        return (
            f"{percentile(values, 0.5) * 1000:.0f} / "
            f"{percentile(values, 0.95) * 1000:.0f} | "
            f"{sum(tail) / len(tail) * 1000:.0f}"
        )

    for index, (label, _instant) in enumerate(LEGS):
        lines.append(f"| {label} | {cell('steady', index)} | {cell('spike', index)} |")
    for phase in ("steady", "spike"):
        phase_rows = by_phase[phase]
        if not phase_rows:
            continue
        kinds = defaultdict(int)
        for r in phase_rows:
            kinds[f"drain {r['drain_job']}"] += 1
            kinds[f"push {r['push_job']}"] += 1
        shares = ", ".join(
            f"{kind} {count * 100 / len(phase_rows):.0f} %"
            for kind, count in sorted(kinds.items())
        )
        lines.append("")
        lines.append(f"Jobs that carried the {phase} sales: {shares}.")
    return lines


if __name__ == "__main__":
    sys.exit(main())
