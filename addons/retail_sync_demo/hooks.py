# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command

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
    lifecycle, customers and a Paris store day through the pipeline."""
    _put_stock_on_hand(env)
    _map_web_payments(env)
    _play_web_order_lifecycle(env)
    _play_customers(env)
    _play_store_day(env)


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


def _event(event_id, event_type, data, at="2026-12-01T09:00:00+00:00", **extra):
    return {
        "id": event_id,
        "type": event_type,
        "schema_version": 1,
        "occurred_at": at,
        "data": data,
        **extra,
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


def _finance_settings(env, paris):
    """The Paris store's books: accounts and two taxes included in its prices
    (VAT 20 % and 10 %, POS codes TVA20 and TVA10), a day journal, cash and card
    mapped to the chart's cash and bank journals, the walk-in customer its card
    captures are posted for, and its day (Paris time, ending at 04:00)."""
    company = paris.company_id
    Account = env["account.account"]

    def account(code, name, kind):
        return Account.search(
            [("code", "=", code), ("company_ids", "in", company.id)], limit=1
        ) or Account.create({"code": code, "name": name, "account_type": kind})

    def tax(rate, collected):
        def lines():
            return [
                Command.create({"repartition_type": "base"}),
                Command.create({"repartition_type": "tax", "account_id": collected.id}),
            ]

        return env["account.tax"].create(
            {
                "name": f"Store VAT {rate}% (included)",
                "amount": rate,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "invoice_repartition_line_ids": lines(),
                "refund_repartition_line_ids": lines(),
            }
        )

    for code, rate, collected in (
        (
            "TVA20",
            20,
            account("445720", "VAT 20% collected (stores)", "liability_current"),
        ),
        (
            "TVA10",
            10,
            account("445710", "VAT 10% collected (stores)", "liability_current"),
        ),
    ):
        env["retail.sync.finance.tax"].create(
            {
                "channel_id": paris.id,
                "code": code,
                "tax_id": tax(rate, collected).id,
                "price_include": True,
            }
        )
    Journal = env["account.journal"]
    for code, kind in (("cash", "cash"), ("card", "bank")):
        journal = Journal.search(
            [("type", "=", kind), ("company_id", "=", company.id)], limit=1
        )
        if journal:
            env["retail.sync.payment.method"].create(
                {"channel_id": paris.id, "code": code, "journal_id": journal.id}
            )
    paris.payment_partner_id = env["res.partner"].create(
        {"name": "Paris store walk-in customers", "company_id": company.id}
    )
    binding = env.ref("retail_sync_demo.retail_sync_binding_paris_store")
    return env["retail.sync.finance.store"].create(
        {
            "binding_id": binding.id,
            "tz": "Europe/Paris",
            "cutoff_hour": 4.0,
            "journal_id": Journal.create(
                {"name": "Store days", "code": "STDAY", "type": "general"}
            ).id,
            "revenue_account_id": account("707100", "Store sales", "income").id,
            "discount_account_id": account("709100", "Store discounts", "income").id,
            "rounding_account_id": account("658100", "Cash rounding", "expense").id,
            "difference_account_id": account(
                "471100", "Store differences under review", "asset_current"
            ).id,
            "gift_card_account_id": account(
                "419100", "Gift cards issued", "liability_current"
            ).id,
            "accountant_id": env.ref("base.user_admin").id,
        }
    )


def _sale(number, sequence, at, lines, payments, refunds=None):
    """A Paris till's receipt: lines are (sku, quantity, unit price, discount,
    tax code, tax amount)."""
    data = {
        "store": "PAR",
        "register": "PAR-1",
        "receipt_number": number,
        "lines": [
            {
                "sku": sku,
                "quantity": quantity,
                **({"unit_price": price} if not refunds else {}),
                **({"discount": discount} if discount else {}),
                **({"taxes": [{"code": code, "amount": tax}]} if not refunds else {}),
            }
            for sku, quantity, price, discount, code, tax in lines
        ],
        "payments": [{"method": m, "amount": a} for m, a in payments],
    }
    if refunds:
        data["original_receipt_number"] = refunds
    kind = "refund" if refunds else "sale"
    return _event(
        f"{number}-{kind}", f"pos.{kind}.completed", data, at=at, sequence=sequence
    )


def _play_store_day(env):
    """A day of the Paris store in the books: five receipts (cash, card, two
    VAT rates, a discount, two refunds) through the pipeline; the card capture
    of one of them, and its card refund, also posted by the payments tier (a
    customer payment, a credit note and a refund payment: settled in the day
    entry, not counted twice); the day built by the finance cron; then the
    store's Z report, which counts 2.00 less cash than the receipts: one
    exception to look at."""
    paris = env.ref("retail_sync_demo.retail_sync_channel_store_paris")
    if not env["retail.sync.payment.method"].search([("channel_id", "=", paris.id)]):
        _finance_settings(env, paris)
    _apply(
        env,
        paris,
        _sale(
            "PAR-000101",
            1,
            "2026-12-01T09:10:00+00:00",
            [
                ("RS-CAP-RED", 1, 25.0, 0, "TVA20", 4.17),
                ("RS-BAG-TOTE", 1, 12.0, 0, "TVA10", 1.09),
            ],
            [("cash", 37.0)],
        ),
        _sale(
            "PAR-000102",
            2,
            "2026-12-01T10:30:00+00:00",
            [("RS-SNK-42", 1, 89.0, 8.9, "TVA20", 13.35)],
            [("card", 80.1)],
        ),
        _sale(
            "PAR-000103",
            3,
            "2026-12-01T14:00:00+00:00",
            [("RS-BAG-TOTE", 2, 12.0, 0, "TVA10", 2.18)],
            [("card", 24.0)],
        ),
        _sale(
            "PAR-000104",
            4,
            "2026-12-01T16:00:00+00:00",
            [("RS-CAP-RED", 1, 0, 0, None, 0)],
            [("cash", 25.0)],
            refunds="PAR-000101",
        ),
        _sale(
            "PAR-000105",
            5,
            "2026-12-01T17:00:00+00:00",
            [("RS-SNK-42", 1, 0, 0, None, 0)],
            [("card", 80.1)],
            refunds="PAR-000102",
        ),
    )
    _apply(
        env,
        paris,
        _event(
            "PAR-PAY-000102",
            "payment.captured",
            {
                "payment_ref": "PAR-PAY-000102",
                "receipt_ref": "PAR-000102",
                "amount": 80.1,
                "currency": paris.company_id.currency_id.name,
                "method": "card",
            },
            at="2026-12-01T10:30:05+00:00",
        ),
    )
    _apply(
        env,
        paris,
        # The sneakers came back: the card provider reports the refund too.
        _event(
            "PAR-REF-000105",
            "refund.issued",
            {
                "refund_ref": "PAR-REF-000105",
                "payment_ref": "PAR-PAY-000102",
                "receipt_ref": "PAR-000102",
                "amount": 80.1,
                "currency": paris.company_id.currency_id.name,
                "reason": "Wrong size",
                "lines": [{"sku": "RS-SNK-42", "quantity": 1, "amount": 80.1}],
            },
            at="2026-12-01T17:00:05+00:00",
        ),
    )
    Day = env["retail.sync.store.day"]
    Day._cron_build_and_reconcile()
    _apply(
        env,
        paris,
        _event(
            "PAR-Z-2026-12-01",
            "pos.day.closed",
            {
                "store": "PAR",
                "business_date": "2026-12-01",
                "receipt_count": 5,
                "first_receipt_number": "PAR-000101",
                "last_receipt_number": "PAR-000105",
                # 37.00 - 25.00 = 12.00 of cash: the till counted 10.00.
                "payments": [
                    {"method": "cash", "amount": 10.0},
                    {"method": "card", "amount": 24.0},
                ],
                "taxes": [
                    {"code": "TVA20", "amount": 0.0},
                    {"code": "TVA10", "amount": 3.27},
                ],
            },
            at="2026-12-01T19:30:00+00:00",
        ),
    )
    Day._cron_build_and_reconcile()
    # The stock moves of the day's receipts, as the 10-minute settlement builds them.
    env["retail.sync.stock.movement"]._settle()
