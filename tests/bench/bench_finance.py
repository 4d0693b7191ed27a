"""Benchmark of the finance tier (`make bench BENCH=finance`): store days in the books.

One run, on this machine, against a live server started like `make run`:
- 40 stores of one POS channel (one register each, a warehouse each, finance
  settings each: UTC day, its own day journal), two taxes included in prices (20 %
  and 10 %), cash, card and gift card payments;
- the load: 2,000 sales per store in one business day (yesterday), posted through
  the real endpoint in batches of 500 and applied by the queue as they arrive: 1 to
  3 lines, discounts on one line in ten, gift cards sold (3 %) and redeemed (5 %),
  cash, card and split payments, and a refund of a whole line after one sale in
  fifty (its money back by the sale's method);
- measured: the build of the 40 days (the finance cron, run once the sales are
  applied, timed from outside) and their journal items, against the baseline of one
  journal entry per receipt in the same run (tests/addons/retail_sync_bench_baseline:
  the same receipts, ledger and item values; its items counted for every receipt,
  its build timed on a subset of stores and extrapolated linearly to all receipts);
- then 40 Z reports (pos.day.closed), computed from what the tills sold, some with a
  planted difference of each kind the reconciliation knows (a method total, a tax
  total, a receipt count, a receipt missing from the range, a refund with no
  payment, a sale whose total does not add up): the reconciliation (the finance
  cron again) timed from outside, and every exception compared with the plants:
  found, missed, false.
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
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from live.live_odoo import LiveOdoo

from bench.results import commit as git_commit
from bench.results import record

LOG_NAME = "bench-finance"
BATCH = 500
TAXES = {"V20": 20, "V10": 10}
CRON = "retail_sync_finance.ir_cron_build_store_days"
PLANTS = ("method", "tax", "count", "missing", "refund_unpaid", "total")


def cents(value):
    return int(Decimal(str(value)).scaleb(2).quantize(Decimal(1), ROUND_HALF_UP))


def tax_in(gross, rate):
    """Tax included in ``gross`` cents at ``rate`` %, rounded half up."""
    value = Decimal(gross) * rate / (100 + rate)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Till:
    """One store's register: the receipts it makes and what its Z report says."""

    def __init__(self, code, skus, gift, rng, day, sales, plant=None):
        self.code, self.skus, self.gift, self.rng, self.day = code, skus, gift, rng, day
        self.sales_planned, self.plant = sales, plant
        self.unpaid_refund = None
        self.number = 0
        self.events = []
        self.sales = []  # (receipt number, lines, payments) refundable
        self.methods = defaultdict(int)
        self.taxes = defaultdict(int)
        self.count = 0
        self.expected = set()  # (kind, reference) planted
        self.withheld = None

    def next_number(self):
        self.number += 1
        return f"{self.code}-{self.number:06d}"

    def moment(self):
        second = 8 * 3600 + int(12 * 3600 * self.number / 2100)
        return (
            datetime.datetime.combine(self.day, datetime.time(), datetime.UTC)
            + datetime.timedelta(seconds=second)
        ).isoformat()

    def envelope(self, kind, number, data):
        return {
            "id": f"{number}-{kind}",
            "type": f"pos.{kind}.completed",
            "schema_version": 1,
            # The register numbers what it sends (a receipt never sent leaves no
            # gap in the sequence, only in the receipt numbers).
            "sequence": len(self.events) + 1,
            "occurred_at": self.moment(),
            "data": {"store": self.code, "register": "R1", **data},
        }

    def sale(self, index):
        rng = self.rng
        number = self.next_number()
        lines, taxes_of, total = [], defaultdict(int), 0
        for sku, price, code in rng.sample(self.skus, rng.choice((1, 1, 2, 2, 3))):
            quantity = rng.choice((1, 1, 1, 2))
            gross = quantity * price
            discount = gross // 10 if rng.random() < 0.1 else 0
            net = gross - discount
            tax = tax_in(net, TAXES[code])
            line = {
                "sku": sku,
                "quantity": quantity,
                "unit_price": price / 100,
                "taxes": [{"code": code, "amount": tax / 100}],
            }
            if discount:
                line["discount"] = discount / 100
            lines.append((line, net, {code: tax}))
            taxes_of[code] += tax
            total += net
        if rng.random() < 0.03:
            card = rng.choice((2500, 5000))
            lines.append(
                ({"sku": self.gift, "quantity": 1, "unit_price": card / 100}, card, {})
            )
            total += card
        roll = rng.random()
        if roll < 0.05 and total > 1000:
            payments = {"giftcard": 1000, "card": total - 1000}
        elif roll < 0.10 and total > 500:
            payments = {"cash": 500, "card": total - 500}
        elif roll < 0.45:
            payments = {"cash": total}
        else:
            payments = {"card": total}
        paid = dict(payments)
        planted = False
        if self.plant == "total" and index == self.sales_planned * 3 // 10:
            # The till took 1.00 less than its lines say (a totals check error).
            method = next(iter(paid))
            paid[method] -= 100
            self.expected.add(("total_mismatch", number))
            planted = True
        self.count += 1
        for method, amount in paid.items():
            self.methods[method] += amount
        for code, amount in taxes_of.items():
            self.taxes[code] += amount
        if (
            self.plant == "missing"
            and index >= self.sales_planned * 39 // 100
            and not self.withheld
            and "giftcard" not in paid
        ):
            # Sold at the till, never sent: missing from the range, and its money
            # and tax are missing from Odoo's totals.
            self.withheld = number
            self.expected.add(("missing_receipt", number))
            self.expected.add(("count_difference", "1"))
            for method in paid:
                self.expected.add(("method_difference", method))
            for code in taxes_of:
                self.expected.add(("tax_difference", code))
            return
        self.events.append(
            self.envelope(
                "sale",
                number,
                {
                    "receipt_number": number,
                    "lines": [line for line, _net, _tax in lines],
                    "payments": [
                        {"method": m, "amount": a / 100} for m, a in paid.items()
                    ],
                },
            )
        )
        if not planted and not any(line["sku"] == self.gift for line, _n, _t in lines):
            self.sales.append((number, lines, paid))

    def refund(self, unpaid=False):
        if not self.sales:
            return
        original, lines, paid = self.sales.pop(self.rng.randrange(len(self.sales)))
        number = self.next_number()
        line, net, taxes_of = lines[0]
        method = "card" if "card" in paid else "cash"
        data = {
            "receipt_number": number,
            "original_receipt_number": original,
            "lines": [{"sku": line["sku"], "quantity": line["quantity"]}],
        }
        if unpaid:
            # Goods taken back, no money given back reported.
            self.expected.add(("refund_without_payment", number))
        else:
            data["payments"] = [{"method": method, "amount": net / 100}]
            self.methods[method] -= net
        for code, amount in taxes_of.items():
            self.taxes[code] -= amount
        self.count += 1
        self.events.append(self.envelope("refund", number, data))

    def play(self):
        for index in range(1, self.sales_planned + 1):
            self.sale(index)
            if index % 50 == 0:
                unpaid = (
                    self.plant == "refund_unpaid"
                    and not self.unpaid_refund
                    and index >= self.sales_planned // 2
                )
                self.unpaid_refund = self.unpaid_refund or unpaid
                self.refund(unpaid=unpaid)

    def z_report(self):
        methods, taxes, count = dict(self.methods), dict(self.taxes), self.count
        if self.plant == "method":
            methods["cash"] += 500  # the till counts 5.00 more cash
            self.expected.add(("method_difference", "cash"))
        if self.plant == "tax":
            taxes["V20"] -= 10
            self.expected.add(("tax_difference", "V20"))
        if self.plant == "count":
            count += 1
            self.expected.add(("count_difference", "1"))
        return {
            "id": f"{self.code}-Z-{self.day}",
            "type": "pos.day.closed",
            "schema_version": 1,
            "occurred_at": self.moment(),
            "data": {
                "store": self.code,
                "business_date": str(self.day),
                "receipt_count": count,
                "first_receipt_number": f"{self.code}-{1:06d}",
                "last_receipt_number": f"{self.code}-{self.number:06d}",
                "payments": [
                    {"method": m, "amount": a / 100} for m, a in sorted(methods.items())
                ],
                "taxes": [
                    {"code": c, "amount": a / 100} for c, a in sorted(taxes.items())
                ],
            },
        }


def rpc(odoo, model, method, *args, timeout=3600, **kwargs):
    """A JSON-RPC call as admin with a long timeout (a build of 80,000 receipts
    takes longer than LiveOdoo's two minutes on a loaded machine)."""
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


def post_all(odoo, key, events, threads=4):
    """POST ``events`` in batches of 500; returns (refused, seconds)."""
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
        refused = sum(pool.map(post, batches))
    return refused, time.monotonic() - start


def post_tills(odoo, key, tills, threads=4):
    """POST each till's events in order, in batches of 500, ``threads`` tills at
    a time; returns (refused, seconds)."""

    def post_till(events):
        return post_all(odoo, key, events, threads=1)[0]

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        refused = sum(pool.map(post_till, tills))
    return refused, time.monotonic() - start


def wait_applied(odoo, channel_id, timeout):
    """Wait until no event of the channel is pending (or no progress for two
    minutes); returns (seconds, not done)."""
    start = time.monotonic()
    domain = [("state", "in", ("received", "queued", "blocked"))]
    last, still = None, time.monotonic()
    while time.monotonic() - start < timeout:
        left = odoo.count_events(channel_id, domain)
        if not left:
            break
        if left != last:
            last, still = left, time.monotonic()
        elif time.monotonic() - still > 120:
            break
        time.sleep(2)
    seconds = time.monotonic() - start
    return seconds, odoo.count_events(channel_id, [("state", "!=", "done")])


def setup(odoo, run, stores):
    """Products, accounts, taxes, journals, the channel, its stores and their
    finance settings, made over RPC as an implementer would."""
    tag = run[-3:]
    skus = []
    for n in range(40):
        sku = f"{run}-S{n:02d}"
        price = random.Random(n).choice((499, 990, 1290, 1990, 2490, 3990, 5990))
        skus.append((sku, price, "V10" if n % 4 == 0 else "V20"))
    odoo.call(
        "product.product",
        "create",
        [
            {"name": f"Bench product {sku}", "default_code": sku, "is_storable": True}
            for sku, _price, _tax in skus
        ],
    )
    gift = f"{run}-GIFT"
    odoo.call(
        "product.product",
        "create",
        {"name": f"Gift card {run}", "default_code": gift, "type": "consu"},
    )

    def account(suffix, name, kind, reconcile=False):
        return odoo.call(
            "account.account",
            "create",
            {
                "code": f"BF{tag}{suffix}",
                "name": f"Bench {name}",
                "account_type": kind,
                "reconcile": reconcile,
            },
        )

    accounts = {
        "revenue": account("01", "store sales", "income"),
        "discount": account("02", "discounts", "income"),
        "rounding": account("03", "rounding", "expense"),
        "difference": account("04", "differences", "asset_current"),
        "gift": account("05", "gift cards", "liability_current"),
    }
    tax_ids = {}
    for index, (code, rate) in enumerate(TAXES.items()):
        vat = account(f"1{index}", f"VAT {rate}", "liability_current")
        lines = [
            [0, 0, {"repartition_type": "base"}],
            [0, 0, {"repartition_type": "tax", "account_id": vat}],
        ]
        tax_ids[code] = odoo.call(
            "account.tax",
            "create",
            {
                "name": f"Bench {run} VAT {rate}%",
                "amount": rate,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "invoice_repartition_line_ids": lines,
                "refund_repartition_line_ids": lines,
            },
        )

    def journal(prefix, name, kind):
        return odoo.call(
            "account.journal",
            "create",
            {"name": f"Bench {run} {name}", "code": f"{prefix}{tag}", "type": kind},
        )

    day_journal = journal("FD", "store days", "general")
    baseline_journal = journal("FB", "baseline entries", "general")
    cash = journal("FC", "cash", "cash")
    card = journal("FK", "cards", "bank")
    channel_id, key = odoo.create_channel(
        f"{run}-POS", kind="pos", rate_limit=0, rate_burst=0
    )
    for code, journal_id in (("cash", cash), ("card", card)):
        odoo.call(
            "retail.sync.payment.method",
            "create",
            {"channel_id": channel_id, "code": code, "journal_id": journal_id},
        )
    for code, tax_id in tax_ids.items():
        odoo.call(
            "retail.sync.finance.tax",
            "create",
            {
                "channel_id": channel_id,
                "code": code,
                "tax_id": tax_id,
                "price_include": True,
            },
        )
    # Many records per call: each RPC checks the admin password (slow on purpose).
    codes = [f"F{tag[-2:]}{n:02d}" for n in range(stores)]
    warehouse_ids = odoo.call(
        "stock.warehouse",
        "create",
        [{"name": f"Bench store {code}", "code": code} for code in codes],
    )
    locations = [
        w["lot_stock_id"][0]
        for w in odoo.call("stock.warehouse", "read", warehouse_ids, ["lot_stock_id"])
    ]
    binding_ids = odoo.call(
        "retail.sync.binding",
        "create",
        [
            {
                "channel_id": channel_id,
                "kind": "store",
                "external_ref": code,
                "record_ref": f"stock.warehouse,{warehouse_id}",
            }
            for code, warehouse_id in zip(codes, warehouse_ids, strict=True)
        ],
    )
    odoo.call(
        "retail.sync.finance.store",
        "create",
        [
            {
                "binding_id": binding_id,
                "tz": "UTC",
                "cutoff_hour": 0.0,
                "close_grace_hours": 0.0,
                "journal_id": day_journal,
                "revenue_account_id": accounts["revenue"],
                "discount_account_id": accounts["discount"],
                "rounding_account_id": accounts["rounding"],
                "difference_account_id": accounts["difference"],
                "gift_card_account_id": accounts["gift"],
                "gift_card_refs": gift,
                "gift_card_methods": "giftcard",
                "total_tolerance": 0.05,
            }
            for binding_id in binding_ids
        ],
    )
    product_ids = odoo.call(
        "product.product", "search", [("default_code", "=like", f"{run}-S%")]
    )
    # 1,600 quants and their inventory moves: longer than LiveOdoo's timeout.
    quant_ids = rpc(
        odoo,
        "stock.quant",
        "create",
        [
            {"product_id": p, "location_id": loc, "inventory_quantity": 1000}
            for p in product_ids
            for loc in locations
        ],
        context={"inventory_mode": True},
    )
    rpc(odoo, "stock.quant", "action_apply_inventory", quant_ids)
    return {
        "channel_id": channel_id,
        "key": key,
        "codes": codes,
        "skus": skus,
        "gift": gift,
        "baseline_journal": baseline_journal,
    }


def exceptions_found(odoo, day_ids):
    rows = odoo.call(
        "retail.sync.reconciliation.exception",
        "search_read",
        [("day_id", "in", day_ids), ("state", "=", "open")],
        ["kind", "reference", "day_id"],
    )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=os.environ.get("RS_BENCH_DB", "retail_sync_bench")
    )
    parser.add_argument("--port", type=int, default=8369)
    parser.add_argument("--stores", type=int, default=40)
    parser.add_argument("--sales", type=int, default=2000, help="sales per store")
    parser.add_argument(
        "--baseline-stores",
        type=int,
        default=2,
        help="stores whose receipts the baseline books (timed; extrapolated)",
    )
    parser.add_argument("--settle-seconds", type=float, default=3600.0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    rng = random.Random(20261207)
    run = f"f{int(time.time())}"
    day = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1)
    r = {"stores": args.stores, "sales": args.sales, "day": day}
    with LiveOdoo(args.database, http_port=args.port, log_name=LOG_NAME) as odoo:
        # The hourly cron is run by the benchmark, when it measures it.
        cron_id = odoo.ref(CRON)
        odoo.call("ir.cron", "write", [cron_id], {"active": False})
        start = time.monotonic()
        s = setup(odoo, run, args.stores)
        r["setup_seconds"] = time.monotonic() - start
        tills = []
        for index, code in enumerate(s["codes"]):
            plant = PLANTS[index] if index < len(PLANTS) else None
            till = Till(
                code,
                s["skus"],
                s["gift"],
                random.Random(rng.random()),
                day,
                args.sales,
                plant,
            )
            till.play()
            tills.append(till)
        events = [e for till in tills for e in till.events]
        r["events"] = len(events)
        r["refunds"] = sum(1 for e in events if e["type"] == "pos.refund.completed")
        # Each till posts its receipts in order, in batches of 500 (a refund
        # comes after its sale in the same register); four tills at a time.
        refused, seconds = post_tills(odoo, s["key"], [t.events for t in tills])
        r["refused"], r["ingest_rate"] = refused, len(events) / seconds
        r["apply_seconds"], r["not_applied"] = wait_applied(
            odoo, s["channel_id"], args.settle_seconds
        )
        # ---------------------------------------------------------- build
        start = time.monotonic()
        rpc(odoo, "ir.cron", "method_direct_trigger", [cron_id])
        r["build_seconds"] = time.monotonic() - start
        days = odoo.call(
            "retail.sync.store.day",
            "search_read",
            [("channel_id", "=", s["channel_id"])],
            ["move_line_count", "receipt_count", "state", "business_date"],
        )
        day_ids = [d["id"] for d in days]
        r["days"] = len(days)
        r["days_built"] = sum(1 for d in days if d["state"] == "built")
        r["receipts"] = sum(d["receipt_count"] for d in days)
        r["items"] = sum(d["move_line_count"] for d in days)
        # ------------------------------------------------------- baseline
        r["baseline_items"] = rpc(
            odoo,
            "retail.sync.bench.finance.baseline",
            "count_items_one_entry_per_receipt",
            day_ids,
        )
        subset = sorted(days, key=lambda d: d["id"])[: args.baseline_stores]
        base = rpc(
            odoo,
            "retail.sync.bench.finance.baseline",
            "build_one_entry_per_receipt",
            [d["id"] for d in subset],
            s["baseline_journal"],
        )
        r["baseline"] = base
        subset_receipts = sum(d["receipt_count"] for d in subset)
        r["baseline_subset_receipts"] = subset_receipts
        r["baseline_seconds"] = (
            base["seconds"] * r["receipts"] / subset_receipts
            if subset_receipts
            else float("nan")
        )
        # -------------------------------------------------- reconciliation
        reports = [till.z_report() for till in tills]
        post_all(odoo, s["key"], reports)
        wait_applied(odoo, s["channel_id"], 600)
        start = time.monotonic()
        rpc(odoo, "ir.cron", "method_direct_trigger", [cron_id])
        r["reconcile_seconds"] = time.monotonic() - start
        r["reports_reconciled"] = odoo.call(
            "retail.sync.day.report",
            "search_count",
            [("channel_id", "=", s["channel_id"]), ("state", "=", "reconciled")],
        )
        code_of = {}
        for d in odoo.call(
            "retail.sync.store.day",
            "read",
            day_ids,
            ["finance_store_id"],
        ):
            code_of[d["id"]] = d["finance_store_id"][1].split(" / ")[-1]
        found = {
            (code_of[row["day_id"][0]], row["kind"], row["reference"])
            for row in exceptions_found(odoo, day_ids)
        }
        planted = {
            (till.code, kind, ref) for till in tills for kind, ref in till.expected
        }
        r["planted"] = len(planted)
        r["found"] = len(planted & found)
        r["missed"] = sorted(planted - found)
        r["false"] = sorted(found - planted)
        r["plants"] = sorted(planted)
        odoo.call("ir.cron", "write", [cron_id], {"active": True})
    table = render(r, args)
    print(table)
    if not args.no_record:
        record(
            "bench_finance",
            "Finance: store days (`tests/bench/bench_finance.py`)",
            table,
        )
    return 0


def command(args):
    argv = [a for a in sys.argv[1:] if not a.startswith("--port")]
    if not argv or argv == ["--no-record"]:
        return "make bench BENCH=finance"
    return "cd tests && python bench/bench_finance.py " + " ".join(sys.argv[1:])


def render(r, args):
    def met(ok):
        return "met" if ok else "**NOT met**"

    base = r["baseline"]
    ratio = r["baseline_items"] / r["items"] if r["items"] else float("nan")
    time_ratio = (
        r["baseline_seconds"] / r["build_seconds"]
        if r["build_seconds"]
        else float("nan")
    )
    lines = [
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, commit "
        f"{git_commit()}, {platform.node()} ({os.cpu_count()} cores, shared with "
        f"other servers: read the ratios), `{command(args)}`.",
        "",
        f"Load: {r['stores']} stores x {r['sales']} sales on {r['day']} "
        f"({r['events']} receipts posted, {r['refunds']} of them refunds), "
        f"ingested at {r['ingest_rate']:.0f} events/s, refused {r['refused']}, "
        f"applied by the queue in {r['apply_seconds']:.0f} s, not applied "
        f"{r['not_applied']}.",
        "",
        "| Measure | Retail Sync (one entry per store day) | Baseline (one entry "
        "per receipt) |",
        "|---|---|---|",
        f"| Receipts booked | {r['receipts']} in {r['days']} days "
        f"({r['days_built']} built) | {r['receipts']} |",
        f"| Journal entries | {r['days']} | {r['receipts']} |",
        f"| Journal items | {r['items']} | {r['baseline_items']} " f"({ratio:.0f}x) |",
        f"| Build time (s) | {r['build_seconds']:.1f} (the finance cron, all days) "
        f"| {r['baseline_seconds']:.1f} (extrapolated from {base['entries']} "
        f"entries, {base['items']} items of {args.baseline_stores} stores in "
        f"{base['seconds']:.1f} s; {time_ratio:.1f}x) |",
        "",
        "| Reconciliation | |",
        "|---|---|",
        f"| Z reports reconciled | {r['reports_reconciled']} of {r['stores']} in "
        f"{r['reconcile_seconds']:.1f} s (the finance cron) |",
        f"| Planted differences | {r['planted']} |",
        f"| Found | {r['found']} |",
        f"| Missed | {len(r['missed'])} {r['missed'] or ''} |",
        f"| False (found, not planted) | {len(r['false'])} {r['false'] or ''} |",
        "",
        f"Targets: build <= 60 s (got {r['build_seconds']:.1f}: "
        f"{met(r['build_seconds'] <= 60)}); reconciliation <= 10 s (got "
        f"{r['reconcile_seconds']:.1f}: {met(r['reconcile_seconds'] <= 10)}); "
        f"every planted difference found and no false one (got {r['found']} of "
        f"{r['planted']}, {len(r['false'])} false: "
        f"{met(not r['missed'] and not r['false'])}).",
        "",
        "Plants: " + "; ".join(f"{c} {k} {ref}" for c, k, ref in r["plants"]) + ".",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
