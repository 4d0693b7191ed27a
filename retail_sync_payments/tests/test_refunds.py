# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_queue.tests.common import perform_pending_jobs

from .common import PaymentsMixin


@tagged("post_install", "-at_install")
class TestRefunds(PaymentsMixin, TransactionCase):
    def paid_order(self, ref, payment_ref, quantity=2):
        order = self.web_order(ref, quantity)
        self.send(
            self.payment_event(
                "captured", payment_ref, order_ref=ref, amount=order.amount_total
            )
        )
        payment = self.Payment._find(self.channel, payment_ref)
        self.assertEqual(payment.state, "captured")
        return order, payment

    def credit_notes(self, partner):
        return self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("partner_id", "=", partner.id)]
        )

    def assert_reconciled(self, refund):
        credit_note, refund_payment = refund.credit_note_id, refund.refund_payment_id
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.payment_state, "paid")
        receivable = (credit_note.line_ids + refund_payment.move_id.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(receivable)
        self.assertTrue(all(receivable.mapped("reconciled")))
        self.assertEqual(len(receivable.full_reconcile_id), 1)

    def test_refund_posts_an_exact_credit_note_and_a_reconciled_refund(self):
        order, payment = self.paid_order("R1", "PAY-R1")
        refund_event = self.refund_event(
            "REF-1",
            "PAY-R1",
            10.0,
            event_id="refund-REF-1",
            order_ref="R1",
            reason="scratched",
            lines=[{"sku": "P-LAMP", "quantity": 1, "amount": 10.0}],
        )
        self.send(refund_event)
        event = self.event("refund-REF-1")
        self.assertEqual(event.state, "done", event.error_message)
        refund = self.Refund.search([("refund_ref", "=", "REF-1")])
        credit_note = refund.credit_note_id
        # 10.00 taxes included at 21 %: the cent tax rounding leaves is on an
        # untaxed line, the total is what the storefront refunded.
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.amount_total, 10.0)
        self.assertEqual(credit_note.partner_id, payment.partner_id)
        lamp_line = credit_note.invoice_line_ids.filtered("product_id")
        self.assertEqual(lamp_line.product_id, self.lamp)
        self.assertEqual(lamp_line.quantity, 1)
        self.assertEqual(lamp_line.tax_ids, self.tax)
        # 8.26 + 21 % = 9.99: one cent on an untaxed line.
        self.assertEqual(lamp_line.price_unit, 8.26)
        self.assertEqual(credit_note.amount_tax, 1.73)
        rounding = credit_note.invoice_line_ids - lamp_line
        self.assertEqual(rounding.mapped("price_subtotal"), [0.01])
        self.assertFalse(rounding.tax_ids)
        refund_payment = refund.refund_payment_id
        self.assertEqual(refund_payment.payment_type, "outbound")
        self.assertEqual(refund_payment.journal_id, self.card_journal)
        self.assertEqual(refund_payment.amount, 10.0)
        self.assert_reconciled(refund)
        self.assertEqual(payment.refunded_amount, 10.0)
        self.assertEqual(payment.refundable_amount, 62.6)
        self.assertEqual(
            order._retail_sync_payment_facts()["status"], "partially_refunded"
        )
        self.assertFalse(refund.return_picking_ids)

        # Redelivered under a new id, and replayed by force: one credit note, one
        # refund payment, refunded once.
        self.send(
            self.refund_event(
                "REF-1",
                "PAY-R1",
                10.0,
                event_id="refund-REF-1-again",
                order_ref="R1",
            )
        )
        self.assertTrue(self.event("refund-REF-1-again").result["already_refunded"])
        event._replay("forced for the test", force=True)
        perform_pending_jobs(self.env)
        self.assertEqual(event.state, "done")
        self.assertEqual(len(self.credit_notes(payment.partner_id)), 1)
        self.assertEqual(len(self.account_payments("REF-1", "outbound")), 1)
        self.assertEqual(payment.refunded_amount, 10.0)

    def test_full_refund_without_lines_is_refunded(self):
        order, payment = self.paid_order("R2", "PAY-R2")
        self.send(self.refund_event("REF-2", "PAY-R2", 72.6, reason="goodwill"))
        refund = self.Refund.search([("refund_ref", "=", "REF-2")])
        self.assertEqual(refund.credit_note_id.amount_total, 72.6)
        self.assertFalse(refund.credit_note_id.invoice_line_ids.tax_ids)
        self.assert_reconciled(refund)
        facts = order._retail_sync_payment_facts()
        self.assertEqual(facts["status"], "refunded")
        self.assertEqual(order._retail_sync_status()["status"], "refunded")
        self.assertEqual(facts["refunded"], 72.6)

    def test_refund_before_its_payment_waits_then_applies(self):
        order = self.web_order("R3")
        refund_event = self.refund_event(
            "REF-3", "PAY-R3", 20.0, event_id="refund-REF-3", order_ref="R3"
        )
        self.send(refund_event)
        waiting = self.event("refund-REF-3")
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(waiting.state_reason, "waiting for payment PAY-R3")
        self.assertEqual(waiting.waiting_for, f"payment:{self.channel.id}:PAY-R3")
        self.assertFalse(self.Refund.search([("refund_ref", "=", "REF-3")]))

        # An authorization is not enough: the refund waits again for the capture.
        self.send(self.payment_event("authorized", "PAY-R3", order_ref="R3"))
        self.assertEqual(waiting.state, "waiting")

        self.send(
            self.payment_event(
                "captured", "PAY-R3", order_ref="R3", amount=order.amount_total
            )
        )
        self.assertEqual(waiting.state, "done", waiting.error_message)
        refund = self.Refund.search([("refund_ref", "=", "REF-3")])
        self.assertEqual(refund.credit_note_id.amount_total, 20.0)
        self.assert_reconciled(refund)

    def test_over_refund_is_dead_with_both_amounts_and_posts_nothing(self):
        _order, payment = self.paid_order("R4", "PAY-R4")
        self.send(self.refund_event("REF-4A", "PAY-R4", 50.0))
        over = self.refund_event("REF-4B", "PAY-R4", 30.0, event_id="refund-REF-4B")
        self.send(over)
        dead = self.event("refund-REF-4B")
        self.assertEqual(dead.state, "dead")
        self.assertIn("exceeds what remains", dead.error_message)
        self.assertIn("72.6 captured", dead.error_message)
        self.assertIn("50.0 already refunded", dead.error_message)
        self.assertEqual(payment.refunded_amount, 50.0)
        self.assertEqual(len(self.credit_notes(payment.partner_id)), 1)
        self.assertFalse(self.account_payments("REF-4B", "outbound"))
        self.assertFalse(self.Refund.search([("refund_ref", "=", "REF-4B")]))

    def test_restocked_lines_of_a_delivered_order_come_back(self):
        order, _payment = self.paid_order("R5", "PAY-R5", quantity=3)
        delivery = self.deliver(order)
        self.assertEqual(self.on_hand(), 7)
        self.send(
            self.refund_event(
                "REF-5",
                "PAY-R5",
                36.3,
                order_ref="R5",
                lines=[
                    {"sku": "P-LAMP", "quantity": 1, "amount": 36.3, "restock": True}
                ],
            )
        )
        refund = self.Refund.search([("refund_ref", "=", "REF-5")])
        self.assertTrue(refund, self.Event.search([], limit=1).error_message)
        returned = refund.return_picking_ids
        self.assertEqual(len(returned), 1)
        self.assertEqual(returned.state, "done")
        self.assertEqual(returned.return_id, delivery)
        self.assertEqual(returned.move_ids.quantity, 1)
        self.assertEqual(self.on_hand(), 8)
        self.assertEqual(refund.credit_note_id.amount_total, 36.3)
        self.assert_reconciled(refund)

    def test_restock_of_undelivered_goods_returns_nothing(self):
        self.paid_order("R6", "PAY-R6")
        event = self.refund_event(
            "REF-6",
            "PAY-R6",
            36.3,
            event_id="refund-REF-6",
            lines=[{"sku": "P-LAMP", "quantity": 1, "amount": 36.3, "restock": True}],
        )
        self.send(event)
        done = self.event("refund-REF-6")
        self.assertEqual(done.state, "done", done.error_message)
        self.assertEqual(done.result["not_returned"], {"P-LAMP": 1})
        self.assertFalse(
            self.Refund.search([("refund_ref", "=", "REF-6")]).return_picking_ids
        )

    def test_lines_above_the_amount_are_refused(self):
        self.paid_order("R7", "PAY-R7")
        event = self.refund_event(
            "REF-7",
            "PAY-R7",
            10.0,
            event_id="refund-REF-7",
            lines=[{"sku": "P-LAMP", "quantity": 1, "amount": 36.3}],
        )
        self.send(event)
        dead = self.event("refund-REF-7")
        self.assertEqual(dead.state, "dead")
        self.assertIn("add up to 36.3", dead.error_message)

    def test_store_receipt_refund(self):
        self.send(
            self.payment_event(
                "captured",
                "PAY-S1",
                receipt_ref="R-100",
                amount=36.3,
                customer={"email": "sam@example.com", "name": "Sam"},
            )
        )
        payment = self.Payment._find(self.channel, "PAY-S1")
        self.assertEqual(payment.state, "captured")
        wrong = self.refund_event(
            "REF-S0", "PAY-S1", 5.0, event_id="refund-S0", receipt_ref="R-999"
        )
        self.send(wrong)
        self.assertEqual(self.event("refund-S0").state, "dead")
        self.assertIn("R-100", self.event("refund-S0").error_message)

        self.send(
            self.refund_event(
                "REF-S1",
                "PAY-S1",
                36.3,
                receipt_ref="R-100",
                lines=[
                    {"sku": "P-LAMP", "quantity": 1, "amount": 36.3, "restock": True}
                ],
            )
        )
        refund = self.Refund.search([("refund_ref", "=", "REF-S1")])
        self.assertEqual(refund.receipt_ref, "R-100")
        self.assertEqual(refund.credit_note_id.amount_total, 36.3)
        self.assertEqual(refund.credit_note_id.partner_id.email, "sam@example.com")
        self.assertEqual(refund.credit_note_id.invoice_line_ids.tax_ids, self.tax)
        self.assert_reconciled(refund)
        # Store stock comes back through pos.refund.completed, not here.
        self.assertFalse(refund.return_picking_ids)
