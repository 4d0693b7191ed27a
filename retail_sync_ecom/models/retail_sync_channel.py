# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncChannel(models.Model):
    _inherit = "retail.sync.channel"

    fulfilment_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Fulfilment warehouse",
        check_company=True,
        help="Warehouse that ships this storefront's orders (click & collect orders "
        "reserve in the pickup store instead). Empty: the company's first warehouse.",
    )

    def _ecom_fulfilment_warehouse(self):
        self.ensure_one()
        return self.fulfilment_warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
