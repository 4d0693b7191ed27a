# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import NativeMixin, fixture

ORDER_ID = "5820001000001"


@tagged("post_install", "-at_install")
class TestShopifyWebhooks(NativeMixin, HttpCase):
    platform = "shopify"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_native("SHOPIFY-T")

    def test_bad_hmac_is_401_and_stores_nothing(self):
        response = self.send(
            "orders/create", fixture("shopify_orders_create"), "wh-bad", secret="wrong"
        )
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["result"], "bad_signature")
        self.assertFalse(self.message("wh-bad"))
        self.assertFalse(self.Event.search([("channel_id", "=", self.channel.id)]))

    def test_unsigned_is_401(self):
        body = b'{"id": 1}'
        response = self.url_open(
            f"/retail_sync/v1/native/{self.channel.code}",
            data=body,
            headers={"X-Shopify-Topic": "orders/create", "X-Shopify-Webhook-Id": "x"},
        )
        self.assertEqual(response.status_code, 401)

    def test_unknown_channel_is_404_json(self):
        response = self.url_open("/retail_sync/v1/native/NOPE", data=b"{}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "no_channel")

    def test_orders_create_becomes_a_sale_order_through_the_pipeline(self):
        response = self.send(
            "orders/create", fixture("shopify_orders_create"), "wh-create-1"
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["result"], "accepted")
        message = self.message("wh-create-1")
        self.assertEqual(message.outcome, "accepted")
        event = message.event_ids
        self.assertEqual(event.event_type, "ecom.order.created")
        self.assertEqual(event.external_id, f"shopify-order-created:{ORDER_ID}")
        self.assertEqual(event.ordering_key, f"order:{ORDER_ID}")
        self.assertEqual(event.state, "queued")
        data = event.sudo().payload["data"]
        self.assertEqual(
            data["lines"], [{"sku": "MAP-LAMP", "quantity": 2, "unit_price": 29.9}]
        )
        self.assertEqual(
            data["customer"],
            {
                "id": "7710002000002",
                "email": "jane.roe@example.com",
                "name": "Jane Roe",
                "phone": "+33612345678",
            },
        )
        self.drain(f"order:{ORDER_ID}")
        self.assertEqual(event.state, "done", event.sudo().error_message)
        order = self.env["sale.order"].search([("client_order_ref", "=", ORDER_ID)])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.order_line.product_id, self.lamp)
        self.assertEqual(order.order_line.product_uom_qty, 2)
        self.assertEqual(order.order_line.price_unit, 29.9)

    def test_redelivered_webhook_is_stored_once(self):
        payload = fixture("shopify_orders_create")
        first = self.send("orders/create", payload, "wh-again")
        second = self.send("orders/create", payload, "wh-again")
        self.assertEqual(first.json()["result"], "accepted")
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.json()["result"], "duplicate")
        message = self.message("wh-again")
        self.assertEqual(message.deliveries, 2)
        events = self.Event.search([("channel_id", "=", self.channel.id)])
        self.assertEqual(len(events), 1)
        # The same order under another subscription's delivery id: the event id
        # (the platform's order id) absorbs it in the inbox.
        third = self.send("orders/create", payload, "wh-other-subscription")
        self.assertEqual(third.status_code, 200)
        self.assertEqual(
            len(self.Event.search([("channel_id", "=", self.channel.id)])), 1
        )

    def test_unknown_topic_is_answered_and_logged_as_skipped(self):
        response = self.send("shop/update", {"id": 1, "name": "Shop"}, "wh-shop")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["result"], "skipped")
        message = self.message("wh-shop")
        self.assertEqual(message.outcome, "skipped")
        self.assertIn("topic shop/update", message.reason)
        self.assertEqual(response.json()["topic"], "shop/update")
        self.assertFalse(message.event_ids)

    def test_customers_are_skipped_with_the_reason(self):
        response = self.send(
            "customers/create", fixture("shopify_customers_create"), "wh-cust"
        )
        self.assertEqual(response.status_code, 200)
        message = self.message("wh-cust")
        self.assertEqual(message.outcome, "skipped")
        self.assertIn("no customer.upserted contract", message.reason)

    def test_mapping_error_is_a_dead_letter_naming_the_field(self):
        payload = fixture("shopify_orders_create")
        payload["line_items"][0]["sku"] = None
        response = self.send("orders/create", payload, "wh-nosku")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["result"], "dead")
        message = self.message("wh-nosku")
        self.assertEqual(message.outcome, "dead")
        self.assertIn("data.lines[0].sku", message.reason)
        dead = message.event_ids
        self.assertEqual(dead.state, "dead")
        self.assertEqual(dead.event_type, "ecom.order.created")
        self.assertEqual(dead.external_id, f"shopify-order-created:{ORDER_ID}")
        self.assertIn("data.lines[0].sku", dead.sudo().error_message)
        # The manager's fix: the payload edited and replayed applies the order.
        fixed = dict(dead.sudo().payload)
        fixed["data"] = {
            "order_ref": ORDER_ID,
            "lines": [{"sku": "MAP-LAMP", "quantity": 1, "unit_price": 29.9}],
            "customer": {"email": "jane.roe@example.com"},
        }
        dead._edit_and_replay(fixed, "sku added")
        self.drain(f"order:{ORDER_ID}")
        self.assertEqual(dead.state, "done", dead.sudo().error_message)

    def test_contract_error_is_a_dead_letter_naming_the_field(self):
        payload = fixture("shopify_orders_create")
        payload["currency"] = "euro"
        response = self.send("orders/create", payload, "wh-currency")
        self.assertEqual(response.status_code, 200)
        message = self.message("wh-currency")
        self.assertEqual(message.outcome, "dead")
        self.assertIn("/data/currency", message.reason)
        self.assertEqual(message.event_ids.state, "dead")

    def test_order_cancelled_updated_and_refund_map_to_their_contracts(self):
        cases = [
            ("orders/cancelled", "shopify_orders_cancelled", "ecom.order.cancelled"),
            ("orders/updated", "shopify_orders_updated", "ecom.order.updated"),
            ("refunds/create", "shopify_refunds_create", "refund.issued"),
        ]
        for topic, name, event_type in cases:
            response = self.send(topic, fixture(name), f"wh-{name}")
            self.assertEqual(response.status_code, 200, response.text)
            message = self.message(f"wh-{name}")
            self.assertEqual(message.outcome, "accepted", message.reason)
            self.assertEqual(message.event_ids.event_type, event_type)
        refund = self.message("wh-shopify_refunds_create").event_ids.sudo()
        self.assertEqual(
            refund.payload["data"],
            {
                "refund_ref": "9310007000009",
                "payment_ref": "3310012000012",
                "order_ref": ORDER_ID,
                "amount": 29.9,
                "currency": "EUR",
                "reason": "Damaged in transit",
                "lines": [
                    {"sku": "MAP-LAMP", "quantity": 1, "amount": 29.9, "restock": True}
                ],
            },
        )
        updated = self.message("wh-shopify_orders_updated").event_ids.sudo()
        self.assertEqual(
            updated.payload["data"]["shipping_address"],
            {
                "name": "Jane Roe",
                "street": "3 Quai Saint-Vincent",
                "zip": "69001",
                "city": "Lyon",
                "country": "FR",
            },
        )

    def test_fulfilled_order_update_is_skipped_with_a_reason(self):
        payload = fixture("shopify_orders_updated")
        payload["fulfillment_status"] = "fulfilled"
        self.send("orders/updated", payload, "wh-fulfilled")
        message = self.message("wh-fulfilled")
        self.assertEqual(message.outcome, "skipped")
        self.assertIn("changes nothing Odoo applies", message.reason)

    def test_inventory_level_update_is_not_applied_back(self):
        self.send(
            "inventory_levels/update",
            fixture("shopify_inventory_levels_update"),
            "wh-inv",
        )
        message = self.message("wh-inv")
        self.assertEqual(message.outcome, "skipped")
        self.assertIn("Odoo owns stock", message.reason)

    def test_not_json_is_400(self):
        with mute_logger("odoo.http"):
            response = self.send("orders/create", b"not json", "wh-garbage")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.headers["Content-Type"][:16], "application/json")
