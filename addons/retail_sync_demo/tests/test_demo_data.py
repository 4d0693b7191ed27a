# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from ..hooks import DEMO_STOCK


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def test_stores_channels_and_stock(self):
        channels = self.env["retail.sync.channel"].search([])
        self.assertTrue(
            {"WEB", "POS-PAR", "POS-LYO", "POS-MRS"} <= set(channels.mapped("code"))
        )
        paris = self.env.ref("retail_sync_demo.stock_warehouse_store_paris")
        tee = self.env.ref("retail_sync_demo.product_product_tee_black_m")
        on_hand = self.env["stock.quant"]._get_available_quantity(
            tee, paris.lot_stock_id
        )
        self.assertEqual(on_hand, DEMO_STOCK["PAR"]["RS-TEE-BLK-M"])
        self.assertTrue(tee.is_storable)
