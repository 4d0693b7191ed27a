# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncBinding(models.Model):
    """Resolvers of the references a channel's stock events carry: products (by
    binding, SKU or barcode) and stores (a warehouse or a stock location)."""

    _inherit = "retail.sync.binding"

    @api.model
    def _resolve_product(self, channel, line, cache=None):
        """The product a channel's line means: its product binding, else the one
        product of the channel's company whose internal reference (sku) or barcode
        matches. ``cache`` (a dict) spares the lookups within one batch."""
        sku, barcode = line.get("sku"), line.get("barcode")
        reference = sku or barcode
        key = ("product", channel.id, reference)
        if cache is not None and key in cache:
            return cache[key]
        Product = self.env["product.product"].sudo()

        def by_reference():
            field = "default_code" if sku else "barcode"
            found = Product.search(
                [
                    (field, "=", reference),
                    ("company_id", "in", [False, channel.company_id.id]),
                ],
                limit=2,
            )
            return found if len(found) == 1 else Product

        product = self._resolve(channel, "product", reference, fallback=by_reference)
        if cache is not None:
            cache[key] = product
        return product

    @api.model
    def _prefetch_products_of(self, lines_by_channel, cache):
        """Resolve the products of the lines of many channels ({channel: lines})
        at once into ``cache``, the dict `_resolve_product` reads: one query for
        their bindings, one per kind of reference and company, every product
        found in one prefetch set (a batch of sales from many stores, each its
        own channel, reads their fields in one query). What stays unresolved
        (unknown, ambiguous) is left to `_resolve_product`, which names the
        binding to add."""
        wanted = {}  # (channel, reference): the product field the reference is
        for channel, lines in lines_by_channel.items():
            for line in lines:
                sku, barcode = line.get("sku"), line.get("barcode")
                reference = sku or barcode
                if reference and ("product", channel.id, reference) not in cache:
                    wanted[(channel, reference)] = "default_code" if sku else "barcode"
        if not wanted:
            return
        channels = {channel.id: channel for channel, _reference in wanted}
        bindings = self.sudo().search(
            [
                ("channel_id", "in", list(channels)),
                ("kind", "=", "product"),
                ("external_ref", "in", list({ref for _c, ref in wanted})),
            ]
        )
        for binding in bindings:
            key = (channels[binding.channel_id.id], binding.external_ref)
            target = binding._target() if key in wanted else None
            if target and target.exists():
                cache[("product", binding.channel_id.id, binding.external_ref)] = target
                wanted.pop(key)
        references = defaultdict(set)  # (field, company id): references
        for (channel, reference), field in wanted.items():
            references[(field, channel.company_id.id)].add(reference)
        Product = self.env["product.product"].sudo()
        resolved = []
        for (field, company_id), refs in references.items():
            matches = defaultdict(lambda: Product)
            for product in Product.search_fetch(
                [(field, "in", list(refs)), ("company_id", "in", [False, company_id])],
                [field],
            ):
                matches[product[field]] |= product
            resolved.extend(
                (("product", channel.id, reference), matches[reference])
                for (channel, reference), kind in wanted.items()
                if kind == field
                and channel.company_id.id == company_id
                and len(matches.get(reference, ())) == 1
            )
        found = tuple({product.id for _key, product in resolved})
        for key, product in resolved:
            cache[key] = product.with_prefetch(found)

    @api.model
    def _prefetch_stores_of(self, codes_by_channel, cache):
        """Resolve the store codes of many channels ({channel: codes}) at once
        into ``cache``, the dict `_resolve_store` reads: their warehouses and
        locations in one prefetch set, so that a batch of many stores reads them
        (and what is read of them later: codes, usage, parent path) in a few
        queries instead of a few per store. What stays unresolved is left to
        `_resolve_store`, which names the binding to add."""
        bound = {}  # (channel id, code): (model, id)
        for channel, store_codes in codes_by_channel.items():
            for code in set(store_codes):
                if ("store", channel.id, code) not in cache:
                    target = self._bound_target(channel.id, "store", str(code))
                    if target and target[0] in ("stock.warehouse", "stock.location"):
                        bound[(channel.id, code)] = target
        if not bound:
            return
        # One browse per model: their fields are then read for all in one query.
        existing = {
            model: self.env[model]
            .sudo()
            .browse([res_id for name, res_id in bound.values() if name == model])
            .exists()
            for model in ("stock.warehouse", "stock.location")
        }
        warehouses = existing["stock.warehouse"]
        locations = warehouses.lot_stock_id | existing["stock.location"]
        for (channel_id, code), (model, res_id) in bound.items():
            if res_id not in existing[model]._ids:
                continue
            if model == "stock.warehouse":
                warehouse = warehouses.browse(res_id).with_prefetch(warehouses._ids)
                location = warehouse.lot_stock_id.with_prefetch(locations._ids)
            else:
                location = locations.browse(res_id).with_prefetch(locations._ids)
                warehouse = location.warehouse_id
            cache[("store", channel_id, code)] = (warehouse, location)

    @api.model
    def _resolve_store(self, channel, store_code, cache=None):
        """(warehouse, stock location) of a store code, through the channel's store
        binding: bound to a warehouse (its stock location) or to a stock location
        (its warehouse, possibly none)."""
        key = ("store", channel.id, store_code)
        if cache is not None and key in cache:
            return cache[key]
        record = self._resolve(channel, "store", store_code)
        if record._name == "stock.warehouse":
            store = (record, record.lot_stock_id)
        elif record._name == "stock.location":
            store = (record.warehouse_id, record)
        else:
            raise PermanentError(
                f"store {store_code} is bound to a {record._description}: bind it "
                "to a warehouse or a stock location"
            )
        if cache is not None:
            cache[key] = store
        return store

    @api.model
    def _resolve_store_location(self, channel, store_code, cache=None):
        """The stock location a store sells from."""
        return self._resolve_store(channel, store_code, cache)[1]

    @api.model
    def _resolve_store_warehouse(self, channel, store_code, cache=None):
        """The warehouse of a store; raise when its binding leads to none."""
        warehouse = self._resolve_store(channel, store_code, cache)[0]
        if not warehouse:
            raise PermanentError(
                f"store {store_code} is bound to no warehouse: bind it to one"
            )
        return warehouse
