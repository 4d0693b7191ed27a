# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..models.retail_sync_alert import CLEAR_AFTER
from .common import InboxMixin, make_user


@tagged("post_install", "-at_install")
class TestAlert(InboxMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["retail.sync.alert"]
        cls.alert_type = cls.env.ref("retail_sync_core.mail_activity_type_alert")
        cls.channel, _key = cls.make_channel("ALERT", quiet_period_minutes=0)

    def evaluate(self, now=None):
        return self.Alert._evaluate(self.channel, now=now)

    def alerts(self, condition=None, state="open"):
        domain = [("channel_id", "=", self.channel.id), ("state", "=", state)]
        if condition:
            domain.append(("condition", "=", condition))
        return self.Alert.search(domain)

    def activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "retail.sync.channel"),
                ("res_id", "=", self.channel.id),
                ("activity_type_id", "=", self.alert_type.id),
            ]
        )

    def assert_raised_once(self, condition):
        """The condition raises exactly one alert and one activity, and stays at one
        however often the cron runs."""
        raised, _cleared = self.evaluate()
        self.assertEqual(raised.mapped("condition"), [condition])
        for _run in range(2):
            again, _cleared = self.evaluate()
            self.assertFalse(again)
        alert = self.alerts()
        self.assertEqual(alert.condition, condition)
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(alert.activity_id, activity)
        self.assertEqual(activity.user_id, alert.user_id)
        return alert

    def assert_cleared(self, alert, now=None):
        """Seen clear, the alert waits CLEAR_AFTER, then closes."""
        now = now or fields.Datetime.now()
        _raised, cleared = self.evaluate(now)
        self.assertFalse(cleared)
        self.assertEqual(alert.state, "open")
        _raised, cleared = self.evaluate(now + CLEAR_AFTER)
        self.assertEqual(cleared, alert)
        self.assertEqual(alert.state, "cleared")
        self.assertTrue(alert.cleared_at)
        self.assertFalse(self.activities())
        self.assertFalse(self.alerts())
        self.assertIn(
            "Alert cleared",
            self.channel.message_ids[:1].body,
            "clearing leaves a message in the channel's chatter",
        )

    def test_nothing_to_report(self):
        raised, cleared = self.evaluate()
        self.assertFalse(raised | cleared)
        self.assertFalse(self.activities())

    def test_circuit_open(self):
        self.channel.sudo().write({"circuit_state": "open", "circuit_failures": 5})
        alert = self.assert_raised_once("circuit_open")
        self.assertIn("5 times", alert.detail)
        self.channel.sudo().write({"circuit_state": "closed", "circuit_failures": 0})
        self.assert_cleared(alert)

    def test_dead_letters(self):
        now = fields.Datetime.now()
        dead = self.store_event(self.channel, now, state="dead", domain="orders")
        alert = self.assert_raised_once("dead_letters")
        self.assertIn("orders: 1", alert.detail)
        # A second dead letter is the same condition: no second alert.
        self.store_event(self.channel, now, state="dead", domain="orders")
        raised, _cleared = self.evaluate()
        self.assertFalse(raised)
        self.env["retail.sync.event"].search(
            [("channel_id", "=", self.channel.id)]
        ).write({"state": "skipped"})
        self.assertEqual(dead.state, "skipped")
        self.assert_cleared(alert)

    def test_channel_silent_longer_than_its_quiet_period(self):
        now = fields.Datetime.now()
        self.channel.quiet_period_minutes = 10
        self.store_event(self.channel, now - timedelta(minutes=25), latency_ms=50)
        alert = self.assert_raised_once("silent")
        self.assertIn("quiet period 10 min", alert.detail)
        self.store_event(self.channel, now, state="queued")
        self.assert_cleared(alert)

    def test_latency_target_breached(self):
        now = fields.Datetime.now()
        for latency in (300, 400, 9_000):
            self.store_event(
                self.channel, now - timedelta(minutes=2), latency_ms=latency
            )
        self.env["retail.sync.stat"]._rollup(now)
        alert = self.assert_raised_once("latency")
        self.assertIn("Inventory: p95", alert.detail)
        self.assertIn("target 2.0 s", alert.detail)
        # The window moves on without slow events: the breach clears.
        self.assert_cleared(alert, now=now + timedelta(minutes=20))

    def test_raised_again_after_it_cleared(self):
        self.channel.sudo().circuit_state = "open"
        first = self.assert_raised_once("circuit_open")
        self.channel.sudo().circuit_state = "closed"
        self.assert_cleared(first)
        self.channel.sudo().circuit_state = "open"
        second = self.assert_raised_once("circuit_open")
        self.assertNotEqual(first, second)
        self.assertEqual(len(self.alerts(state="cleared")), 1)

    def test_a_flapping_condition_keeps_one_alert(self):
        now = fields.Datetime.now()
        self.channel.sudo().circuit_state = "open"
        alert = self.assert_raised_once("circuit_open")
        for minute in range(0, 10, 2):  # closed a minute, open again the next
            self.channel.sudo().circuit_state = "closed"
            raised, cleared = self.evaluate(now + timedelta(minutes=minute))
            self.channel.sudo().circuit_state = "open"
            raised2, cleared2 = self.evaluate(now + timedelta(minutes=minute + 1))
            self.assertFalse(raised | cleared | raised2 | cleared2)
        self.assertEqual(self.alerts(), alert)
        self.assertEqual(len(self.activities()), 1)
        self.channel.sudo().circuit_state = "closed"
        self.assert_cleared(alert, now=now + timedelta(minutes=10))

    def test_assigned_to_the_channel_responsible_else_a_manager(self):
        self.channel.sudo().circuit_state = "open"
        alert = self.assert_raised_once("circuit_open")
        self.assertTrue(alert.user_id.has_group("retail_sync_core.group_manager"))
        other, _key = self.make_channel("ALERT-2", quiet_period_minutes=0)
        responsible = make_user(
            self.env,
            "rs_alert_responsible",
            "base.group_user,retail_sync_core.group_manager",
        )
        other.write({"alert_user_id": responsible.id, "circuit_state": "open"})
        raised, _cleared = self.Alert._evaluate(other)
        self.assertEqual(raised.user_id, responsible)
        self.assertEqual(raised.activity_id.user_id, responsible)

    def test_alerts_of_an_archived_channel_clear(self):
        self.channel.sudo().circuit_state = "open"
        alert = self.assert_raised_once("circuit_open")
        self.channel.active = False
        self.Alert._evaluate()
        self.assertEqual(alert.state, "cleared")
