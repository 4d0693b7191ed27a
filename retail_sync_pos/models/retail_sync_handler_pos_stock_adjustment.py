# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncHandlerPosStockAdjustment(models.AbstractModel):
    """pos.stock.adjusted: a store adds or removes units (breakage, found stock),
    a validated inventory move at once."""

    _name = "retail.sync.handler.pos.stock.adjustment"
    _inherit = "retail.sync.handler.pos"
    _description = "Retail Sync Handler: store stock adjustment"

    @api.model
    def _apply_one(self, event):
        data, store, product = self._store_and_product(event)
        move = self._inventory_move(
            event, product, store, data["delta"], data["reason"]
        )
        return {"store": store.display_name, "delta": data["delta"], "move": move.id}
