# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_core.models.retail_sync_alert import CLEAR_AFTER
from odoo.addons.retail_sync_queue.tests.common import DrainMixin

from .common import WebOrderMixin


@tagged("post_install", "-at_install")
class TestOrderAging(WebOrderMixin, DrainMixin, TransactionCase):
    """Web orders stuck in a step beyond their storefront's targets are counted on
    its card, listed in Order aging, and raise one Late orders alert."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_web_orders()
        cls.Channel = cls.env["retail.sync.channel"]
        cls.Aging = cls.env["retail.sync.order.aging"]
        cls.Alert = cls.env["retail.sync.alert"]
        cls.channel.write({"aging_reserve_minutes": 15, "aging_pickup_hours": 72})

    def late(self, code, now):
        """Ids of the channel's orders late on ``code`` as of ``now``."""
        return set(self.Channel._aging_late_ids(code, self.channel.id, now))

    def count(self, code, now):
        counts = self.Channel._aging_counts(self.channel.ids, now)
        return counts[code].get(self.channel.id, 0)

    def late_order_alerts(self):
        return self.Alert.search(
            [
                ("channel_id", "=", self.channel.id),
                ("condition", "=", "late_orders"),
                ("state", "=", "open"),
            ]
        )

    def test_order_not_reserved_beyond_target_is_late(self):
        # No chair in stock: the delivery cannot be reserved.
        waiting = self.place("AG1", [("SH-CHAIR", 1)])
        reserved = self.place("AG2", [("SH-LAMP", 1)])
        self.assertEqual(reserved.picking_ids.state, "assigned")
        self.assertEqual(waiting.picking_ids.state, "confirmed")
        start = waiting.date_order
        # Within the 15 minutes: nothing late.
        self.assertFalse(self.late("not_reserved", start + timedelta(minutes=14)))
        # Beyond: only the order not reserved.
        later = start + timedelta(minutes=16)
        self.assertEqual(self.late("not_reserved", later), {waiting.id})
        self.assertEqual(self.count("not_reserved", later), 1)
        # A target of 0 means never late.
        self.channel.aging_reserve_minutes = 0
        self.assertFalse(self.late("not_reserved", later))
        self.channel.aging_reserve_minutes = 15
        # Stock arrives and is reserved: no longer late.
        self.receive(self.chair, 1, self.central)
        self.assertEqual(waiting.picking_ids.state, "assigned")
        self.assertFalse(self.late("not_reserved", later))

    def test_cancelled_order_is_not_late(self):
        order = self.place("AG3", [("SH-CHAIR", 1)])
        order._action_cancel()
        later = order.date_order + timedelta(hours=1)
        self.assertNotIn(order.id, self.late("not_reserved", later))

    def test_ready_for_pickup_not_collected_beyond_target_is_late(self):
        order = self.place(
            "AG4", [("SH-LAMP", 1)], mode="click_and_collect", pickup_store="STORE-1"
        )
        self.assertFalse(order.retail_sync_ready_for_pickup_at)
        order.retail_sync_ready_for_pickup = True
        ready_at = order.retail_sync_ready_for_pickup_at
        self.assertTrue(ready_at)
        self.assertFalse(self.late("not_collected", ready_at + timedelta(hours=71)))
        later = ready_at + timedelta(hours=73)
        self.assertEqual(self.late("not_collected", later), {order.id})
        # Reserved in the pickup store: never "not reserved".
        self.assertNotIn(order.id, self.late("not_reserved", later))
        # Collected: the store's delivery is validated.
        picking = order.picking_ids.filtered(lambda p: p.state == "assigned")
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertFalse(self.late("not_collected", later))

    def test_not_ready_again_clears_the_pickup_stamp(self):
        order = self.place(
            "AG5", [("SH-LAMP", 1)], mode="click_and_collect", pickup_store="STORE-1"
        )
        order.retail_sync_ready_for_pickup = True
        self.assertTrue(order.retail_sync_ready_for_pickup_at)
        order.retail_sync_ready_for_pickup = False
        self.assertFalse(order.retail_sync_ready_for_pickup_at)

    def test_card_figure_and_report_list_the_late_orders(self):
        late = self.place("AG6", [("SH-CHAIR", 1)])
        fresh = self.place("AG7", [("SH-CHAIR", 1)])
        # The report ages orders as of the transaction's start (PostgreSQL now()).
        self.env.cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        late.date_order = self.env.cr.fetchone()[0] - timedelta(hours=1)
        self.channel.invalidate_recordset(["late_order_count"])
        self.assertEqual(self.channel.late_order_count, 1)
        action = self.channel.action_open_late_orders()
        self.assertEqual(action["res_model"], "retail.sync.order.aging")
        rows = self.Aging.search(action["domain"])
        self.assertEqual(rows.order_id, late)
        self.assertNotIn(fresh, rows.order_id)
        self.assertEqual(rows.condition, "not_reserved")
        self.assertEqual(rows.order_ref, "AG6")
        self.assertAlmostEqual(rows.target_hours, 0.25, places=2)
        self.assertAlmostEqual(rows.age_hours, 1.0, places=3)
        self.assertEqual(rows.age, "60 min")
        by_condition = self.channel.action_open_aging("not_reserved")
        self.assertEqual(self.Aging.search(by_condition["domain"]).order_id, late)

    def test_late_orders_alert_raised_then_cleared(self):
        order = self.place("AG8", [("SH-CHAIR", 1)])
        start = order.date_order
        raised, _cleared = self.Alert._evaluate(
            self.channel, now=start + timedelta(minutes=5)
        )
        self.assertNotIn("late_orders", raised.mapped("condition"))
        now = start + timedelta(minutes=20)
        raised, _cleared = self.Alert._evaluate(self.channel, now=now)
        alert = raised.filtered(lambda a: a.condition == "late_orders")
        self.assertEqual(len(alert), 1)
        self.assertIn("Not reserved: 1 beyond 15 min", alert.detail)
        self.assertEqual(alert.activity_id.res_id, self.channel.id)
        # While late, the cron raises nothing more.
        raised, _cleared = self.Alert._evaluate(
            self.channel, now=now + timedelta(minutes=1)
        )
        self.assertNotIn("late_orders", raised.mapped("condition"))
        self.assertEqual(self.late_order_alerts(), alert)
        # The stock comes in: back under target, the alert clears after a while.
        self.receive(self.chair, 1, self.central)
        now += timedelta(minutes=2)
        self.Alert._evaluate(self.channel, now=now)
        self.assertEqual(alert.state, "open")
        _raised, cleared = self.Alert._evaluate(self.channel, now=now + CLEAR_AFTER)
        self.assertIn(alert, cleared)
        self.assertEqual(alert.state, "cleared")
        self.assertFalse(self.late_order_alerts())
        self.assertIn("Alert cleared", self.channel.message_ids[:1].body)
