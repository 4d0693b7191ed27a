# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from odoo import api, fields, models

from ..engine import admin_api
from ..engine.admin_api import AdminClient, ShopifyError

_logger = logging.getLogger(__name__)

SHOPIFY = "shopify"
LOCATION_KINDS = ("store", "location", "warehouse")


class RetailSyncChannel(models.Model):
    """A storefront whose available-to-sell goes to Shopify's own Admin API:
    one figure per product and Shopify location (bindings), set by
    ``inventorySetQuantities`` with compare-and-set."""

    _inherit = "retail.sync.channel"

    push_format = fields.Selection(
        selection_add=[(SHOPIFY, "Shopify Admin API (inventorySetQuantities)")],
        ondelete={SHOPIFY: "set default"},
    )
    shopify_access_token = fields.Char(
        "Admin API access token",
        copy=False,
        groups="base.group_system",
        help="The custom app's Admin API access token (shpat_...), with the "
        "write_inventory and read_inventory scopes",
    )
    shopify_api_version = fields.Char(
        "Admin API version",
        default=admin_api.API_VERSION,
        help="The Admin GraphQL API version called (2026-04 or later: the "
        "idempotency key is mandatory there)",
    )
    shopify_max_wait = fields.Float(
        "Throttle wait (s)",
        default=20.0,
        help="How long one push may wait for Shopify's cost bucket to refill "
        "before it is left to the outbox's retry",
    )

    @api.model
    def _push_setup_fields(self):
        return super()._push_setup_fields() | {"shopify_access_token"}

    def _platform_credentials_set(self):
        self.ensure_one()
        if self.push_format != SHOPIFY:
            return super()._platform_credentials_set()
        return bool(self.sudo().shopify_access_token)

    def _ats_repairs_drift(self):
        self.ensure_one()
        return self.push_format == SHOPIFY or super()._ats_repairs_drift()

    # ------------------------------------------------------------ bindings
    def _shopify_locations(self):
        """{Shopify location gid: Odoo stock location} from the channel's store,
        location or warehouse bindings whose reference is a Shopify location id
        (numeric or gid://shopify/Location/...)."""
        self.ensure_one()
        bindings = (
            self.env["retail.sync.binding"]
            .sudo()
            .search([("channel_id", "=", self.id), ("kind", "in", LOCATION_KINDS)])
        )
        locations = {}
        for binding in bindings:
            if not admin_api.is_gid_or_number(
                binding.external_ref, admin_api.LOCATION_GID
            ):
                continue
            target = binding.record_ref
            if target and target._name == "stock.warehouse":
                target = target.lot_stock_id
            if target and target._name == "stock.location":
                locations[admin_api.location_gid(binding.external_ref)] = target
        return locations

    def _shopify_items(self, products=None):
        """{product id: Shopify inventory item gid} from the channel's product
        bindings whose reference is an inventory item id."""
        self.ensure_one()
        domain = [
            ("channel_id", "=", self.id),
            ("kind", "=", "product"),
            ("res_model", "=", "product.product"),
        ]
        if products is not None:
            domain.append(("res_id", "in", products.ids))
        items = {}
        for binding in self.env["retail.sync.binding"].sudo().search(domain):
            if admin_api.is_gid_or_number(binding.external_ref, admin_api.ITEM_GID):
                items.setdefault(
                    binding.res_id, admin_api.item_gid(binding.external_ref)
                )
        return items

    def _shopify_client(self):
        self.ensure_one()
        channel = self.sudo()
        return AdminClient(
            channel.push_url,
            channel.shopify_access_token or "",
            version=channel.shopify_api_version or admin_api.API_VERSION,
            timeout=channel.push_timeout or 10.0,
            max_wait=channel.shopify_max_wait,
        )

    # ------------------------------------------------------------ figures
    def _available_to_sell(self, products):
        """Shopify sells per location: each product's figure per bound Shopify
        location (on hand minus reserved minus the safety buffer there, whole
        units, never below zero) in ``locations``, their sum as ``available``."""
        figures = super()._available_to_sell(products)
        if self.push_format != SHOPIFY:
            return figures
        per_location = {}
        Quant = self.env["stock.quant"].sudo()
        for location_gid, location in self._shopify_locations().items():
            groups = Quant._read_group(
                [
                    ("product_id", "in", products.ids),
                    ("location_id", "child_of", location.id),
                ],
                ["product_id"],
                ["quantity:sum", "reserved_quantity:sum"],
            )
            totals = {product.id: (qty, res) for product, qty, res in groups}
            for product in products:
                on_hand, reserved = totals.get(product.id, (0.0, 0.0))
                per_location.setdefault(product.id, {})[location_gid] = (
                    admin_api.shop_quantity(on_hand - reserved - self.safety_buffer)
                )
        for product_id, figure in figures.items():
            levels = per_location.get(product_id, {})
            figure["locations"] = levels
            figure["available"] = float(sum(levels.values()))
        return figures

    # ------------------------------------------------------------ push
    def _ats_send(self, delivery):
        """Set the delivery's figures in Shopify, per inventory item and location,
        by compare-and-set from the quantity last set or read there (a stale
        compare re-reads and retries with the fresh value), under an idempotency
        key stable for this delivery and input. Figures of products without an
        inventory item binding are not sent and listed as skipped."""
        self.ensure_one()
        if self.push_format != SHOPIFY:
            return super()._ats_send(delivery)
        channel = self.sudo()
        Level = self.env["retail.sync.shopify.level"].sudo()
        payload = dict(delivery.payload)
        figures = payload.get("figures") or []
        products = self.env["product.product"].browse(
            [f["product_id"] for f in figures]
        )
        items = channel._shopify_items(products)
        known = Level._known(channel)
        entries, sent, skipped = [], [], []
        for figure in figures:
            item = items.get(figure["product_id"])
            if not item or not figure.get("locations"):
                skipped.append(
                    {
                        "sku": figure["sku"],
                        "reason": "no product binding to a Shopify inventory item"
                        if not item
                        else "no store binding to a Shopify location",
                    }
                )
                continue
            sent.append(figure)
            for location, quantity in figure["locations"].items():
                level = known.get((item, location))
                if level and level.quantity == quantity:
                    continue  # Shopify already holds it (as last set or read)
                entries.append(
                    {
                        "item": item,
                        "location": location,
                        "quantity": quantity,
                        "from": level.quantity if level else None,
                    }
                )
        client = channel._shopify_client()
        try:
            applied = client.set_available(entries, f"{channel.id}:{delivery.id}")
        except ShopifyError as exc:
            payload["shopify"] = channel._shopify_report(client, entries)
            delivery.write({"payload": payload})
            return delivery._record_attempt(
                exc.status,
                exc.excerpt,
                error=exc.message,
                retry_after=exc.retry_after,
                message=exc.message,
            )
        by_item = {item: product_id for product_id, item in items.items()}
        Level._record_pushed(channel, applied, by_item)
        skus = {f["product_id"]: f["sku"] for f in figures}
        skipped += [
            {
                "sku": skus.get(by_item.get(item), item),
                "location": location,
                "reason": "the inventory item is not stocked at this Shopify "
                "location: activate it there, or remove the location binding",
            }
            for item, location in client.not_stocked
        ]
        payload.update(
            figures=sent,
            skipped=skipped,
            shopify=channel._shopify_report(client, entries),
        )
        delivery.write({"payload": payload, "item_count": len(sent)})
        summary = {"set": len(applied), "skipped": len(skipped)}
        return delivery._record_attempt(200, json.dumps(summary))

    @api.model
    def _shopify_report(self, client, entries):
        return {
            "quantities": len(entries),
            "idempotency_keys": client.keys,
            "stale_retries": client.stale_retries,
            "throttled": client.throttled,
            "throttle_wait_s": round(client.waited, 2),
            "not_stocked": len(client.not_stocked),
        }

    # ------------------------------------------------------------ drift
    def _ats_acknowledged(self):
        """Shopify's real figures, read in bulk (every level of every bound
        location, paginated), per product: the sum, and the per-location
        detail. The levels read become the known quantities (the next
        compare-and-set starts from them)."""
        acknowledged = super()._ats_acknowledged()
        if self.push_format != SHOPIFY:
            return acknowledged
        channel = self.sudo()
        items = channel._shopify_items()
        by_item = {item: product_id for product_id, item in items.items()}
        locations = channel._shopify_locations()
        client = channel._shopify_client()
        read = {}
        try:
            for location in locations:
                for item, quantity in client.location_levels(location).items():
                    if item in by_item:
                        read[(item, location)] = quantity
        except ShopifyError as exc:
            _logger.warning(
                "Retail Sync: Shopify figures of %s could not be read (%s): "
                "compared with the acknowledged figures",
                channel.code,
                exc.message,
            )
            return acknowledged
        self.env["retail.sync.shopify.level"].sudo()._record_read(
            channel, read, by_item
        )
        truth = {}
        for product_id, item in items.items():
            detail = {
                location: read.get((item, location)) or 0 for location in locations
            }
            if not any((item, location) in read for location in locations):
                continue  # not stocked in Shopify at all: never acknowledged
            ack = acknowledged.get(product_id) or (None, 0, False, False, None)
            truth[product_id] = (
                float(sum(detail.values())),
                ack[1],
                ack[2],
                ack[3],
                detail,
            )
        return truth
