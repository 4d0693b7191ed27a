# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL, float_is_zero

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncEvent(models.Model):
    """Store POS events change the store's stock as soon as they are applied.

    Sales and refunds are applied in batches: the drain hands the runs of many
    registers to one call, which applies their quantities to on-hand in one
    statement; the stock moves that document them are built by the settlement tier.
    Adjustments and counts, rare, are validated stock moves at once. Revenue
    documents are not built here (see docs/stock.md)."""

    _inherit = "retail.sync.event"

    @api.model
    def _handlers(self):
        return {
            **super()._handlers(),
            "pos.sale.completed": "_handle_pos_sale",
            "pos.refund.completed": "_handle_pos_refund",
            "pos.stock.adjusted": "_handle_pos_stock_adjusted",
            "pos.stock.counted": "_handle_pos_stock_counted",
        }

    @api.model
    def _batch_handlers(self):
        return {
            **super()._batch_handlers(),
            "pos.sale.completed": "_handle_pos_sales",
            "pos.refund.completed": "_handle_pos_refunds",
        }

    # ------------------------------------------------------------ sales, refunds
    def _handle_pos_sale(self):
        return self._handle_pos_sales()[self.id]

    def _handle_pos_refund(self):
        return self._handle_pos_refunds()[self.id]

    def _handle_pos_sales(self):
        return self._pos_move_lines(outgoing=True)

    def _handle_pos_refunds(self):
        return self._pos_move_lines(outgoing=False)

    def _pos_move_lines(self, outgoing):
        """Move the lines of these receipts out of (or back into) their stores, on
        hand at once; their stock moves come in the settlement tier (see
        retail.sync.stock.movement)."""
        cache = {}
        specs = []
        results = {}
        Binding = self.env["retail.sync.binding"]
        for channel in self.channel_id:
            Binding._prefetch_products(
                channel,
                [
                    line
                    for event in self.filtered(lambda e, c=channel: e.channel_id == c)
                    for line in event.payload["data"]["lines"]
                ],
                cache,
            )
        for event in self:
            data = event.payload["data"]
            store = event._pos_store_location(data["store"], cache)
            customers = self._pos_customer_location(store, cache)
            name = self._pos_move_name(outgoing, store)
            quantities = defaultdict(float)
            ignored = []
            for line in data["lines"]:
                product = event._pos_product(line, cache)
                if not product.is_storable or (
                    not outgoing and line.get("restock") is False
                ):
                    ignored.append(product.default_code or product.display_name)
                    continue
                if product.tracking != "none":
                    raise PermanentError(
                        f"{product.default_code or product.display_name} is tracked "
                        "by lots or serial numbers, which store sales do not carry: "
                        "sell it untracked, or apply this sale in Odoo by hand and "
                        "skip the event"
                    )
                quantities[product] += line["quantity"]
            specs.extend(
                {
                    "event": event,
                    "product": product,
                    "quantity": quantity,
                    "source": store if outgoing else customers,
                    "destination": customers if outgoing else store,
                    "name": name,
                    "reference": data["receipt_number"],
                }
                for product, quantity in quantities.items()
            )
            results[event.id] = {
                "store": store.display_name,
                "lines_moved": len(data["lines"]) - len(ignored),
                "lines_without_stock_effect": ignored,
            }
        movements = self.env["retail.sync.stock.movement"]._apply(specs)
        for movement in movements:
            results[movement.event_id.id].setdefault("stock_changes", []).append(
                movement.id
            )
        return results

    @api.model
    def _pos_move_name(self, outgoing, store):
        kind = self.env._("POS sales") if outgoing else self.env._("POS refunds")
        return f"{kind} {store.warehouse_id.code or store.name}"

    # ------------------------------------------------------------ stock changes
    def _handle_pos_stock_adjusted(self):
        data = self.payload["data"]
        cache = {}
        store = self._pos_store_location(data["store"], cache)
        product = self._pos_product({"sku": data["sku"]}, cache)
        move = self._pos_inventory_move(product, store, data["delta"], data["reason"])
        return {"store": store.display_name, "delta": data["delta"], "move": move.id}

    def _handle_pos_stock_counted(self):
        """Set the store's on-hand to the counted quantity (stale counts never get
        here: the drain skips them)."""
        data = self.payload["data"]
        cache = {}
        store = self._pos_store_location(data["store"], cache)
        product = self._pos_product({"sku": data["sku"]}, cache)
        on_hand = product.with_context(location=store.id).qty_available
        delta = data["quantity"] - on_hand
        result = {
            "store": store.display_name,
            "previous": on_hand,
            "counted": data["quantity"],
        }
        if not float_is_zero(delta, precision_rounding=product.uom_id.rounding):
            move = self._pos_inventory_move(
                product, store, delta, self.env._("Store count")
            )
            result["move"] = move.id
        return result

    def _pos_inventory_move(self, product, store, delta, reason):
        loss = product.with_company(store.company_id).property_stock_inventory
        [move] = self._pos_done_moves(
            [
                {
                    "product": product,
                    "quantity": abs(delta),
                    "source": loss if delta > 0 else store,
                    "destination": store if delta > 0 else loss,
                    "name": self.env._("POS adjustment: %s", reason),
                    "is_inventory": True,
                }
            ]
        )
        self._link(move)
        return move

    # ------------------------------------------------------------ helpers
    @api.model
    def _pos_done_moves(self, specs):
        """Create stock moves and validate them at once. Stock may go negative:
        what a store sold is gone, whatever Odoo believed it had."""
        Move = self.env["stock.move"].sudo()
        if not specs:
            return Move
        moves = Move.create(
            [
                {
                    "name": spec["name"][:250],
                    "origin": spec["name"][:250],
                    "product_id": spec["product"].id,
                    "product_uom": spec["product"].uom_id.id,
                    "product_uom_qty": spec["quantity"],
                    "location_id": spec["source"].id,
                    "location_dest_id": spec["destination"].id,
                    "company_id": (
                        spec["source"].company_id or spec["destination"].company_id
                    ).id,
                    "is_inventory": spec.get("is_inventory", False),
                }
                for spec in specs
            ]
        )
        moves._action_confirm()
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        moves._action_done()
        return moves

    @api.model
    def _pos_customer_location(self, store, cache):
        """Where a store's sales go: a customers location of its own under Odoo's
        Customers, so that concurrent sales of different stores never update the same
        quant (Odoo keeps quants at the customers location too)."""
        key = ("customers", store.id)
        if key not in cache:
            Location = self.env["stock.location"].sudo()
            parent = self.env.ref("stock.stock_location_customers")
            name = f"POS {store.warehouse_id.code or store.name}"
            domain = [("location_id", "=", parent.id), ("name", "=", name)]
            location = Location.search(domain, limit=1)
            if not location:
                self.env.cr.execute(
                    SQL("SELECT pg_advisory_xact_lock(%s, %s)", 0x52530003, store.id)
                )
                location = Location.search(domain, limit=1) or Location.create(
                    {"name": name, "location_id": parent.id, "usage": "customer"}
                )
            cache[key] = location
        return cache[key]

    def _pos_store_location(self, store_code, cache):
        """The stock location of a store code, through the channel's store binding."""
        key = ("store", self.channel_id.id, store_code)
        if key not in cache:
            record = self.env["retail.sync.binding"]._resolve(
                self.channel_id, "store", store_code
            )
            if record._name == "stock.warehouse":
                record = record.lot_stock_id
            if record._name != "stock.location":
                raise PermanentError(
                    f"store {store_code} is bound to a {record._description}: bind it "
                    "to a warehouse or a stock location"
                )
            cache[key] = record
        return cache[key]

    def _pos_product(self, line, cache):
        return self.env["retail.sync.binding"]._resolve_product(
            self.channel_id, line, cache
        )
