# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestStockMismatchTour(HttpCase):
    def test_tour_manager_checks_and_pushes_a_mismatch(self):
        warehouse = self.env["stock.warehouse"].create(
            {"name": "Tour mismatch", "code": "TMM"}
        )
        kettle = self.env["product.product"].create(
            {
                "name": "Tour kettle",
                "default_code": "TOUR-MM-KETTLE",
                "is_storable": True,
            }
        )
        self.env["stock.quant"]._update_available_quantity(
            kettle, warehouse.lot_stock_id, 7
        )
        channel = self.env["retail.sync.channel"].create(
            {
                "name": "Tour mismatch storefront",
                "code": "TOUR-MM",
                "kind": "ecommerce",
                "push_url": "http://127.0.0.1:9/unreachable",
                "feed_location_ids": [(6, 0, [warehouse.lot_stock_id.id])],
            }
        )
        channel._rotate_push_secret()
        self.env.cr.flush()
        # The channel acknowledged 10, and the pushes since never reached it.
        self.env.cr.execute(
            SQL(
                "DELETE FROM retail_sync_push_pending WHERE channel_id = %s",
                channel.id,
            )
        )
        self.env["retail.sync.stock.ack"].create(
            {
                "channel_id": channel.id,
                "product_id": kettle.id,
                "sku": "TOUR-MM-KETTLE",
                "available": 10,
                "version": 1,
            }
        )
        Mismatch = self.env["retail.sync.stock.mismatch"]
        Mismatch._check_stock(channel)
        self.start_tour(
            "/odoo/action-retail_sync_core.retail_sync_event_action",
            "retail_sync_stock_mismatch_tour",
            login="admin",
        )
        mismatch = Mismatch.search([("channel_id", "=", channel.id)])
        self.assertEqual(mismatch.state, "corrected")
        self.assertEqual(mismatch.corrected_by_id, self.env.ref("base.user_admin"))
        self.assertEqual(
            self.env["retail.sync.push.pending"].search_count(
                [("channel_id", "=", channel.id), ("product_id", "=", kettle.id)]
            ),
            1,
        )
