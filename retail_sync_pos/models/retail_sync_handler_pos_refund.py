# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncHandlerPosRefund(models.AbstractModel):
    """pos.refund.completed: returned lines go back into the store's stock at once,
    except those marked ``restock: false`` (damaged goods)."""

    _name = "retail.sync.handler.pos.refund"
    _inherit = "retail.sync.handler.pos.sale"
    _description = "Retail Sync Handler: store refund"

    _outgoing = False

    @api.model
    def _move_name(self, store):
        kind = self.env._("POS refunds")
        return f"{kind} {store.warehouse_id.code or store.name}"
