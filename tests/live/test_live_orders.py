"""A web order's life, live: its capture, a partial shipment validated by a
warehouse clerk as the Odoo UI does it, two refunds; the storefront receives every
status, in order, signed, versions rising."""

import time

import pytest
from reference_channel.server import ReferenceChannel

STATUS_TIMEOUT = 60
# What the web client sends with every call of a user's session.
UI_CONTEXT = {"lang": "en_US", "tz": "UTC"}


def event(event_id, event_type, data):
    return {
        "id": event_id,
        "type": event_type,
        "schema_version": 1,
        "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "data": data,
    }


class Clerk:
    """A warehouse user (Inventory / User) calling what the UI's buttons call, over
    JSON-RPC with their own login."""

    def __init__(self, live_odoo, login, password):
        self.odoo, self.password = live_odoo, password
        self.uid = live_odoo._jsonrpc(
            "common", "login", live_odoo.database, login, password
        )
        assert self.uid, "the clerk can log in"

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", dict(UI_CONTEXT))
        return self.odoo._jsonrpc(
            "object",
            "execute_kw",
            self.odoo.database,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def ship_partially(self, picking_id, move_id, quantity, tracking_ref):
        """In the delivery's form: set the tracking reference and the quantity
        picked, save; Validate; in the "Create Backorder?" dialog, Create Backorder.
        Returns what the last button returned."""
        self.call(
            "stock.picking",
            "web_save",
            [picking_id],
            {
                "carrier_tracking_ref": tracking_ref,
                "move_ids_without_package": [[1, move_id, {"quantity": quantity}]],
            },
            specification={"state": {}},
        )
        action = self.call("stock.picking", "button_validate", [picking_id])
        assert isinstance(action, dict), action
        assert action["res_model"] == "stock.backorder.confirmation"
        context = dict(UI_CONTEXT, **action["context"])
        [wizard] = self.call(
            "stock.backorder.confirmation",
            "web_save",
            [],
            {},
            specification={"pick_ids": {}},
            context=context,
        )
        return self.call(
            "stock.backorder.confirmation", "process", [wizard["id"]], context=context
        )


@pytest.fixture
def storefront():
    channel = ReferenceChannel().start()
    yield channel
    channel.stop()


def setup_shop(live_odoo, run, storefront):
    """A warehouse with 10 lamps, a storefront pushing to ``storefront`` (signed),
    its card payments mapped to a bank journal, and a warehouse clerk."""
    warehouse_id, location_id = live_odoo.create_store(f"L{run[-4:]}")
    sku = f"{run}-LAMP"
    product_id = live_odoo.call(
        "product.product",
        "create",
        {
            "name": f"Live lamp {run}",
            "default_code": sku,
            "is_storable": True,
            # Untaxed: the order total is what the storefront captures.
            "taxes_id": [(6, 0, [])],
        },
    )
    live_odoo.set_stock(product_id, location_id, 10)
    code = f"{run}-WEB"
    channel_id, key = live_odoo.create_channel(
        code,
        kind="ecommerce",
        push_url=storefront.url,
        fulfilment_warehouse_id=warehouse_id,
    )
    action = live_odoo.call(
        "retail.sync.channel", "action_rotate_push_secret", [channel_id]
    )
    [wizard] = live_odoo.call(
        "retail.sync.secret.wizard", "read", [action["res_id"]], ["secret"]
    )
    storefront.secret = wizard["secret"]
    journal_id = live_odoo.call(
        "account.journal",
        "create",
        {"name": f"Live card {run}", "code": f"C{run[-4:]}", "type": "bank"},
    )
    live_odoo.call(
        "retail.sync.payment.method",
        "create",
        {"channel_id": channel_id, "code": "card", "journal_id": journal_id},
    )
    login, password = f"{run}-clerk", f"{run}-Clerk-pw-1"
    live_odoo.call(
        "res.users",
        "create",
        {
            "name": f"Live clerk {run}",
            "login": login,
            # Validating posts to the delivery's chatter, from the user's address.
            "email": f"{login}@example.com",
            "password": password,
            "groups_id": [(6, 0, [live_odoo.ref("stock.group_stock_user")])],
        },
    )
    return {
        "channel_id": channel_id,
        "key": key,
        "sku": sku,
        "product_id": product_id,
        "location_id": location_id,
        "journal_id": journal_id,
        "clerk": Clerk(live_odoo, login, password),
    }


def wait_status(storefront, order_ref, status, payment_status):
    """Until the storefront's latest status of the order is that one."""

    def reached():
        entry = storefront.order_status(order_ref)
        return bool(entry) and (entry["status"], entry["payment"]["status"]) == (
            status,
            payment_status,
        )

    assert storefront.wait_for(reached, STATUS_TIMEOUT, 0.1), (
        status,
        payment_status,
        storefront.order_statuses.get(order_ref),
    )
    return storefront.order_status(order_ref)


def test_order_capture_ui_partial_shipment_refunds_reach_the_storefront_in_order(
    live_odoo, storefront
):
    run = f"lo{int(time.time())}"
    shop = setup_shop(live_odoo, run, storefront)
    key, sku = shop["key"], shop["sku"]
    order_ref, payment_ref = f"{run}-1001", f"{run}-PAY-1"

    # The web order: 3 lamps at 20.00, reserved at once.
    response = live_odoo.post(
        key,
        event(
            f"{order_ref}-created",
            "ecom.order.created",
            {
                "order_ref": order_ref,
                "lines": [{"sku": sku, "quantity": 3, "unit_price": 20.0}],
                "customer": {"email": f"{run}@example.com", "name": "Live Customer"},
            },
        ),
    )
    assert response.status_code == 202, response.text
    reserved = wait_status(storefront, order_ref, "reserved", "unpaid")
    assert reserved["fulfilment"] == {"status": "reserved", "shipments": []}
    [sale_order] = live_odoo.call(
        "sale.order",
        "search_read",
        [("client_order_ref", "=", order_ref)],
        ["name", "amount_total", "currency_id"],
    )
    assert sale_order["amount_total"] == 60.0
    assert reserved["sale_order"] == sale_order["name"]
    currency = sale_order["currency_id"][1]

    # Its capture, delivered twice by the storefront, and again under a new id.
    capture = event(
        f"{payment_ref}-captured",
        "payment.captured",
        {
            "payment_ref": payment_ref,
            "order_ref": order_ref,
            "amount": 60.0,
            "currency": currency,
            "method": "card",
        },
    )
    assert live_odoo.post(key, capture).status_code == 202
    assert live_odoo.post(key, capture).status_code == 200, "duplicate"
    paid = wait_status(storefront, order_ref, "paid", "paid")
    assert (paid["payment"]["paid"], paid["payment"]["refunded"]) == (60.0, 0.0)
    assert paid["payment"]["currency"] == currency
    resent = dict(capture, id=f"{payment_ref}-captured-resent")
    assert live_odoo.post(key, resent).status_code == 202

    # A warehouse clerk ships 1 of the 3 lamps, leaving a backorder.
    [delivery] = live_odoo.call(
        "stock.picking",
        "search_read",
        [("sale_id", "=", sale_order["id"]), ("picking_type_code", "=", "outgoing")],
        ["move_ids", "state"],
    )
    assert delivery["state"] == "assigned"
    [move_id] = delivery["move_ids"]
    shop["clerk"].ship_partially(delivery["id"], move_id, 1, f"TRK-{run}")
    shipped = wait_status(storefront, order_ref, "partially_shipped", "paid")
    assert shipped["fulfilment"]["status"] == "partially_shipped"
    [shipment] = shipped["fulfilment"]["shipments"]
    assert shipment["tracking_ref"] == f"TRK-{run}"
    assert shipment["lines"] == [{"sku": sku, "quantity": 1.0}]
    pickings = live_odoo.call(
        "stock.picking",
        "search_read",
        [("sale_id", "=", sale_order["id"]), ("picking_type_code", "=", "outgoing")],
        ["state", "backorder_id", "move_ids"],
        order="id",
    )
    assert [p["state"] for p in pickings] == ["done", "assigned"]
    assert pickings[1]["backorder_id"][0] == delivery["id"]
    [backorder_move] = live_odoo.call(
        "stock.move", "read", pickings[1]["move_ids"], ["product_uom_qty", "quantity"]
    )
    assert (backorder_move["product_uom_qty"], backorder_move["quantity"]) == (2, 2)

    # Refunds: one lamp (20.00), then the rest (40.00).
    first_refund = event(
        f"{run}-REF-1-issued",
        "refund.issued",
        {
            "refund_ref": f"{run}-REF-1",
            "payment_ref": payment_ref,
            "order_ref": order_ref,
            "amount": 20.0,
            "currency": currency,
            "lines": [{"sku": sku, "quantity": 1, "amount": 20.0}],
        },
    )
    assert live_odoo.post(key, first_refund).status_code == 202
    assert live_odoo.post(key, first_refund).status_code == 200, "duplicate"
    partly = wait_status(
        storefront, order_ref, "partially_shipped", "partially_refunded"
    )
    assert (partly["payment"]["paid"], partly["payment"]["refunded"]) == (60.0, 20.0)
    second_refund = event(
        f"{run}-REF-2-issued",
        "refund.issued",
        {
            "refund_ref": f"{run}-REF-2",
            "payment_ref": payment_ref,
            "order_ref": order_ref,
            "amount": 40.0,
            "currency": currency,
            "lines": [{"sku": sku, "quantity": 2, "amount": 40.0}],
        },
    )
    assert live_odoo.post(key, second_refund).status_code == 202
    refunded = wait_status(storefront, order_ref, "refunded", "refunded")
    assert (refunded["payment"]["paid"], refunded["payment"]["refunded"]) == (
        60.0,
        60.0,
    )
    # Every event applied, none waiting or dead.
    assert live_odoo.wait_until(
        lambda: live_odoo.count_events(shop["channel_id"], [("state", "!=", "done")])
        == 0,
        30,
    ), live_odoo.events(
        shop["channel_id"], ["external_id", "state"], [("state", "!=", "done")]
    )

    # The storefront received every status once, in order, versions rising.
    time.sleep(2)  # a late extra push would show here
    history = storefront.order_statuses[order_ref]
    assert [(e["status"], e["payment"]["status"]) for e in history] == [
        ("reserved", "unpaid"),
        ("paid", "paid"),
        ("partially_shipped", "paid"),
        ("partially_shipped", "partially_refunded"),
        ("refunded", "refunded"),
    ]
    versions = [entry["version"] for entry in history]
    assert versions == sorted(set(versions)), versions
    assert storefront.out_of_order == []
    # Signed: the reference storefront verified every push (Standard Webhooks).
    pushes = [
        (headers, verified)
        for _at, headers, body, verified in storefront.received
        if body.get("type") == "order.status"
    ]
    assert len(pushes) >= len(history)
    assert all(verified for _headers, verified in pushes)
    assert all(h["webhook-signature"].startswith("v1,") for h, _v in pushes)
    assert storefront.rejected_signatures == 0

    # In Odoo: one posted payment for the capture, whatever the redeliveries; a
    # posted credit note and refund payment per refund.
    payments = live_odoo.call(
        "account.payment",
        "search_read",
        [("payment_reference", "=", payment_ref), ("payment_type", "=", "inbound")],
        ["amount", "state", "journal_id"],
    )
    assert [(p["amount"], p["journal_id"][0]) for p in payments] == [
        (60.0, shop["journal_id"])
    ]
    assert payments[0]["state"] in ("in_process", "paid")
    refunds = live_odoo.call(
        "retail.sync.refund",
        "search_read",
        [("refund_ref", "in", [f"{run}-REF-1", f"{run}-REF-2"])],
        ["refund_ref", "amount", "credit_note_id", "refund_payment_id"],
        order="refund_ref",
    )
    assert [(r["refund_ref"], r["amount"]) for r in refunds] == [
        (f"{run}-REF-1", 20.0),
        (f"{run}-REF-2", 40.0),
    ]
    notes = live_odoo.call(
        "account.move",
        "read",
        [r["credit_note_id"][0] for r in refunds],
        ["move_type", "state", "amount_total"],
    )
    assert [(n["move_type"], n["state"], n["amount_total"]) for n in notes] == [
        ("out_refund", "posted", 20.0),
        ("out_refund", "posted", 40.0),
    ]
    refund_payments = live_odoo.call(
        "account.payment",
        "search_read",
        [
            ("payment_reference", "in", [f"{run}-REF-1", f"{run}-REF-2"]),
            ("payment_type", "=", "outbound"),
        ],
        ["amount"],
    )
    assert sorted(p["amount"] for p in refund_payments) == [20.0, 40.0]
