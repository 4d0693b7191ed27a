"""Stock in seconds, end to end: POS sale in a store -> storefront figure, live."""

import os
import time

from reference_channel.server import ReferenceChannel, ReferencePos, pos_sale

from .test_live_stock import on_hand

OUTAGE_SECONDS = float(os.environ.get("RS_OUTAGE_SECONDS", "20"))


def setup_store_and_storefront(live_odoo, code, skus, quantity):
    storefront = ReferenceChannel().start()
    warehouse_id, location_id = live_odoo.create_store(code)
    products = {}
    for sku in skus:
        products[sku] = live_odoo.create_product(sku)
        live_odoo.set_stock(products[sku], location_id, quantity)
    web_id, _web_key = live_odoo.create_channel(
        f"{code}-WEB",
        kind="ecommerce",
        push_url=storefront.url,
        feed_location_ids=[(6, 0, [location_id])],
    )
    action = live_odoo.call(
        "retail.sync.channel", "action_rotate_push_secret", [web_id]
    )
    [wizard] = live_odoo.call(
        "retail.sync.secret.wizard", "read", [action["res_id"]], ["secret"]
    )
    storefront.secret = wizard["secret"]
    pos_id, pos_key = live_odoo.create_channel(f"{code}-POS")
    live_odoo.call(
        "retail.sync.binding",
        "create",
        {
            "channel_id": pos_id,
            "kind": "store",
            "external_ref": code,
            "record_ref": f"stock.warehouse,{warehouse_id}",
        },
    )
    pos = ReferencePos(live_odoo.url, pos_key)
    return storefront, pos, location_id, products


def test_pos_sale_in_a_store_reaches_the_storefront_in_seconds(live_odoo):
    storefront, pos, _location, _products = setup_store_and_storefront(
        live_odoo, "LVA", ["LIVE-A1"], 40
    )
    try:
        response = pos.send([pos_sale("lva-1", 1, "LVA", "R1", "LIVE-A1", 3)])
        sent = time.time()
        assert response.status_code == 202, response.text
        assert storefront.wait_for(lambda: storefront.available("LIVE-A1") == 37.0, 30)
        arrived = max(
            t
            for t, available, _v in storefront.arrivals["LIVE-A1"]
            if available == 37.0
        )
        assert arrived - sent < 5.0
        assert storefront.rejected_signatures == 0
    finally:
        storefront.stop()


def test_storefront_down_then_back_gets_every_final_value(live_odoo):
    skus = [f"LIVE-B{n}" for n in range(5)]
    # Enough stock that no figure reaches zero (two sales a second of the first SKU).
    start = 100 + int(3 * OUTAGE_SECONDS)
    storefront, pos, location_id, products = setup_store_and_storefront(
        live_odoo, "LVB", skus, start
    )
    try:
        assert storefront.wait_for(
            lambda: all(storefront.available(s) == start for s in skus), 30
        )
        storefront.go_down()
        sequence = 0
        deadline = time.time() + OUTAGE_SECONDS
        sold = dict.fromkeys(skus, 0)

        def sell_round(n):
            nonlocal sequence
            events = []
            for sku in skus[: 1 + n % len(skus)]:
                sequence += 1
                events.append(pos_sale(f"lvb-{sequence}", sequence, "LVB", "R1", sku))
                sold[sku] += 1
            assert pos.send(events).status_code == 202

        n = 0
        while time.time() < deadline:
            sell_round(n)
            n += 1
            time.sleep(0.5)
        storefront.come_back()
        expected = {sku: start - sold[sku] for sku in skus}
        assert storefront.wait_for(
            lambda: all(storefront.available(s) == expected[s] for s in skus),
            timeout=120,
            interval=0.5,
        ), ({s: storefront.available(s) for s in skus}, expected)
        for sku in skus:
            assert on_hand(live_odoo, products[sku], location_id) == expected[sku]
    finally:
        storefront.stop()
