# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import FinanceMixin


@tagged("post_install", "-at_install")
class TestStoreDay(FinanceMixin, TransactionCase):
    def entry_lines(self, move):
        return sorted(
            (line.account_id.code, line.name, line.debit, line.credit)
            for line in move.line_ids
        )

    def test_day_entry_matches_the_hand_computed_fixture(self):
        day = self.the_fixture_day()
        self.assertEqual(day.state, "open")
        self.assertEqual(len(day.receipt_ids), 4)
        day.action_build()
        self.assertEqual(day.state, "built")
        move = day.move_id
        self.assertEqual(move.state, "draft")
        self.assertEqual(move.journal_id, self.day_journal)
        self.assertEqual(str(move.date), "2026-11-27")
        cash, card = self.cash_account.code, self.card_account.code
        # Worked by hand (amounts tax included unless said):
        # V19 sales: 2 x 11.90 (tax 3.80, untaxed 20.00) + 11.90 less 1.19 (tax
        #   1.71, untaxed 9.00: 10.00 before its untaxed discount of 1.00).
        # V7 sales: 5.37 (tax 0.35, untaxed 5.02) + 2 x 5.35 (tax 0.70, 10.00).
        # Refund of one shirt of R-0001: 11.90 = 10.00 + tax 1.90, cash.
        # Cash 29.15 + 2.70, card 60.71, gift card 50.00 sold and 8.00 redeemed;
        # R-0001 paid 29.15 for 29.17: 0.02 rounding.
        expected = sorted(
            [
                ("T4001", "Sales V19", 0.0, 30.00),
                ("T4001", "Sales V7", 0.0, 15.02),
                ("T4009", "Discounts V19", 1.00, 0.0),
                ("T4457", "Tax V19", 0.0, 5.51),
                ("T4458", "Tax V7", 0.0, 1.05),
                (cash, "Payments cash", 31.85, 0.0),
                (card, "Payments card", 60.71, 0.0),
                ("T4190", "Gift cards sold", 0.0, 50.00),
                ("T4190", "Gift cards redeemed", 8.00, 0.0),
                ("T6589", "Rounding", 0.02, 0.0),
                ("T4001", "Refunds V19", 10.00, 0.0),
                ("T4457", "Refunded tax V19", 1.90, 0.0),
                (cash, "Refunds paid cash", 0.0, 11.90),
            ]
        )
        self.assertEqual(self.entry_lines(move), expected)
        round_ = self.currency.round
        self.assertEqual(round_(sum(move.line_ids.mapped("debit"))), 113.48)
        self.assertEqual(round_(sum(move.line_ids.mapped("credit"))), 113.48)
        # Revenue lines carry their Odoo tax, tax lines their distribution line.
        v19_sales = move.line_ids.filtered(lambda line: line.name == "Sales V19")
        self.assertEqual(v19_sales.tax_ids, self.tax_19)
        v19_tax = move.line_ids.filtered(lambda line: line.name == "Tax V19")
        self.assertEqual(v19_tax.tax_line_id, self.tax_19)
        self.assertEqual(v19_tax.tax_base_amount, 29.00)
        totals = {(t.kind, t.code): t.recorded_amount for t in day.total_ids}
        self.assertEqual(
            totals,
            {
                ("method", "cash"): 19.95,
                ("method", "card"): 60.71,
                ("method", "giftcard"): 8.0,
                ("tax", "V19"): 3.61,
                ("tax", "V7"): 1.05,
            },
        )
        self.assertFalse(day.receipt_ids.filtered("flagged"))
        day.action_close_day()
        self.assertEqual(day.state, "posted")
        self.assertEqual(move.state, "posted")

    def test_rebuild_is_idempotent_and_replaces_the_draft(self):
        day = self.the_fixture_day()
        day.action_build()
        first, lines = day.move_id, self.entry_lines(day.move_id)
        day.action_build()
        self.assertFalse(first.exists(), "the draft entry is replaced")
        self.assertEqual(self.entry_lines(day.move_id), lines)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("journal_id", "=", self.day_journal.id)]
            ),
            1,
        )
        # A receipt added later changes the rebuilt entry, not a second one.
        self.apply(
            self.receipt(
                "R-0004", [("T-SOCKS", 1, 5.35, 0, {"V7": 0.35})], [("card", 5.35)]
            )
        )
        self.assertTrue(day.dirty)
        self.env["retail.sync.store.day"]._cron_build_and_reconcile()
        self.assertFalse(day.dirty)
        card = day.move_id.line_ids.filtered(lambda line: line.name == "Payments card")
        self.assertEqual(card.debit, 66.06)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("journal_id", "=", self.day_journal.id)]
            ),
            1,
        )

    def test_business_day_follows_the_store_cut_off(self):
        # 02:30 in Paris on the 28th is before the 04:00 cut-off: the 27th.
        self.apply(
            self.receipt(
                "R-0101",
                [("T-SOCKS", 1, 5.35, 0, {"V7": 0.35})],
                [("cash", 5.35)],
                at="2026-11-28T01:30:00Z",
            ),
            self.receipt(
                "R-0102",
                [("T-SOCKS", 1, 5.35, 0, {"V7": 0.35})],
                [("cash", 5.35)],
                at="2026-11-28T03:30:00Z",
            ),
        )
        self.assertEqual(self.day("2026-11-27").receipt_ids.receipt_number, "R-0101")
        self.assertEqual(self.day("2026-11-28").receipt_ids.receipt_number, "R-0102")

    def test_late_receipt_after_posting_goes_to_the_next_open_day(self):
        day = self.the_fixture_day()
        day.action_close_day()
        posted_lines = self.entry_lines(day.move_id)
        self.apply(
            self.receipt(
                "R-0005",
                [("T-SOCKS", 1, 5.35, 0, {"V7": 0.35})],
                [("card", 5.35)],
                at="2026-11-27T18:00:00+01:00",
            )
        )
        late = self.Receipt.search([("receipt_number", "=", "R-0005")])
        self.assertEqual(str(late.business_date), "2026-11-27")
        self.assertEqual(str(late.late_from_date), "2026-11-27")
        next_day = late.day_id
        self.assertEqual(str(next_day.business_date), "2026-11-28")
        self.assertIn("2026-11-27", next_day.note)
        next_day.action_build()
        self.assertEqual(next_day.late_receipt_count, 1)
        self.assertEqual(
            next_day.move_id.line_ids.filtered(
                lambda line: line.name == "Payments card"
            ).debit,
            5.35,
        )
        # The posted day is locked: its entry did not change.
        day.action_build()
        self.assertEqual(self.entry_lines(day.move_id), posted_lines)
        self.assertEqual(day.move_id.state, "posted")

    def test_wrong_total_is_applied_for_stock_and_flagged(self):
        self.apply(
            self.receipt(
                "R-0201",
                [("T-SHIRT", 1, 11.90, 0, {"V19": 1.90})],
                [("card", 10.90)],
            )
        )
        event = self.event("sale-R-0201")
        self.assertEqual(event.state, "done")
        self.assertEqual(self.on_hand(self.shirt), 19, "stock is not held back")
        self.assertTrue(event.result["finance_flagged"])
        receipt = self.Receipt.search([("receipt_number", "=", "R-0201")])
        self.assertTrue(receipt.flagged)
        self.assertEqual(receipt.difference, -1.0)
        exception = self.Exception.search([("receipt_ids", "=", receipt.id)])
        self.assertEqual(exception.kind, "total_mismatch")
        self.assertEqual(exception.amount, -1.0)
        self.assertEqual(exception.event_ids, event)
        day = self.day()
        day.action_build()
        # Booked as the lines say, the gap parked on the differences account.
        parked = day.move_id.line_ids.filtered(
            lambda line: line.account_id == self.suspense
        )
        self.assertEqual((parked.debit, parked.credit), (1.0, 0.0))
        # Accepted with a reason: the next build books it as rounding.
        exception.resolution_reason = "Till gave a 1.00 goodwill reduction"
        exception.action_accept()
        self.assertEqual(exception.state, "resolved")
        day.action_build()
        self.assertFalse(
            day.move_id.line_ids.filtered(lambda line: line.account_id == self.suspense)
        )
        rounding = day.move_id.line_ids.filtered(
            lambda line: line.account_id == self.rounding
        )
        self.assertEqual(rounding.debit, 1.0)

    def test_tax_code_not_mapped_stops_the_build_until_mapped(self):
        self.apply(
            self.receipt(
                "R-0301", [("T-SOCKS", 1, 5.50, 0, {"V10": 0.50})], [("cash", 5.50)]
            )
        )
        exception = self.Exception.search([("kind", "=", "unmapped_tax")])
        self.assertEqual(exception.reference, "R-0301")
        day = self.day()
        self.assertFalse(day._build())
        self.assertIn("V10", day.build_error)
        tax_10 = self.tax("Store VAT 10%", 10, self.vat_7)
        self.env["retail.sync.finance.tax"].create(
            {
                "channel_id": self.channel.id,
                "code": "V10",
                "tax_id": tax_10.id,
                "price_include": True,
            }
        )
        self.assertTrue(day._build())
        self.assertEqual(exception.state, "resolved")
        self.assertEqual(
            day.move_id.line_ids.filtered(lambda line: line.name == "Sales V10").credit,
            5.0,
        )
