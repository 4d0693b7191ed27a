"""Benchmark of the legacy POS poller (`make bench BENCH=poller`).

One run, on this machine, against a live server started like `make run` (workers,
the queue_job runner, its configured channels):
- the source: the reference legacy POS (tests/reference_legacy_pos) in a PostgreSQL
  cluster of its own (port --legacy-port), a `sales` table polled by transaction id
  every 5 s with an overlap of 50 ids, 5,000 rows per poll, through the preset
  mapping "Legacy POS (sales table)" into pos.sale.completed at 4 stores;
- steady: the simulator writes 20 sales/s for 60 s, every 25th committed 2 s late
  (after sales with higher ids); measured: the delay from each row's commit in the
  legacy database to its sale applied on Odoo's on-hand (the event's processed_at),
  p50/p95/max;
- baseline, from the same rows: a 15-minute batch export. Computed, not run: a
  batch at a uniformly random phase of each 15-minute period picks every row up at
  the next run and applies it after the time the poller took to apply that many
  rows (the applied rate measured in this run); p95 over the rows and the phases;
- source restart: the legacy cluster stopped for --outage seconds and started again
  while the simulator writes (its writes wait for the database, as a till does);
- backlog: --backlog rows written at once, then the time until all are stored in
  Odoo's inbox (ingested) and applied; the Odoo server (every process) is killed
  with SIGKILL while a poll of the backlog runs, and started again;
- at the end: rows lost (committed but never applied) and rows applied twice (the
  on-hand moved more than the rows sold), over the whole run.
Prints a table and records it in docs/benchmarks.md. Not a test: it asserts nothing.
"""

import argparse
import collections
import datetime
import os
import pathlib
import platform
import signal
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from live.live_odoo import LiveOdoo, pg_connect, port_busy
from reference_legacy_pos.legacy_pos import QUERY, LegacyPos, Simulator
from reference_legacy_pos.pg_cluster import LegacyPgCluster

from bench.results import commit as git_commit
from bench.results import record

LOG_NAME = "bench-poller"
STORES = ["BP1", "BP2", "BP3", "BP4"]
SKUS = [f"BP-SKU-{n}" for n in range(1, 9)]
START_STOCK = 1_000_000
BATCH_PERIOD = 900  # the 15-minute batch export of the baseline


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def children(pid):
    """Every descendant of ``pid`` (from /proc)."""
    parents = collections.defaultdict(list)
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents[ppid].append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for child in parents.get(current, []):
            found.append(child)
            todo.append(child)
    return found


def kill_server(odoo):
    """SIGKILL the server and every process it started, as a crash would."""
    pid = odoo.process.pid
    for target in [pid, *children(pid)]:
        try:
            os.kill(target, signal.SIGKILL)
        except ProcessLookupError:
            pass
    odoo.process.wait()
    odoo.process = None
    # The listening sockets close when the last process holding them is gone.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (
        port_busy(odoo.http_port) or port_busy(odoo.gevent_port)
    ):
        for target in children(pid):
            try:
                os.kill(target, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.5)


def event_times(database, channel_id):
    """{sale id: epoch applied} of the channel's done events, and counts."""
    with pg_connect(database) as connection, connection.cursor() as cr:
        cr.execute(
            "SELECT external_id, state, extract(epoch FROM processed_at)"
            " FROM retail_sync_event WHERE channel_id = %s",
            (channel_id,),
        )
        rows = cr.fetchall()
    applied = {}
    states = collections.Counter()
    for external_id, state, epoch in rows:
        states[state] += 1
        if state == "done":
            applied[int(external_id.rsplit(":", 1)[1])] = float(epoch)
    return applied, states, len(rows)


def stored_count(database, channel_id, first_id):
    with pg_connect(database) as connection, connection.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM retail_sync_event WHERE channel_id = %s"
            " AND split_part(external_id, ':', 2)::bigint >= %s",
            (channel_id, first_id),
        )
        return cr.fetchone()[0]


def poll_state(odoo, channel_id):
    [state] = odoo.call(
        "retail.sync.poll.state",
        "search_read",
        [("channel_id", "=", channel_id)],
        ["watermark", "failures", "total_rows", "total_events", "last_error"],
    )
    return state


def wait(predicate, timeout, interval=1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def wait_progress(count, target, timeout, stall=120, interval=5.0):
    """Wait until ``count()`` reaches ``target``, or stops moving for ``stall``
    seconds (rows that will never come: they are counted as lost)."""
    deadline = time.monotonic() + timeout
    last, moved = -1, time.monotonic()
    while time.monotonic() < deadline:
        current = count()
        if current >= target:
            return True
        if current != last:
            last, moved = current, time.monotonic()
        elif time.monotonic() - moved > stall:
            return False
        time.sleep(interval)
    return False


def setup(odoo, dsn, args):
    mapping_id = odoo.call(
        "retail.sync.mapping",
        "search",
        [("code", "=", "legacy_pos"), ("is_preset", "=", True)],
    )[0]
    run = datetime.datetime.now(datetime.UTC).strftime("%H%M%S")
    channel_id = odoo.call(
        "retail.sync.channel",
        "create",
        {
            "name": f"Bench legacy POS {run}",
            "code": f"BENCH-LEGACY-{run}",
            "kind": "polled",
            "mapping_id": mapping_id,
            "poll_enabled": False,
            "poll_source": "sql",
            "poll_dsn": dsn,
            "poll_query": QUERY,
            "poll_watermark_column": "sale_id",
            "poll_overlap": args.overlap,
            "poll_overlap_seconds": args.overlap_seconds,
            "poll_interval": args.interval,
            "poll_batch_size": args.batch,
            "poll_alert_failures": 2,
            # What the channel accepts per second (0: no limit). The default
            # 500/s would make the backlog measure the limit, not the poller.
            "rate_limit": args.rate_limit,
        },
    )
    products = {}
    for sku in SKUS:
        existing = odoo.call("product.product", "search", [("default_code", "=", sku)])
        products[sku] = existing[0] if existing else odoo.create_product(sku)
    locations = {}
    for store in STORES:
        found = odoo.call("stock.warehouse", "search", [("code", "=", store)])
        if found:
            [warehouse] = odoo.call("stock.warehouse", "read", found, ["lot_stock_id"])
            warehouse_id, location_id = found[0], warehouse["lot_stock_id"][0]
        else:
            warehouse_id, location_id = odoo.create_store(store)
        locations[store] = location_id
        for product_id in products.values():
            odoo.set_stock(product_id, location_id, START_STOCK)
        odoo.call(
            "retail.sync.binding",
            "create",
            {
                "channel_id": channel_id,
                "kind": "store",
                "external_ref": store,
                "record_ref": f"stock.warehouse,{warehouse_id}",
            },
        )
    return channel_id, products, locations


def on_hand(odoo, products, locations):
    """{(store, sku): quantity}."""
    figures = {}
    for store, location_id in locations.items():
        rows = odoo.call(
            "product.product",
            "read",
            list(products.values()),
            ["default_code", "qty_available"],
            context={"location": location_id},
        )
        for row in rows:
            figures[(store, row["default_code"])] = row["qty_available"]
    return figures


def baseline_p95(commits, applied_rate):
    """p95 of a 15-minute batch export over these rows: each phase of the period
    (one per second) and each row; the batch applies its rows at the measured
    rate."""
    if not commits or not applied_rate:
        return None, None
    start = min(commits)
    delays = []
    for phase in range(0, BATCH_PERIOD, 5):
        batches = collections.Counter()
        waits = []
        for moment in commits:
            offset = (moment - start - phase) % BATCH_PERIOD
            waits.append(BATCH_PERIOD - offset)
            batches[int((moment - start - phase) // BATCH_PERIOD)] += 1
        size = max(batches.values())
        processing = size / applied_rate
        delays.extend(w + processing for w in waits)
    return percentile(delays, 0.95), percentile(delays, 0.50)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("RS_BENCH_DB", "retail_sync_bench")
    )
    parser.add_argument("--port", type=int, default=8369)
    parser.add_argument("--legacy-port", type=int, default=0)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--backlog", type=int, default=100_000)
    parser.add_argument("--interval", type=int, default=5)
    parser.add_argument("--overlap", type=float, default=50)
    parser.add_argument("--overlap-seconds", type=float, default=30)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=0,
        help="the channel's rate limit in events/s (0: none)",
    )
    parser.add_argument("--outage", type=float, default=15.0)
    parser.add_argument("--settle-seconds", type=float, default=1800.0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    legacy_port = args.legacy_port or args.port + 20
    figures = {}
    cluster = LegacyPgCluster(legacy_port).init()
    try:
        pos = LegacyPos(cluster.dsn).create_schema()
        odoo = LiveOdoo(args.database, http_port=args.port, log_name=LOG_NAME)
        odoo.start()
        try:
            run(odoo, cluster, pos, args, figures)
        finally:
            if odoo.process is not None:
                odoo.stop()
    finally:
        cluster.destroy()
    table = render(figures, args)
    print(table)
    if not args.no_record:
        record(
            "bench_poller", "Legacy POS poller (`tests/bench/bench_poller.py`)", table
        )


def run(odoo, cluster, pos, args, figures):
    channel_id, products, locations = setup(odoo, cluster.dsn, args)
    before = on_hand(odoo, products, locations)
    simulator = Simulator(
        pos,
        STORES,
        SKUS,
        rate=args.rate,
        late_every=25,
        late_delay=2.0,
        retry_writes=True,
    )
    odoo.call("retail.sync.channel", "write", [channel_id], {"poll_enabled": True})
    # -- steady
    print(f"steady: {args.rate:g} sales/s for {args.seconds:g} s", flush=True)
    simulator.run(args.seconds)
    steady_ids = set(simulator.committed)
    wait_progress(
        lambda: len(set(event_times(args.database, channel_id)[0]) & steady_ids),
        len(steady_ids),
        120,
        stall=30,
        interval=1.0,
    )
    applied, _states, _total = event_times(args.database, channel_id)
    delays = [applied[i] - simulator.committed[i] for i in steady_ids if i in applied]
    figures["steady_rows"] = len(steady_ids)
    figures["steady_applied"] = len(delays)
    figures["late_rows"] = sum(1 for i in steady_ids if i % 25 == 0)
    figures["p50"] = percentile(delays, 0.5)
    figures["p95"] = percentile(delays, 0.95)
    figures["max"] = max(delays) if delays else None
    # -- source restart while the till writes
    print(f"source restart: down {args.outage:g} s while writing", flush=True)
    stop = threading.Event()
    writer = threading.Thread(target=simulator.run, args=(args.outage + 20, stop))
    writer.start()
    time.sleep(5)
    cluster.stop("fast")
    time.sleep(args.outage)
    failures_seen = poll_state(odoo, channel_id)["failures"]
    alerts = odoo.call(
        "retail.sync.alert",
        "search_count",
        [("channel_id", "=", channel_id), ("condition", "=", "poll_source_down")],
    )
    cluster.start()
    writer.join()
    figures["outage_failures"] = failures_seen
    figures["outage_alerts"] = alerts
    figures["write_retries"] = simulator.write_retries
    # -- backlog, with the server killed mid-poll
    print(f"backlog: {args.backlog} rows at once", flush=True)
    first_backlog = pos.max_id() + 1
    written_at = time.monotonic()
    simulator.backlog(args.backlog)
    backlog_written = time.monotonic()
    figures["backlog_write_s"] = backlog_written - written_at
    wait(
        lambda: stored_count(args.database, channel_id, first_backlog)
        >= min(args.batch, args.backlog),
        300,
        0.5,
    )
    time.sleep(2.0)  # into the next poll of the backlog
    killed_at_stored = stored_count(args.database, channel_id, first_backlog)
    kill_server(odoo)
    print(f"killed the server at {killed_at_stored} backlog rows stored", flush=True)
    down_at = time.monotonic()
    odoo.start()
    figures["restart_s"] = time.monotonic() - down_at
    figures["killed_at_stored"] = killed_at_stored
    wait(
        lambda: stored_count(args.database, channel_id, first_backlog) >= args.backlog,
        args.settle_seconds,
    )
    figures["backlog_ingested_s"] = time.monotonic() - backlog_written
    figures["backlog_stored"] = stored_count(args.database, channel_id, first_backlog)
    committed = set(simulator.committed)
    wait_progress(
        lambda: len(event_times(args.database, channel_id)[0]),
        len(committed),
        args.settle_seconds,
    )
    figures["backlog_applied_s"] = time.monotonic() - backlog_written
    applied, states, total = event_times(args.database, channel_id)
    backlog_times = sorted(t for i, t in applied.items() if i >= first_backlog)
    if len(backlog_times) > 1:
        figures["applied_rate"] = (len(backlog_times) - 1) / max(
            backlog_times[-1] - backlog_times[0], 0.001
        )
    figures["committed"] = len(committed)
    figures["events"] = total
    figures["states"] = dict(states)
    figures["lost"] = len(committed - set(applied))
    after = on_hand(odoo, products, locations)
    sold = collections.Counter()
    for row in simulator.rows.values():
        sold[(row["store_code"], row["sku"])] += float(row["qty"])
    over = under = 0.0
    for key, quantity in before.items():
        moved = quantity - after[key]
        over += max(moved - sold[key], 0)
        under += max(sold[key] - moved, 0)
    figures["units_over"] = over
    figures["units_under"] = under
    figures["units_sold"] = sum(sold.values())
    state = poll_state(odoo, channel_id)
    figures["watermark"] = state["watermark"]
    figures["max_id"] = pos.max_id()
    figures["total_rows"] = state["total_rows"]
    steady_commits = [simulator.committed[i] for i in steady_ids]
    figures["baseline_p95"], figures["baseline_p50"] = baseline_p95(
        steady_commits, figures.get("applied_rate")
    )


def fmt(value, digits=1, unit=""):
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}{unit}"


def render(f, args):
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = (
        f"cd tests && python bench/bench_poller.py --database {args.database} "
        f"--port {args.port} --rate {args.rate:g} --seconds {args.seconds:g} "
        f"--backlog {args.backlog} --interval {args.interval} --overlap "
        f"{args.overlap:g} --overlap-seconds {args.overlap_seconds:g} "
        f"--batch {args.batch} --outage {args.outage:g} "
        f"--rate-limit {args.rate_limit:g}"
    )
    lines = [
        f"Run {when}, commit {git_commit()}, {platform.node()} "
        f"({os.cpu_count()} cores), `{command}`.",
        "",
        "| Measure | Poller | Baseline (15-minute batch export) |",
        "|---|---|---|",
        f"| Steady load | {f.get('steady_rows')} sales at {args.rate:g}/s, "
        f"{f.get('late_rows')} committed 2 s late | the same rows |",
        f"| Commit in the legacy DB to Odoo on-hand, p50 | {fmt(f.get('p50'), 2, ' s')}"
        f" | {fmt(f.get('baseline_p50'), 0, ' s')} (computed) |",
        f"| Commit in the legacy DB to Odoo on-hand, p95 | {fmt(f.get('p95'), 2, ' s')}"
        f" | {fmt(f.get('baseline_p95'), 0, ' s')} (computed) |",
        f"| Commit to on-hand, max | {fmt(f.get('max'), 2, ' s')} | |",
        f"| Source restart: polls failed while down / alert raised | "
        f"{f.get('outage_failures')} / {f.get('outage_alerts')} | |",
        f"| Channel rate limit (events/s, 0: none) | {args.rate_limit:g} | |",
        f"| Backlog written at once | {args.backlog} rows in "
        f"{fmt(f.get('backlog_write_s'), 1, ' s')} | |",
        f"| Server killed (SIGKILL, every process) at backlog rows stored | "
        f"{f.get('killed_at_stored')}, restarted in "
        f"{fmt(f.get('restart_s'), 0, ' s')} | |",
        f"| Backlog ingested (all in the inbox, from written) | "
        f"{fmt(f.get('backlog_ingested_s'), 0, ' s')} "
        f"({f.get('backlog_stored')} rows) | |",
        f"| Backlog applied (all on on-hand, from written) | "
        f"{fmt(f.get('backlog_applied_s'), 0, ' s')}, "
        f"{fmt(f.get('applied_rate'), 0)} sales/s | |",
        f"| Rows committed / events stored | {f.get('committed')} / "
        f"{f.get('events')} ({f.get('states')}) | |",
        f"| Rows lost (committed, never applied) | {f.get('lost')} | |",
        f"| Applied twice (units moved beyond the units sold) | "
        f"{fmt(f.get('units_over'), 0)} of {fmt(f.get('units_sold'), 0)} "
        f"(short: {fmt(f.get('units_under'), 0)}) | |",
        f"| Watermark / source max id / rows read (overlap included) | "
        f"{f.get('watermark')} / {f.get('max_id')} / {f.get('total_rows')} | |",
        "",
        f"Targets: p95 <= 10 s at a {args.interval} s interval (got "
        f"{fmt(f.get('p95'), 2, ' s')}: "
        f"{'met' if (f.get('p95') or 1e9) <= 10 else 'NOT met'}); backlog ingested "
        f"<= 2 min (got {fmt(f.get('backlog_ingested_s'), 0, ' s')}: "
        f"{'met' if (f.get('backlog_ingested_s') or 1e9) <= 120 else 'NOT met'}); "
        f"lost / applied twice 0 / 0 (got {f.get('lost')} / "
        f"{fmt(f.get('units_over'), 0)}).",
        "",
        "The baseline is computed from the steady rows' commit times, not run: a "
        "15-minute export at every phase of its period (5 s steps), each batch "
        "applied at the rate this run measured for the backlog.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
