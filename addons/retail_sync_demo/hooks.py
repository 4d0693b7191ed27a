# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# On-hand quantity of each demo product (by SKU) per warehouse code.
DEMO_STOCK = {
    "WH": {"RS-TEE-BLK-M": 120, "RS-TEE-WHT-M": 80, "RS-SNK-42": 40, "RS-CAP-RED": 60,
           "RS-JKT-NAVY-L": 25, "RS-BAG-TOTE": 150},
    "PAR": {"RS-TEE-BLK-M": 12, "RS-TEE-WHT-M": 9, "RS-SNK-42": 4, "RS-CAP-RED": 7,
            "RS-JKT-NAVY-L": 3, "RS-BAG-TOTE": 20},
    "LYO": {"RS-TEE-BLK-M": 8, "RS-TEE-WHT-M": 6, "RS-SNK-42": 2, "RS-CAP-RED": 5,
            "RS-JKT-NAVY-L": 2, "RS-BAG-TOTE": 14},
    "MRS": {"RS-TEE-BLK-M": 6, "RS-TEE-WHT-M": 5, "RS-SNK-42": 3, "RS-CAP-RED": 4,
            "RS-JKT-NAVY-L": 1, "RS-BAG-TOTE": 10},
}  # fmt: skip


def post_init_hook(env):
    """Put the demo products on hand in the central warehouse and in every store,
    map the web shop's card payments to the bank journal, and play one web order's
    lifecycle through the pipeline."""
    _put_stock_on_hand(env)
    _map_web_payments(env)
    _play_web_order_lifecycle(env)
    _play_customers(env)


def _put_stock_on_hand(env):
    Quant = env["stock.quant"]
    for warehouse_code, quantities in DEMO_STOCK.items():
        warehouse = env["stock.warehouse"].search(
            [("code", "=", warehouse_code), ("company_id", "=", env.company.id)],
            limit=1,
        )
        for sku, quantity in quantities.items():
            product = env["product.product"].search([("default_code", "=", sku)])
            Quant._update_available_quantity(product, warehouse.lot_stock_id, quantity)


def _map_web_payments(env):
    web = env.ref("retail_sync_demo.retail_sync_channel_web_shop")
    if not web.company_id.chart_template:
        # account loads a chart only once every module is loaded; the demo's
        # payments need its journals now.
        Chart = env["account.chart.template"]
        Chart.try_loading(
            Chart._guess_chart_template(web.company_id.country_id), web.company_id
        )
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", web.company_id.id)], limit=1
    )
    if bank:
        env["retail.sync.payment.method"].create(
            {"channel_id": web.id, "code": "card", "journal_id": bank.id}
        )


def _event(event_id, event_type, data):
    return {
        "id": event_id,
        "type": event_type,
        "schema_version": 1,
        "occurred_at": "2026-12-01T09:00:00+00:00",
        "data": data,
    }


def _apply(env, channel, *events):
    """Store the events as a channel's request would, and apply them here (not by
    the job runner: the install leaves no job behind)."""
    Job = env["queue.job"]
    before = set(Job.search([]).ids)
    reception = env["retail.sync.event"]._receive_events(channel, list(events))
    assert all(outcome.stored for outcome in reception.outcomes), reception.outcomes
    Drain = env["retail.sync.drain"]
    for event in env["retail.sync.event"].search(
        [
            ("channel_id", "=", channel.id),
            ("external_id", "in", [e["id"] for e in events]),
        ]
    ):
        Drain._drain_key(channel.id, event.ordering_key)
    Job.search([("id", "not in", list(before))]).unlink()


def _play_web_order_lifecycle(env):
    """DEMO-1001: ordered on the web shop (two tees), paid by card, one tee shipped
    by the 3PL with its tracking number, then that tee refunded and restocked."""
    web = env.ref("retail_sync_demo.retail_sync_channel_web_shop")
    tpl = env.ref("retail_sync_demo.retail_sync_channel_3pl")
    _apply(
        env,
        web,
        _event(
            "DEMO-1001-created",
            "ecom.order.created",
            {
                "order_ref": "DEMO-1001",
                "lines": [{"sku": "RS-TEE-BLK-M", "quantity": 2, "unit_price": 19.9}],
                "customer": {"email": "camille@example.com", "name": "Camille Demo"},
            },
        ),
    )
    order = env["sale.order"].search([("client_order_ref", "=", "DEMO-1001")])
    if not env["retail.sync.payment.method"].search([("channel_id", "=", web.id)]):
        return
    total = order.amount_total
    _apply(
        env,
        web,
        _event(
            "DEMO-1001-captured",
            "payment.captured",
            {
                "payment_ref": "DEMO-PAY-1001",
                "order_ref": "DEMO-1001",
                "amount": total,
                "currency": order.currency_id.name,
                "method": "card",
            },
        ),
    )
    _apply(
        env,
        tpl,
        _event(
            "DEMO-SHIP-1001",
            "shipment.confirmed",
            {
                "shipment_ref": "DEMO-SHIP-1001",
                "storefront": web.code,
                "order_ref": "DEMO-1001",
                "carrier": "DHL",
                "tracking_ref": "JD014600003",
                "lines": [{"sku": "RS-TEE-BLK-M", "quantity": 1}],
            },
        ),
    )
    _apply(
        env,
        web,
        _event(
            "DEMO-REF-1001",
            "refund.issued",
            {
                "refund_ref": "DEMO-REF-1001",
                "payment_ref": "DEMO-PAY-1001",
                "order_ref": "DEMO-1001",
                "amount": order.currency_id.round(total / 2),
                "currency": order.currency_id.name,
                "reason": "too small",
                "lines": [
                    {
                        "sku": "RS-TEE-BLK-M",
                        "quantity": 1,
                        "amount": order.currency_id.round(total / 2),
                        "restock": True,
                    }
                ],
            },
        ),
    )


def _play_customers(env):
    """Customers signed up at the web shop and at the Paris till: one with a French
    number in national form (stored in E.164), one whose number does not parse (kept
    and flagged), the same person at the till (matched by email) and one whose email
    two Odoo contacts share (waiting for review)."""
    web = env.ref("retail_sync_demo.retail_sync_channel_web_shop")
    paris = env.ref("retail_sync_demo.retail_sync_channel_store_paris")
    _apply(
        env,
        web,
        _event(
            "CUSTDEMO-1",
            "customer.upserted",
            {
                "customer_id": "WEB-C-1",
                "name": "Léa Dubois",
                "emails": ["Lea.Dubois@Example.com"],
                "phones": [{"number": "06 12 34 56 78", "kind": "mobile"}],
                "addresses": [
                    {
                        "street": "12 rue de Rivoli",
                        "zip": "75001",
                        "city": "Paris",
                        "country_code": "FR",
                    }
                ],
                "marketing_consent": {"email": True, "sms": False},
            },
        ),
        _event(
            "CUSTDEMO-2",
            "customer.upserted",
            {
                "customer_id": "WEB-C-2",
                "name": "Hugo Bernard",
                "emails": ["hugo.bernard@example.com"],
                "phones": [{"number": "call after 6pm"}],
            },
        ),
        _event(
            "CUSTDEMO-3",
            "customer.upserted",
            {
                "customer_id": "WEB-C-3",
                "name": "Camille Martin",
                "emails": ["camille.martin@example.com"],
            },
        ),
    )
    _apply(
        env,
        paris,
        _event(
            "CUSTDEMO-4",
            "customer.upserted",
            {
                "customer_id": "PAR-C-77",
                "name": "Léa Dubois",
                "emails": ["lea.dubois@example.com"],
                "loyalty_id": "PAR-LOYAL-0077",
            },
        ),
    )
