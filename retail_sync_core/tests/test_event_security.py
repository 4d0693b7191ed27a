# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import ChannelMixin, make_event, make_user

# Fields that may carry customer data: managers only.
SENSITIVE_EVENT_FIELDS = (
    "payload",
    "payload_display",
    "original_payload",
    "error_message",
    "error_traceback",
    "result",
    "result_display",
)


@tagged("post_install", "-at_install")
class TestEventSecurity(ChannelMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel, cls.key = cls.make_channel("SEC-1")
        cls.operator = make_user(
            cls.env, "rs_sec_operator", "base.group_user,retail_sync_core.group_user"
        )
        cls.manager = make_user(
            cls.env, "rs_sec_manager", "base.group_user,retail_sync_core.group_manager"
        )

    def stored_event(self):
        """An event posted over HTTP by the channel's integration user."""
        event = make_event(data={"message": "customer jane@example.com"})
        response = self.post(self.key, event)
        self.assertEqual(response.status_code, 202, response.text)
        stored = self.env["retail.sync.event"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", event["id"])]
        )
        stored.write(
            {
                "error_message": "no customer jane@example.com",
                "error_traceback": "Traceback: jane@example.com",
                "result": {"customer": "jane@example.com"},
            }
        )
        return stored

    def test_operator_opens_events_without_payloads_or_errors(self):
        event = self.stored_event().with_user(self.operator)
        [values] = event.read(["event_type", "state", "ordering_key", "channel_id"])
        self.assertEqual(values["event_type"], "system.ping")
        for field in SENSITIVE_EVENT_FIELDS:
            with self.assertRaises(AccessError, msg=field):
                event.read([field])
        # The form the operator gets has none of them.
        view = event.get_views([(False, "form")])["views"]["form"]
        for field in SENSITIVE_EVENT_FIELDS:
            self.assertNotIn(f'name="{field}"', view["arch"])
        self.assertNotIn("jane@example.com", event.timeline_html)

    def test_manager_reads_payloads_and_errors(self):
        event = self.stored_event().with_user(self.manager)
        values = event.read(list(SENSITIVE_EVENT_FIELDS))[0]
        self.assertEqual(
            values["payload"]["data"], {"message": "customer jane@example.com"}
        )
        self.assertIn(
            '"message": "customer jane@example.com"', values["payload_display"]
        )
        self.assertEqual(values["error_message"], "no customer jane@example.com")
        self.assertEqual(values["result"], {"customer": "jane@example.com"})
        view = event.get_views([(False, "form")])["views"]["form"]
        self.assertIn('name="payload_display"', view["arch"])

    def test_delivery_payload_is_for_managers_only(self):
        delivery = self.env["retail.sync.delivery"].create(
            {
                "channel_id": self.channel.id,
                "topic": "inventory.available",
                "payload": {"figures": [{"sku": "X", "available": 3}]},
            }
        )
        self.assertEqual(delivery.with_user(self.operator).topic, "inventory.available")
        with self.assertRaises(AccessError):
            delivery.with_user(self.operator).read(["payload"])
        with self.assertRaises(AccessError):
            delivery.with_user(self.operator).read(["payload_display"])
        self.assertIn('"sku": "X"', delivery.with_user(self.manager).payload_display)

    def test_operator_cannot_manage_channel_credentials(self):
        for method in (
            "action_generate_api_key",
            "action_rotate_signing_secret",
            "action_rotate_push_secret",
            "action_enable_push",
            "action_send_test_event",
        ):
            with self.assertRaises(AccessError, msg=method):
                getattr(self.channel.with_user(self.operator), method)()
