# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL, float_is_zero, float_round

# Product fields computed from quants.
QUANTITY_FIELDS = (
    "qty_available",
    "free_qty",
    "virtual_available",
    "incoming_qty",
    "outgoing_qty",
)


class StockQuant(models.Model):
    """The stock-change signal of Retail Sync, and its batched on-hand update.

    Every change of on-hand or reserved quantity goes through Odoo's
    `_update_available_quantity` / `_update_reserved_quantity` (moves, reservations,
    the inventory UI) or through `_apply_quantity_deltas` (the fast path of store
    sales); each reports the (product, location) pairs it changed to
    `_retail_sync_stock_changed`, which the available-to-sell push-out extends."""

    _inherit = "stock.quant"

    @api.model
    def _update_available_quantity(self, product_id, location_id, *args, **kwargs):
        result = super()._update_available_quantity(
            product_id, location_id, *args, **kwargs
        )
        self._retail_sync_stock_changed([(product_id, location_id)])
        return result

    @api.model
    def _update_reserved_quantity(self, product_id, location_id, *args, **kwargs):
        result = super()._update_reserved_quantity(
            product_id, location_id, *args, **kwargs
        )
        self._retail_sync_stock_changed([(product_id, location_id)])
        return result

    @api.model
    def _retail_sync_stock_changed(self, pairs):
        """Hook: on-hand or reserved quantity of these (product, location) pairs
        changed in this transaction."""

    @api.model
    def _apply_quantity_deltas(self, deltas):
        """Add ``{(product, location): quantity}`` to on-hand, for untracked stock
        (no lot, package or owner), as a POS line is.

        Odoo's own method costs a few queries per pair; a promotion spike brings
        hundreds of pairs per second. Here the quants that exist are locked in id
        order (a concurrent updater waits, then retries from a fresh snapshot, never
        deadlocks) and updated by one statement; the pairs without a quant get one,
        created together."""
        deltas = {
            (product, location): float_round(
                quantity, precision_rounding=product.uom_id.rounding
            )
            for (product, location), quantity in deltas.items()
            if product.is_storable
        }
        deltas = {
            pair: quantity
            for pair, quantity in deltas.items()
            if not float_is_zero(quantity, precision_rounding=pair[0].uom_id.rounding)
        }
        if not deltas:
            return
        self = self.sudo()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (product_id, location_id) product_id, location_id, id
                  FROM stock_quant
                 WHERE product_id = ANY(%s) AND location_id = ANY(%s)
                   AND lot_id IS NULL AND package_id IS NULL AND owner_id IS NULL
                 ORDER BY product_id, location_id, id
                """,
                sorted({product.id for product, _location in deltas}),
                sorted({location.id for _product, location in deltas}),
            )
        )
        quant_of = {
            (product_id, location_id): quant_id
            for product_id, location_id, quant_id in self.env.cr.fetchall()
        }
        updates, changed, missing = {}, [], []
        for (product, location), quantity in deltas.items():
            quant_id = quant_of.get((product.id, location.id))
            if quant_id:
                updates[quant_id] = quantity
                changed.append((product, location))
            else:
                missing.append((product, location, quantity))
        if updates:
            ids = sorted(updates)
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM stock_quant WHERE id = ANY(%s) ORDER BY id "
                    "FOR NO KEY UPDATE",
                    ids,
                )
            )
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE stock_quant q
                       SET quantity = q.quantity + d.delta, write_uid = %s,
                           write_date = now() at time zone 'UTC'
                      FROM unnest(%s::int[], %s::float8[]) AS d(id, delta)
                     WHERE q.id = d.id
                    """,
                    self.env.uid,
                    ids,
                    [updates[quant_id] for quant_id in ids],
                )
            )
        if missing:
            # As Odoo's method does for a pair without a quant; a concurrent twin
            # is merged by Odoo's quant clean-up like any duplicate quant.
            now = fields.Datetime.now()
            self.create(
                [
                    {
                        "product_id": product.id,
                        "location_id": location.id,
                        "quantity": quantity,
                        "in_date": now,
                    }
                    for product, location, quantity in missing
                ]
            )
            changed.extend((product, location) for product, location, _q in missing)
        # Whatever was computed from quants before (on hand, forecast, values) is
        # stale now.
        self.invalidate_model()
        for model in ("product.product", "product.template"):
            Model = self.env[model]
            Model.invalidate_model([f for f in QUANTITY_FIELDS if f in Model._fields])
        self._retail_sync_stock_changed(changed)
