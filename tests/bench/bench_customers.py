"""Benchmark of customers in (`make bench BENCH=customers`): sign-ups to Odoo customers.

One run, on this machine, against a live server started like `make run`:
- a storefront (GB) and a store POS (DE) channel;
- the load: 50,000 customer.upserted events through the real endpoint (signed-in
  clients posting batches of 500 from 4 threads, the job runner stopped), then the
  runner started and the backlog applied by the queue: 80 % new storefront
  customers (1 % of them with a phone that does not parse), 10 % updates of
  earlier ones (a new phone), 10 % till customers who are storefront customers
  already (the same email in capitals, or the same phone in national form);
- measured: events applied per second (first applied to last), customers created,
  duplicates created (Odoo customers sharing a normalized email or an E.164 phone
  of the run; target 0), flagged phones, events not applied;
- baseline, in the same run and first: a smaller backlog of the same mix applied by
  one queue job per event (tests/addons/retail_sync_bench_baseline), rate compared.
Prints a table and records it in docs/benchmarks.md. Not a test: it asserts nothing.
"""

import argparse
import concurrent.futures
import datetime
import os
import pathlib
import platform
import random
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from live.live_odoo import LiveOdoo, pg_connect

from bench.results import commit as git_commit
from bench.results import record

LOG_NAME = "bench-customers"
BATCH = 500


def envelope(event_id, data, sequence, occurred_at):
    return {
        "id": event_id,
        "type": "customer.upserted",
        "schema_version": 1,
        "sequence": sequence,
        "occurred_at": occurred_at,
        "data": data,
    }


def plan(rng, prefix, count):
    """(web events, pos events, emails of the run) for ``count`` events."""
    now = datetime.datetime.now(datetime.UTC)
    web, pos = [], []
    created = []
    new_count = int(count * 0.8)
    for index in range(new_count):
        ref = f"{prefix}-W{index}"
        email = f"{prefix}.c{index}@Example.com"
        number = (
            f"+44 7700 {index % 1000:03d} {index // 1000:03d}"
            if rng.random() > 0.01
            else f"x{index}"
        )
        occurred = (now - datetime.timedelta(seconds=60)).isoformat()
        data = {
            "customer_id": ref,
            "name": f"Customer {index}",
            "emails": [email],
            "phones": [{"number": number, "kind": "mobile"}],
            "marketing_consent": {"email": index % 2 == 0},
        }
        web.append(envelope(f"{ref}-1", data, 1, occurred))
        created.append((ref, email, number, index))
    sequences = {}
    for step in range(int(count * 0.1)):
        ref, _email, _number, index = rng.choice(created)
        sequences[ref] = sequences.get(ref, 1) + 1
        data = {
            "customer_id": ref,
            "phones": [{"number": f"020 7946 {index % 10000:04d}"}],
        }
        web.append(envelope(f"{ref}-u{step}", data, sequences[ref], now.isoformat()))
    for step in range(count - len(web)):
        ref, email, number, index = created[step]
        data = {"customer_id": f"{prefix}-T{step}", "name": f"Customer {index}"}
        if step % 2 or number.startswith("x"):
            data["emails"] = [email.upper()]
        else:
            data["phones"] = [{"number": number.replace("+44 ", "0")}]
        pos.append(envelope(f"{prefix}-T{step}-1", data, 1, now.isoformat()))
    return web, pos


def post_all(odoo, key, events, threads=4):
    """POST ``events`` in batches; returns (rejected, seconds)."""
    batches = [events[i : i + BATCH] for i in range(0, len(events), BATCH)]

    def post(batch):
        response = odoo.post(key, {"events": batch})
        if response.status_code == 202:
            return 0
        body = response.json()
        return (
            body.get("rejected", len(batch)) if isinstance(body, dict) else len(batch)
        )

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        rejected = sum(pool.map(post, batches))
    return rejected, time.monotonic() - start


def counts(database, prefix, channel_ids):
    """Figures read in SQL: applied times, customers, duplicates, flags."""
    like = prefix.replace("_", r"\_") + "%"
    with pg_connect(database) as connection, connection.cursor() as cr:
        cr.execute(
            """
            SELECT count(*) FILTER (WHERE state = 'done'),
                   count(*) FILTER (WHERE state != 'done'),
                   extract(epoch FROM min(processed_at)),
                   extract(epoch FROM max(processed_at))
              FROM retail_sync_event
             WHERE channel_id = ANY(%s) AND external_id LIKE %s
            """,
            (channel_ids, like),
        )
        done, left, first, last = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM res_partner WHERE email_normalized LIKE %s",
            (like.lower(),),
        )
        (customers,) = cr.fetchone()
        cr.execute(
            """
            SELECT coalesce(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM res_partner
                 WHERE email_normalized LIKE %s AND active
                 GROUP BY email_normalized HAVING count(*) > 1) d
            """,
            (like.lower(),),
        )
        (duplicate_emails,) = cr.fetchone()
        cr.execute(
            """
            SELECT coalesce(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM res_partner
                 WHERE email_normalized LIKE %s AND active
                   AND retail_sync_mobile_e164 IS NOT NULL
                 GROUP BY retail_sync_mobile_e164 HAVING count(*) > 1) d
            """,
            (like.lower(),),
        )
        (duplicate_phones,) = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM res_partner WHERE email_normalized LIKE %s"
            " AND retail_sync_phone_flagged",
            (like.lower(),),
        )
        (flagged,) = cr.fetchone()
    connection.close()
    seconds = float(last - first) if done and last and first else 0.0
    return {
        "done": done,
        "left": left,
        "seconds": seconds,
        "rate": done / seconds if seconds else 0.0,
        "customers": customers,
        "duplicates": int(duplicate_emails) + int(duplicate_phones),
        "flagged": flagged,
    }


def drain(args, prefix, channel_ids, total):
    """Start the server with its runner; wait until the run's events are applied
    (or no progress for a minute)."""
    with LiveOdoo(args.database, http_port=args.port, log_name=LOG_NAME) as odoo:
        domain = [
            ("channel_id", "in", channel_ids),
            ("external_id", "=like", f"{prefix}%"),
            "|",
            ("state", "in", ("received", "queued", "failed", "blocked")),
            # The baseline's events, until their own job applies them.
            "&",
            ("state", "=", "skipped"),
            ("state_reason", "=like", "applied by the benchmark baseline%"),
        ]
        last, still = None, time.monotonic()
        deadline = time.monotonic() + args.settle_seconds
        while time.monotonic() < deadline:
            left = odoo.call("retail.sync.event", "search_count", domain)
            if left == 0:
                break
            if left != last:
                last, still = left, time.monotonic()
            elif time.monotonic() - still > 60:
                break
            time.sleep(1)
    return counts(args.database, prefix, channel_ids)


def one_run(args, rng, run, tag, count, web, pos, baseline):
    prefix = f"{run}{tag}"
    web_events, pos_events = plan(rng, prefix, count)
    with LiveOdoo(
        args.database, http_port=args.port, log_name=LOG_NAME, runner=False
    ) as odoo:
        odoo.call("retail.sync.bench.baseline", "cancel_baseline_jobs")
        # Web first, then the tills: a till customer finds the web one.
        rejected, seconds = post_all(odoo, web["key"], web_events)
        rejected_pos, seconds_pos = post_all(odoo, pos["key"], pos_events)
        if baseline:
            for channel in (web, pos):
                odoo.call(
                    "retail.sync.bench.baseline",
                    "enqueue_one_job_per_event",
                    channel["id"],
                    prefix,
                )
    result = drain(args, prefix, [web["id"], pos["id"]], count)
    result.update(
        events=len(web_events) + len(pos_events),
        rejected=rejected + rejected_pos,
        ingest_rate=(len(web_events) + len(pos_events)) / (seconds + seconds_pos),
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("RS_BENCH_DB", "retail_sync_bench")
    )
    parser.add_argument("--port", type=int, default=8369)
    parser.add_argument("--customers", type=int, default=50000)
    # The baseline applies about 7 events/s: 1,000 of them take 2 to 3 minutes.
    parser.add_argument("--baseline-customers", type=int, default=1000)
    parser.add_argument("--settle-seconds", type=float, default=1800.0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    rng = random.Random(20261202)
    # Lowercase: the run's emails are matched lowercased.
    run = f"cu{int(time.time())}"
    with LiveOdoo(args.database, http_port=args.port, log_name=LOG_NAME) as odoo:
        gb = odoo.call("res.country", "search", [("code", "=", "GB")])[0]
        de = odoo.call("res.country", "search", [("code", "=", "DE")])[0]
        web_id, web_key = odoo.create_channel(
            f"W{run[-5:]}",
            kind="ecommerce",
            customer_country_id=gb,
            rate_limit=100000,
            rate_burst=100000,
        )
        pos_id, pos_key = odoo.create_channel(
            f"T{run[-5:]}",
            kind="pos",
            customer_country_id=gb,
            rate_limit=100000,
            rate_burst=100000,
        )
        del de
    web = {"id": web_id, "key": web_key}
    pos = {"id": pos_id, "key": pos_key}
    baseline = one_run(args, rng, run, "b", args.baseline_customers, web, pos, True)
    pipeline = one_run(args, rng, run, "p", args.customers, web, pos, False)
    table = render({"baseline": baseline, "pipeline": pipeline}, args)
    print(table)
    if not args.no_record:
        record(
            "bench_customers", "Customers in (`tests/bench/bench_customers.py`)", table
        )
    return 0


def command(args):
    argv = [a for a in sys.argv[1:] if not a.startswith("--port")]
    if not argv or argv == ["--no-record"]:
        return "make bench BENCH=customers"
    return "cd tests && python bench/bench_customers.py " + " ".join(sys.argv[1:])


def render(r, args):
    base, pipe = r["baseline"], r["pipeline"]
    ratio = pipe["rate"] / base["rate"] if base["rate"] else float("nan")

    def met(ok):
        return "met" if ok else "NOT met"

    lines = [
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, commit "
        f"{git_commit()}, {platform.node()} ({os.cpu_count()} cores), "
        f"`{command(args)}`.",
        "",
        "| Measure | Retail Sync (many keys per job) | Baseline (one job per event) |",
        "|---|---|---|",
        f"| customer.upserted events posted | {pipe['events']} | {base['events']} |",
        f"| Refused at posting | {pipe['rejected']} | {base['rejected']} |",
        f"| Ingestion (events/s, batches of {BATCH}, 4 clients) "
        f"| {pipe['ingest_rate']:.0f} | {base['ingest_rate']:.0f} |",
        f"| Applied | {pipe['done']} | {base['done']} |",
        f"| Not applied (left, waiting or dead) | {pipe['left']} | {base['left']} |",
        f"| Applied rate (events/s, first to last applied) "
        f"| {pipe['rate']:.0f} | {base['rate']:.0f} |",
        f"| Odoo customers created | {pipe['customers']} | {base['customers']} |",
        f"| Duplicates created (shared email or phone) "
        f"| {pipe['duplicates']} | {base['duplicates']} |",
        f"| Phones flagged (did not parse) | {pipe['flagged']} | {base['flagged']} |",
        "",
        f"Targets: applied >= 500 events/s (got {pipe['rate']:.0f}: "
        f"{met(pipe['rate'] >= 500)}), {ratio:.1f}x the baseline; duplicates 0 "
        f"(got {pipe['duplicates']}: {met(pipe['duplicates'] == 0)}).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
