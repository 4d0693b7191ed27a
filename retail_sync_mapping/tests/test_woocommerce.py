# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import NativeMixin, fixture


@tagged("post_install", "-at_install")
class TestWooCommerceWebhooks(NativeMixin, HttpCase):
    platform = "woocommerce"
    secret = "wc-webhook-secret-0123456789"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_native("WOO-T")

    def test_creation_ping_is_answered_and_not_stored(self):
        response = self.url_open(
            f"/retail_sync/v1/native/{self.channel.code}",
            data=b"webhook_id=12",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["result"], "ping")
        self.assertFalse(self.Message.search([("channel_id", "=", self.channel.id)]))

    def test_bad_signature_is_401(self):
        response = self.send(
            "order.created", fixture("woocommerce_order_created"), "d-bad", "nope"
        )
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.message("d-bad"))

    def test_order_created_becomes_a_sale_order(self):
        response = self.send(
            "order.created", fixture("woocommerce_order_created"), "d-1"
        )
        self.assertEqual(response.status_code, 200, response.text)
        event = self.message("d-1").event_ids
        self.assertEqual(event.external_id, "wc-order-created:731")
        self.assertEqual(
            event.sudo().payload["occurred_at"], "2026-11-30T19:05:11+00:00"
        )
        self.drain("order:731")
        self.assertEqual(event.state, "done", event.sudo().error_message)
        order = self.env["sale.order"].search([("client_order_ref", "=", "731")])
        self.assertEqual(order.order_line.product_uom_qty, 2)
        # Redelivered (same delivery id): answered, stored once.
        again = self.send("order.created", fixture("woocommerce_order_created"), "d-1")
        self.assertEqual(again.json()["result"], "duplicate")
        self.assertEqual(self.message("d-1").deliveries, 2)

    def test_order_updated_with_a_refund_gives_the_update_and_the_refund(self):
        self.send("order.updated", fixture("woocommerce_order_updated_refund"), "d-2")
        message = self.message("d-2")
        self.assertEqual(message.outcome, "accepted", message.reason)
        self.assertEqual(
            sorted(message.event_ids.mapped("event_type")),
            ["ecom.order.updated", "refund.issued"],
        )
        refund = message.event_ids.filtered(lambda e: e.event_type == "refund.issued")
        self.assertEqual(
            refund.sudo().payload["data"],
            {
                "refund_ref": "740",
                "payment_ref": "ch_3QAbc123",
                "order_ref": "731",
                "amount": 29.9,
                "currency": "EUR",
                "reason": "One lamp broken",
            },
        )

    def test_cancelled_and_deleted_orders_cancel(self):
        self.send(
            "order.updated", fixture("woocommerce_order_updated_cancelled"), "d-3"
        )
        self.send("order.deleted", fixture("woocommerce_order_deleted"), "d-4")
        for delivery in ("d-3", "d-4"):
            message = self.message(delivery)
            self.assertEqual(message.outcome, "accepted", message.reason)
            self.assertEqual(message.event_ids.event_type, "ecom.order.cancelled")

    def test_products_and_customers_are_skipped_with_reasons(self):
        self.send("product.updated", fixture("woocommerce_product_updated"), "d-5")
        self.send("customer.created", fixture("woocommerce_customer_created"), "d-6")
        self.assertIn("Odoo owns the catalogue", self.message("d-5").reason)
        self.assertIn("no customer.upserted", self.message("d-6").reason)
        self.assertEqual(self.message("d-5").outcome, "skipped")

    def test_a_silent_shop_raises_an_alert(self):
        Alert = self.env["retail.sync.alert"]
        self.channel.native_silence_minutes = 30
        self.env.cr.execute(
            "UPDATE retail_sync_channel SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(hours=2), self.channel.id),
        )
        self.channel.invalidate_recordset(["create_date"])
        Alert._evaluate(self.channel)
        alert = Alert.search(
            [("channel_id", "=", self.channel.id), ("condition", "=", "native_silent")]
        )
        self.assertEqual(alert.state, "open")
        self.assertIn("No WooCommerce webhook received yet", alert.detail)
        # A webhook arrives: the condition is clear.
        self.send("product.updated", fixture("woocommerce_product_updated"), "d-7")
        snapshot = {"now": fields.Datetime.now()}
        self.assertFalse(Alert._check_native_silent(self.channel, snapshot))
