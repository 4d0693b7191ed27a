# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import BaseCase

from ..engine import admin_api


class TestAdminApiPieces(BaseCase):
    """The pure parts of the Shopify client: ids, quantities, keys, the bucket."""

    def test_ids_become_gids(self):
        self.assertEqual(admin_api.item_gid("501"), "gid://shopify/InventoryItem/501")
        self.assertEqual(
            admin_api.location_gid("gid://shopify/Location/7"),
            "gid://shopify/Location/7",
        )
        self.assertTrue(admin_api.is_gid_or_number("42", admin_api.ITEM_GID))
        self.assertFalse(admin_api.is_gid_or_number("SKU-42", admin_api.ITEM_GID))
        self.assertFalse(
            admin_api.is_gid_or_number("gid://shopify/Location/1", admin_api.ITEM_GID)
        )

    def test_quantities_are_whole_units_never_negative(self):
        self.assertEqual(admin_api.shop_quantity(7.9), 7)
        self.assertEqual(admin_api.shop_quantity(3.0), 3)
        self.assertEqual(admin_api.shop_quantity(-2.0), 0)

    def test_key_is_stable_for_an_input_and_differs_for_another(self):
        data = {"name": "available", "quantities": [{"quantity": 3}]}
        key = admin_api.idempotency_key("1:9", data)
        self.assertEqual(key, admin_api.idempotency_key("1:9", dict(data)))
        self.assertNotEqual(key, admin_api.idempotency_key("1:10", data))
        other = {"name": "available", "quantities": [{"quantity": 4}]}
        self.assertNotEqual(key, admin_api.idempotency_key("1:9", other))

    def test_bucket_waits_for_the_missing_points_at_the_restore_rate(self):
        bucket = admin_api.Bucket()
        self.assertEqual(bucket.wait_for(10), 0.0, "unknown: no wait")
        bucket.update(
            {
                "cost": {
                    "throttleStatus": {
                        "maximumAvailable": 1000.0,
                        "currentlyAvailable": 0,
                        "restoreRate": 50.0,
                    }
                }
            }
        )
        self.assertAlmostEqual(bucket.wait_for(10), 0.2, delta=0.05)
        self.assertEqual(bucket.wait_for(0), 0.0)
