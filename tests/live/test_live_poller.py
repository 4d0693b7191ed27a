"""The legacy POS poller against a live server: the real queue_job runner polls
the reference legacy POS (a SQLite sales table) while its simulator writes sales,
some committed late inside the overlap window; every sale lands exactly once."""

import collections
import shutil
import tempfile
import threading
import uuid

from reference_legacy_pos.legacy_pos import QUERY, LegacyPos, Simulator

from .test_live_stock import on_hand


def test_the_runner_polls_a_legacy_pos_and_every_sale_lands_once(live_odoo):
    folder = tempfile.mkdtemp(prefix="rs-live-legacy-")
    try:
        check_polling(live_odoo, f"sqlite:///{folder}/legacy.db")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_polling(live_odoo, dsn):
    pos = LegacyPos(dsn).create_schema()
    run = uuid.uuid4().hex[:4].upper()  # the live database outlives a run
    store = f"L{run}"
    warehouse_id, location_id = live_odoo.create_store(store)
    skus = [f"LEGACY-A-{run}", f"LEGACY-B-{run}"]
    products = {}
    for sku in skus:
        products[sku] = live_odoo.create_product(sku)
        live_odoo.set_stock(products[sku], location_id, 1000)
    mapping_id = live_odoo.call(
        "retail.sync.mapping",
        "search",
        [("code", "=", "legacy_pos"), ("is_preset", "=", True)],
    )[0]
    channel_id = live_odoo.call(
        "retail.sync.channel",
        "create",
        {
            "name": "Live legacy POS",
            "code": f"LIVE-LEGACY-{run}",
            "kind": "polled",
            "mapping_id": mapping_id,
            "poll_source": "sql",
            "poll_dsn": dsn,
            "poll_query": QUERY,
            "poll_watermark_column": "sale_id",
            "poll_overlap": 30,
            "poll_interval": 1,
        },
    )
    live_odoo.call(
        "retail.sync.binding",
        "create",
        {
            "channel_id": channel_id,
            "kind": "store",
            "external_ref": store,
            "record_ref": f"stock.warehouse,{warehouse_id}",
        },
    )
    simulator = Simulator(pos, [store], skus, rate=10, late_every=7, late_delay=2.5)
    writer = threading.Thread(target=simulator.run, args=(8,))
    writer.start()
    writer.join()
    assert not simulator.failed
    committed = set(simulator.committed)
    assert len(committed) >= 60
    late = [i for i in committed if i % 7 == 0]
    assert late, "the simulator committed some sales late"

    def done():
        return live_odoo.count_events(channel_id, [("state", "=", "done")])

    assert live_odoo.wait_until(lambda: done() == len(committed), 180, 1), (
        done(),
        len(committed),
        live_odoo.call(
            "retail.sync.poll.state",
            "search_read",
            [("channel_id", "=", channel_id)],
            ["watermark", "last_error", "failures", "last_problem"],
        ),
    )
    events = live_odoo.events(channel_id, ["external_id", "state"])
    assert sorted(e["external_id"] for e in events) == sorted(
        f"legacy-pos-sale:{i}" for i in committed
    )
    sold = collections.Counter()
    for row in simulator.rows.values():
        sold[row["sku"]] += row["qty"]
    for sku, product_id in products.items():
        assert on_hand(live_odoo, product_id, location_id) == 1000 - sold[sku]
    [state] = live_odoo.call(
        "retail.sync.poll.state",
        "search_read",
        [("channel_id", "=", channel_id)],
        ["watermark", "failures", "total_rows", "total_events"],
    )
    assert state["watermark"] == str(max(committed))
    assert state["failures"] == 0
    assert state["total_events"] == len(committed)
    # The overlap read the late rows' neighbours again: absorbed, not stored twice.
    assert state["total_rows"] >= len(committed)
