# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncBinding(models.Model):
    """An order binding makes its sale order a storefront order: the order knows
    its channel and reference, and its status is pushed back from then on."""

    _inherit = "retail.sync.binding"

    @api.model_create_multi
    def create(self, vals_list):
        bindings = super().create(vals_list)
        for binding in bindings.filtered(
            lambda b: b.kind == "order" and b.res_model == "sale.order"
        ):
            order = self.env["sale.order"].sudo().browse(binding.res_id)
            order.write(
                {
                    "retail_sync_channel_id": binding.channel_id.id,
                    "retail_sync_order_ref": binding.external_ref,
                }
            )
            order._retail_sync_status_changed()
        return bindings
