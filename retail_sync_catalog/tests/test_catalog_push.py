# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models import retail_sync_catalog_subscription as subscription_module
from .common import CatalogMixin, catalog


@tagged("post_install", "-at_install")
class TestCatalogPush(CatalogMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_catalog()

    def test_subscription_sends_its_products_at_its_pricelist(self):
        variants = self.shirt.product_variant_ids
        self.assertEqual(len(variants), 2)
        self.assertEqual(
            self.storefront.catalog_ids(),
            {self.lamp.id, self.chair.id, *variants.ids},
            "the subscribed categories and their children, not the stapler",
        )
        lamp = self.held(self.lamp)
        self.assertEqual(lamp["sku"], "CAT-LAMP")
        self.assertEqual(lamp["price"], "30.00")
        self.assertEqual(lamp["currency"], "EUR")
        self.assertEqual(lamp["barcode"], "5400000000017")
        self.assertEqual(lamp["category"], "Catalog shop goods / Lighting")
        sizes = {self.held(v)["attributes"][0]["value"] for v in variants}
        self.assertEqual(sizes, {"M", "L"})
        # One request for the whole catalog, not one per variant.
        self.assertEqual(len(self.deliveries()), 1)
        self.assertEqual(self.storefront.catalog_mismatches, [])

    def test_price_change_pushed_once_per_window_with_the_final_value(self):
        before = len(self.deliveries())
        for price in (31.0, 32.5, 33.9):
            self.lamp.list_price = price
            self.env.cr.flush()  # each change its own transaction's hooks
        self.assertEqual(self.pending_ids(), {self.lamp.id})
        self.run_jobs()
        self.assertEqual(
            len(self.deliveries()), before, "nothing leaves before the window ends"
        )
        later = self.env["queue.job"].search(
            [
                (
                    "identity_key",
                    "=like",
                    f"retail_sync.catalog:{self.subscription.id}%",
                ),
                ("state", "=", "pending"),
            ]
        )
        self.assertTrue(later, "a push waits for the end of the window")
        # The window counts from the change (not from now: a loaded machine
        # may take seconds to run the jobs above).
        changed = min(
            self.env["retail.sync.catalog.pending"]
            .search([("subscription_id", "=", self.subscription.id)])
            .mapped("create_date")
        )
        self.assertGreaterEqual(
            min(later.mapped("eta")), changed + timedelta(seconds=29)
        )
        self.push()
        new = self.deliveries()[before:]
        self.assertEqual(len(new), 1)
        documents = self.documents(new)
        self.assertEqual(len(documents), 1)
        self.assertEqual(documents[0]["type"], catalog.PRICE_CHANGED)
        self.assertEqual(documents[0]["data"]["price"], "33.90")
        self.assertEqual(self.held(self.lamp)["price"], "33.90")
        self.assertEqual(self.held(self.lamp)["list_price"], "33.90")
        self.assertEqual(self.pending_ids(), set())
        self.assertEqual(self.storefront.catalog_mismatches, [])

    def test_a_pricelist_import_is_one_batched_push_of_the_final_prices(self):
        variants = self.lamp | self.chair | self.shirt.product_variant_ids
        Item = self.env["product.pricelist.item"]
        items = Item.create(
            [
                {
                    "pricelist_id": self.pricelist.id,
                    "applied_on": "0_product_variant",
                    "product_id": variant.id,
                    "compute_price": "fixed",
                    "fixed_price": 10.0 + n,
                }
                for n, variant in enumerate(variants)
            ]
        )
        self.env.cr.flush()
        before = len(self.deliveries())
        # The import of new prices, one transaction (as Import does), then a
        # second one within the window.
        for step in (1, 2):
            result = Item.load(
                [".id", "fixed_price"],
                [
                    [str(item.id), f"{40 + 10 * step + n}.25"]
                    for n, item in enumerate(items)
                ],
            )
            self.assertFalse(result["messages"])
            self.env.cr.flush()
        self.assertEqual(self.pending_ids(), set(variants.ids))
        self.push()
        new = self.deliveries()[before:]
        self.assertEqual(len(new), 1, "one request for the whole import")
        documents = self.documents(new)
        self.assertEqual(
            sorted(d["product_id"] for d in documents), sorted(variants.ids)
        )
        self.assertEqual({d["type"] for d in documents}, {catalog.PRICE_CHANGED})
        for n, variant in enumerate(variants):
            self.assertEqual(self.held(variant)["price"], f"{60 + n}.25")
        self.assertEqual(self.storefront.catalog_mismatches, [])

    def test_a_backlog_is_pushed_in_batches_each_record_once(self):
        """A push takes the records of the oldest due rows (never grouping the
        whole backlog): a record changed several times is one document, and
        the rest of the backlog goes in the next pushes."""
        before = len(self.deliveries())
        for price in (41.0, 42.0, 43.0):
            self.lamp.list_price = price
            self.env.cr.flush()
        self.chair.list_price = 90.0
        self.shirt.list_price = 25.0
        self.env.cr.flush()
        expected = {self.lamp.id, self.chair.id, *self.shirt.product_variant_ids.ids}
        self.assertEqual(self.pending_ids(), expected)
        with (
            patch.object(subscription_module, "PUSH_BATCH", 2),
            patch.object(subscription_module, "DUE_ROWS", 4),
        ):
            self.push()
        new = self.deliveries()[before:]
        self.assertEqual(len(new), 2, "four records, two a push")
        documents = self.documents(new)
        self.assertEqual(sorted(d["product_id"] for d in documents), sorted(expected))
        self.assertEqual(
            [d["product_id"] for d in self.documents(new[:1])],
            [self.lamp.id, self.chair.id],
            "the oldest changes first, the lamp once",
        )
        self.assertEqual(self.held(self.lamp)["price"], "43.00")
        self.assertEqual(self.pending_ids(), set())

    def test_the_window_is_configurable_per_subscription_and_domain(self):
        self.assertEqual(self.subscription._window_seconds(), 30)
        domain = self.env.ref("retail_sync_catalog.retail_sync_domain_catalog")
        domain.coalesce_window_seconds = 90
        self.env.registry.clear_cache()
        self.assertEqual(self.subscription._window_seconds(), 90)
        self.subscription.window_seconds = 5
        self.chair.list_price = 81.0
        self.env.cr.flush()
        row = self.env["retail.sync.catalog.pending"].search(
            [("product_id", "=", self.chair.id)]
        )
        self.assertAlmostEqual(
            (row.due_at - row.create_date).total_seconds(), 5, delta=1
        )

    def test_an_unchanged_save_sends_nothing(self):
        before = len(self.deliveries())
        self.lamp.write({"name": "Catalog lamp"})
        self.lamp.write({"weight": self.lamp.weight})
        self.push()
        self.assertEqual(len(self.deliveries()), before)

    def test_variant_and_barcode_change(self):
        medium = self.shirt.product_variant_ids[0]
        medium.barcode = "5400000000024"
        self.shirt.name = "Catalog tee"
        self.push()
        documents = self.documents(self.deliveries()[-1:])
        self.assertEqual(
            {d["product_id"] for d in documents},
            set(self.shirt.product_variant_ids.ids),
        )
        self.assertEqual({d["type"] for d in documents}, {catalog.UPSERTED})
        self.assertEqual(self.held(medium)["barcode"], "5400000000024")
        self.assertTrue(self.held(medium)["name"].startswith("Catalog tee"))

    def test_a_new_variant_is_sent_and_a_removed_value_removed(self):
        line = self.shirt.attribute_line_ids
        extra = self.env["product.attribute.value"].create(
            {"name": "XL", "attribute_id": line.attribute_id.id}
        )
        line.value_ids = [(4, extra.id)]
        self.push()
        xl = self.shirt.product_variant_ids.filtered(
            lambda v: v.product_template_attribute_value_ids.name == "XL"
        )
        self.assertEqual(self.held(xl)["attributes"][0]["value"], "XL")

    def test_pricelist_item_change(self):
        before = len(self.deliveries())
        rule = self.env["product.pricelist.item"].create(
            {
                "pricelist_id": self.pricelist.id,
                "applied_on": "0_product_variant",
                "product_id": self.chair.id,
                "compute_price": "fixed",
                "fixed_price": 75.5,
            }
        )
        self.push()
        documents = self.documents(self.deliveries()[before:])
        self.assertEqual(
            [(d["type"], d["product_id"]) for d in documents],
            [(catalog.PRICE_CHANGED, self.chair.id)],
        )
        self.assertEqual(self.held(self.chair)["price"], "75.50")
        self.assertEqual(self.held(self.chair)["list_price"], "80.00")
        # A category rule reprices the category's products; another pricelist's
        # rule concerns no subscription.
        rule.unlink()
        self.env["product.pricelist.item"].create(
            {
                "pricelist_id": self.pricelist.id,
                "applied_on": "2_product_category",
                "categ_id": self.sub_category.id,
                "compute_price": "percentage",
                "percent_price": 10,
            }
        )
        other = self.env["product.pricelist"].create({"name": "Unused"})
        self.env["product.pricelist.item"].create(
            {"pricelist_id": other.id, "compute_price": "fixed", "fixed_price": 1}
        )
        self.env.cr.flush()
        self.assertEqual(self.pending_ids(), {self.chair.id, self.lamp.id})
        self.push()
        self.assertEqual(self.held(self.chair)["price"], "80.00")
        self.assertEqual(self.held(self.lamp)["price"], "27.00")

    def test_archive_sends_removal_and_unarchive_sends_it_again(self):
        self.lamp.action_archive()
        self.push()
        document = self.documents(self.deliveries()[-1:])[0]
        self.assertEqual(document["type"], catalog.REMOVED)
        self.assertEqual(
            document["data"],
            {"sku": "CAT-LAMP", "product_id": self.lamp.id, "reason": "archived"},
        )
        self.assertIsNone(self.held(self.lamp))
        self.lamp.action_unarchive()
        self.push()
        self.assertEqual(self.held(self.lamp)["sku"], "CAT-LAMP")

    def test_deleted_and_unsubscribed_products_are_removed(self):
        chair_id = self.chair.id
        self.chair.unlink()
        self.shirt.categ_id = self.other_category
        self.push()
        documents = self.documents(self.deliveries()[-1:])
        reasons = {d["product_id"]: d["data"]["reason"] for d in documents}
        self.assertEqual(reasons[chair_id], "deleted")
        for variant in self.shirt.product_variant_ids:
            self.assertEqual(reasons[variant.id], "unsubscribed")
        self.assertEqual(self.storefront.catalog_ids(), {self.lamp.id})
        # Subscribing the category again brings them back.
        self.subscription.category_ids = [(4, self.other_category.id)]
        self.run_jobs()
        self.assertEqual(
            self.storefront.catalog_ids(),
            {self.lamp.id, self.stapler.id, *self.shirt.product_variant_ids.ids},
        )

    def test_archiving_the_subscription_removes_everything(self):
        self.subscription.active = False
        self.run_jobs()
        self.assertEqual(self.storefront.catalog_ids(), set())
        self.assertEqual(self.subscription.held_count, 0)

    def test_stale_never_after_fresh(self):
        self.storefront.set_mode("fail")
        self.lamp.list_price = 40.0
        with mute_logger("odoo.addons.retail_sync_core.models.retail_sync_delivery"):
            self.push()
        failed = self.deliveries()[-1]
        self.assertEqual(failed.state, "failed")
        stale_body = json.loads(json.dumps(failed.payload))
        stale_version = stale_body["documents"][0]["version"]
        self.lamp.list_price = 41.0
        self.storefront.set_mode("ok")
        failed.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)
        self.push()
        self.assertEqual(failed.state, "delivered")
        document = failed.payload["documents"][0]
        self.assertEqual(document["data"]["price"], "41.00")
        self.assertGreater(document["version"], stale_version)
        self.assertEqual(self.held(self.lamp)["price"], "41.00")
        # A late copy of the failed request (a proxy replaying it) changes nothing
        # at a channel that applies versions as documented.
        with self.storefront.lock:
            self.storefront._apply_catalog(stale_body["documents"], 0)
        self.assertEqual(self.held(self.lamp)["price"], "41.00")
        self.assertEqual(
            self.storefront.catalog_stale,
            [(self.lamp.id, stale_version, document["version"])],
        )
        # Odoo's versions of the record only grow.
        versions = [
            d["version"]
            for delivery in self.deliveries()
            if delivery.state == "delivered"
            for d in delivery.payload["documents"]
            if d["product_id"] == self.lamp.id
        ]
        self.assertEqual(versions, sorted(set(versions)))

    def test_jobs_run_on_the_catalog_queue_channel_at_low_priority(self):
        self.lamp.list_price = 44.0
        self.env.cr.flush()
        job = self.env["queue.job"].search(
            [("identity_key", "=like", f"retail_sync.catalog:{self.subscription.id}%")],
            order="id desc",
            limit=1,
        )
        self.assertEqual(job.channel, "root.retail_sync.catalog")
        self.assertEqual(job.priority, 15)

    def test_a_disabled_endpoint_keeps_the_changes(self):
        self.channel.push_enabled = False
        self.lamp.list_price = 50.0
        self.push()
        self.assertEqual(self.pending_ids(), {self.lamp.id})
        self.assertEqual(self.held(self.lamp)["price"], "30.00")
        self.channel.push_enabled = True
        self.push()
        self.assertEqual(self.held(self.lamp)["price"], "50.00")

    def test_channel_form_shows_the_subscription_and_resyncs(self):
        self.assertEqual(self.channel.catalog_subscription_ids, self.subscription)
        action = self.channel.action_catalog_resync()
        run = self.env["retail.sync.catalog.run"].browse(action["res_id"])
        self.assertEqual(run.state, "running")
        self.assertEqual(run.total, 4)
