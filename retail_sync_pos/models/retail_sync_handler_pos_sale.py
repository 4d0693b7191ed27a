# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerPosSale(models.AbstractModel):
    """pos.sale.completed: the receipt's lines leave the store's stock at once.

    Batched: the drain hands the sales of many registers to one call, which
    applies their quantities to on-hand in one statement; the stock moves that
    document them are built by the settlement tier (retail.sync.stock.movement).
    Revenue documents are not built here (see docs/stock.md)."""

    _name = "retail.sync.handler.pos.sale"
    _inherit = "retail.sync.handler.pos"
    _description = "Retail Sync Handler: store sale"

    _apply_in_batches = True
    # Sales move stock out of the store; refunds (which inherit this) move it back.
    _outgoing = True

    @api.model
    def _apply(self, events):
        """Move the lines of these receipts out of (or back into) their stores, on
        hand at once."""
        outgoing = self._outgoing
        cache = {}
        specs = []
        results = {}
        Binding = self.env["retail.sync.binding"]
        stores = self.env["stock.location"]
        # Every channel's products and stores at once: a batch holds the sales of
        # many stores, often each its own channel.
        lines_by_channel, codes_by_channel = defaultdict(list), defaultdict(set)
        for event in events:
            data = event.payload["data"]
            lines_by_channel[event.channel_id].extend(data["lines"])
            codes_by_channel[event.channel_id].add(data["store"])
        Binding._prefetch_products_of(lines_by_channel, cache)
        Binding._prefetch_stores_of(codes_by_channel, cache)
        for channel, codes in codes_by_channel.items():
            for code in codes:
                if ("store", channel.id, code) in cache:
                    stores |= cache[("store", channel.id, code)][1]
        self._prefetch_customer_locations(stores, cache)
        for event in events:
            data = event.payload["data"]
            store = self._store_location(event, data["store"], cache)
            customers = self._customer_location(store, cache)
            name = self._move_name(store)
            quantities = defaultdict(float)
            ignored = []
            for line in data["lines"]:
                product = self._product(event, line, cache)
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
            if data.get("customer"):
                results[event.id].update(self._sale_customer(event, data["customer"]))
        movements = self.env["retail.sync.stock.movement"]._apply(specs)
        for movement in movements:
            results[movement.event_id.id].setdefault("stock_changes", []).append(
                movement.id
            )
        return results

    @api.model
    def _sale_customer(self, event, customer):
        """What to report of the customer a receipt names: nothing here (a sale
        moves stock only); retail_sync_customers matches it to an Odoo customer."""
        return {}

    @api.model
    def _move_name(self, store):
        kind = self.env._("POS sales")
        return f"{kind} {store.warehouse_id.code or store.name}"
