# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import float_is_zero


class RetailSyncHandlerPosStockCount(models.AbstractModel):
    """pos.stock.counted: set the store's on-hand to the counted quantity. Stale
    counts never get here: their contract carries an absolute state, and the drain
    skips a count older than the last applied one."""

    _name = "retail.sync.handler.pos.stock.count"
    _inherit = "retail.sync.handler.pos"
    _description = "Retail Sync Handler: store stock count"

    @api.model
    def _apply_one(self, event):
        data, store, product = self._store_and_product(event)
        on_hand = product.with_context(location=store.id).qty_available
        delta = data["quantity"] - on_hand
        result = {
            "store": store.display_name,
            "previous": on_hand,
            "counted": data["quantity"],
        }
        if not float_is_zero(delta, precision_rounding=product.uom_id.rounding):
            move = self._inventory_move(
                event, product, store, delta, self.env._("Store count")
            )
            result["move"] = move.id
        return result
