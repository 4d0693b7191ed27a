# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncHandlerEcomOrder(models.AbstractModel):
    """What the web order handlers share: the order binding of a channel's order
    reference."""

    _name = "retail.sync.handler.ecom.order"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: web orders (shared)"

    @api.model
    def _order_binding(self, event, order_ref):
        """The binding of a web order of the event's channel (empty if none)."""
        return (
            self.env["retail.sync.binding"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", event.channel_id.id),
                    ("kind", "=", "order"),
                    ("external_ref", "=", order_ref),
                ],
                limit=1,
            )
        )
