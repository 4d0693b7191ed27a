# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import pathlib

from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_mapping.engine import native

HERE = pathlib.Path(__file__).parent
MAPPING_FIXTURES = HERE.parents[1] / "retail_sync_mapping" / "tests" / "fixtures"
SECRET = "shpss_preset_v2"


@tagged("post_install", "-at_install")
class TestShopifyPresetV2(TransactionCase):
    """Version 2 of the Shopify preset, loaded by this addon (which installs the
    customer and payment contracts): customers and payment transactions map."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mapping = cls.env["retail.sync.mapping"].search(
            [("code", "=", "shopify"), ("version", "=", 2)]
        )
        cls.channel = cls.env["retail.sync.channel"].create(
            {
                "name": "Shopify preset v2",
                "code": "SHP-V2",
                "kind": "ecommerce",
                "mapping_id": cls.mapping.id,
            }
        )
        cls.channel.native_secret = SECRET

    def receive(self, topic, payload, delivery_id):
        body = json.dumps(payload).encode()
        self.env["retail.sync.native.message"]._receive(
            self.channel,
            body,
            {
                "X-Shopify-Topic": topic,
                "X-Shopify-Webhook-Id": delivery_id,
                "X-Shopify-Hmac-Sha256": native.signature_of(SECRET, body),
            },
        )
        return self.env["retail.sync.native.message"].search(
            [("channel_id", "=", self.channel.id), ("delivery_id", "=", delivery_id)]
        )

    def test_preset_v2_is_loaded_by_this_addon(self):
        self.assertTrue(self.mapping.is_preset)
        self.assertEqual(self.mapping.module, "retail_sync_shopify")
        self.assertTrue(
            all(r.contract_id for r in self.mapping.rule_ids if r.action == "map")
        )

    def test_customer_create_becomes_customer_upserted(self):
        payload = json.loads(
            (MAPPING_FIXTURES / "shopify_customers_create.json").read_text()
        )
        message = self.receive("customers/create", payload, "cust-1")
        self.assertEqual(message.outcome, "accepted", message.reason)
        event = message.event_ids
        self.assertEqual(event.event_type, "customer.upserted")
        data = event.sudo().payload["data"]
        self.assertEqual(data["customer_id"], "7710002000002")
        self.assertEqual(data["name"], "Jane Roe")
        self.assertEqual(data["emails"], ["jane.roe@example.com"])
        self.assertEqual(data["phones"], [{"number": "+33612345678"}])

    def test_customer_delete_is_skipped_with_the_reason(self):
        message = self.receive("customers/delete", {"id": 7710002000002}, "cust-2")
        self.assertEqual(message.outcome, "skipped")
        self.assertIn("customers/redact", message.reason)

    def test_sale_transaction_becomes_payment_captured(self):
        payload = json.loads(
            (HERE / "fixtures" / "shopify_order_transactions_create.json").read_text()
        )
        message = self.receive("order_transactions/create", payload, "txn-1")
        self.assertEqual(message.outcome, "accepted", message.reason)
        event = message.event_ids
        self.assertEqual(event.event_type, "payment.captured")
        self.assertEqual(event.external_id, "shopify-payment:6630004000004")
        data = event.sudo().payload["data"]
        self.assertEqual(data["payment_ref"], "6630004000004")
        self.assertEqual(data["order_ref"], "5820001000001")
        self.assertEqual(data["amount"], 59.8)
        self.assertEqual(data["currency"], "EUR")
        self.assertEqual(data["method"], "shopify_payments")
        # The refund rule names this transaction as the payment it refunds.
        authorization = dict(payload, id=6630004000005, kind="authorization")
        skipped = self.receive("order_transactions/create", authorization, "txn-2")
        self.assertEqual(skipped.outcome, "skipped")
        self.assertFalse(skipped.event_ids)
