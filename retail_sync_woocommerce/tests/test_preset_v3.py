# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import tagged

from .test_preset_v2 import MAPPING_FIXTURES, TestWooCommercePresetV2


@tagged("post_install", "-at_install")
class TestWooCommercePresetV3(TestWooCommercePresetV2):
    """Version 3 of the WooCommerce preset: version 2's rules (its tests run here
    too), plus the shop's customers to customer.upserted."""

    preset_version = 3

    def customer(self):
        return json.loads(
            (MAPPING_FIXTURES / "woocommerce_customer_updated.json").read_text()
        )

    def test_customer_created_or_updated_becomes_customer_upserted(self):
        message = self.receive("customer.updated", self.customer(), "wc-cust-1")
        self.assertEqual(message.outcome, "accepted", message.reason)
        event = message.event_ids
        self.assertEqual(event.event_type, "customer.upserted")
        self.assertEqual(event.external_id, "wc-customer:25:2026-12-01T14:40:07")
        data = event.sudo().payload["data"]
        self.assertEqual(data["customer_id"], "25")
        self.assertEqual(data["name"], "Anna Berg")
        self.assertEqual(data["emails"], ["Anna.Berg@Example.com"])
        self.assertEqual(data["phones"], [{"number": "030 1234567"}])
        self.assertEqual(
            [
                (a["kind"], a["street"], a.get("street2"), a["zip"], a["country_code"])
                for a in data["addresses"]
            ],
            [
                ("default", "Lindenstrasse 12", None, "10969", "DE"),
                ("delivery", "Torstrasse 1", "Hinterhaus", "10119", "DE"),
            ],
        )
        # The same change delivered again (WooCommerce's retry by hand, a second
        # webhook) is the same event, stored once.
        again = self.receive("customer.updated", self.customer(), "wc-cust-2")
        self.assertEqual(again.event_ids, event)

    def test_customer_without_addresses_or_phone(self):
        customer = self.customer()
        customer["billing"] = {"first_name": "Anna", "email": "", "phone": ""}
        customer["shipping"] = {}
        message = self.receive("customer.created", customer, "wc-cust-3")
        self.assertEqual(message.outcome, "accepted", message.reason)
        data = message.event_ids.sudo().payload["data"]
        self.assertFalse(data.get("addresses"))
        self.assertFalse(data.get("phones"))

    def test_deleted_customer_is_skipped_with_its_reason(self):
        message = self.receive("customer.deleted", {"id": 25}, "wc-cust-4")
        self.assertEqual(message.outcome, "skipped")
        self.assertIn("not an erasure request", message.reason)
        self.assertFalse(message.event_ids)
