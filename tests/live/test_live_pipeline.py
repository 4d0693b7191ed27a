"""The inbound pipeline against a live server: real HTTP workers, real jobrunner.

HttpCase shares one cursor and cannot show a race; these tests can.
"""

import random
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import requests


def ping(event_id, key=None, sequence=None, message="live"):
    event = {
        "id": event_id,
        "type": "system.ping",
        "schema_version": 1,
        "occurred_at": "2026-11-27T10:00:00+00:00",
        "data": {"message": message},
    }
    if key:
        event["ordering_key"] = key
    if sequence is not None:
        event["sequence"] = sequence
    return event


def test_twenty_concurrent_identical_posts_store_one_event(live_odoo):
    channel_id, key = live_odoo.create_channel("LIVE-DUP")
    event = ping("dup-1", message="same payload, twenty deliveries")
    start = threading.Barrier(20)

    def deliver(_n):
        with requests.Session() as session:
            start.wait()
            return live_odoo.post(key, event, session=session).status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = sorted(pool.map(deliver, range(20)))
    assert statuses.count(202) == 1, statuses
    assert statuses.count(200) == 19, statuses
    assert live_odoo.count_events(channel_id, [("external_id", "=", "dup-1")]) == 1
    assert live_odoo.wait_until(
        lambda: live_odoo.count_events(channel_id, [("state", "=", "done")]) == 1, 60
    )


def test_thousand_shuffled_events_apply_in_order_per_key(live_odoo):
    channel_id, key = live_odoo.create_channel("LIVE-ORDER")
    events = [
        ping(f"k{k:02d}-s{s:02d}", key=f"key-{k:02d}", sequence=s)
        for k in range(50)
        for s in range(1, 21)
    ]
    random.Random(20261127).shuffle(events)
    batches = [{"events": events[i : i + 50]} for i in range(0, len(events), 50)]

    def deliver(batch):
        with requests.Session() as session:
            response = live_odoo.post(key, batch, session=session)
            return response.status_code, response.json()

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(deliver, batches))
    assert [status for status, _body in answers] == [202] * len(batches), answers[:1]
    assert live_odoo.wait_until(
        lambda: live_odoo.count_events(channel_id, [("state", "=", "done")]) == 1000,
        timeout=180,
        interval=1,
    ), live_odoo.call(
        "retail.sync.event",
        "read_group",
        [("channel_id", "=", channel_id)],
        ["state"],
        ["state"],
    )
    rows = live_odoo.events(channel_id, ["ordering_key", "sequence", "applied_order"])
    per_key = defaultdict(list)
    for row in rows:
        per_key[row["ordering_key"]].append((row["sequence"], row["applied_order"]))
    assert len(per_key) == 50
    for ordering_key, applied in per_key.items():
        by_sequence = [order for _sequence, order in sorted(applied)]
        assert by_sequence == sorted(by_sequence), ordering_key
        assert [s for s, _o in sorted(applied)] == list(range(1, 21)), ordering_key
