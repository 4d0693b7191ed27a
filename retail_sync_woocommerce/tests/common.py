# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pathlib
import sys

from odoo import Command

from odoo.addons.retail_sync_queue.tests.common import perform_pending_jobs

# The reference WooCommerce REST API (outside Odoo) lives in the repository's
# tests/ folder; these tests call it over real HTTP on localhost.
_TESTS = pathlib.Path(__file__).resolve().parents[2] / "tests"
if str(_TESTS) not in sys.path:
    sys.path.insert(0, str(_TESTS))

from reference_platforms.woocommerce_rest import ReferenceWooCommerce  # noqa: E402

__all__ = ["ReferenceWooCommerce", "WooMixin"]

KEY, SECRET = "ck_0123456789", "cs_abcdef0123"
CHAIR_ID, PARENT_ID, BLUE_ID = 31, 45, 678


class WooMixin:
    """A WooCommerce channel pushing to the reference REST API: a chair (simple
    product) and a blue shirt (variation 678 of product 45)."""

    @classmethod
    def setup_woocommerce(cls, code):
        cls.shop = ReferenceWooCommerce(KEY, SECRET).start()
        cls.addClassCleanup(cls.shop.stop)
        cls.shop.add_product(CHAIR_ID, f"{code}-CHAIR", 0)
        cls.shop.add_product(BLUE_ID, f"{code}-SHIRT-BLUE", 0, parent_id=PARENT_ID)
        cls.warehouse = cls.env["stock.warehouse"].create(
            {"name": f"{code} warehouse", "code": code[-5:]}
        )
        Product = cls.env["product.product"]
        cls.chair = Product.create(
            {"name": "Chair", "default_code": f"{code}-CHAIR", "is_storable": True}
        )
        cls.shirt = Product.create(
            {
                "name": "Shirt blue",
                "default_code": f"{code}-SHIRT-BLUE",
                "is_storable": True,
            }
        )
        cls.mapping = cls.env["retail.sync.mapping"].search(
            [("code", "=", "woocommerce"), ("is_preset", "=", True)], limit=1
        )
        cls.channel = cls.env["retail.sync.channel"].create(
            {
                "name": f"WooCommerce {code}",
                "code": code,
                "kind": "ecommerce",
                "fulfilment_warehouse_id": cls.warehouse.id,
                "mapping_id": cls.mapping.id,
                "push_url": cls.shop.url,
                "push_format": "woocommerce",
                "woocommerce_consumer_key": KEY,
                "woocommerce_consumer_secret": SECRET,
                "feed_location_ids": [Command.set([cls.warehouse.lot_stock_id.id])],
            }
        )
        cls.bind(cls.chair, str(CHAIR_ID))
        cls.bind(cls.shirt, f"{PARENT_ID}/{BLUE_ID}")
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.chair, cls.warehouse.lot_stock_id, 8)
        Quant._update_available_quantity(cls.shirt, cls.warehouse.lot_stock_id, 5)
        cls.env.cr.flush()
        perform_pending_jobs(cls.env)
        cls.initial_products = {
            pid: dict(product) for pid, product in cls.shop.products.items()
        }

    @classmethod
    def bind(cls, product, ref):
        cls.env["retail.sync.binding"].create(
            {
                "channel_id": cls.channel.id,
                "kind": "product",
                "external_ref": ref,
                "record_ref": f"product.product,{product.id}",
            }
        )

    def restore_shop(self):
        with self.shop.lock:
            self.shop.products = {
                pid: dict(product) for pid, product in self.initial_products.items()
            }
        self.shop.reset_log()

    def push(self):
        self.env.cr.flush()
        perform_pending_jobs(self.env)

    def deliveries(self):
        return self.env["retail.sync.delivery"].search(
            [("channel_id", "=", self.channel.id)], order="id desc"
        )

    def move(self, product, delta):
        self.env["stock.quant"]._update_available_quantity(
            product, self.warehouse.lot_stock_id, delta
        )
