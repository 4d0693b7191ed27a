# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.retail_sync_core.engine import locks

from .common import PollerMixin

STATE = "odoo.addons.retail_sync_poller.models.retail_sync_poll_state"


@tagged("post_install", "-at_install")
class TestPoller(PollerMixin, TransactionCase):
    def setUp(self):
        super().setUp()
        self.clear_sales()

    def test_rows_become_sales_and_the_watermark_advances(self):
        self.sell((1, "T-SHIRT", 2), (2, "T-SOCKS", 1), (3, "T-SHIRT", 1))
        result = self.poll()
        self.assertIn("3 rows read, 3 events stored", result)
        events = self.legacy_events()
        self.assertEqual(
            events.mapped("external_id"),
            ["legacy-pos-sale:1", "legacy-pos-sale:2", "legacy-pos-sale:3"],
        )
        self.assertEqual(set(events.mapped("event_type")), {"pos.sale.completed"})
        state = self.state()
        self.assertEqual(state.watermark, "3")
        self.assertEqual((state.last_rows, state.last_events), (3, 3))
        self.assertEqual(state.rows_behind, 0)
        self.assertFalse(state.last_full)
        # The next poll is armed at the interval.
        [job] = self.poll_jobs()
        self.assertGreater(job.eta, fields.Datetime.now() + timedelta(seconds=3))
        self.drain("pos:TST:R1", channel=self.legacy)
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(self.on_hand(self.shirt), 17)
        self.assertEqual(self.on_hand(self.socks), 9)
        payload = events[0].payload
        self.assertEqual(
            payload["data"]["lines"],
            [{"sku": "T-SHIRT", "quantity": 2, "unit_price": 10, "discount": 0}],
        )
        self.assertEqual(
            payload["data"]["payments"], [{"method": "card", "amount": 10}]
        )

    def test_watermark_and_events_commit_together(self):
        self.sell((1, "T-SHIRT", 1), (2, "T-SHIRT", 1))
        with (
            patch(f"{STATE}.RetailSyncPollState._source_head", side_effect=OSError),
            self.assertRaises(OSError),
            self.env.cr.savepoint(),
        ):
            self.poll()
        # The events stored by the failed poll went with it: no watermark without
        # its events, no events without their watermark.
        self.env.invalidate_all()
        self.assertFalse(self.legacy_events())
        self.assertFalse(self.state().watermark)
        self.poll()
        self.assertEqual(len(self.legacy_events()), 2)
        self.assertEqual(self.state().watermark, "2")

    def test_overlap_read_again_is_absorbed_by_the_event_id(self):
        self.sell(*[(i, "T-SHIRT", 1) for i in range(1, 6)])
        self.poll()
        result = self.poll()  # reads 1..5 again: watermark 5 minus overlap 10
        state = self.state()
        self.assertEqual((state.last_rows, state.last_duplicates), (5, 5))
        self.assertEqual(state.last_events, 0, result)
        self.assertEqual(len(self.legacy_events()), 5)
        self.drain("pos:TST:R1", channel=self.legacy)
        self.assertEqual(self.on_hand(self.shirt), 15, "each sale applied once")

    def test_late_commit_inside_the_overlap_is_picked_up(self):
        blind = self.make_polled("LEGACY-BLIND", poll_overlap=0)
        # Sale 3 took its id first but commits after 4 and 5.
        self.sell((1, "T-SHIRT", 1), (2, "T-SHIRT", 1), (4, "T-SHIRT", 1))
        self.sell((5, "T-SOCKS", 1))
        self.poll()
        self.poll(blind)
        self.sell((3, "T-SOCKS", 2))
        self.poll()
        self.poll(blind)
        self.assertIn("legacy-pos-sale:3", self.legacy_events().mapped("external_id"))
        self.assertEqual(self.state().watermark, "5")
        self.assertEqual(self.state().last_events, 1)
        # Without an overlap window the late row is never read.
        self.assertNotIn(
            "legacy-pos-sale:3", self.legacy_events(blind).mapped("external_id")
        )

    def test_late_commit_after_a_burst_is_read_by_the_overlap_in_time(self):
        """A till flushing the sales it kept during an outage moves the ids far
        past a sale that commits a little late: an overlap in ids misses it, the
        overlap in seconds does not."""
        ids_only = self.make_polled("LEGACY-IDS", poll_overlap=2)
        self.legacy.write({"poll_overlap": 2, "poll_overlap_seconds": 60})
        channels = (self.legacy, ids_only)
        self.sell((1, "T-SHIRT", 1), (2, "T-SHIRT", 1))
        for channel in channels:
            self.poll(channel)
        self.sell((4, "T-SHIRT", 1))  # sale 3 has its id, not committed yet
        for channel in channels:
            self.poll(channel)
        self.sell(*[(i, "T-SOCKS", 1) for i in range(5, 31)])  # the burst
        for channel in channels:
            self.poll(channel)
        self.sell((3, "T-SHIRT", 2))
        for channel in channels:
            self.poll(channel)
        self.assertIn("legacy-pos-sale:3", self.legacy_events().mapped("external_id"))
        self.assertEqual(len(self.legacy_events()), 30)
        self.assertNotIn(
            "legacy-pos-sale:3", self.legacy_events(ids_only).mapped("external_id")
        )
        self.assertEqual(self.state().watermark, "30")

    def test_source_down_backs_off_alerts_and_catches_up(self):
        secret = "s3cret-pw"
        self.legacy.sudo().write(
            {
                "poll_dsn": f"postgresql+psycopg2://pos:{secret}@127.0.0.1:9/pos",
                "poll_alert_failures": 2,
            }
        )
        self.sell((1, "T-SHIRT", 1), (2, "T-SHIRT", 1))
        with self.assertLogs(STATE, level="WARNING") as logs:
            first = self.poll()
        self.assertIn("source down (1 in a row)", first)
        self.assertNotIn(secret, "\n".join(logs.output))
        state = self.state()
        self.assertEqual(state.failures, 1)
        self.assertNotIn(secret, state.last_error)
        self.assertIn("Operational", state.last_error)
        self.assertFalse(state.watermark)
        self.assertGreater(state.next_poll_at, fields.Datetime.now())
        [job] = self.poll_jobs()
        self.assertEqual(job.eta, state.next_poll_at, "the retry waits its backoff")
        Alert = self.env["retail.sync.alert"]
        alert_domain = [
            ("channel_id", "=", self.legacy.id),
            ("condition", "=", "poll_source_down"),
            ("state", "=", "open"),
        ]
        self.assertFalse(Alert.search(alert_domain), "one failure is not an alert")
        first_delay = state.next_poll_at - state.last_poll_at
        with mute_logger(STATE):
            self.poll()
        state = self.state()
        self.assertEqual(state.failures, 2)
        self.assertGreater(state.next_poll_at - state.last_poll_at, first_delay / 2)
        [alert] = Alert.search(alert_domain)
        self.assertIn("failed 2 times in a row", alert.detail)
        self.assertNotIn(secret, alert.detail)
        # The source is back, with rows written while it was down: nothing skipped.
        self.legacy.sudo().poll_dsn = f"sqlite:///{self.db_path}"
        self.sell((3, "T-SOCKS", 1))
        self.poll()
        state = self.state()
        self.assertEqual((state.failures, state.last_error), (0, False))
        self.assertEqual(state.watermark, "3")
        self.assertEqual(len(self.legacy_events()), 3)

    def test_mapping_error_is_a_dead_letter_naming_the_field(self):
        self.sell((1, "T-SHIRT", "two"), (2, "T-SHIRT", 1), (3, "", 1))
        self.poll()
        state = self.state()
        self.assertEqual((state.last_events, state.last_dead), (1, 2))
        self.assertEqual(state.watermark, "3", "a bad row does not stop the poller")
        dead = self.legacy_events().filtered(lambda e: e.state == "dead")
        self.assertEqual(len(dead), 2)
        messages = "\n".join(dead.mapped("error_message"))
        self.assertIn("lines[0].quantity", messages)
        self.assertIn("sku", messages)
        self.assertIn("legacy-pos-sale:1", dead.mapped("external_id"))

    def test_return_rows_are_skipped_with_a_reason(self):
        self.sell((1, "T-SHIRT", -1), (2, "T-SHIRT", 1))
        self.poll()
        state = self.state()
        self.assertEqual(
            (state.last_rows, state.last_events, state.last_skipped), (2, 1, 1)
        )
        self.assertEqual(
            self.legacy_events().mapped("external_id"), ["legacy-pos-sale:2"]
        )

    def test_two_polls_of_a_channel_never_run_at_once(self):
        self.sell((1, "T-SHIRT", 1))
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                (locks.POLL_CHANNEL, self.legacy.id),
            )
            self.assertTrue(other.fetchone()[0])
            result = self.poll()
            self.assertEqual(result, "another poll of this channel is running")
            self.assertFalse(self.legacy_events())
        finally:
            other.rollback()
            other.close()
        self.poll()
        self.assertEqual(len(self.legacy_events()), 1)

    def test_a_backlog_drains_in_bounded_polls_that_follow_at_once(self):
        self.legacy.poll_batch_size = 4
        self.sell(*[(i, "T-SHIRT", 1) for i in range(1, 11)])
        self.poll()
        state = self.state()
        self.assertEqual((state.last_rows, state.watermark), (4, "4"))
        self.assertTrue(state.last_full)
        self.assertEqual(state.source_head, "10")
        self.assertEqual(state.rows_behind, 6)
        [job] = self.poll_jobs()
        self.assertLessEqual(job.eta or fields.Datetime.now(), fields.Datetime.now())
        self.poll()
        self.poll()
        state = self.state()
        self.assertEqual((state.watermark, state.rows_behind), ("10", 0))
        self.assertFalse(state.last_full)
        self.assertEqual(len(self.legacy_events()), 10)

    def test_the_cron_rearms_a_channel_without_a_job(self):
        self.poll_jobs().unlink()
        armed = self.State._cron_arm()
        self.assertIn(self.state(), armed)
        self.assertEqual(len(self.poll_jobs()), 1)
        self.assertNotIn(self.state(), self.State._cron_arm())
        self.assertEqual(len(self.poll_jobs()), 1)

    def test_poll_now_enqueues_and_never_reads_in_the_request(self):
        self.sell((1, "T-SHIRT", 1))
        self.poll_jobs().unlink()
        self.legacy.action_poll_now()
        [job] = self.poll_jobs()
        self.assertEqual(job.method_name, "_poll")
        self.assertEqual(job.channel, "root.retail_sync.poll")
        self.assertFalse(self.legacy_events())
