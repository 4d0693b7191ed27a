"""Money stays exact when the node running the payment jobs is killed with -9.

Two nodes behind HAProxy (a cluster of this module's own). A storefront sends
captures and refunds, every one delivered twice (half the redeliveries under the same
event id, half under a new one), a tenth of the refunds before their capture. Midway,
the node whose queue_job runner is active is killed with -9: jobs die half done, their
transactions roll back, and the standby runner takes over and runs them again. In the
end every payment is posted once and every refund gives one credit note and one refund
payment, to the cent.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from .test_live_cluster import post

CAPTURES = 90
REFUNDS = 30


def event(event_type, event_id, **data):
    return {
        "id": event_id,
        "type": event_type,
        "schema_version": 1,
        "occurred_at": "2026-12-07T10:00:00+00:00",
        "data": data,
    }


def capture_amount(n):
    return round(20 + n * 0.37, 2)


def refund_amount(n):
    return round(capture_amount(n) / 3, 2)


def plan(currency):
    """The deliveries in sending order: each event once, then once again (half under
    the same id, half under a new one); the refunds of every tenth payment come
    before its capture."""
    captures = [
        event(
            "payment.captured",
            f"capture-{n}",
            payment_ref=f"PAY-{n}",
            amount=capture_amount(n),
            currency=currency,
            method="card",
        )
        for n in range(CAPTURES)
    ]
    refunds = {
        n: event(
            "refund.issued",
            f"refund-{n}",
            refund_ref=f"REF-{n}",
            payment_ref=f"PAY-{n}",
            amount=refund_amount(n),
            currency=currency,
        )
        for n in range(REFUNDS)
    }
    first = []
    for n, capture in enumerate(captures):
        early = n in refunds and n % 10 == 0
        if early:
            first.append(refunds[n])
        first.append(capture)
        if n in refunds and not early:
            first.append(refunds[n])
    again = [
        dict(item, id=f"{item['id']}-again") if i % 2 else item
        for i, item in enumerate(first)
    ]
    return first + again


def test_payments_and_refunds_stay_exact_when_the_active_node_is_killed(live_cluster):
    odoo = live_cluster.balancer
    [company] = odoo.call("res.company", "search_read", [], ["currency_id"], limit=1)
    currency = company["currency_id"][1]
    [journal_id] = odoo.call(
        "account.journal", "search", [("type", "=", "bank")], limit=1
    )
    partner_id = odoo.call("res.partner", "create", {"name": "Kill -9 customer"})
    channel_id, key = odoo.create_channel(
        "KILL-MONEY", kind="ecommerce", rate_limit=0, payment_partner_id=partner_id
    )
    odoo.call(
        "retail.sync.payment.method",
        "create",
        {"channel_id": channel_id, "code": "card", "journal_id": journal_id},
    )
    assert odoo.wait_until(lambda: live_cluster.active_runner() is not None, 60)
    active = live_cluster.active_runner()

    deliveries = plan(currency)
    stored, failures, lock = set(), [], threading.Lock()
    half_sent = threading.Event()

    def deliver(item):
        """Post until Odoo answers for the event, as a channel retries."""
        deadline = time.monotonic() + 120
        with requests.Session() as session:
            while time.monotonic() < deadline:
                try:
                    answer = post(odoo.url, key, item, session=session)
                except requests.RequestException as exc:
                    failures.append(type(exc).__name__)
                else:
                    if answer.status_code in (200, 202):
                        assert answer.json()["result"] in ("accepted", "duplicate")
                        with lock:
                            stored.add(item["id"])
                            if len(stored) >= len(deliveries) // 3:
                                half_sent.set()
                        return
                    failures.append(answer.status_code)
                time.sleep(0.3)
        raise AssertionError(f"{item['id']} never stored: {failures}")

    def paced_load():
        # About 20 deliveries a second: the load lasts about 12 s, the kill lands in
        # it while payment jobs run.
        with ThreadPoolExecutor(4) as pool:
            futures = []
            for item in deliveries:
                futures.append(pool.submit(deliver, item))
                time.sleep(0.05)
            for future in futures:
                future.result()

    with ThreadPoolExecutor(1) as load:
        loading = load.submit(paced_load)
        assert half_sent.wait(90), "the load did not start"
        assert odoo.wait_until(
            lambda: odoo.call(
                "retail.sync.payment", "search_count", [("channel_id", "=", channel_id)]
            )
            > 0,
            timeout=60,
            interval=0.2,
        ), "no payment applied before the kill"
        applied_at_kill = odoo.call(
            "retail.sync.payment", "search_count", [("channel_id", "=", channel_id)]
        )
        active.kill_master()
        loading.result()
    # The kill landed in the middle of the money flow, not after it.
    assert applied_at_kill < CAPTURES, applied_at_kill

    distinct_ids = {item["id"] for item in deliveries}
    assert stored == distinct_ids

    def settled():
        try:  # until HAProxy marks the killed node down, a call may reach it
            left = odoo.count_events(
                channel_id, [("state", "not in", ("done", "skipped"))]
            )
        except (requests.RequestException, ValueError):
            return False
        return left == 0

    assert odoo.wait_until(settled, timeout=300, interval=2), odoo.call(
        "retail.sync.event",
        "read_group",
        [("channel_id", "=", channel_id)],
        ["state"],
        ["state"],
    )
    assert odoo.count_events(channel_id) == len(distinct_ids)

    # One payment per payment id, each captured and refunded to the cent.
    payments = odoo.call(
        "retail.sync.payment",
        "search_read",
        [("channel_id", "=", channel_id)],
        ["payment_ref", "captured_amount", "refunded_amount", "account_payment_id"],
    )
    assert len(payments) == CAPTURES
    for payment in payments:
        n = int(payment["payment_ref"].split("-")[1])
        assert payment["captured_amount"] == capture_amount(n), payment
        expected_refund = refund_amount(n) if n < REFUNDS else 0.0
        assert payment["refunded_amount"] == expected_refund, payment
    assert len({p["account_payment_id"][0] for p in payments}) == CAPTURES

    # In the books: exactly one posted payment per capture, one credit note and one
    # refund payment per refund, nothing else for this customer.
    posted = [
        ("partner_id", "=", partner_id),
        ("state", "not in", ("draft", "canceled", "rejected")),
    ]
    inbound = odoo.call(
        "account.payment",
        "search_read",
        [*posted, ("payment_type", "=", "inbound")],
        ["amount"],
    )
    outbound = odoo.call(
        "account.payment",
        "search_read",
        [*posted, ("payment_type", "=", "outbound")],
        ["amount"],
    )
    credit_notes = odoo.call(
        "account.move",
        "search_read",
        [
            ("partner_id", "=", partner_id),
            ("move_type", "=", "out_refund"),
            ("state", "=", "posted"),
        ],
        ["amount_total"],
    )
    assert len(inbound) == CAPTURES
    assert sorted(p["amount"] for p in inbound) == sorted(
        capture_amount(n) for n in range(CAPTURES)
    )
    assert len(outbound) == REFUNDS
    assert len(credit_notes) == REFUNDS
    expected_refunds = sorted(refund_amount(n) for n in range(REFUNDS))
    assert sorted(p["amount"] for p in outbound) == expected_refunds
    assert sorted(m["amount_total"] for m in credit_notes) == expected_refunds
    print(
        f"\nkilled {active.name} with {applied_at_kill} of {CAPTURES} payments "
        f"applied; {len(failures)} deliveries retried: "
        f"{sorted(set(map(str, failures)))}"
    )
