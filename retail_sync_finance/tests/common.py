# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command

from odoo.addons.retail_sync_pos.tests.common import StoreMixin


class FinanceMixin(StoreMixin):
    """The POS test store (retail_sync_pos) with finance settings: accounts of its
    own, two taxes included in the POS's prices (V19, V7), cash, card and gift
    card payments, its day in Paris ending at 04:00. Events go through the inbox
    and the real drain."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Day = cls.env["retail.sync.store.day"]
        cls.Receipt = cls.env["retail.sync.finance.receipt"]
        cls.Exception = cls.env["retail.sync.reconciliation.exception"]
        cls.currency = cls.env.company.currency_id
        Account = cls.env["account.account"]

        def account(code, name, kind):
            return Account.create({"code": code, "name": name, "account_type": kind})

        cls.revenue = account("T4001", "Store sales", "income")
        cls.discounts = account("T4009", "Store discounts", "income")
        cls.rounding = account("T6589", "Cash rounding", "expense")
        cls.suspense = account("T4999", "Store differences", "asset_current")
        cls.gift_cards = account("T4190", "Gift cards issued", "liability_current")
        cls.vat_19 = account("T4457", "VAT 19% collected", "liability_current")
        cls.vat_7 = account("T4458", "VAT 7% collected", "liability_current")
        cls.tax_19 = cls.tax("Store VAT 19%", 19, cls.vat_19)
        cls.tax_7 = cls.tax("Store VAT 7%", 7, cls.vat_7)
        Journal = cls.env["account.journal"]
        cls.day_journal = Journal.create(
            {"name": "Store days", "code": "TSDY", "type": "general"}
        )
        cls.cash_journal = Journal.create(
            {"name": "Store cash", "code": "TSCA", "type": "cash"}
        )
        cls.card_journal = Journal.create(
            {"name": "Store cards", "code": "TSCR", "type": "bank"}
        )
        cls.cash_account = cls.cash_journal.default_account_id
        cls.card_account = cls.card_journal.default_account_id
        Method = cls.env["retail.sync.payment.method"]
        for code, journal in (("cash", cls.cash_journal), ("card", cls.card_journal)):
            Method.create(
                {"channel_id": cls.channel.id, "code": code, "journal_id": journal.id}
            )
        Tax = cls.env["retail.sync.finance.tax"]
        for code, tax in (("V19", cls.tax_19), ("V7", cls.tax_7)):
            Tax.create(
                {
                    "channel_id": cls.channel.id,
                    "code": code,
                    "tax_id": tax.id,
                    "price_include": True,
                }
            )
        binding = cls.env["retail.sync.binding"].search(
            [("channel_id", "=", cls.channel.id), ("kind", "=", "store")]
        )
        cls.finance_store = cls.env["retail.sync.finance.store"].create(
            {
                "binding_id": binding.id,
                "tz": "Europe/Paris",
                "cutoff_hour": 4.0,
                "journal_id": cls.day_journal.id,
                "revenue_account_id": cls.revenue.id,
                "discount_account_id": cls.discounts.id,
                "rounding_account_id": cls.rounding.id,
                "difference_account_id": cls.suspense.id,
                "gift_card_account_id": cls.gift_cards.id,
                "gift_card_refs": "T-GIFT",
                "gift_card_methods": "giftcard",
                "total_tolerance": 0.05,
            }
        )

    def setUp(self):
        super().setUp()
        # Each test is a fresh register history (the database rolls back).
        type(self).sequence = 0

    @classmethod
    def tax(cls, name, rate, account):
        def lines():
            return [
                Command.create({"repartition_type": "base"}),
                Command.create({"repartition_type": "tax", "account_id": account.id}),
            ]

        return cls.env["account.tax"].create(
            {
                "name": name,
                "amount": rate,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "invoice_repartition_line_ids": lines(),
                "refund_repartition_line_ids": lines(),
            }
        )

    # ----------------------------------------------------------------- events
    def next_sequence(self):
        type(self).sequence += 1
        return type(self).sequence

    def receipt(self, number, lines, payments, at="2026-11-27T10:00:00+01:00"):
        """A pos.sale.completed: lines are (sku, quantity, unit price, discount,
        {tax code: amount})."""
        return {
            "id": f"sale-{number}",
            "type": "pos.sale.completed",
            "schema_version": 1,
            "occurred_at": at,
            "sequence": self.next_sequence(),
            "data": {
                "store": "TST",
                "register": "R1",
                "receipt_number": number,
                "lines": [
                    {
                        "sku": sku,
                        "quantity": quantity,
                        "unit_price": price,
                        "discount": discount,
                        "taxes": [
                            {"code": code, "amount": amount}
                            for code, amount in taxes.items()
                        ],
                    }
                    for sku, quantity, price, discount, taxes in lines
                ],
                "payments": [
                    {"method": method, "amount": amount} for method, amount in payments
                ],
            },
        }

    def refund(self, number, original, lines, payments, at="2026-11-27T16:00:00+01:00"):
        data = {
            "store": "TST",
            "register": "R1",
            "receipt_number": number,
            "original_receipt_number": original,
            "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines],
        }
        if payments is not None:
            data["payments"] = [
                {"method": method, "amount": amount} for method, amount in payments
            ]
        return {
            "id": f"refund-{number}",
            "type": "pos.refund.completed",
            "schema_version": 1,
            "occurred_at": at,
            "sequence": self.next_sequence(),
            "data": data,
        }

    def z_report(self, date, count, first, last, payments, taxes):
        return {
            "id": f"z-{date}-{count}-{first}-{last}",
            "type": "pos.day.closed",
            "schema_version": 1,
            "occurred_at": f"{date}T23:30:00+01:00",
            "data": {
                "store": "TST",
                "business_date": date,
                "receipt_count": count,
                "first_receipt_number": first,
                "last_receipt_number": last,
                "payments": [{"method": m, "amount": a} for m, a in payments],
                "taxes": [{"code": c, "amount": a} for c, a in taxes],
            },
        }

    def apply(self, *events):
        self.ingest(*events)
        for key in ("pos:TST:R1",):
            self.drain(key)
        for event in events:
            applied = self.event(event["id"])
            if event["type"].startswith("pos.day") or event["type"].startswith(
                "payout"
            ):
                self.drain(applied.ordering_key)
            self.assertEqual(applied.state, "done", applied.error_message)

    def send(self, event):
        """Ingest ``event`` and drain its key: it must end applied."""
        self.ingest(event)
        applied = self.event(event["id"])
        self.drain(applied.ordering_key)
        self.assertEqual(applied.state, "done", applied.error_message)

    def capture(self, receipt, amount, ref="PAY-CARD-1"):
        """A card payment.captured naming a store receipt; its payment row."""
        self.send(
            {
                "id": f"captured-{ref}",
                "type": "payment.captured",
                "schema_version": 1,
                "occurred_at": "2026-11-27T10:01:00+01:00",
                "data": {
                    "payment_ref": ref,
                    "receipt_ref": receipt,
                    "amount": amount,
                    "currency": self.currency.name,
                    "method": "card",
                },
            }
        )
        return self.env["retail.sync.payment"].search(
            [("channel_id", "=", self.channel.id), ("payment_ref", "=", ref)]
        )

    def day(self, date="2026-11-27"):
        return self.Day.search(
            [
                ("finance_store_id", "=", self.finance_store.id),
                ("business_date", "=", date),
            ]
        )

    def the_fixture_day(self):
        """The hand-computed day (see test_store_day): three sales, one refund."""
        self.apply(
            # Two shirts (V19 included) and socks (V7 included), paid cash 29.15
            # for 29.17: 0.02 of cash rounding.
            self.receipt(
                "R-0001",
                [
                    ("T-SHIRT", 2, 11.90, 0, {"V19": 3.80}),
                    ("T-SOCKS", 1, 5.37, 0, {"V7": 0.35}),
                ],
                [("cash", 29.15)],
            ),
            # A shirt with 1.19 off, and a 50.00 gift card, by card.
            self.receipt(
                "R-0002",
                [
                    ("T-SHIRT", 1, 11.90, 1.19, {"V19": 1.71}),
                    ("T-GIFT", 1, 50.00, 0, {}),
                ],
                [("card", 60.71)],
            ),
            # Two pairs of socks, 8.00 from a gift card and 2.70 cash.
            self.receipt(
                "R-0003",
                [("T-SOCKS", 2, 5.35, 0, {"V7": 0.70})],
                [("giftcard", 8.00), ("cash", 2.70)],
            ),
            # One shirt of R-0001 back, cash.
            self.refund("RF-0001", "R-0001", [("T-SHIRT", 1)], [("cash", 11.90)]),
        )
        return self.day()
