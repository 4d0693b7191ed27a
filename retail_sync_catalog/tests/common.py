# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy

from odoo.tools import SQL

from odoo.addons.retail_sync_ecom.tests.common import ReferenceChannel
from odoo.addons.retail_sync_queue.tests.common import perform_pending_jobs

from ..engine import catalog

__all__ = ["CatalogMixin", "ReferenceChannel", "catalog"]


class CatalogMixin:
    """A storefront subscribed to the catalog, pushing to a reference channel over
    real HTTP: a pricelist in EUR, a category of subscribed products (a lamp, a
    chair, a shirt in two sizes) and a product outside it."""

    @classmethod
    def setup_catalog(cls):
        cls.storefront = ReferenceChannel().start()
        cls.addClassCleanup(cls.storefront.stop)
        cls.channel = cls.env["retail.sync.channel"].create(
            {
                "name": "Catalog shop",
                "code": "CAT-WEB",
                "kind": "ecommerce",
                "push_url": cls.storefront.url,
            }
        )
        cls.storefront.secret = cls.channel._rotate_push_secret()
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Catalog web EUR", "currency_id": cls.eur.id}
        )
        Category = cls.env["product.category"]
        cls.shop_category = Category.create({"name": "Catalog shop goods"})
        cls.sub_category = Category.create(
            {"name": "Lighting", "parent_id": cls.shop_category.id}
        )
        cls.other_category = Category.create({"name": "Catalog back office"})
        Product = cls.env["product.product"]
        cls.lamp = Product.create(
            {
                "name": "Catalog lamp",
                "default_code": "CAT-LAMP",
                "barcode": "5400000000017",
                "list_price": 30.0,
                "categ_id": cls.sub_category.id,
            }
        )
        cls.chair = Product.create(
            {
                "name": "Catalog chair",
                "default_code": "CAT-CHAIR",
                "list_price": 80.0,
                "categ_id": cls.shop_category.id,
            }
        )
        cls.stapler = Product.create(
            {
                "name": "Catalog stapler",
                "default_code": "CAT-STAPLER",
                "list_price": 5.0,
                "categ_id": cls.other_category.id,
            }
        )
        size = cls.env["product.attribute"].create(
            {
                "name": "Catalog size",
                "value_ids": [(0, 0, {"name": "M"}), (0, 0, {"name": "L"})],
            }
        )
        cls.shirt = cls.env["product.template"].create(
            {
                "name": "Catalog shirt",
                "list_price": 20.0,
                "categ_id": cls.shop_category.id,
                "attribute_line_ids": [
                    (
                        0,
                        0,
                        {
                            "attribute_id": size.id,
                            "value_ids": [(6, 0, size.value_ids.ids)],
                        },
                    )
                ],
            }
        )
        cls.subscription = cls.env["retail.sync.catalog.subscription"].create(
            {
                "channel_id": cls.channel.id,
                "pricelist_id": cls.pricelist.id,
                "category_ids": [(6, 0, cls.shop_category.ids)],
            }
        )
        cls.run_jobs(cls)
        # What the channel holds after the initial push; each test starts from it
        # (Odoo's side is rolled back after each test, the channel's restored).
        cls.initial_catalog = copy.deepcopy(cls.storefront.catalog)

    def setUp(self):
        super().setUp()
        self.storefront.reset()
        self.storefront.catalog.update(copy.deepcopy(self.initial_catalog))

    # ------------------------------------------------------------ helpers
    def run_jobs(self):
        """Commit-time hooks, then every job, as the server would run them."""
        self.env.cr.flush()
        perform_pending_jobs(self.env)

    def window_ends(self, subscription=None):
        """The coalescing window of every pending change ends now."""
        self.env.cr.flush()
        self.env.cr.execute(
            SQL(
                "UPDATE retail_sync_catalog_pending"
                " SET due_at = now() at time zone 'UTC' - interval '1 second'"
                " WHERE subscription_id = %s",
                (subscription or self.subscription).id,
            )
        )

    def push(self, subscription=None):
        """The window ends, then the jobs run."""
        self.window_ends(subscription)
        self.run_jobs()

    def deliveries(self, topic=catalog.BATCH, channel=None):
        return self.env["retail.sync.delivery"].search(
            [("channel_id", "=", (channel or self.channel).id), ("topic", "=", topic)],
            order="id",
        )

    def documents(self, deliveries):
        return [d for delivery in deliveries for d in delivery.payload["documents"]]

    def held(self, product):
        return self.storefront.catalog_record(product.id)

    def pending_ids(self, subscription=None):
        return set(
            self.env["retail.sync.catalog.pending"]
            .search([("subscription_id", "=", (subscription or self.subscription).id)])
            .mapped("product_id")
        )
