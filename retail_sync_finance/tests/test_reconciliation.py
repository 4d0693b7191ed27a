# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import FinanceMixin

# What the fixture day recorded (see test_store_day): the Z report that agrees.
METHODS = [("cash", 19.95), ("card", 60.71), ("giftcard", 8.00)]
TAXES = [("V19", 3.61), ("V7", 1.05)]


@tagged("post_install", "-at_install")
class TestReconciliation(FinanceMixin, TransactionCase):
    def open_exceptions(self, **where):
        # This test's channel only (the demo data has exceptions of its own).
        domain = [("state", "=", "open"), ("channel_id", "=", self.channel.id)] + [
            (k, "=", v) for k, v in where.items()
        ]
        return self.Exception.search(domain)

    def reconcile(self, report):
        self.apply(report)
        self.env["retail.sync.store.day"]._cron_build_and_reconcile()
        return self.day()

    def test_z_report_that_agrees_reconciles_the_day(self):
        self.the_fixture_day()
        # R-0001 to R-0003 and the refund RF-0001: four receipts, no gap.
        day = self.reconcile(
            self.z_report("2026-11-27", 4, "R-0001", "R-0003", METHODS, TAXES)
        )
        self.assertFalse(self.open_exceptions(), self.open_exceptions().mapped("name"))
        self.assertEqual(day.state, "reconciled")
        self.assertEqual(day.report_id.state, "reconciled")
        cash = day.total_ids.filtered(lambda t: t.code == "cash")
        self.assertEqual((cash.recorded_amount, cash.reported_amount), (19.95, 19.95))

    def test_each_kind_of_day_difference_is_found(self):
        self.the_fixture_day()
        # The store says: 5.00 more cash, 0.10 more V7, 7 receipts, up to R-0005
        # (R-0004 and R-0005 never reached Odoo), and a card refund with no
        # receipt behind it and one paying nothing back.
        self.apply(
            self.refund("RF-0002", "R-0999", [("T-SOCKS", 1)], [("card", 5.35)]),
            self.refund("RF-0003", "R-0003", [("T-SOCKS", 1)], None),
        )
        day = self.reconcile(
            self.z_report(
                "2026-11-27",
                7,
                "R-0001",
                "R-0005",
                [("cash", 24.95), ("card", 55.36), ("giftcard", 8.00)],
                [("V19", 3.61), ("V7", 1.15)],
            )
        )
        found = {(e.kind, e.reference): e.amount for e in self.open_exceptions()}
        self.maxDiff = None
        self.assertEqual(
            found,
            {
                ("method_difference", "cash"): 5.0,
                ("tax_difference", "V7"): 0.45,
                ("count_difference", "1"): 0.0,
                ("missing_receipt", "R-0004"): 0.0,
                ("missing_receipt", "R-0005"): 0.0,
                ("refund_without_payment", "RF-0002"): -5.35,
                ("refund_without_payment", "RF-0003"): -5.35,
            },
        )
        # V7 recorded: 1.05 less the 0.35 of RF-0003's socks = 0.70; RF-0002's
        # socks are refunded untaxed (no receipt to take the tax from).
        self.assertEqual(day.state, "built")
        # Drill-down: the cash difference names the receipts paid in cash.
        cash = self.open_exceptions(kind="method_difference")
        self.assertEqual(
            sorted(cash.receipt_ids.mapped("receipt_number")),
            ["R-0001", "R-0003", "RF-0001"],
        )
        self.assertIn(self.event("sale-R-0001"), cash.event_ids)
        self.assertEqual(cash.owner_id, self.finance_store.accountant_id)

    def test_difference_clears_when_the_missing_receipt_arrives(self):
        self.the_fixture_day()
        self.reconcile(
            self.z_report(
                "2026-11-27",
                5,
                "R-0001",
                "R-0004",
                [("cash", 19.95), ("card", 66.06), ("giftcard", 8.00)],
                [("V19", 3.61), ("V7", 1.40)],
            )
        )
        self.assertEqual(
            sorted(self.open_exceptions().mapped("kind")),
            [
                "count_difference",
                "method_difference",
                "missing_receipt",
                "tax_difference",
            ],
        )
        self.apply(
            self.receipt(
                "R-0004", [("T-SOCKS", 1, 5.35, 0, {"V7": 0.35})], [("card", 5.35)]
            )
        )
        day = self.day()
        day.action_reconcile()
        self.assertFalse(self.open_exceptions())
        resolved = self.Exception.search([("day_id", "=", day.id)])
        self.assertEqual(set(resolved.mapped("resolution")), {"replayed"})
        self.assertEqual(day.state, "reconciled")

    def test_payment_with_no_order_is_found(self):
        self.env["retail.sync.payment"].create(
            {
                "channel_id": self.channel.id,
                "company_id": self.env.company.id,
                "payment_ref": "PAY-77",
                "receipt_ref": "R-0777",
                "amount": 12.5,
                "captured_amount": 12.5,
                "currency_id": self.currency.id,
                "method": "card",
                "state": "captured",
            }
        )
        self.env["retail.sync.store.day"]._cron_build_and_reconcile()
        orphan = self.open_exceptions(kind="payment_without_order")
        self.assertEqual((orphan.reference, orphan.amount), ("PAY-77", 12.5))
        # The receipt arrives: the payment has its order.
        self.apply(
            self.receipt(
                "R-0777", [("T-SHIRT", 1, 12.50, 0, {"V19": 2.00})], [("card", 12.5)]
            )
        )
        self.env["retail.sync.store.day"]._cron_build_and_reconcile()
        self.assertEqual(orphan.state, "resolved")

    def test_each_kind_of_payout_difference_is_found(self):
        Payment = self.env["retail.sync.payment"]
        for ref, amount, refunded in (("P1", 40.0, 0.0), ("P2", 60.0, 10.0)):
            Payment.create(
                {
                    "channel_id": self.channel.id,
                    "company_id": self.env.company.id,
                    "payment_ref": ref,
                    "receipt_ref": "R-0001",
                    "amount": amount,
                    "captured_amount": amount,
                    "refunded_amount": refunded,
                    "currency_id": self.currency.id,
                    "method": "card",
                    "state": "captured",
                }
            )
        payout = {
            "id": "payout-1",
            "type": "payout.reported",
            "schema_version": 1,
            "occurred_at": "2026-11-29T06:00:00+01:00",
            "data": {
                "payout_ref": "PO-1",
                "currency": self.currency.name,
                # Gross counts P2 at 61.00 and an unknown P9; refunds 12 not 10;
                # net 100.00 is not 111.00 - 2.00 - 12.00.
                "gross": 111.0,
                "fees": 2.0,
                "refunds": 12.0,
                "net": 100.0,
                "payments": [
                    {"payment_ref": "P1", "amount": 40.0},
                    {"payment_ref": "P2", "amount": 61.0},
                    {"payment_ref": "P9", "amount": 10.0},
                ],
            },
        }
        self.apply(payout)
        self.env["retail.sync.payout"]._reconcile_pending()
        found = {(e.kind, e.reference): e.amount for e in self.open_exceptions()}
        self.assertEqual(
            found,
            {
                ("payout_unknown_payment", "P9"): 10.0,
                ("payout_payment_amount", "P2"): 1.0,
                ("payout_gross", "PO-1"): 11.0,
                ("payout_refunds", "PO-1"): 2.0,
                ("payout_net", "PO-1"): 3.0,
            },
        )

    def test_resolution_by_manual_entry_needs_it_posted(self):
        self.the_fixture_day()
        self.reconcile(
            self.z_report(
                "2026-11-27",
                4,
                "R-0001",
                "R-0003",
                [("cash", 20.95)] + METHODS[1:],
                TAXES,
            )
        )
        exception = self.open_exceptions(kind="method_difference")
        action = exception.action_manual_entry()
        move = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(exception.move_id, move)
        with self.assertRaises(Exception):  # noqa: B017 - UserError: not posted
            exception.action_resolve_by_entry()
        move.write(
            {
                "line_ids": [
                    (0, 0, {"account_id": self.cash_account.id, "debit": 1.0}),
                    (0, 0, {"account_id": self.suspense.id, "credit": 1.0}),
                ]
            }
        )
        move.action_post()
        exception.action_resolve_by_entry()
        self.assertEqual(
            (exception.state, exception.resolution), ("resolved", "manual")
        )
        # The same difference found again stays resolved.
        self.day().action_reconcile()
        self.assertEqual(exception.state, "resolved")
