"""Benchmark of the operations overview with a million events in the inbox (`make
bench`).

Loads 1,000,000 events straight into the benchmark database (one INSERT ... SELECT
over generate_series: channels, domains, states, latencies and a week of reception
times), rolls them up, then replays over HTTP what the web client sends when an
operator opens each overview view (the action, its views, its data) many times,
against a live server whose crons run as in production. Baseline in the same run: the
same figures read with read_group from the raw inbox, as an overview without stored
aggregates would. Prints a table and records it in docs/benchmarks.md. Not a test: it
asserts nothing.
"""

import argparse
import datetime
import os
import pathlib
import platform
import statistics
import sys
import time

import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from live.live_odoo import LiveOdoo, pg_connect

from bench.loadgen import percentile
from bench.results import commit as git_commit
from bench.results import record

# Share of the inbox per domain, and an event type of each.
DOMAINS = [
    ("inventory", "pos.sale.completed", 0.55),
    ("orders", "ecom.order.created", 0.20),
    ("orders", "ecom.order.cancelled", 0.10),
    ("refunds", "pos.refund.completed", 0.08),
    ("inventory", "pos.stock.adjusted", 0.05),
    ("system", "system.ping", 0.02),
]
PENDING = ("received", "queued", "failed", "blocked", "dead")
CRONS = (
    "retail_sync_core.ir_cron_stat_rollup",
    "retail_sync_core.ir_cron_alert_evaluate",
)


def load_events(connection, channel_ids, count, days):
    """Insert ``count`` events spread over the last ``days`` days: mostly applied
    (latency mean ~0.5 s, a slow tail), some skipped, dead or retrying; the last
    10 minutes still partly waiting. Returns the seconds it took."""
    cases = " ".join(
        f"WHEN r.d < {sum(share for _d, _t, share in DOMAINS[: i + 1]):.4f} "
        f"THEN {i + 1}"
        for i in range(len(DOMAINS))
    )
    domains = "ARRAY[" + ", ".join(f"'{d}'" for d, _t, _s in DOMAINS) + "]"
    types = "ARRAY[" + ", ".join(f"'{t}'" for _d, t, _s in DOMAINS) + "]"
    began = time.perf_counter()
    with connection.cursor() as cr:
        cr.execute("SELECT setseed(0.20261127)")
        cr.execute(
            f"""
            WITH base AS (
                SELECT g,
                       (%(channels)s::int[])[1 + g %% %(channel_count)s] AS channel_id,
                       (now() at time zone 'UTC')
                         - (%(count)s - g) * (%(days)s * interval '1 day') / %(count)s
                         AS received_at
                  FROM generate_series(1, %(count)s) AS g
            ), r AS (
                SELECT base.*, random() AS d, random() AS s, random() AS l,
                       random() AS t
                  FROM base
            ), e AS (
                SELECT r.*, (CASE {cases} ELSE 1 END) AS k,
                       CASE
                         WHEN r.received_at > (now() at time zone 'UTC')
                                              - interval '10 minutes'
                         THEN CASE WHEN r.s < 0.30 THEN 'queued'
                                   WHEN r.s < 0.35 THEN 'blocked'
                                   WHEN r.s < 0.37 THEN 'failed'
                                   ELSE 'done' END
                         ELSE CASE WHEN r.s < 0.015 THEN 'skipped'
                                   WHEN r.s < 0.020 THEN 'dead'
                                   WHEN r.s < 0.022 THEN 'failed'
                                   ELSE 'done' END
                       END AS state,
                       (CASE WHEN r.t < 0.02 THEN 20 ELSE 1 END
                        * (50 + 450 * -ln(1 - r.l)))::int AS latency
                  FROM r
            )
            INSERT INTO retail_sync_event (channel_id, company_id, external_id,
                event_type, schema_version, domain, ordering_key, sequence,
                occurred_at, received_at, payload, payload_hash, state, attempts,
                last_attempt_at, processed_at, latency_ms, error_message,
                create_uid, create_date, write_uid, write_date)
            SELECT e.channel_id, c.company_id, 'bench-' || e.g, ({types})[e.k], 1,
                   ({domains})[e.k], ({domains})[e.k] || ':' || (e.g %% 211), e.g,
                   e.received_at, e.received_at,
                   jsonb_build_object(
                       'id', 'bench-' || e.g, 'type', ({types})[e.k],
                       'schema_version', 1,
                       'data', jsonb_build_object(
                           'store', 'S' || e.channel_id, 'register', e.g %% 7,
                           'receipt', 'R-' || e.g,
                           'lines', jsonb_build_array(jsonb_build_object(
                               'sku', 'SKU-' || (e.g %% 5000),
                               'qty', 1 + e.g %% 3, 'price', (e.g %% 9000) / 100.0)))),
                   md5(e.g::text), e.state, 1,
                   CASE WHEN e.state IN ('done', 'failed', 'dead', 'skipped')
                        THEN e.received_at + e.latency * interval '1 millisecond' END,
                   CASE WHEN e.state = 'done'
                        THEN e.received_at + e.latency * interval '1 millisecond' END,
                   CASE WHEN e.state = 'done' THEN e.latency END,
                   CASE WHEN e.state IN ('failed', 'dead')
                        THEN 'no binding for store S' || e.channel_id END,
                   1, e.received_at, 1, e.received_at
              FROM e JOIN retail_sync_channel c ON c.id = e.channel_id
            """,
            {
                "channels": list(channel_ids),
                "channel_count": len(channel_ids),
                "count": count,
                "days": days,
            },
        )
    connection.commit()
    loaded = time.perf_counter() - began
    # As autovacuum would soon after: planner statistics and the visibility map.
    connection.autocommit = True
    with connection.cursor() as cr:
        cr.execute("VACUUM (ANALYZE) retail_sync_event")
    return loaded


class WebClient:
    """Replays what the Odoo 18 web client sends to open a window action."""

    def __init__(self, url, database):
        self.url = url
        self.session = requests.Session()
        result = self.rpc(
            "/web/session/authenticate",
            {"db": database, "login": "admin", "password": "admin"},
        )
        self.context = {
            "lang": "en_US",
            "tz": "UTC",
            "uid": result["uid"],
            "allowed_company_ids": [result["user_companies"]["current_company"]],
            "bin_size": True,
        }

    def rpc(self, path, params):
        response = self.session.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=300,
        )
        body = response.json()
        if "error" in body:
            raise RuntimeError(body["error"]["data"]["message"])
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def load_action(self, xml_id):
        """The action and its views, as the client loads them before any data."""
        action = self.rpc("/web/action/load", {"action_id": xml_id})
        views = [[view_id, kind] for view_id, kind in action["views"]]
        loaded = self.call(
            action["res_model"],
            "get_views",
            views=[*views, [False, "search"]],
            options={"action_id": action["id"], "load_filters": True, "toolbar": True},
        )
        return action, loaded

    @staticmethod
    def specification(loaded, model):
        """The web_search_read specification of the fields the views use."""
        spec = {}
        for name, field in loaded["models"][model]["fields"].items():
            if field["type"] == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif field["type"] in ("one2many", "many2many"):
                spec[name] = {"fields": {}}
            else:
                spec[name] = {}
        return spec


def day_ago():
    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def minutes_ago(minutes):
    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


# ---------------------------------------------------------------- what is timed
def open_records(client, action_xmlid, limit):
    """Open a kanban or list action: the action, its views, the first page."""
    action, loaded = client.load_action(action_xmlid)
    model = action["res_model"]
    result = client.call(
        model,
        "web_search_read",
        specification=client.specification(loaded, model),
        domain=[],
        offset=0,
        limit=limit,
        order="",
        count_limit=10001,
    )
    return result["length"]


def open_kanban(client):
    """Overview > Channels: the kanban of channels with their figures."""
    return open_records(
        client, "retail_sync_core.retail_sync_channel_overview_action", 40
    )


def open_list(client):
    """Overview > Channels by domain: a row per channel and domain."""
    return open_records(
        client, "retail_sync_core.retail_sync_channel_domain_overview_action", 80
    )


def open_graph(client):
    """Overview > Events over time: the graph, last 24 hours by hour and domain."""
    client.load_action("retail_sync_core.retail_sync_stat_action")
    groups = client.call(
        "retail.sync.stat",
        "web_read_group",
        domain=[("period_start", ">=", day_ago())],
        fields=["received_count:sum"],
        groupby=["period_hour", "domain"],
        lazy=False,
    )
    return groups["length"]


def open_pivot(client):
    """The pivot of the same action: channels x domains, last 24 hours."""
    domain = [("period_start", ">=", day_ago())]
    measures = [
        "received_count:sum",
        "applied_count:sum",
        "failed_count:sum",
        "duplicate_count:sum",
    ]
    cells = 0
    for groupby in ([], ["channel_id"], ["domain"], ["channel_id", "domain"]):
        cells += len(
            client.call(
                "retail.sync.stat",
                "read_group",
                domain=domain,
                fields=measures,
                groupby=groupby,
                lazy=False,
            )
        )
    return cells


def baseline_figures(client, groupby):
    """The overview's figures per ``groupby`` from the raw inbox: waiting and dead,
    the last 15 minutes' counts and latencies, the last event of each channel."""
    event = "retail.sync.event"
    for domain in (
        [("state", "in", PENDING)],
        [("received_at", ">=", minutes_ago(15))],
    ):
        client.call(
            event,
            "read_group",
            domain=domain,
            fields=["received_at:min", "latency_ms:max"],
            groupby=[*groupby, "state"],
            lazy=False,
        )
    # A percentile needs the latencies themselves.
    client.call(
        event,
        "search_read",
        domain=[("state", "=", "done"), ("last_attempt_at", ">=", minutes_ago(15))],
        fields=[*groupby, "latency_ms"],
    )
    client.call(
        event,
        "read_group",
        domain=[],
        fields=["received_at:max"],
        groupby=["channel_id"],
        lazy=False,
    )


def baseline_kanban(client):
    baseline_figures(client, ["channel_id"])


def baseline_list(client):
    baseline_figures(client, ["channel_id", "domain"])


def baseline_graph(client):
    """Events of the last 24 hours by hour and domain, from the raw inbox."""
    client.call(
        "retail.sync.event",
        "web_read_group",
        domain=[("received_at", ">=", day_ago())],
        fields=[],
        groupby=["received_at:hour", "domain"],
        lazy=False,
    )


def baseline_pivot(client):
    """Channels x domains x state over the last 24 hours, from the raw inbox."""
    domain = [("received_at", ">=", day_ago())]
    for groupby in ([], ["channel_id"], ["domain"], ["channel_id", "domain"]):
        client.call(
            "retail.sync.event",
            "read_group",
            domain=domain,
            fields=["latency_ms:max"],
            groupby=[*groupby, "state"],
            lazy=False,
        )


VIEWS = [
    ("Channels kanban (action, views, data)", open_kanban, baseline_kanban),
    ("Channels by domain list (action, views, data)", open_list, baseline_list),
    ("Events over time graph (action, views, data)", open_graph, baseline_graph),
    ("Events over time pivot (4 read_group)", open_pivot, baseline_pivot),
]


def timed(function, client):
    began = time.perf_counter()
    function(client)
    return (time.perf_counter() - began) * 1000


def trigger_cron(odoo, xml_id):
    """Run a cron now; return the seconds it took."""
    began = time.perf_counter()
    odoo.run_cron(xml_id)
    return time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("RS_BENCH_DB", "retail_sync_bench")
    )
    parser.add_argument("--port", type=int, default=8369)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--channels", type=int, default=24)
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--opens", type=int, default=30, help="opens of each view")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    run = f"o{int(time.time())}"
    results = {}
    with LiveOdoo(
        args.database, http_port=args.port, log_name="bench-server", runner=False
    ) as odoo:
        cron_ids = [odoo.ref(xml_id) for xml_id in CRONS]
        # Crons off while loading, so the first rollup is the one timed here.
        odoo.call("ir.cron", "write", cron_ids, {"active": False})
        channel_ids = [
            odoo.call(
                "retail.sync.channel",
                "create",
                {
                    "name": f"Store {n:02d}" if n % 6 else f"Web shop {n:02d}",
                    "code": f"{run}-{n:02d}",
                    "kind": "pos" if n % 6 else "ecommerce",
                },
            )
            for n in range(args.channels)
        ]
        connection = pg_connect(args.database)
        try:
            # `make bench` runs the other benchmarks on this database first: start
            # the statistics afresh, so that the first rollup covers the whole inbox
            # (a rollup goes on from its latest row; events loaded with older times
            # would be left out).
            with connection.cursor() as cr:
                cr.execute("DELETE FROM retail_sync_stat")
            results["load_s"] = load_events(
                connection, channel_ids, args.events, args.days
            )
            with connection.cursor() as cr:
                cr.execute("SELECT count(*) FROM retail_sync_event")
                results["events"] = cr.fetchone()[0]
                cr.execute(
                    "SELECT count(*) FROM retail_sync_event WHERE state IN %s",
                    (PENDING,),
                )
                results["waiting"] = cr.fetchone()[0]
            results["backfill_s"] = trigger_cron(odoo, CRONS[0])
            # One more, as every minute in production: recompute the last minutes.
            results["rollup_s"] = statistics.median(
                trigger_cron(odoo, CRONS[0]) for _n in range(5)
            )
            results["alerts_s"] = trigger_cron(odoo, CRONS[1])
            with connection.cursor() as cr:
                cr.execute(
                    "SELECT count(*), count(*) FILTER (WHERE period_minutes = 60) "
                    "FROM retail_sync_stat"
                )
                results["stat_rows"], results["hour_rows"] = cr.fetchone()
        finally:
            connection.close()
        # The overview is opened while the crons run every minute, as in production.
        odoo.call("ir.cron", "write", cron_ids, {"active": True})

        client = WebClient(odoo.url, args.database)
        for _name, function, baseline in VIEWS:  # warm every worker's caches
            for _n in range(4):
                function(client)
                baseline(client)
        timings = {name: ([], []) for name, _f, _b in VIEWS}
        for _n in range(args.opens):
            for name, function, baseline in VIEWS:
                timings[name][0].append(timed(function, client))
                timings[name][1].append(timed(baseline, client))
        results["views"] = timings
        results["kanban_cards"] = open_kanban(client)
        results["list_rows"] = open_list(client)

    table = render(results, args)
    print(table)
    if not args.no_record:
        record(
            "bench_overview",
            "Overview with a million events (`tests/bench/bench_overview.py`)",
            table,
        )
    return 0


def render(results, args):
    lines = [
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit {git_commit()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} "
        f"{platform.python_version()}, Odoo 4 HTTP workers, crons on, client on the "
        "same machine. Command: `make bench`.",
        "",
        f"Inbox: {results['events']:,} events over {args.days:g} days, "
        f"{args.channels} channels, 7 domains; {results['waiting']:,} not applied "
        f"(waiting, retrying or dead). Loaded by SQL in {results['load_s']:.0f} s.",
        f"Rollup: first run over the whole inbox {results['backfill_s']:.1f} s; each "
        f"run after that (every minute) {results['rollup_s'] * 1000:.0f} ms; "
        f"{results['stat_rows']:,} statistics rows ({results['hour_rows']:,} of "
        f"them hours). Alert evaluation {results['alerts_s'] * 1000:.0f} ms.",
        "",
        f"Each view opened {args.opens} times ({results['kanban_cards']} cards, "
        f"{results['list_rows']} list rows). Baseline: the same figures by "
        "read_group over the raw inbox.",
        "",
        "| Opening | p50 ms | p95 ms | Baseline p50 ms | Baseline p95 ms |",
        "|---|---|---|---|---|",
    ]
    for name, (overview, baseline) in results["views"].items():
        lines.append(
            f"| {name} | {percentile(overview, 0.5):.0f} | "
            f"{percentile(overview, 0.95):.0f} | {percentile(baseline, 0.5):.0f} | "
            f"{percentile(baseline, 0.95):.0f} |"
        )
    worst = max(percentile(o, 0.95) for o, _b in results["views"].values())
    lines += [
        "",
        f"Target: every overview view opens in under 1 s with 1,000,000 events "
        f"(worst p95 {worst:.0f} ms).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
