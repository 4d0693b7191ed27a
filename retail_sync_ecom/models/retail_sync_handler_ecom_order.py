# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import WaitingError


class RetailSyncHandlerEcomOrder(models.AbstractModel):
    """What the web order handlers share: the order binding of a channel's order
    reference, and waiting for an order that has not arrived yet."""

    _name = "retail.sync.handler.ecom.order"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: web orders (shared)"

    @api.model
    def _order_binding(self, event, order_ref, channel=None):
        """The binding of a web order of ``channel`` (the event's by default), empty
        if none."""
        channel = channel or event.channel_id
        return (
            self.env["retail.sync.binding"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", channel.id),
                    ("kind", "=", "order"),
                    ("external_ref", "=", order_ref),
                ],
                limit=1,
            )
        )

    @api.model
    def _order_dependency(self, channel, order_ref):
        """The dependency token of a channel's web order: what events about an
        order that has not arrived yet wait for."""
        return f"order:{channel.id}:{order_ref}"

    @api.model
    def _order_or_wait(self, event, order_ref, channel=None):
        """The sale order of ``order_ref`` on ``channel`` (the event's by default);
        raises WaitingError until it has been created."""
        channel = channel or event.channel_id
        binding = self._order_binding(event, order_ref, channel)
        if not binding.record_ref:
            raise WaitingError(
                self._order_dependency(channel, order_ref),
                self.env._("waiting for order %s", order_ref),
            )
        return binding.record_ref
