"""POS sales against a live server: concurrent drains move one product's stock."""

import random
from concurrent.futures import ThreadPoolExecutor

import requests
from reference_channel.server import pos_sale


def make_store_with_stock(live_odoo, code, sku, quantity):
    warehouse_id, location_id = live_odoo.create_store(code)
    product_id = live_odoo.create_product(sku)
    live_odoo.set_stock(product_id, location_id, quantity)
    return warehouse_id, location_id, product_id


def on_hand(live_odoo, product_id, location_id):
    [product] = live_odoo.call(
        "product.product",
        "read",
        [product_id],
        ["qty_available"],
        context={"location": location_id},
    )
    return product["qty_available"]


def test_two_hundred_concurrent_sales_leave_the_exact_quantity(live_odoo):
    warehouse_id, location_id, product_id = make_store_with_stock(
        live_odoo, "LV1", "LIVE-SKU-1", 500
    )
    channel_id, key = live_odoo.create_channel("LIVE-POS")
    live_odoo.call(
        "retail.sync.binding",
        "create",
        {
            "channel_id": channel_id,
            "kind": "store",
            "external_ref": "LV1",
            "record_ref": f"stock.warehouse,{warehouse_id}",
        },
    )
    sales = [
        pos_sale(f"live-sale-{register}-{n}", n, "LV1", f"R{register}", "LIVE-SKU-1")
        for register in range(20)
        for n in range(1, 11)
    ]
    random.Random(7).shuffle(sales)
    batches = [{"events": sales[i : i + 10]} for i in range(0, len(sales), 10)]

    def deliver(batch):
        with requests.Session() as session:
            return live_odoo.post(key, batch, session=session).status_code

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(deliver, batches)) == {202}
    assert live_odoo.wait_until(
        lambda: live_odoo.count_events(channel_id, [("state", "=", "done")]) == 200,
        timeout=180,
        interval=1,
    ), live_odoo.call(
        "retail.sync.event",
        "read_group",
        [("channel_id", "=", channel_id)],
        ["state"],
        ["state"],
    )
    assert on_hand(live_odoo, product_id, location_id) == 300
