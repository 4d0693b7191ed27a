# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    retail_sync_quants_applied = fields.Boolean(
        "On hand already updated",
        readonly=True,
        copy=False,
        help="Retail Sync moved this stock on hand when the store events arrived; "
        "validating this move documents and values it without moving it again.",
    )

    def _should_bypass_reservation(self, forced_location=False):
        # Nothing to reserve: the quantity has already left the quants. Freeing the
        # reservations of others that this stock no longer covers still applies.
        if self.retail_sync_quants_applied and not self.env.context.get(
            "retail_sync_free_reservations"
        ):
            return True
        return super()._should_bypass_reservation(forced_location)

    @api.model
    def _retail_sync_done_moves(self, specs):
        """Create stock moves and validate them at once: the one builder of the
        suite's validated moves (store adjustments and counts, the settlement of
        store sales). Stock may go negative: what a store sold is gone, whatever
        Odoo believed it had.

        ``specs``: dicts with product, quantity, source, destination, name, and
        optionally company (else the locations'), and extra stock.move values."""
        if not specs:
            return self.sudo()
        moves = self.sudo().create([self._retail_sync_move_values(s) for s in specs])
        moves._action_done()
        return moves

    @api.model
    def _retail_sync_move_values(self, spec):
        product = spec["product"]
        company = (
            spec.get("company")
            or spec["source"].company_id
            or spec["destination"].company_id
        )
        common = {
            "product_id": product.id,
            "location_id": spec["source"].id,
            "location_dest_id": spec["destination"].id,
            "company_id": company.id,
            "picked": True,
        }
        return {
            **common,
            "name": spec["name"][:250],
            "origin": spec["name"][:250],
            "product_uom": product.uom_id.id,
            "product_uom_qty": spec["quantity"],
            **spec.get("extra", {}),
            "move_line_ids": [
                Command.create(
                    {
                        **common,
                        "product_uom_id": product.uom_id.id,
                        "quantity": spec["quantity"],
                    }
                )
            ],
        }
