# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import FinanceMixin


@tagged("post_install", "-at_install")
class TestPostedRefunds(FinanceMixin, TransactionCase):
    """A store refund that the payments tier also paid back (a refund.issued
    naming the POS receipt: a credit note and a refund payment) while the POS
    sent its refund receipt: the refund is in the books once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.walk_in = cls.env["res.partner"].create({"name": "Store walk-in"})
        cls.channel.payment_partner_id = cls.walk_in

    def issue_refund(self, ref, payment_ref, receipt, sku, quantity, amount):
        self.send(
            {
                "id": f"issued-{ref}",
                "type": "refund.issued",
                "schema_version": 1,
                "occurred_at": "2026-11-27T16:01:00+01:00",
                "data": {
                    "refund_ref": ref,
                    "payment_ref": payment_ref,
                    "receipt_ref": receipt,
                    "amount": amount,
                    "currency": self.currency.name,
                    "lines": [{"sku": sku, "quantity": quantity, "amount": amount}],
                },
            }
        )
        refund = self.env["retail.sync.refund"].search(
            [("channel_id", "=", self.channel.id), ("refund_ref", "=", ref)]
        )
        self.assertEqual(refund.credit_note_id.state, "posted")
        return refund

    def settlements(self, refund):
        return self.env["retail.sync.refund.settlement"].search(
            [("refund_id", "=", refund.id)]
        )

    def entry(self, day):
        return sorted((line.name, line.balance) for line in day.move_id.line_ids)

    def totals(self, day):
        return {(t.kind, t.code): t.recorded_amount for t in day.total_ids}

    def shirt_refund(self, at="2026-11-27T16:00:00+01:00"):
        """The discounted shirt of R-0002 back, by card: 9.00 untaxed + 1.00
        discount share, 1.71 of VAT 19 included, 10.71 paid back."""
        return self.refund(
            "RF-0002", "R-0002", [("T-SHIRT", 1)], [("card", 10.71)], at=at
        )

    def test_store_refund_paid_back_by_payments_is_counted_once(self):
        day = self.the_fixture_day()
        payment = self.capture("R-0002", 60.71, "PAY-CARD-1")
        day.action_build()
        without = self.entry(day)
        self.apply(self.shirt_refund())
        day.action_build()
        # Before the payments tier pays it back, the day books the refund.
        self.assertIn(("Refunds paid card", -10.71), self.entry(day))
        refund = self.issue_refund("REF-1", "PAY-CARD-1", "R-0002", "T-SHIRT", 1, 10.71)
        self.assertTrue(day.dirty)
        day.action_build()
        # The credit note and the refund payment book it: the day entry is the
        # one without the refund receipt, balanced.
        self.assertEqual(self.entry(day), without)
        self.assertEqual(day.refund_settlement_ids.refund_id, refund)
        self.assertEqual(day.settled_refund_amount, 10.71)
        # The Z report's totals still count the refund receipt.
        totals = self.totals(day)
        self.assertEqual(totals[("method", "card")], 50.00)
        self.assertEqual(totals[("tax", "V19")], round(3.80 + 1.71 - 1.90 - 1.71, 2))
        day.action_close_day()
        # Card money in once and given back once in the books: on the
        # outstanding accounts of the capture and of the refund payment,
        # nothing on the card journal's account.
        accounts = (
            self.card_account
            | payment.account_payment_id.outstanding_account_id
            | refund.refund_payment_id.outstanding_account_id
        )
        moves = (
            day.move_id
            | payment.account_payment_id.move_id
            | refund.refund_payment_id.move_id
        )
        card_money = moves.line_ids.filtered(lambda line: line.account_id in accounts)
        self.assertEqual(self.currency.round(sum(card_money.mapped("balance"))), 50.00)

    def test_refund_receipt_after_the_refund_is_settled_when_it_arrives(self):
        day = self.the_fixture_day()
        self.capture("R-0002", 60.71, "PAY-CARD-1")
        day.action_build()
        without = self.entry(day)
        refund = self.issue_refund("REF-1", "PAY-CARD-1", "R-0002", "T-SHIRT", 1, 10.71)
        self.apply(self.shirt_refund())
        self.assertTrue(day.dirty)
        day.action_build()
        self.assertEqual(self.entry(day), without)
        self.assertEqual(day.refund_settlement_ids.refund_id, refund)
        # Rebuilt, it is the same entry.
        day.action_build()
        self.assertEqual(self.entry(day), without)

    def test_refund_after_the_day_is_posted_is_reversed_in_the_next_day(self):
        day = self.the_fixture_day()
        self.capture("R-0002", 60.71, "PAY-CARD-1")
        self.apply(self.shirt_refund())
        day.action_close_day()
        refund = self.issue_refund("REF-1", "PAY-CARD-1", "R-0002", "T-SHIRT", 1, 10.71)
        settlement = self.settlements(refund)
        self.assertTrue(settlement.late)
        next_day = settlement.day_id
        self.assertEqual(str(next_day.business_date), "2026-11-28")
        self.assertIn("REF-1", next_day.note)
        next_day.action_close_day()
        # What the posted day booked for RF-0002, taken back.
        self.assertEqual(
            self.entry(next_day),
            sorted(
                [
                    ("Refunded discounts V19", 1.00),
                    ("Refunded tax V19", -1.71),
                    ("Refunds V19", -10.00),
                    ("Refunds paid card", 10.71),
                ]
            ),
        )
        self.assertFalse(self.totals(next_day).get(("tax", "V19")))

    def test_refund_of_part_of_a_mixed_refund_leaves_the_rest_booked(self):
        # Three pairs of socks at 10.70 (0.70 of VAT 7 each), paid 21.40 by
        # card and 10.70 cash; all three back the same way.
        self.apply(
            self.receipt(
                "R-0501",
                [("T-SOCKS", 3, 10.70, 0, {"V7": 2.10})],
                [("card", 21.40), ("cash", 10.70)],
            ),
            self.refund(
                "RF-0501",
                "R-0501",
                [("T-SOCKS", 3)],
                [("card", 21.40), ("cash", 10.70)],
            ),
        )
        self.capture("R-0501", 21.40, "PAY-CARD-5")
        # The card part paid back by the payments tier: two thirds of the
        # refund receipt are in its credit note, the cash third stays.
        refund = self.issue_refund("REF-5", "PAY-CARD-5", "R-0501", "T-SOCKS", 2, 21.40)
        day = self.day()
        day.action_build()
        entry = dict(self.entry(day))
        self.assertEqual(entry["Refunds V7"], 10.00)
        self.assertEqual(entry["Refunded tax V7"], 0.70)
        self.assertEqual(entry["Refunds paid cash"], -10.70)
        self.assertNotIn("Refunds paid card", entry)
        self.assertEqual(day.refund_settlement_ids.refund_id, refund)
        self.assertEqual(day.settled_refund_amount, 21.40)

    def test_refund_beyond_the_refund_receipt_settles_what_it_gave_back(self):
        self.apply(
            self.receipt(
                "R-0601",
                [("T-SOCKS", 2, 10.70, 0, {"V7": 1.40})],
                [("card", 21.40)],
            ),
            self.refund("RF-0601", "R-0601", [("T-SOCKS", 1)], [("card", 10.70)]),
        )
        self.capture("R-0601", 21.40, "PAY-CARD-6")
        # 21.40 paid back on the card, where the till gave back 10.70: only
        # that is settled (the rest is the payments tier's own refund).
        self.issue_refund("REF-6", "PAY-CARD-6", "R-0601", "T-SOCKS", 2, 21.40)
        day = self.day()
        day.action_build()
        entry = dict(self.entry(day))
        self.assertFalse([name for name in entry if name.startswith("Refund")], entry)
        self.assertEqual(day.settled_refund_amount, 10.70)

    def two_day_socks(self):
        """Two socks sold by card on the 27th; one back on the 27th, the other on
        the 28th, both by card."""
        self.apply(
            self.receipt(
                "R-0701",
                [("T-SOCKS", 2, 10.70, 0, {"V7": 1.40})],
                [("card", 21.40)],
            ),
            self.refund("RF-0701", "R-0701", [("T-SOCKS", 1)], [("card", 10.70)]),
            self.refund(
                "RF-0702",
                "R-0701",
                [("T-SOCKS", 1)],
                [("card", 10.70)],
                at="2026-11-28T12:00:00+01:00",
            ),
        )
        self.capture("R-0701", 21.40, "PAY-CARD-7")
        return self.day(), self.day("2026-11-28")

    def test_refund_of_receipts_of_two_open_days_is_settled_in_each(self):
        first, second = self.two_day_socks()
        refund = self.issue_refund("REF-7", "PAY-CARD-7", "R-0701", "T-SOCKS", 2, 21.40)
        first.action_build()
        second.action_build()
        for day in (first, second):
            self.assertEqual(day.refund_settlement_ids.refund_id, refund)
            self.assertEqual(day.settled_refund_amount, 10.70)
            names = [line.name for line in day.move_id.line_ids]
            self.assertFalse([n for n in names if n.startswith("Refund")], names)
        # Rebuilt in any order, each day keeps its own share.
        before = self.entry(first)
        second.action_build()
        first.action_build()
        self.assertEqual(self.entry(first), before)
        self.assertEqual(self.settlements(refund).mapped("amount"), [10.70, 10.70])

    def test_match_on_a_posted_day_goes_to_the_next_open_day(self):
        first, second = self.two_day_socks()
        first.action_close_day()
        # 10.70 back on the card: it matches the refund receipt of the posted
        # 27th (the first one), settled by the 28th, whose own refund receipt
        # stays booked.
        refund = self.issue_refund("REF-8", "PAY-CARD-7", "R-0701", "T-SOCKS", 1, 10.70)
        settlement = self.settlements(refund)
        self.assertEqual(settlement.receipt_id.receipt_number, "RF-0701")
        self.assertEqual(settlement.day_id, second)
        self.assertTrue(settlement.late)
        second.action_build()
        entry = dict(self.entry(second))
        # RF-0702 booked (10.70 paid back on the card), RF-0701's share taken
        # back: the two cancel out on every line.
        self.assertFalse([v for v in entry.values() if v], entry)
        self.assertEqual(second.settled_refund_amount, 10.70)
