"""POS sales against a live server: concurrent drains move one product's stock."""

import random
from concurrent.futures import ThreadPoolExecutor

import requests


def make_store_with_stock(live_odoo, code, sku, quantity):
    warehouse_id = live_odoo.call(
        "stock.warehouse", "create", {"name": f"Live store {code}", "code": code}
    )
    [warehouse] = live_odoo.call(
        "stock.warehouse", "read", [warehouse_id], ["lot_stock_id"]
    )
    location_id = warehouse["lot_stock_id"][0]
    product_id = live_odoo.call(
        "product.product",
        "create",
        {"name": f"Live product {sku}", "default_code": sku, "is_storable": True},
    )
    quant_id = live_odoo.call(
        "stock.quant",
        "create",
        {
            "product_id": product_id,
            "location_id": location_id,
            "inventory_quantity": quantity,
        },
        context={"inventory_mode": True},
    )
    live_odoo.call("stock.quant", "action_apply_inventory", [quant_id])
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
        {
            "id": f"live-sale-{register}-{n}",
            "type": "pos.sale.completed",
            "schema_version": 1,
            "occurred_at": "2026-11-27T10:00:00+01:00",
            "sequence": n,
            "data": {
                "store": "LV1",
                "register": f"R{register}",
                "receipt_number": f"{register}-{n}",
                "lines": [{"sku": "LIVE-SKU-1", "quantity": 1, "unit_price": 9.9}],
                "payments": [{"method": "cash", "amount": 9.9}],
            },
        }
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
