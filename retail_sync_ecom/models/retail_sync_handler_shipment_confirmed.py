# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, datetime

from odoo import api, models
from odoo.tools import float_compare

from odoo.addons.retail_sync_core.engine.errors import PermanentError, WaitingError


class RetailSyncHandlerShipmentConfirmed(models.AbstractModel):
    """shipment.confirmed: a fulfilment channel (a 3PL, a WMS) shipped goods of a
    web order. The order's delivery is validated with the shipped quantities (a
    partial shipment leaves a backorder), its carrier and tracking reference.

    Never before the stock is reserved: the event waits for the order's
    reservation (released by stock.move._action_assign) and for the order itself
    when it has not arrived yet (released by ecom.order.created)."""

    _name = "retail.sync.handler.shipment.confirmed"
    _inherit = "retail.sync.handler.ecom.order"
    _description = "Retail Sync Handler: shipment confirmed"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        channel = event.channel_id
        Shipment = self.env["retail.sync.shipment"].sudo()
        applied = Shipment.search(
            [
                ("channel_id", "=", channel.id),
                ("shipment_ref", "=", data["shipment_ref"]),
            ],
            limit=1,
        )
        if applied:
            # Resent under another event id, or replayed: validated once only.
            return {
                "sale_order": applied.order_id.name,
                "pickings": applied.picking_ids.mapped("name"),
                "already_applied": True,
            }
        storefront = self._storefront(channel, data["storefront"])
        order = self._order_or_wait(event, data["order_ref"], storefront)
        order = order.with_company(order.company_id)
        if order.state == "cancel":
            raise PermanentError(
                self.env._("order %s is cancelled: it cannot ship", order.name)
            )
        shipped = self._shipped_quantities(channel, order, data["lines"])
        moves = self._open_moves(order, shipped)
        self._check_reserved(order, shipped, moves)
        pickings = self._set_shipped_quantities(moves, shipped)
        carrier = self._carrier(order, data.get("carrier"))
        values = {}
        if data.get("tracking_ref"):
            values["carrier_tracking_ref"] = data["tracking_ref"]
        if carrier:
            values["carrier_id"] = carrier.id
        if values:
            pickings.write(values)
        # No wizard: what is not shipped stays in a backorder.
        pickings.with_context(skip_backorder=True).button_validate()
        not_done = pickings.filtered(lambda p: p.state != "done")
        if not_done:
            raise PermanentError(
                self.env._(
                    "the deliveries %s could not be validated", not_done.mapped("name")
                )
            )
        shipped_at = self._shipped_at(data.get("shipped_at"))
        if shipped_at:
            pickings.write({"date_done": shipped_at})
        shipment = Shipment.create(
            {
                "channel_id": channel.id,
                "shipment_ref": data["shipment_ref"],
                "order_id": order.id,
                "picking_ids": [(6, 0, pickings.ids)],
                "carrier_name": data.get("carrier"),
                "carrier_id": carrier.id if carrier else False,
                "tracking_ref": data.get("tracking_ref"),
                "shipped_at": shipped_at or max(pickings.mapped("date_done")),
                "event_id": event.id,
            }
        )
        event._link([shipment, order, *pickings])
        backorders = self.env["stock.picking"].search(
            [
                ("backorder_id", "in", pickings.ids),
                ("state", "not in", ("done", "cancel")),
            ]
        )
        return {
            "sale_order": order.name,
            "pickings": pickings.mapped("name"),
            "backorders": backorders.mapped("name"),
            "carrier": carrier.name if carrier else data.get("carrier"),
        }

    @api.model
    def _storefront(self, channel, code):
        """The storefront channel whose order is shipped (same company)."""
        storefront = (
            self.env["retail.sync.channel"]
            .sudo()
            .search(
                [("code", "=", code), ("company_id", "=", channel.company_id.id)],
                limit=1,
            )
        )
        if not storefront:
            raise PermanentError(
                self.env._("no storefront channel with the code %s", code)
            )
        return storefront

    @api.model
    def _shipped_quantities(self, channel, order, lines):
        """{product: quantity in its unit} of the shipment's lines (SKUs as the
        fulfilment channel knows them: its bindings, else the product's internal
        reference or barcode). A product the order does not have is refused."""
        Binding = self.env["retail.sync.binding"].sudo()
        ordered = order.order_line.product_id
        cache, shipped = {}, {}
        for line in lines:
            product = Binding._resolve_product(channel, line, cache)
            if product not in ordered:
                raise PermanentError(
                    self.env._(
                        "%(sku)s is not in order %(order)s",
                        sku=line.get("sku") or line.get("barcode"),
                        order=order.name,
                    )
                )
            shipped[product] = shipped.get(product, 0.0) + line["quantity"]
        return shipped

    @api.model
    def _open_moves(self, order, shipped):
        """{product: moves} of the order's deliveries still to ship; shipping more
        than what is left to ship is refused."""
        pickings = order._retail_sync_customer_pickings().filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        moves = {}
        for product, quantity in shipped.items():
            product_moves = pickings.move_ids.filtered(
                lambda m, p=product: m.product_id == p
                and m.state not in ("done", "cancel")
            )
            left = sum(product_moves.mapped("product_qty"))
            if (
                float_compare(
                    quantity, left, precision_rounding=product.uom_id.rounding
                )
                > 0
            ):
                raise PermanentError(
                    self.env._(
                        "order %(order)s has %(left)s of %(product)s left to ship, "
                        "the shipment has %(shipped)s",
                        order=order.name,
                        left=left,
                        product=product.default_code or product.display_name,
                        shipped=quantity,
                    )
                )
            moves[product] = product_moves.sorted(lambda m: (m.date, m.id))
        return moves

    @api.model
    def _reserved(self, move):
        return move.product_uom._compute_quantity(
            move.quantity, move.product_id.uom_id, rounding_method="HALF-UP"
        )

    @api.model
    def _check_reserved(self, order, shipped, moves):
        """Wait until what is shipped is reserved: a shipment never takes stock
        the order does not hold."""
        for product, quantity in shipped.items():
            reserved = sum(self._reserved(move) for move in moves[product])
            if (
                float_compare(
                    reserved, quantity, precision_rounding=product.uom_id.rounding
                )
                < 0
            ):
                raise WaitingError(
                    order._retail_sync_reservation_dependency(order.id),
                    self.env._("waiting for the reservation of order %s", order.name),
                )

    @api.model
    def _set_shipped_quantities(self, moves, shipped):
        """Set each move's quantity to what shipped and mark it picked; the other
        moves of those deliveries are left unpicked (they go to the backorder).
        Returns the deliveries to validate."""
        pickings = self.env["stock.picking"]
        for product, product_moves in moves.items():
            left = shipped[product]
            for move in product_moves:
                take = min(left, move.product_qty)
                left -= take
                if take <= 0:
                    continue
                move.quantity = move.product_id.uom_id._compute_quantity(
                    take, move.product_uom, rounding_method="HALF-UP"
                )
                move.picked = True
                pickings |= move.picking_id
        shipped_moves = self.env["stock.move"].union(
            *[m.filtered("picked") for m in moves.values()]
        )
        (pickings.move_ids - shipped_moves).filtered(
            lambda m: m.state not in ("done", "cancel")
        ).picked = False
        return pickings

    @api.model
    def _carrier(self, order, name):
        """The Odoo carrier of that name, if there is one (else the name is kept
        on the shipment)."""
        if not name:
            return self.env["delivery.carrier"]
        return (
            self.env["delivery.carrier"]
            .sudo()
            .search(
                [
                    ("name", "=ilike", name),
                    ("company_id", "in", [False, order.company_id.id]),
                ],
                limit=1,
            )
        )

    @api.model
    def _shipped_at(self, value):
        if not value:
            return None
        moment = datetime.fromisoformat(value)
        if moment.tzinfo:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment
