# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pathlib
import sys

from odoo import Command

from odoo.addons.retail_sync_queue.tests.common import perform_pending_jobs

# The reference Shopify Admin API (outside Odoo) lives in the repository's tests/
# folder; these tests call it over real HTTP on localhost.
_TESTS = pathlib.Path(__file__).resolve().parents[2] / "tests"
if str(_TESTS) not in sys.path:
    sys.path.insert(0, str(_TESTS))

from reference_platforms.shopify_admin import ReferenceShopify  # noqa: E402

__all__ = ["ReferenceShopify", "ShopifyMixin"]

TOKEN = "shpat_0123456789abcdef"
LAMP_ITEM, MUG_ITEM = "501", "502"
NORTH, SOUTH = "1001", "1002"


class ShopifyMixin:
    """A Shopify channel pushing to the reference Admin API: two warehouses bound
    to two Shopify locations, a lamp and a mug bound to inventory items."""

    @classmethod
    def setup_shopify(cls, code):
        cls.shop = ReferenceShopify(TOKEN).start()
        cls.addClassCleanup(cls.shop.stop)
        Warehouse = cls.env["stock.warehouse"]
        cls.north = Warehouse.create({"name": f"{code} north", "code": f"{code[:3]}N"})
        cls.south = Warehouse.create({"name": f"{code} south", "code": f"{code[:3]}S"})
        Product = cls.env["product.product"]
        cls.lamp = Product.create(
            {"name": "Lamp", "default_code": f"{code}-LAMP", "is_storable": True}
        )
        cls.mug = Product.create(
            {"name": "Mug", "default_code": f"{code}-MUG", "is_storable": True}
        )
        for item in (LAMP_ITEM, MUG_ITEM):
            for location in (NORTH, SOUTH):
                cls.shop.stock(item, location, 0)
        cls.mapping = cls.env["retail.sync.mapping"].search(
            [("code", "=", "shopify"), ("is_preset", "=", True)], limit=1
        )
        cls.channel = cls.env["retail.sync.channel"].create(
            {
                "name": f"Shopify {code}",
                "code": code,
                "kind": "ecommerce",
                "fulfilment_warehouse_id": cls.north.id,
                "mapping_id": cls.mapping.id,
                "push_url": cls.shop.url,
                "push_format": "shopify",
                "shopify_access_token": TOKEN,
                "shopify_max_wait": 5.0,
                "feed_location_ids": [
                    Command.set([cls.north.lot_stock_id.id, cls.south.lot_stock_id.id])
                ],
            }
        )
        cls.channel.native_secret = "shpss_echo_secret"
        Binding = cls.env["retail.sync.binding"]
        for kind, ref, record in (
            ("product", LAMP_ITEM, cls.lamp),
            ("product", f"gid://shopify/InventoryItem/{MUG_ITEM}", cls.mug),
            ("store", NORTH, cls.north),
            ("location", f"gid://shopify/Location/{SOUTH}", cls.south.lot_stock_id),
        ):
            Binding.create(
                {
                    "channel_id": cls.channel.id,
                    "kind": kind,
                    "external_ref": ref,
                    "record_ref": f"{record._name},{record.id}",
                }
            )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.lamp, cls.north.lot_stock_id, 10)
        Quant._update_available_quantity(cls.lamp, cls.south.lot_stock_id, 4)
        Quant._update_available_quantity(cls.mug, cls.north.lot_stock_id, 6)
        cls.env.cr.flush()
        perform_pending_jobs(cls.env)
        cls.initial_levels = dict(cls.shop.levels)

    def restore_shop(self):
        """The shop as the class setup left it (each test rolls Odoo back)."""
        with self.shop.lock:
            self.shop.levels = dict(self.initial_levels)
            self.shop.available_points = self.shop.max_available
            self.shop.drop_next_set_answer = False
        self.shop.reset_log()

    def push(self):
        """Commit-time hooks, then the push jobs, as the server would run them."""
        self.env.cr.flush()
        perform_pending_jobs(self.env)

    def deliveries(self):
        return self.env["retail.sync.delivery"].search(
            [("channel_id", "=", self.channel.id)], order="id desc"
        )

    def move(self, product, warehouse, delta):
        self.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, delta
        )
