# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.retail_sync_core.tests.common import make_user
from odoo.addons.retail_sync_queue.tests.common import (
    pending_jobs,
    perform_pending_jobs,
)

from .common import ReferenceChannel

DELIVERY_LOGGER = "odoo.addons.retail_sync_core.models.retail_sync_delivery"


@tagged("post_install", "-at_install")
class TestStockMismatch(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.storefront = ReferenceChannel().start()
        cls.addClassCleanup(cls.storefront.stop)
        cls.central = cls.env["stock.warehouse"].create(
            {"name": "Mismatch central", "code": "MMC"}
        )
        cls.channel = cls.env["retail.sync.channel"].create(
            {
                "name": "Mismatch storefront",
                "code": "MM-WEB",
                "kind": "ecommerce",
                "push_url": cls.storefront.url,
                "feed_location_ids": [(6, 0, [cls.central.lot_stock_id.id])],
            }
        )
        cls.storefront.secret = cls.channel._rotate_push_secret()
        cls.kettle = cls.make_product("MM-KETTLE", 10)
        cls.Mismatch = cls.env["retail.sync.stock.mismatch"]
        cls.operator = make_user(
            cls.env, "rs_mm_operator", "base.group_user,retail_sync_core.group_user"
        )
        cls.manager = make_user(
            cls.env, "rs_mm_manager", "base.group_user,retail_sync_core.group_manager"
        )

    @classmethod
    def make_product(cls, sku, quantity):
        product = cls.env["product.product"].create(
            {"name": sku, "default_code": sku, "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.central.lot_stock_id, quantity
        )
        cls.env.cr.flush()
        perform_pending_jobs(cls.env)
        return product

    def setUp(self):
        super().setUp()
        self.storefront.reset()

    def move_stock(self, product, quantity, push=True):
        self.env["stock.quant"]._update_available_quantity(
            product, self.central.lot_stock_id, quantity
        )
        self.env.cr.flush()
        if push:
            perform_pending_jobs(self.env)

    @mute_logger(DELIVERY_LOGGER)
    def miss_change(self, product, quantity):
        """A stock change whose push the storefront refused (400: dead)."""
        self.storefront.set_mode("reject")
        self.move_stock(product, quantity)
        last = self.env["retail.sync.delivery"].search(
            [("channel_id", "=", self.channel.id)], limit=1
        )
        self.assertEqual(last.state, "dead")
        self.storefront.set_mode("ok")

    def check(self):
        return self.Mismatch._check_stock(self.channel)

    def mismatches(self, product=None):
        return self.Mismatch.search(
            [
                ("channel_id", "=", self.channel.id),
                ("product_id", "=", (product or self.kettle).id),
            ]
        )

    def test_acknowledged_figures_are_recorded_per_channel_and_product(self):
        ack = self.env["retail.sync.stock.ack"].search(
            [("channel_id", "=", self.channel.id), ("product_id", "=", self.kettle.id)]
        )
        self.assertEqual(ack.available, 10.0)
        figure = ack.delivery_id.payload["figures"][0]
        self.assertEqual(ack.version, figure["version"])
        self.miss_change(self.kettle, -3)
        self.assertEqual(ack.available, 10.0, "a refused push is not acknowledged")
        self.move_stock(self.kettle, 1)
        self.assertEqual(ack.available, 8.0)
        self.assertGreater(ack.version, figure["version"])

    def test_a_missed_change_is_listed_once_and_a_corrective_push_resolves_it(self):
        self.miss_change(self.kettle, -3)
        self.check()
        mismatch = self.mismatches()
        self.assertEqual(len(mismatch), 1)
        self.assertEqual(mismatch.state, "open")
        self.assertEqual(mismatch.kind, "different")
        self.assertEqual(mismatch.acknowledged_available, 10.0)
        self.assertEqual(mismatch.odoo_available, 7.0)
        self.assertEqual(mismatch.difference, -3.0)
        self.assertEqual(mismatch.sku, "MM-KETTLE")
        self.check()
        self.assertEqual(self.mismatches(), mismatch, "a rerun does not duplicate")

        mismatch.with_user(self.manager).action_push_correction()
        self.assertEqual(mismatch.state, "corrected")
        self.assertEqual(mismatch.corrected_by_id, self.manager)
        self.assertTrue(
            any("Corrective push queued" in m.body for m in mismatch.message_ids)
        )
        self.assertEqual(len(pending_jobs(self.env)), 1, "the channel's push job")
        self.check()
        self.assertEqual(mismatch.state, "corrected", "waiting for the push")
        perform_pending_jobs(self.env)
        self.assertEqual(self.storefront.available("MM-KETTLE"), 7.0)
        self.check()
        self.assertEqual(mismatch.state, "resolved")
        self.assertTrue(mismatch.resolved_at)

    @mute_logger(DELIVERY_LOGGER)
    def test_a_push_in_flight_is_not_a_mismatch(self):
        self.move_stock(self.kettle, -2, push=False)
        self.check()
        self.assertFalse(self.mismatches(), "change recorded, push not run yet")
        self.storefront.set_mode("fail")
        perform_pending_jobs(self.env)
        delivery = self.env["retail.sync.delivery"].search(
            [("channel_id", "=", self.channel.id)], limit=1
        )
        self.assertEqual(delivery.state, "failed")
        self.check()
        self.assertFalse(self.mismatches(), "the push is being retried")

    def test_an_open_mismatch_shows_a_push_on_its_way_then_resolves(self):
        self.miss_change(self.kettle, -3)
        self.check()
        mismatch = self.mismatches()
        self.move_stock(self.kettle, -1, push=False)
        self.check()
        self.assertEqual(mismatch.state, "in_flight")
        self.assertEqual(mismatch.odoo_available, 6.0)
        perform_pending_jobs(self.env)
        self.check()
        self.assertEqual(mismatch.state, "resolved")

    def test_equal_figures_again_close_the_mismatch(self):
        self.miss_change(self.kettle, -3)
        self.check()
        mismatch = self.mismatches()
        self.miss_change(self.kettle, 3)
        self.check()
        self.assertEqual(mismatch.state, "resolved", "10 again, as acknowledged")
        self.assertEqual(mismatch.odoo_available, 10.0)
        self.miss_change(self.kettle, -1)
        self.check()
        reopened = self.mismatches().filtered(lambda m: m.state == "open")
        self.assertEqual(len(reopened), 1, "a new difference is a new row")
        self.assertNotEqual(reopened, mismatch)

    def test_a_product_never_acknowledged_is_reported(self):
        self.storefront.set_mode("reject")
        with mute_logger(DELIVERY_LOGGER):
            toaster = self.make_product("MM-TOASTER", 4)
        self.check()
        mismatch = self.mismatches(toaster)
        self.assertEqual(mismatch.kind, "never_acknowledged")
        self.assertFalse(mismatch.acknowledged_at)
        self.assertEqual(mismatch.odoo_available, 4.0)
        self.assertFalse(self.mismatches(), "the kettle agrees")

    def test_bulk_correction_queues_one_push_for_every_product(self):
        toaster = self.make_product("MM-TOASTER", 4)
        self.miss_change(self.kettle, -3)
        self.miss_change(toaster, -1)
        self.check()
        rows = self.mismatches() | self.mismatches(toaster)
        self.assertEqual(len(rows), 2)
        action = self.env.ref(
            "retail_sync_ecom.retail_sync_stock_mismatch_action_push_correction"
        )
        action.with_user(self.manager).with_context(
            active_model=rows._name, active_ids=rows.ids
        ).run()
        self.assertEqual(set(rows.mapped("state")), {"corrected"})
        perform_pending_jobs(self.env)
        pushed = self.storefront.received[-1][2]["figures"]
        self.assertEqual(
            {f["sku"]: f["available"] for f in pushed},
            {"MM-KETTLE": 7.0, "MM-TOASTER": 3.0},
        )

    def test_operators_read_and_check_only_managers_push(self):
        self.miss_change(self.kettle, -3)
        as_operator = self.Mismatch.with_user(self.operator)
        as_operator.action_check_now()
        mismatch = as_operator.search([("channel_id", "=", self.channel.id)])
        self.assertEqual(mismatch.difference, -3.0)
        with self.assertRaises(AccessError):
            mismatch.action_push_correction()
        with self.assertRaises(AccessError):
            mismatch.write({"state": "resolved"})
        self.assertEqual(mismatch.state, "open")
        self.channel.push_enabled = False
        with self.assertRaisesRegex(UserError, "MM-WEB"):
            mismatch.with_user(self.manager).action_push_correction()

    def test_the_cron_compares_every_push_enabled_channel(self):
        self.miss_change(self.kettle, -3)
        self.env.ref("retail_sync_ecom.ir_cron_check_stock").method_direct_trigger()
        self.assertEqual(self.mismatches().state, "open")

    def test_a_new_safety_buffer_is_pushed(self):
        self.channel.safety_buffer = 2
        perform_pending_jobs(self.env)
        self.assertEqual(self.storefront.available("MM-KETTLE"), 8.0)
        self.check()
        self.assertFalse(self.mismatches())

    def test_acknowledged_figures_can_be_rebuilt_from_deliveries(self):
        Ack = self.env["retail.sync.stock.ack"]
        Ack.search([("channel_id", "=", self.channel.id)]).unlink()
        Ack._backfill_from_deliveries()
        ack = Ack.search([("channel_id", "=", self.channel.id)])
        self.assertEqual(ack.product_id, self.kettle)
        self.assertEqual(ack.available, 10.0)
