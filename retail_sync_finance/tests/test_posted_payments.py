# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import FinanceMixin


@tagged("post_install", "-at_install")
class TestPostedPayments(FinanceMixin, TransactionCase):
    """A card sale whose capture the payments tier also posted (a
    payment.captured naming the POS receipt): its money is in the books once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.walk_in = cls.env["res.partner"].create({"name": "Store walk-in"})
        cls.channel.payment_partner_id = cls.walk_in
        cls.receivable = cls.walk_in.property_account_receivable_id

    def capture(self, receipt, amount, ref="PAY-CARD-1"):
        payment = super().capture(receipt, amount, ref)
        self.assertEqual(payment.account_payment_id.state, "in_process")
        return payment

    def money_debited(self, payment, *days):
        """What the posted entries of the test debit for card money: the card
        journal's account (the day entries) and the outstanding receipts account
        (the payment posted by the payments tier)."""
        accounts = self.card_account | payment.account_payment_id.outstanding_account_id
        moves = payment.account_payment_id.move_id
        for day in days:
            moves |= day.move_id
        lines = moves.line_ids.filtered(
            lambda line: line.account_id in accounts and line.parent_state == "posted"
        )
        return self.currency.round(sum(lines.mapped("balance")))

    def test_card_capture_posted_by_payments_is_counted_once(self):
        day = self.the_fixture_day()
        payment = self.capture("R-0002", 60.71)
        day.action_build()
        lines = {
            (line.account_id, line.name, line.partner_id): (line.debit, line.credit)
            for line in day.move_id.line_ids
        }
        # The card line is gone: its 60.71 is the walk-in's receivable, which the
        # posted payment credited. Everything else is the hand-computed fixture.
        self.assertNotIn("Payments card", [key[1] for key in lines])
        self.assertEqual(
            lines[
                (
                    self.receivable,
                    "Payments posted as customer payments card",
                    self.walk_in,
                )
            ],
            (60.71, 0.0),
        )
        cash = self.cash_account
        self.assertEqual(
            lines[(cash, "Payments cash", self.env["res.partner"])], (31.85, 0.0)
        )
        round_ = self.currency.round
        debit = round_(sum(day.move_id.line_ids.mapped("debit")))
        credit = round_(sum(day.move_id.line_ids.mapped("credit")))
        self.assertEqual((debit, credit), (113.48, 113.48))
        self.assertEqual(day.settled_payment_ids, payment)
        self.assertEqual(day.settled_amount, 60.71)
        # The Z report's totals still count the card money.
        totals = {(t.kind, t.code): t.recorded_amount for t in day.total_ids}
        self.assertEqual(totals[("method", "card")], 60.71)
        # Rebuilt, it is the same entry.
        before = sorted((k[1], v) for k, v in lines.items())
        day.action_build()
        self.assertEqual(
            sorted(
                (line.name, (line.debit, line.credit)) for line in day.move_id.line_ids
            ),
            before,
        )
        day.action_close_day()
        # Card money debited once in the books (the payment's outstanding
        # receipts), and the receivable is settled: both sides reconciled.
        self.assertEqual(self.money_debited(payment, day), 60.71)
        receivable_lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.receivable.id),
                ("partner_id", "=", self.walk_in.id),
            ]
        )
        self.assertEqual(len(receivable_lines), 2)
        self.assertTrue(all(receivable_lines.mapped("reconciled")))
        self.assertEqual(self.walk_in.credit, 0.0)

    def test_capture_after_the_day_is_posted_moves_it_in_the_next_day(self):
        day = self.the_fixture_day()
        day.action_close_day()
        self.assertEqual(
            day.move_id.line_ids.filtered(
                lambda line: line.name == "Payments card"
            ).debit,
            60.71,
        )
        payment = self.capture("R-0002", 60.71)
        next_day = payment.finance_day_id
        self.assertEqual(str(next_day.business_date), "2026-11-28")
        self.assertIn("PAY-CARD-1", next_day.note)
        next_day.action_close_day()
        lines = {line.name: line.balance for line in next_day.move_id.line_ids}
        self.assertEqual(
            lines,
            {
                "Payments card": -60.71,
                "Payments posted as customer payments card": 60.71,
            },
        )
        self.assertEqual(self.money_debited(payment, day, next_day), 60.71)
        self.assertEqual(self.walk_in.credit, 0.0)

    def test_capture_beyond_the_receipt_settles_only_what_it_paid(self):
        self.apply(
            self.receipt(
                "R-0401", [("T-SOCKS", 1, 5.35, 0, {"V7": 0.35})], [("card", 5.35)]
            )
        )
        self.capture("R-0401", 8.00, ref="PAY-CARD-2")
        day = self.day()
        day.action_build()
        lines = {line.name: line.balance for line in day.move_id.line_ids}
        self.assertEqual(lines["Payments posted as customer payments card"], 5.35)
        self.assertNotIn("Payments card", lines)
        self.assertEqual(day.settled_amount, 5.35)
