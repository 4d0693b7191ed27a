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
        bindings._queue_platform_pushes()
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

    def _queue_platform_pushes(self):
        """A channel pushing in a platform's own API reaches products and
        locations through bindings: a new product binding queues that product's
        figure, a new store, location or warehouse binding every figure."""
        Pending = self.env["retail.sync.push.pending"].sudo()
        rows, full = set(), self.env["retail.sync.channel"]
        for binding in self:
            channel = binding.channel_id.sudo()
            if channel.push_format == "canonical" or not channel.feed_location_ids:
                continue
            if not channel._ats_pushes_ready():
                continue
            if binding.kind == "product" and binding.res_model == "product.product":
                rows.add((channel.id, binding.res_id))
            elif binding.kind in ("store", "location", "warehouse"):
                full |= channel
        Pending._queue({row for row in rows if row[0] not in full.ids})
        full._queue_full_stock()
