# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import BLUE_ID, CHAIR_ID, PARENT_ID, SECRET, WooMixin

QUIET = ("odoo.addons.retail_sync_core.models.retail_sync_delivery",)


@tagged("post_install", "-at_install")
class TestWooCommercePush(WooMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_woocommerce("WOO-T")

    def setUp(self):
        super().setUp()
        self.restore_shop()

    def test_products_and_variations_get_their_stock_quantity(self):
        self.assertEqual(self.shop.available(CHAIR_ID), 8)
        self.assertEqual(self.shop.available(BLUE_ID), 5)
        self.assertTrue(self.shop.products[BLUE_ID]["manage_stock"])
        self.move(self.shirt, -2)
        self.move(self.chair, 1)
        self.push()
        self.assertEqual(self.shop.available(CHAIR_ID), 9)
        self.assertEqual(self.shop.available(BLUE_ID), 3)
        paths = sorted(path for _t, _m, path, _b in self.shop.requests)
        self.assertEqual(
            paths,
            [
                "/wp-json/wc/v3/products/45/variations/batch",
                "/wp-json/wc/v3/products/batch",
            ],
        )
        body = next(
            b for _t, _m, p, b in self.shop.requests if p.endswith("products/batch")
        )
        self.assertEqual(
            body,
            {"update": [{"id": CHAIR_ID, "stock_quantity": 9, "manage_stock": True}]},
        )
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "delivered")
        acks = self.env["retail.sync.stock.ack"].search(
            [("channel_id", "=", self.channel.id)]
        )
        self.assertEqual(
            sorted(acks.mapped("available")), [3.0, 9.0], "acknowledged figures"
        )

    def test_batches_are_split_at_100(self):
        products = self.env["product.product"].create(
            [
                {
                    "name": f"Sock {i}",
                    "default_code": f"WOO-SOCK-{i}",
                    "is_storable": True,
                }
                for i in range(150)
            ]
        )
        for i, product in enumerate(products):
            self.shop.add_product(1000 + i, product.default_code, 0)
            self.bind(product, str(1000 + i))
            self.env["stock.quant"]._update_available_quantity(
                product, self.warehouse.lot_stock_id, i % 7 + 1
            )
        self.push()
        self.assertEqual(self.shop.batch_sizes, [100, 50])
        self.assertEqual(self.shop.refused_batches, 0)
        self.assertEqual(
            [self.shop.available(1000 + i) for i in (0, 99, 100, 149)],
            [1, 99 % 7 + 1, 100 % 7 + 1, 149 % 7 + 1],
        )
        self.assertEqual(self.deliveries()[0].state, "delivered")

    @mute_logger(*QUIET)
    def test_refused_credentials_are_a_failed_delivery_with_a_clear_error(self):
        self.channel.woocommerce_consumer_secret = "cs_wrong"
        self.move(self.chair, -1)
        self.push()
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "dead")
        self.assertEqual(delivery.response_status, 401)
        self.assertIn("401", delivery.error_message)
        self.assertIn("consumer key", delivery.error_message)
        self.assertEqual(self.shop.available(CHAIR_ID), 8)
        self.channel.woocommerce_consumer_secret = SECRET

    def test_unknown_id_is_listed_and_not_acknowledged(self):
        lamp = self.env["product.product"].create(
            {"name": "Lamp", "default_code": "WOO-T-LAMP", "is_storable": True}
        )
        self.bind(lamp, "999")
        self.move(lamp, 2)
        self.move(self.chair, -1)
        self.push()
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(
            [f["sku"] for f in delivery.payload["figures"]], ["WOO-T-CHAIR"]
        )
        [skipped] = delivery.payload["skipped"]
        self.assertEqual(skipped["sku"], "WOO-T-LAMP")
        self.assertIn("woocommerce_rest_product_invalid_id", skipped["reason"])
        self.assertFalse(
            self.env["retail.sync.stock.ack"].search(
                [("channel_id", "=", self.channel.id), ("product_id", "=", lamp.id)]
            )
        )

    def test_drift_repair_reads_the_shop_and_corrects_a_planted_difference(self):
        Mismatch = self.env["retail.sync.stock.mismatch"]
        self.shop.stock(BLUE_ID, 1)  # changed in the shop's admin
        Mismatch._check_stock(self.channel)
        reads = sorted(p for _t, m, p, _b in self.shop.requests if m == "GET")
        self.assertEqual(
            reads,
            [
                "/wp-json/wc/v3/products",
                f"/wp-json/wc/v3/products/{PARENT_ID}/variations",
            ],
        )
        row = Mismatch.search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", self.shirt.id)]
        )
        self.assertEqual(row.acknowledged_available, 1.0, "the shop's real figure")
        self.assertEqual(row.odoo_available, 5.0)
        self.assertEqual(row.state, "corrected")
        self.assertFalse(
            Mismatch.search(
                [
                    ("channel_id", "=", self.channel.id),
                    ("product_id", "=", self.chair.id),
                ]
            )
        )
        self.push()
        self.assertEqual(self.shop.available(BLUE_ID), 5)
        Mismatch._check_stock(self.channel)
        self.assertEqual(row.state, "resolved")
