# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_core.models.retail_sync_alert import CLEAR_AFTER

from .common import PaymentsMixin


@tagged("post_install", "-at_install")
class TestPaymentAging(PaymentsMixin, TransactionCase):
    """Paid web orders not shipped, payments waiting for their order and refunds
    waiting for their payment, beyond the storefront's targets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Channel = cls.env["retail.sync.channel"]
        cls.Alert = cls.env["retail.sync.alert"]
        cls.channel.write({"aging_ship_hours": 48, "aging_payment_wait_minutes": 30})

    def late(self, code, now):
        return set(self.Channel._aging_late_ids(code, self.channel.id, now))

    def open_alert(self, condition):
        return self.Alert.search(
            [
                ("channel_id", "=", self.channel.id),
                ("condition", "=", condition),
                ("state", "=", "open"),
            ]
        )

    def test_paid_order_not_shipped_beyond_target_is_late(self):
        unpaid = self.web_order("AG-P1")
        paid = self.web_order("AG-P2")
        self.send(self.payment_event("captured", "PAY-AG2", order_ref="AG-P2"))
        payment = self.Payment._find(self.channel, "PAY-AG2")
        self.assertEqual(payment.state, "captured")
        captured_at = payment.captured_at
        self.assertTrue(captured_at)
        self.assertFalse(self.late("not_shipped", captured_at + timedelta(hours=47)))
        later = captured_at + timedelta(hours=49)
        self.assertEqual(self.late("not_shipped", later), {paid.id})
        self.assertNotIn(unpaid.id, self.late("not_shipped", later))
        # In the Order aging report and on the channel's card (real time: backdate).
        payment.captured_at = fields.Datetime.now() - timedelta(hours=50)
        self.channel.invalidate_recordset(["late_order_count"])
        self.assertEqual(self.channel.late_order_count, 1)
        rows = self.env["retail.sync.order.aging"].search(
            self.channel.action_open_aging("not_shipped")["domain"]
        )
        self.assertEqual(rows.order_id, paid)
        self.assertEqual(rows.condition, "not_shipped")
        self.assertEqual(rows.target_hours, 48)
        # Shipped: no longer late.
        self.deliver(paid)
        self.assertFalse(self.late("not_shipped", later))
        self.channel.invalidate_recordset(["late_order_count"])
        self.assertEqual(self.channel.late_order_count, 0)

    def test_payment_waiting_for_its_order_is_late_beyond_target(self):
        capture = self.payment_event("captured", "PAY-AG3", order_ref="AG-NOPE")
        self.send(capture)
        waiting = self.event(capture["id"])
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(waiting.waiting_kind, "order")
        since = waiting.waiting_since
        self.assertFalse(
            self.late("payment_without_order", since + timedelta(minutes=29))
        )
        later = since + timedelta(minutes=31)
        self.assertEqual(self.late("payment_without_order", later), {waiting.id})
        self.assertFalse(self.late("refund_without_payment", later))

    def test_refund_waiting_for_its_payment_raises_then_clears_the_alert(self):
        order = self.web_order("AG-R1")
        refund = self.refund_event(
            "REF-AG1", "PAY-AG-R1", 20.0, event_id="refund-REF-AG1", order_ref="AG-R1"
        )
        self.send(refund)
        waiting = self.event("refund-REF-AG1")
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(waiting.waiting_kind, "payment")
        since = waiting.waiting_since
        self.assertFalse(
            self.late("refund_without_payment", since + timedelta(minutes=29))
        )
        now = since + timedelta(minutes=31)
        self.assertEqual(self.late("refund_without_payment", now), {waiting.id})
        self.assertFalse(self.late("payment_without_order", now))

        raised, _cleared = self.Alert._evaluate(
            self.channel, now=since + timedelta(minutes=10)
        )
        self.assertNotIn("payments_waiting", raised.mapped("condition"))
        raised, _cleared = self.Alert._evaluate(self.channel, now=now)
        alert = raised.filtered(lambda a: a.condition == "payments_waiting")
        self.assertEqual(len(alert), 1)
        self.assertIn(
            "Refunds waiting for their payment: 1 beyond 30 min", alert.detail
        )
        self.assertTrue(alert.activity_id)
        raised, _cleared = self.Alert._evaluate(
            self.channel, now=now + timedelta(minutes=1)
        )
        self.assertNotIn("payments_waiting", raised.mapped("condition"))
        self.assertEqual(self.open_alert("payments_waiting"), alert)

        # The action lists the waiting refund (real time: backdate its wait).
        waiting.waiting_since = fields.Datetime.now() - timedelta(hours=1)
        action = self.channel.action_open_aging("refund_without_payment")
        self.assertEqual(action["res_model"], "retail.sync.event")
        self.assertEqual(self.Event.search(action["domain"]), waiting)

        # The payment is captured: the refund applies, the alert clears.
        self.send(
            self.payment_event(
                "captured", "PAY-AG-R1", order_ref="AG-R1", amount=order.amount_total
            )
        )
        self.assertEqual(waiting.state, "done", waiting.error_message)
        now += timedelta(minutes=2)
        self.Alert._evaluate(self.channel, now=now)
        self.assertEqual(alert.state, "open")
        _raised, cleared = self.Alert._evaluate(self.channel, now=now + CLEAR_AFTER)
        self.assertIn(alert, cleared)
        self.assertEqual(alert.state, "cleared")
        self.assertFalse(self.open_alert("payments_waiting"))
