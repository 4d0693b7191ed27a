# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from .common import fixture


@tagged("post_install", "-at_install")
class TestMappingTry(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Mapping = cls.env["retail.sync.mapping"]
        cls.shopify = Mapping.search([("code", "=", "shopify"), ("version", "=", 1)])
        cls.woo = Mapping.search([("code", "=", "woocommerce"), ("version", "=", 1)])

    def try_it(self, mapping, topic, payload):
        wizard = Form(
            self.env["retail.sync.mapping.try"].with_context(
                default_mapping_id=mapping.id
            )
        )
        wizard.topic = topic
        wizard.payload = json.dumps(payload)
        return wizard

    def test_presets_are_shipped_with_their_rules(self):
        self.assertTrue(self.shopify.is_preset)
        self.assertEqual(self.shopify.topic_header, "X-Shopify-Topic")
        self.assertIn("orders/create", self.shopify.rule_ids.mapped("topic"))
        self.assertEqual(self.woo.ping_field, "webhook_id")
        self.assertTrue(self.woo.alert_when_silent)
        created = self.shopify.rule_ids.filtered(lambda r: r.topic == "orders/create")
        self.assertEqual(created.contract_id.event_type, "ecom.order.created")

    def test_try_it_shows_the_canonical_event_and_its_check(self):
        wizard = self.try_it(
            self.shopify, "orders/create", fixture("shopify_orders_create")
        )
        self.assertTrue(wizard.ok, wizard.check)
        events = json.loads(wizard.result)
        self.assertEqual(events[0]["type"], "ecom.order.created")
        self.assertEqual(events[0]["data"]["order_ref"], "5820001000001")
        self.assertIn("OK: shopify-order-created:5820001000001", wizard.check)

    def test_try_it_names_the_failing_field(self):
        payload = fixture("shopify_orders_create")
        payload["line_items"][0]["price"] = "29,90"
        wizard = self.try_it(self.shopify, "orders/create", payload)
        self.assertFalse(wizard.ok)
        self.assertIn("data.lines[0].unit_price", wizard.check)
        payload = fixture("shopify_orders_create")
        payload["currency"] = "euro"
        wizard = self.try_it(self.shopify, "orders/create", payload)
        self.assertIn("/data/currency", wizard.check)
        wizard = self.try_it(self.shopify, "carts/create", {"id": 1})
        self.assertIn("no rule recognises topic carts/create", wizard.check)

    def test_a_preset_is_copied_to_be_adjusted(self):
        with self.assertRaises(UserError):
            self.shopify.name = "Mine"
        action = self.shopify.action_copy_preset()
        copy = self.env["retail.sync.mapping"].browse(action["res_id"])
        self.assertFalse(copy.is_preset)
        self.assertEqual(copy.code, "shopify-custom")
        self.assertEqual(len(copy.rule_ids), len(self.shopify.rule_ids))
        rule = copy.rule_ids.filtered(lambda r: r.topic == "orders/create")
        rule.field_ids.filtered(
            lambda f: f.target == "lines[].sku"
        ).expression = "sku || to_string(variant_id)"
        payload = fixture("shopify_orders_create")
        payload["line_items"][0]["sku"] = None
        wizard = self.try_it(copy, "orders/create", payload)
        self.assertEqual(
            json.loads(wizard.result)[0]["data"]["lines"][0]["sku"], "4410005000005"
        )
        with self.assertRaises(ValidationError):
            rule.condition = "body.[["
