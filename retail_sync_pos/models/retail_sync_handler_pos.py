# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine import locks


class RetailSyncHandlerPos(models.AbstractModel):
    """What the store POS handlers share: where a store's stock is, where its sales
    go, and the inventory moves of adjustments and counts."""

    _name = "retail.sync.handler.pos"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: store POS (shared)"

    @api.model
    def _store_location(self, event, store_code, cache):
        return self.env["retail.sync.binding"]._resolve_store_location(
            event.channel_id, store_code, cache
        )

    @api.model
    def _product(self, event, line, cache):
        return self.env["retail.sync.binding"]._resolve_product(
            event.channel_id, line, cache
        )

    @api.model
    def _store_and_product(self, event):
        """(data, store location, product) of a one-SKU stock event."""
        data = event.payload["data"]
        cache = {}
        store = self._store_location(event, data["store"], cache)
        return data, store, self._product(event, {"sku": data["sku"]}, cache)

    @api.model
    def _prefetch_customer_locations(self, stores, cache):
        """The customers locations of many stores in one search, into ``cache``;
        those not created yet are left to `_customer_location`."""
        names = {
            self._customer_location_name(store): store
            for store in stores
            if ("customers", store.id) not in cache
        }
        if not names:
            return
        parent = self.env.ref("stock.stock_location_customers")
        for location in (
            self.env["stock.location"]
            .sudo()
            .search([("location_id", "=", parent.id), ("name", "in", list(names))])
        ):
            cache.setdefault(("customers", names[location.name].id), location)

    @api.model
    def _customer_location_name(self, store):
        return f"POS {store.warehouse_id.code or store.name}"

    @api.model
    def _customer_location(self, store, cache):
        """Where a store's sales go: a customers location of its own under Odoo's
        Customers, so that concurrent sales of different stores never update the same
        quant (Odoo keeps quants at the customers location too)."""
        key = ("customers", store.id)
        if key not in cache:
            Location = self.env["stock.location"].sudo()
            parent = self.env.ref("stock.stock_location_customers")
            name = self._customer_location_name(store)
            domain = [("location_id", "=", parent.id), ("name", "=", name)]
            location = Location.search(domain, limit=1)
            if not location:
                self.env["retail.sync.lock"]._wait(
                    locks.STORE_CUSTOMER_LOCATION, store.id
                )
                location = Location.search(domain, limit=1) or Location.create(
                    {"name": name, "location_id": parent.id, "usage": "customer"}
                )
            cache[key] = location
        return cache[key]

    @api.model
    def _inventory_move(self, event, product, store, delta, reason):
        """A validated move between the store and inventory loss, linked to the
        event."""
        loss = product.with_company(store.company_id).property_stock_inventory
        move = self.env["stock.move"]._retail_sync_done_moves(
            [
                {
                    "product": product,
                    "quantity": abs(delta),
                    "source": loss if delta > 0 else store,
                    "destination": store if delta > 0 else loss,
                    "name": self.env._("POS adjustment: %s", reason),
                    "extra": {"is_inventory": True},
                }
            ]
        )
        event._link(move)
        return move
