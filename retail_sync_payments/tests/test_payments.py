# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_queue.tests.common import perform_pending_jobs

from .common import PaymentsMixin


@tagged("post_install", "-at_install")
class TestPayments(PaymentsMixin, TransactionCase):
    def test_capture_posts_one_payment_in_the_mapped_journal(self):
        order = self.web_order("W1")
        self.assertEqual(order.amount_total, 72.6)
        self.send(self.payment_event("authorized", "PAY-1", order_ref="W1"))
        payment = self.Payment._find(self.channel, "PAY-1")
        self.assertEqual(payment.state, "authorized")
        self.assertFalse(payment.account_payment_id)
        self.assertEqual(order._retail_sync_payment_facts()["status"], "authorized")

        capture = self.payment_event(
            "captured",
            "PAY-1",
            event_id="capture-PAY-1",
            order_ref="W1",
            provider_reference="ch_123",
        )
        # The capture queues the order's status for its storefront (which shows
        # it paid): a pending row, pushed by a job not run here.
        self.channel.write(
            {"push_url": "http://127.0.0.1:9/status", "push_secret": "whsec_dGVzdA=="}
        )
        Pending = self.env["retail.sync.order.status.pending"]
        self.assertFalse(Pending.search([("order_id", "=", order.id)]))
        self.ingest(capture)
        self.drain("payment:PAY-1")
        event = self.event("capture-PAY-1")
        self.assertEqual(event.state, "done", event.error_message)
        self.assertTrue(Pending.search([("order_id", "=", order.id)]))
        self.channel.write({"push_url": False})
        status = order._retail_sync_status()
        self.assertEqual(status["status"], "paid")
        self.assertEqual(status["payment"]["paid"], 72.6)
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(payment.state, "captured")
        self.assertEqual(payment.captured_amount, 72.6)
        self.assertEqual(payment.sale_order_id, order)
        account_payment = payment.account_payment_id
        self.assertEqual(account_payment.journal_id, self.card_journal)
        self.assertEqual(account_payment.amount, 72.6)
        self.assertEqual(account_payment.payment_type, "inbound")
        self.assertEqual(
            account_payment.partner_id, order.partner_id.commercial_partner_id
        )
        self.assertEqual(account_payment.move_id.state, "posted")
        self.assertIn(order.name, account_payment.memo)
        self.assertIn("account.payment", event.link_ids.mapped("res_model"))
        self.assertEqual(
            order._retail_sync_payment_facts(),
            {
                "status": "paid",
                "paid": 72.6,
                "refunded": 0.0,
                "currency": self.currency.name,
            },
        )
        self.assertEqual(order.retail_sync_payment_count, 1)

        # Redelivered under a new event id, and the first one replayed by force:
        # still one Odoo payment.
        self.send(
            self.payment_event(
                "captured", "PAY-1", event_id="capture-again", order_ref="W1"
            )
        )
        self.assertEqual(self.event("capture-again").state, "done")
        self.assertTrue(self.event("capture-again").result["already_captured"])
        event._replay("forced for the test", force=True)
        perform_pending_jobs(self.env)
        self.assertEqual(event.state, "done")
        self.assertEqual(len(self.account_payments("PAY-1")), 1)
        self.assertEqual(self.Payment.search_count([("payment_ref", "=", "PAY-1")]), 1)

    def test_a_second_capture_of_another_amount_is_refused(self):
        self.web_order("W2")
        self.send(self.payment_event("captured", "PAY-2", order_ref="W2"))
        other = self.payment_event("captured", "PAY-2", order_ref="W2", amount=10.0)
        self.send(other)
        dead = self.event(other["id"])
        self.assertEqual(dead.state, "dead")
        self.assertIn("already captured", dead.error_message)
        self.assertEqual(len(self.account_payments("PAY-2")), 1)

    def test_capture_before_the_order_waits_then_applies(self):
        capture = self.payment_event("captured", "PAY-3", order_ref="W3")
        self.send(capture)
        waiting = self.event(capture["id"])
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(waiting.state_reason, "waiting for order W3")
        self.assertEqual(waiting.waiting_for, f"order:{self.channel.id}:W3")
        self.assertFalse(self.account_payments("PAY-3"))

        # The order arrives: the capture is released and applied by the jobs
        # enqueued in the order's transaction, no cron involved.
        order = self.web_order("W3")
        self.assertEqual(waiting.state, "done", waiting.error_message)
        payment = self.Payment._find(self.channel, "PAY-3")
        self.assertEqual(payment.sale_order_id, order)
        self.assertEqual(len(self.account_payments("PAY-3")), 1)

    def test_captures_post_together_and_one_waits_alone(self):
        """The payments domain posts the captures of many payments in one
        handler call: the one whose order has not arrived waits (nothing posted),
        a redelivery under a new id posts nothing twice, the others post once."""
        self.web_order("WB-1")
        self.web_order("WB-2")
        first = self.payment_event("captured", "PAY-B1", order_ref="WB-1")
        again = dict(first, id="again-PAY-B1")
        early = self.payment_event("captured", "PAY-B3", order_ref="WB-3")
        second = self.payment_event("captured", "PAY-B2", order_ref="WB-2")
        self.ingest(first, early, again, second)
        summary = self.env["retail.sync.drain"]._drain_domain("payments")
        self.assertEqual(summary["applied"], 3)
        self.assertEqual(
            [self.event(e["id"]).state for e in (first, again, early, second)],
            ["done", "done", "waiting", "done"],
        )
        self.assertTrue(self.event("again-PAY-B1").result["already_captured"])
        self.assertEqual(len(self.account_payments("PAY-B1")), 1)
        self.assertEqual(len(self.account_payments("PAY-B2")), 1)
        self.assertFalse(self.account_payments("PAY-B3"))
        posted = self.account_payments("PAY-B1") | self.account_payments("PAY-B2")
        self.assertEqual(set(posted.move_id.mapped("state")), {"posted"})
        self.web_order("WB-3")
        self.assertEqual(self.event(early["id"]).state, "done")
        self.assertEqual(len(self.account_payments("PAY-B3")), 1)

    def test_voiding_a_captured_payment_is_refused(self):
        self.web_order("W4")
        self.send(self.payment_event("captured", "PAY-4", order_ref="W4"))
        void = self.payment_event("voided", "PAY-4", order_ref="W4", reason="oops")
        self.send(void)
        dead = self.event(void["id"])
        self.assertEqual(dead.state, "dead")
        self.assertIn("refund it instead", dead.error_message)
        payment = self.Payment._find(self.channel, "PAY-4")
        self.assertEqual(payment.state, "captured")
        self.assertEqual(payment.account_payment_id.move_id.state, "posted")

    def test_an_authorization_is_voided_without_accounting(self):
        order = self.web_order("W5")
        self.send(
            self.payment_event("authorized", "PAY-5", order_ref="W5"),
            self.payment_event("voided", "PAY-5", order_ref="W5", reason="cancelled"),
        )
        payment = self.Payment._find(self.channel, "PAY-5")
        self.assertEqual(payment.state, "voided")
        self.assertEqual(payment.state_reason, "cancelled")
        self.assertFalse(self.account_payments("PAY-5"))
        self.assertEqual(order._retail_sync_payment_facts()["status"], "unpaid")

    def test_a_failed_payment_posts_nothing(self):
        self.web_order("W6")
        self.send(
            self.payment_event(
                "failed", "PAY-6", order_ref="W6", reason="card declined"
            )
        )
        payment = self.Payment._find(self.channel, "PAY-6")
        self.assertEqual(payment.state, "failed")
        self.assertEqual(payment.state_reason, "card declined")
        self.assertFalse(self.account_payments("PAY-6"))

    def test_an_unmapped_method_is_dead_naming_the_mapping_then_replays(self):
        self.web_order("W7")
        capture = self.payment_event(
            "captured", "PAY-7", order_ref="W7", method="paypal"
        )
        self.send(capture)
        dead = self.event(capture["id"])
        self.assertEqual(dead.state, "dead")
        self.assertIn("payment method 'paypal'", dead.error_message)
        self.assertIn("Payments", dead.error_message)
        self.assertFalse(self.account_payments("PAY-7"))
        self.assertFalse(self.Payment._find(self.channel, "PAY-7"))

        bank = self.env["account.journal"].create(
            {"name": "PayPal", "code": "TPPL", "type": "bank"}
        )
        self.env["retail.sync.payment.method"].create(
            {"channel_id": self.channel.id, "code": "paypal", "journal_id": bank.id}
        )
        dead._replay("mapped paypal")
        perform_pending_jobs(self.env)
        self.assertEqual(dead.state, "done", dead.error_message)
        self.assertEqual(self.account_payments("PAY-7").journal_id, bank)

    def test_currency_other_than_the_orders_is_refused(self):
        self.web_order("W8")
        other = self.env["res.currency"].search(
            [("id", "!=", self.currency.id), ("active", "in", (True, False))],
            limit=1,
        )
        other.active = True
        capture = self.payment_event(
            "captured", "PAY-8", order_ref="W8", currency=other.name
        )
        self.send(capture)
        dead = self.event(capture["id"])
        self.assertEqual(dead.state, "dead")
        self.assertIn(f"is in {other.name} but order", dead.error_message)
        self.assertFalse(self.account_payments("PAY-8"))
        self.assertFalse(self.Payment._find(self.channel, "PAY-8"))

    def test_invoice_posted_after_the_payment_is_reconciled(self):
        order = self.web_order("W9")
        self.send(self.payment_event("captured", "PAY-9", order_ref="W9"))
        account_payment = self.Payment._find(self.channel, "PAY-9").account_payment_id
        self.assertFalse(account_payment.is_reconciled)
        invoice = self.invoice(order)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTrue(account_payment.is_reconciled)
        self.assertEqual(account_payment.reconciled_invoice_ids, invoice)

    def test_capture_of_an_invoiced_order_is_reconciled_at_once(self):
        order = self.web_order("W10")
        invoice = self.invoice(order)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.send(self.payment_event("captured", "PAY-10", order_ref="W10"))
        self.assertEqual(invoice.payment_state, "paid")

    def test_a_partial_capture_is_partially_paid(self):
        order = self.web_order("W11")
        self.send(self.payment_event("captured", "PAY-11", order_ref="W11", amount=20))
        facts = order._retail_sync_payment_facts()
        self.assertEqual(facts["status"], "partially_paid")
        self.assertEqual(facts["paid"], 20.0)

    def test_standalone_payment_needs_a_partner(self):
        capture = self.payment_event("captured", "PAY-12", receipt_ref="R-12")
        self.send(capture)
        dead = self.event(capture["id"])
        self.assertEqual(dead.state, "dead")
        self.assertIn("standalone payments partner", dead.error_message)

        walk_in = self.env["res.partner"].create({"name": "Walk-in customer"})
        self.channel.payment_partner_id = walk_in
        dead._replay("partner set")
        perform_pending_jobs(self.env)
        self.assertEqual(dead.state, "done", dead.error_message)
        payment = self.Payment._find(self.channel, "PAY-12")
        self.assertEqual(payment.account_payment_id.partner_id, walk_in)
        self.assertEqual(payment.receipt_ref, "R-12")
        self.assertFalse(payment.sale_order_id)
