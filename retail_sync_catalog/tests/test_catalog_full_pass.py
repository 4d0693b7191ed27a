# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from .common import CatalogMixin, catalog


@tagged("post_install", "-at_install")
class TestCatalogFullPass(CatalogMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_catalog()

    def last_run(self):
        return self.env["retail.sync.catalog.run"].search(
            [("subscription_id", "=", self.subscription.id)], limit=1
        )

    def test_full_pass_repairs_a_channel_missing_records(self):
        medium, large = self.shirt.product_variant_ids
        # Drift: the channel lost two records, holds a wrong price for a third,
        # and still holds a product Odoo never subscribed it to.
        self.storefront.forget_catalog(self.lamp.id, medium.id)
        self.storefront.catalog[large.id]["data"]["price"] = "1.00"
        self.storefront.catalog[self.stapler.id] = {
            "version": 1,
            "data": {"sku": "CAT-STAPLER", "product_id": self.stapler.id},
            "removed": False,
        }
        self.subscription.action_resync()
        self.run_jobs()
        run = self.last_run()
        self.assertEqual(run.state, "done")
        self.assertEqual((run.checked, run.total, run.progress), (4, 4, 100.0))
        self.assertEqual(run.resend_count, 3)
        self.assertEqual(run.removed_count, 1)
        self.assertEqual(
            self.storefront.catalog_ids(),
            {self.lamp.id, self.chair.id, medium.id, large.id},
        )
        self.assertEqual(self.held(large)["price"], "20.00")
        self.assertEqual(self.storefront.catalog_mismatches, [])
        # The next pass finds nothing to repair.
        self.subscription.action_resync()
        self.run_jobs()
        self.assertEqual(self.last_run().resend_count, 0)

    def test_full_pass_repairs_odoo_side_drift(self):
        # A change Odoo's ORM never saw (a direct SQL update): the pass sends the
        # fresh document.
        self.env.cr.execute(
            SQL(
                "UPDATE product_template SET list_price = 99 WHERE id = %s",
                self.chair.product_tmpl_id.id,
            )
        )
        self.env.invalidate_all()
        self.subscription.action_resync()
        self.run_jobs()
        self.assertEqual(self.held(self.chair)["price"], "99.00")

    def test_full_pass_batches_and_shows_progress(self):
        self.patch(
            type(self.subscription).__module__
            and __import__(
                "odoo.addons.retail_sync_catalog.models."
                "retail_sync_catalog_subscription",
                fromlist=["PASS_BATCH"],
            ),
            "PASS_BATCH",
            3,
        )
        self.subscription.action_resync()
        run = self.last_run()
        self.assertEqual((run.state, run.progress), ("running", 0.0))
        self.run_jobs()
        self.assertEqual(run.batches, 2)
        self.assertEqual(self.storefront.full_pass_requests, 2)
        self.assertEqual(run.state, "done")
        passes = self.deliveries(catalog.FULL_PASS)
        self.assertEqual([len(d.payload["records"]) for d in passes], [3, 1])
        self.assertEqual([d.payload["final"] for d in passes], [False, True])

    def test_full_pass_is_scheduled_per_subscription(self):
        self.subscription.full_pass_hours = 6
        self.subscription.next_full_pass_at = fields.Datetime.now() - timedelta(
            minutes=1
        )
        self.env["retail.sync.catalog.subscription"]._cron_catalog()
        run = self.last_run()
        self.assertEqual(run.trigger, "scheduled")
        self.assertAlmostEqual(
            self.subscription.next_full_pass_at,
            fields.Datetime.now() + timedelta(hours=6),
            delta=timedelta(minutes=1),
        )
        # Not due: no new run.
        self.env["retail.sync.catalog.subscription"]._cron_catalog()
        self.assertEqual(self.last_run(), run)

    def test_a_refused_full_pass_fails_visibly(self):
        self.storefront.set_mode("reject")
        with mute_logger("odoo.addons.retail_sync_catalog.models.retail_sync_delivery"):
            self.subscription.action_resync()
            self.run_jobs()
        run = self.last_run()
        self.assertEqual(run.state, "failed")
        self.assertIn("400", run.error_message)
