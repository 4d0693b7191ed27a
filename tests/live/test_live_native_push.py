"""Native storefronts end to end, live: a platform's own order webhook reserves
stock in Odoo and the resulting figure reaches the platform's own inventory API
(the reference Shopify Admin API and WooCommerce REST API of tests/)."""

import base64
import copy
import hashlib
import hmac
import json
import pathlib
import uuid

import requests
from reference_platforms.shopify_admin import ReferenceShopify
from reference_platforms.woocommerce_rest import ReferenceWooCommerce

FIXTURES = (
    pathlib.Path(__file__).resolve().parents[2]
    / "retail_sync_mapping"
    / "tests"
    / "fixtures"
)
TIMEOUT = 60


def fixture(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


def post_native(live_odoo, code, secret, headers, payload):
    body = json.dumps(payload).encode()
    signature = base64.b64encode(
        hmac.new(secret.encode(), body, hashlib.sha256).digest()
    ).decode()
    return requests.post(
        f"{live_odoo.url}/retail_sync/v1/native/{code}",
        data=body,
        headers={
            "Content-Type": "application/json",
            **headers(signature),
        },
        timeout=TIMEOUT,
    )


def preset(live_odoo, code):
    [mapping_id] = live_odoo.call(
        "retail.sync.mapping",
        "search",
        [("code", "=", code), ("is_preset", "=", True)],
        limit=1,
    )
    return mapping_id


def bind(live_odoo, channel_id, kind, ref, record):
    live_odoo.call(
        "retail.sync.binding",
        "create",
        {
            "channel_id": channel_id,
            "kind": kind,
            "external_ref": ref,
            "record_ref": record,
        },
    )


def shopify_order(order_id, sku, quantity):
    order = copy.deepcopy(fixture("shopify_orders_create"))
    order["id"] = order_id
    line = order["line_items"][0]
    line.update(sku=sku, quantity=quantity)
    order["line_items"] = [line]
    return order


def test_shopify_order_webhook_reserves_and_the_figure_reaches_shopify(live_odoo):
    token, secret = "shpat_live_native", "shpss_live_native"
    shop = ReferenceShopify(token).start()
    try:
        shop.stock("9101", "7001", 0)
        warehouse_id, location_id = live_odoo.create_store("LNSH")
        product_id = live_odoo.create_product("LIVE-NATIVE-LAMP")
        live_odoo.set_stock(product_id, location_id, 20)
        channel_id, _key = live_odoo.create_channel(
            "LNSH-WEB",
            kind="ecommerce",
            fulfilment_warehouse_id=warehouse_id,
            mapping_id=preset(live_odoo, "shopify"),
            native_secret=secret,
            push_url=shop.url,
            push_format="shopify",
            shopify_access_token=token,
            feed_location_ids=[(6, 0, [location_id])],
        )
        bind(live_odoo, channel_id, "product", "9101", f"product.product,{product_id}")
        bind(live_odoo, channel_id, "store", "7001", f"stock.warehouse,{warehouse_id}")
        assert live_odoo.wait_until(
            lambda: shop.available("9101", "7001") == 20, TIMEOUT
        ), "the bindings queue the first figure"

        def headers(webhook_id, topic="orders/create"):
            return lambda signature: {
                "X-Shopify-Topic": topic,
                "X-Shopify-Webhook-Id": webhook_id,
                "X-Shopify-Hmac-Sha256": signature,
                "X-Shopify-Shop-Domain": "live-native.myshopify.com",
                "X-Shopify-API-Version": "2026-04",
            }

        response = post_native(
            live_odoo,
            "LNSH-WEB",
            secret,
            headers(str(uuid.uuid4())),
            shopify_order(5820009000001, "LIVE-NATIVE-LAMP", 2),
        )
        assert response.status_code == 200, response.text
        assert response.json()["result"] == "accepted"
        assert live_odoo.wait_until(
            lambda: shop.available("9101", "7001") == 18, TIMEOUT
        ), f"reservation not pushed: {shop.available('9101', '7001')}"
        sets = [b for _t, kind, b in shop.requests if kind == "set"]
        assert all("@idempotent(key:" in b["query"] for b in sets)
        assert (
            sets[-1]["variables"]["input"]["quantities"][0]["changeFromQuantity"] == 20
        )

        # Shopify's own echo of that push is recognised, not applied back.
        echo = post_native(
            live_odoo,
            "LNSH-WEB",
            secret,
            headers(str(uuid.uuid4()), "inventory_levels/update"),
            {
                "inventory_item_id": 9101,
                "location_id": 7001,
                "available": 18,
                "updated_at": "2026-12-07T12:00:00-05:00",
            },
        )
        assert echo.status_code == 200, echo.text
        assert echo.json()["result"] == "skipped"
        assert "echo of Retail Sync's own push" in echo.json()["message"]

        # A merchant edits the quantity in Shopify; the next push's compare is
        # stale and is retried with the value re-read.
        shop.stock("9101", "7001", 11)
        stale_before = shop.stale_answers
        response = post_native(
            live_odoo,
            "LNSH-WEB",
            secret,
            headers(str(uuid.uuid4())),
            shopify_order(5820009000002, "LIVE-NATIVE-LAMP", 1),
        )
        assert response.status_code == 200, response.text
        assert live_odoo.wait_until(
            lambda: shop.available("9101", "7001") == 17, TIMEOUT
        ), f"not corrected: {shop.available('9101', '7001')}"
        assert shop.stale_answers == stale_before + 1
        last = [b for _t, kind, b in shop.requests if kind == "set"][-1]
        assert last["variables"]["input"]["quantities"][0]["changeFromQuantity"] == 11
        [delivery] = live_odoo.call(
            "retail.sync.delivery",
            "search_read",
            [("channel_id", "=", channel_id), ("topic", "=", "inventory.available")],
            ["state"],
            limit=1,
            order="id desc",
        )
        assert delivery["state"] == "delivered"
    finally:
        shop.stop()


def test_woocommerce_order_webhook_reserves_and_the_figure_reaches_products_batch(
    live_odoo,
):
    key, consumer_secret, secret = "ck_live", "cs_live", "wc_live_native"
    shop = ReferenceWooCommerce(key, consumer_secret).start()
    try:
        shop.add_product(9301, "LIVE-NATIVE-CHAIR", 0)
        warehouse_id, location_id = live_odoo.create_store("LNWC")
        product_id = live_odoo.create_product("LIVE-NATIVE-CHAIR")
        live_odoo.set_stock(product_id, location_id, 12)
        channel_id, _key = live_odoo.create_channel(
            "LNWC-WEB",
            kind="ecommerce",
            fulfilment_warehouse_id=warehouse_id,
            mapping_id=preset(live_odoo, "woocommerce"),
            native_secret=secret,
            push_url=shop.url,
            push_format="woocommerce",
            woocommerce_consumer_key=key,
            woocommerce_consumer_secret=consumer_secret,
            feed_location_ids=[(6, 0, [location_id])],
        )
        bind(live_odoo, channel_id, "product", "9301", f"product.product,{product_id}")
        assert live_odoo.wait_until(lambda: shop.available(9301) == 12, TIMEOUT)
        order = copy.deepcopy(fixture("woocommerce_order_created"))
        order["id"] = 880001
        line = order["line_items"][0]
        line.update(sku="LIVE-NATIVE-CHAIR", quantity=3, product_id=9301)
        order["line_items"] = [line]
        response = post_native(
            live_odoo,
            "LNWC-WEB",
            secret,
            lambda signature: {
                "X-WC-Webhook-Topic": "order.created",
                "X-WC-Webhook-Delivery-ID": str(uuid.uuid4()),
                "X-WC-Webhook-Signature": signature,
                "X-WC-Webhook-Source": "https://live-native.example.com/",
            },
            order,
        )
        assert response.status_code == 200, response.text
        assert response.json()["result"] == "accepted", response.text
        assert live_odoo.wait_until(
            lambda: shop.available(9301) == 9, TIMEOUT
        ), f"reservation not pushed: {shop.available(9301)}"
        batches = [
            body
            for _t, method, path, body in shop.requests
            if method == "POST" and path == "/wp-json/wc/v3/products/batch"
        ]
        assert batches[-1] == {
            "update": [{"id": 9301, "stock_quantity": 9, "manage_stock": True}]
        }
        assert shop.unauthorised == 0, shop.refusals
    finally:
        shop.stop()
