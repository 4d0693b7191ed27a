# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from ..models import retail_sync_payload_retention as retention
from .common import ChannelMixin, backdate, make_event

EVENT_TIMES = ("received_at", "create_date", "write_date")


@tagged("post_install", "-at_install")
class TestRetention(ChannelMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel, _key = cls.make_channel("RET")
        cls.Event = cls.env["retail.sync.event"]
        cls.Delivery = cls.env["retail.sync.delivery"]
        cls.env["ir.config_parameter"].set_param(retention.RETENTION_PARAM, "30")

    def stored_event(self, state, days_old, **values):
        event = make_event(data={"message": "customer jane@example.com"})
        self.Event._receive(self.channel, json.dumps(event).encode())
        record = self.Event.search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", event["id"])]
        )
        record.write(dict(values, state=state))
        backdate(record, days_old, EVENT_TIMES)
        return record

    def delivery(self, state, days_old):
        record = self.Delivery.create(
            {
                "channel_id": self.channel.id,
                "topic": "inventory.available",
                "state": state,
                "payload": {"figures": [{"sku": "RET-1", "available": 3.0}]},
                "item_count": 1,
            }
        )
        backdate(record, days_old)
        return record

    def test_old_applied_event_loses_its_payload_and_keeps_its_metadata(self):
        event = self.stored_event(
            "done",
            40,
            result={"sale": "S001"},
            original_payload={"id": "before edit"},
            latency_ms=12,
        )
        metadata = event.read(
            [
                "external_id",
                "event_type",
                "ordering_key",
                "state",
                "payload_hash",
                "latency_ms",
                "received_at",
                "channel_id",
            ]
        )
        self.Event._cron_purge_payloads()
        self.assertFalse(event.payload)
        self.assertFalse(event.result)
        self.assertFalse(event.sudo().original_payload)
        self.assertFalse(event.payload_display)
        self.assertTrue(event.payload_purged_at)
        self.assertIn("after 40 days", event.payload_purge_note)
        self.assertEqual(event.read(list(metadata[0])), metadata)

    def test_recent_unfinished_and_dead_events_keep_their_payload(self):
        recent = self.stored_event("done", 5)
        dead = self.stored_event("dead", 90, error_message="no binding for store X")
        failed = self.stored_event("failed", 90)
        skipped_yesterday = self.stored_event("skipped", 90)
        backdate(skipped_yesterday, 1, ("write_date",))
        old_skip = self.stored_event("skipped", 90)
        self.Event._cron_purge_payloads()
        for event in (recent, dead, failed, skipped_yesterday):
            self.assertTrue(event.payload, event.state)
            self.assertFalse(event.payload_purged_at)
        self.assertFalse(old_skip.payload)
        self.assertTrue(old_skip.payload_purged_at)

    def test_old_finished_deliveries_lose_their_payload(self):
        delivered = self.delivery("delivered", 31)
        dead = self.delivery("dead", 31)
        failed = self.delivery("failed", 31)
        recent = self.delivery("delivered", 2)
        self.Delivery._cron_purge_payloads()
        self.assertFalse(delivered.payload)
        self.assertFalse(dead.payload)
        self.assertTrue(delivered.payload_purged_at)
        self.assertEqual(delivered.item_count, 1, "metadata kept")
        self.assertIn("after 31 days", delivered.payload_purge_note)
        self.assertTrue(failed.payload, "a push still retried keeps its payload")
        self.assertTrue(recent.payload)

    def test_purge_goes_by_batches_and_reports_progress_to_the_cron(self):
        events = [self.stored_event("done", 60) for _i in range(3)]
        cron = self.env.ref("retail_sync_core.ir_cron_purge_event_payloads")
        _cron, progress = cron._add_progress()
        Event = self.Event.with_context(ir_cron_progress_id=progress.id)
        with patch.object(retention, "PURGE_BATCH", 2):
            self.assertEqual(Event._cron_purge_payloads(), 2)
            self.assertEqual((progress.done, progress.remaining), (2, 1))
            self.assertEqual(Event._cron_purge_payloads(), 1)
            self.assertEqual((progress.done, progress.remaining), (1, 0))
            self.assertEqual(Event._cron_purge_payloads(), 0)
        self.assertTrue(all(event.payload_purged_at for event in events))

    def test_retention_days_come_from_the_settings(self):
        event = self.stored_event("done", 15)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.retail_sync_payload_retention_days, 30)
        settings.retail_sync_payload_retention_days = 0
        settings.execute()
        self.Event._cron_purge_payloads()
        self.assertTrue(event.payload, "0 days: payloads are kept forever")
        settings = self.env["res.config.settings"].create(
            {"retail_sync_payload_retention_days": 10}
        )
        settings.execute()
        self.assertEqual(self.Event._payload_retention_days(), 10)
        self.Event._cron_purge_payloads()
        self.assertFalse(event.payload)
        with self.assertRaises(ValidationError):
            self.env["res.config.settings"].create(
                {"retail_sync_payload_retention_days": -1}
            )

    def test_acting_on_a_purged_payload_is_refused_clearly(self):
        event = self.stored_event("done", 45)
        self.Event._cron_purge_payloads()
        with self.assertRaisesRegex(UserError, "purged by the retention policy"):
            event._check_payload_kept()
