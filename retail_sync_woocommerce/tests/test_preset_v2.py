# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import pathlib

from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_mapping.engine import native

MAPPING_FIXTURES = (
    pathlib.Path(__file__).parents[2] / "retail_sync_mapping" / "tests" / "fixtures"
)
SECRET = "wc_preset_v2"


@tagged("post_install", "-at_install")
class TestWooCommercePresetV2(TransactionCase):
    """Version 2 of the WooCommerce preset, loaded by this addon (which installs
    the payment contracts): a paid order maps to payment.captured too."""

    preset_version = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mapping = cls.env["retail.sync.mapping"].search(
            [("code", "=", "woocommerce"), ("version", "=", cls.preset_version)]
        )
        cls.channel = cls.env["retail.sync.channel"].create(
            {
                "name": f"WooCommerce preset v{cls.preset_version}",
                "code": f"WOO-V{cls.preset_version}",
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
                "X-WC-Webhook-Topic": topic,
                "X-WC-Webhook-Delivery-ID": delivery_id,
                "X-WC-Webhook-Signature": native.signature_of(SECRET, body),
            },
        )
        return self.env["retail.sync.native.message"].search(
            [("channel_id", "=", self.channel.id), ("delivery_id", "=", delivery_id)]
        )

    def test_paid_order_becomes_an_order_and_its_payment(self):
        self.assertEqual(self.mapping.module, "retail_sync_woocommerce")
        order = json.loads(
            (MAPPING_FIXTURES / "woocommerce_order_created.json").read_text()
        )
        message = self.receive("order.created", order, "wc-paid-1")
        self.assertEqual(message.outcome, "accepted", message.reason)
        self.assertEqual(
            sorted(message.event_ids.mapped("event_type")),
            ["ecom.order.created", "payment.captured"],
        )
        payment = message.event_ids.filtered(
            lambda e: e.event_type == "payment.captured"
        )
        self.assertEqual(payment.external_id, "wc-payment:ch_3QAbc123")
        data = payment.sudo().payload["data"]
        self.assertEqual(
            data,
            {
                "payment_ref": "ch_3QAbc123",
                "order_ref": "731",
                "amount": 64.7,
                "currency": "EUR",
                "method": "stripe",
            },
        )
        # A later update of the same paid order is the same payment, stored once.
        again = self.receive("order.updated", order, "wc-paid-2")
        self.assertEqual(
            again.event_ids.filtered(lambda e: e.event_type == "payment.captured"),
            payment,
        )

    def test_unpaid_order_has_no_payment(self):
        order = json.loads(
            (MAPPING_FIXTURES / "woocommerce_order_created.json").read_text()
        )
        order.update(date_paid=None, date_paid_gmt=None, transaction_id="")
        message = self.receive("order.created", order, "wc-unpaid-1")
        self.assertEqual(message.event_ids.mapped("event_type"), ["ecom.order.created"])
