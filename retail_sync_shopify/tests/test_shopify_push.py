# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.retail_sync_mapping.engine import native

from .common import LAMP_ITEM, MUG_ITEM, NORTH, SOUTH, TOKEN, ShopifyMixin

QUIET = ("odoo.addons.retail_sync_core.models.retail_sync_delivery",)


@tagged("post_install", "-at_install")
class TestShopifyPush(ShopifyMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_shopify("SHP-T")

    def setUp(self):
        super().setUp()
        self.restore_shop()

    def set_calls(self):
        return [body for _t, kind, body in self.shop.requests if kind == "set"]

    def test_figures_reach_shopify_per_location_by_compare_and_set(self):
        self.assertEqual(self.shop.available(LAMP_ITEM, NORTH), 10)
        self.assertEqual(self.shop.available(LAMP_ITEM, SOUTH), 4)
        self.assertEqual(self.shop.available(MUG_ITEM, NORTH), 6)
        self.assertEqual(self.shop.available(MUG_ITEM, SOUTH), 0)
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.response_status, 200)
        lamp = next(
            f for f in delivery.payload["figures"] if f["product_id"] == self.lamp.id
        )
        self.assertEqual(lamp["available"], 14.0, "the sum of both locations")
        ack = self.env["retail.sync.stock.ack"].search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", self.lamp.id)]
        )
        self.assertEqual(ack.available, 14.0)
        # Later changes: one set per change, always with a compare value and key.
        self.move(self.lamp, self.north, -3)
        self.push()
        self.assertEqual(self.shop.available(LAMP_ITEM, NORTH), 7)
        [call] = self.set_calls()
        self.assertIn('@idempotent(key: "rs-', call["query"])
        [quantity] = call["variables"]["input"]["quantities"]
        self.assertEqual(
            quantity,
            {
                "inventoryItemId": f"gid://shopify/InventoryItem/{LAMP_ITEM}",
                "locationId": f"gid://shopify/Location/{NORTH}",
                "quantity": 7,
                "changeFromQuantity": 10,
            },
        )
        self.assertEqual(call["variables"]["input"]["name"], "available")
        self.assertTrue(call["variables"]["input"]["reason"])

    def test_stale_compare_is_retried_with_the_fresh_value(self):
        # A merchant edits the lamp in the Shopify admin behind Odoo's back.
        self.shop.stock(LAMP_ITEM, NORTH, 2)
        self.move(self.lamp, self.north, -1)
        self.push()
        self.assertEqual(self.shop.available(LAMP_ITEM, NORTH), 9)
        self.assertEqual(self.shop.stale_answers, 1)
        first, second = self.set_calls()
        froms = [
            c["variables"]["input"]["quantities"][0]["changeFromQuantity"]
            for c in (first, second)
        ]
        self.assertEqual(froms, [10, 2], "retried from the value re-read")
        self.assertNotEqual(first["query"], second["query"], "a new input, a new key")
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.payload["shopify"]["stale_retries"], 1)

    def test_throttled_waits_for_the_bucket_then_succeeds(self):
        self.shop.restore_rate = 10.0  # a second to refill one mutation's cost
        self.addCleanup(setattr, self.shop, "restore_rate", 50.0)
        self.shop.drain_bucket()
        self.move(self.mug, self.north, 1)
        self.push()
        self.assertEqual(self.shop.available(MUG_ITEM, NORTH), 7)
        self.assertEqual(self.shop.throttled, 1, "waited for the refill, no hammering")
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "delivered")
        report = delivery.payload["shopify"]
        self.assertEqual(report["throttled"], 1)
        self.assertGreater(report["throttle_wait_s"], 0.0)
        self.assertLessEqual(report["throttle_wait_s"], 1.1)

    @mute_logger(*QUIET)
    def test_throttled_beyond_the_wait_is_left_to_the_outbox(self):
        self.shop.restore_rate = 1.0
        self.addCleanup(setattr, self.shop, "restore_rate", 50.0)
        self.shop.drain_bucket()
        self.channel.shopify_max_wait = 0.5
        self.move(self.mug, self.north, 2)
        self.env.cr.flush()
        self.channel._push_available()
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "failed")
        self.assertIn("throttled by Shopify", delivery.error_message)
        wait = (delivery.next_attempt_at - fields.Datetime.now()).total_seconds()
        self.assertGreater(wait, 5, "retried when the bucket holds the cost")
        self.assertEqual(self.shop.available(MUG_ITEM, NORTH), 6)

    @mute_logger(*QUIET)
    def test_idempotency_key_is_stable_across_a_retry_of_the_same_push(self):
        self.shop.drop_next_set_answer = True
        self.move(self.lamp, self.south, 1)
        self.env.cr.flush()
        self.channel._push_available()
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "failed", "the answer was lost")
        self.assertEqual(self.shop.available(LAMP_ITEM, SOUTH), 5, "yet applied")
        delivery.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)
        self.channel._push_available()
        self.assertEqual(delivery.state, "delivered")
        first, second = self.set_calls()
        self.assertEqual(first["query"], second["query"], "the same key")
        self.assertEqual(first["variables"], second["variables"])
        self.assertEqual(self.shop.replays, 1, "Shopify replayed its first answer")
        self.assertEqual(len(self.shop.set_calls), 1, "applied once")
        self.assertEqual(self.shop.available(LAMP_ITEM, SOUTH), 5)
        self.assertEqual(delivery.payload["shopify"]["stale_retries"], 0)

    @mute_logger(*QUIET)
    def test_refused_token_is_a_failed_delivery_with_a_clear_error(self):
        self.channel.shopify_access_token = "shpat_revoked"
        self.move(self.mug, self.north, -1)
        self.push()
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "dead")
        self.assertEqual(delivery.response_status, 401)
        self.assertIn("401", delivery.error_message)
        self.assertIn("access token", delivery.error_message)
        self.assertEqual(self.shop.unauthorised, 1)
        self.assertEqual(self.shop.available(MUG_ITEM, NORTH), 6)
        self.channel.shopify_access_token = TOKEN

    def test_product_without_inventory_item_is_skipped_with_the_reason(self):
        kettle = self.env["product.product"].create(
            {"name": "Kettle", "default_code": "SHP-T-KETTLE", "is_storable": True}
        )
        self.move(kettle, self.north, 3)
        self.push()
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.payload["figures"], [])
        self.assertEqual(
            delivery.payload["skipped"],
            [
                {
                    "sku": "SHP-T-KETTLE",
                    "reason": "no product binding to a Shopify inventory item",
                }
            ],
        )

    def test_item_not_stocked_at_a_location_is_listed_and_the_rest_set(self):
        kettle = self.env["product.product"].create(
            {"name": "Kettle", "default_code": "SHP-T-KETTLE", "is_storable": True}
        )
        self.shop.stock("503", NORTH, 0)  # not stocked at the south location
        self.env["retail.sync.binding"].create(
            {
                "channel_id": self.channel.id,
                "kind": "product",
                "external_ref": "503",
                "record_ref": f"product.product,{kettle.id}",
            }
        )
        self.move(kettle, self.north, 3)
        self.push()
        self.assertEqual(self.shop.available("503", NORTH), 3)
        self.assertIsNone(self.shop.available("503", SOUTH))
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "delivered")
        [skipped] = delivery.payload["skipped"]
        self.assertEqual(skipped["sku"], "SHP-T-KETTLE")
        self.assertEqual(skipped["location"], f"gid://shopify/Location/{SOUTH}")
        self.assertIn("not stocked at this Shopify location", skipped["reason"])

    def test_echo_of_our_own_push_is_skipped(self):
        Message = self.env["retail.sync.native.message"]

        def receive(delivery_id, available):
            body = json.dumps(
                {
                    "inventory_item_id": int(LAMP_ITEM),
                    "location_id": int(NORTH),
                    "available": available,
                    "updated_at": "2026-12-07T10:00:00-05:00",
                    "admin_graphql_api_id": "gid://shopify/InventoryLevel/1?"
                    f"inventory_item_id={LAMP_ITEM}",
                }
            ).encode()
            headers = {
                "X-Shopify-Topic": "inventory_levels/update",
                "X-Shopify-Webhook-Id": delivery_id,
                "X-Shopify-Hmac-Sha256": native.signature_of("shpss_echo_secret", body),
            }
            Message._receive(self.channel, body, headers)
            return Message.search(
                [
                    ("channel_id", "=", self.channel.id),
                    ("delivery_id", "=", delivery_id),
                ]
            )

        echo = receive("echo-1", 10)
        self.assertEqual(echo.outcome, "skipped")
        self.assertIn("echo of Retail Sync's own push", echo.reason)
        self.assertFalse(echo.event_ids)
        other = receive("merchant-1", 3)
        self.assertEqual(other.outcome, "skipped")
        self.assertNotIn("echo", other.reason, "a real change goes to the rules")
        self.assertIn("Odoo owns stock", other.reason)

    def test_drift_repair_reads_shopify_and_corrects_a_planted_difference(self):
        Mismatch = self.env["retail.sync.stock.mismatch"]
        # Planted: the south lamp changed in Shopify behind the push-out's back.
        self.shop.stock(LAMP_ITEM, SOUTH, 1)
        self.shop.reset_log()
        Mismatch._check_stock(self.channel)
        reads = [kind for _t, kind, _b in self.shop.requests]
        self.assertEqual(reads, ["location_levels", "location_levels"], "in bulk")
        row = Mismatch.search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", self.lamp.id)]
        )
        self.assertEqual(row.acknowledged_available, 11.0, "Shopify's real figure")
        self.assertEqual(row.odoo_available, 14.0)
        self.assertEqual(row.state, "corrected", "corrected at once")
        self.assertFalse(
            Mismatch.search(
                [("channel_id", "=", self.channel.id), ("product_id", "=", self.mug.id)]
            )
        )
        self.push()
        self.assertEqual(self.shop.available(LAMP_ITEM, SOUTH), 4)
        Mismatch._check_stock(self.channel)
        self.assertEqual(row.state, "resolved")

    def test_drift_within_equal_totals_is_found_per_location(self):
        Mismatch = self.env["retail.sync.stock.mismatch"]
        self.shop.stock(LAMP_ITEM, NORTH, 12)
        self.shop.stock(LAMP_ITEM, SOUTH, 2)
        Mismatch._check_stock(self.channel)
        row = Mismatch.search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", self.lamp.id)]
        )
        self.assertEqual(row.kind, "different")
        self.assertEqual(row.state, "corrected")
        self.push()
        self.assertEqual(self.shop.available(LAMP_ITEM, NORTH), 10)
        self.assertEqual(self.shop.available(LAMP_ITEM, SOUTH), 4)
