# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from odoo import api, fields, models

from ..engine import rest_api
from ..engine.rest_api import RestClient, WooCommerceError

_logger = logging.getLogger(__name__)

WOOCOMMERCE = "woocommerce"


class RetailSyncChannel(models.Model):
    """A storefront whose available-to-sell goes to WooCommerce's REST API:
    ``stock_quantity`` of each bound product or variation, by batches of 100."""

    _inherit = "retail.sync.channel"

    push_format = fields.Selection(
        selection_add=[(WOOCOMMERCE, "WooCommerce REST API (products/batch)")],
        ondelete={WOOCOMMERCE: "set default"},
    )
    woocommerce_consumer_key = fields.Char(
        "Consumer key",
        copy=False,
        groups="base.group_system",
        help="The shop's REST API key (ck_...), with read/write permission",
    )
    woocommerce_consumer_secret = fields.Char(
        "Consumer secret",
        copy=False,
        groups="base.group_system",
        help="The secret of that REST API key (cs_...)",
    )

    @api.model
    def _push_setup_fields(self):
        return super()._push_setup_fields() | {
            "woocommerce_consumer_key",
            "woocommerce_consumer_secret",
        }

    def _platform_credentials_set(self):
        self.ensure_one()
        if self.push_format != WOOCOMMERCE:
            return super()._platform_credentials_set()
        channel = self.sudo()
        return bool(
            channel.woocommerce_consumer_key and channel.woocommerce_consumer_secret
        )

    def _ats_repairs_drift(self):
        self.ensure_one()
        return self.push_format == WOOCOMMERCE or super()._ats_repairs_drift()

    def _woocommerce_refs(self, products=None):
        """{product id: (parent id or None, WooCommerce id)} from the channel's
        product bindings ("123" a product, "45/678" a variation of 45)."""
        self.ensure_one()
        domain = [
            ("channel_id", "=", self.id),
            ("kind", "=", "product"),
            ("res_model", "=", "product.product"),
        ]
        if products is not None:
            domain.append(("res_id", "in", products.ids))
        refs = {}
        for binding in self.env["retail.sync.binding"].sudo().search(domain):
            ref = rest_api.parse_ref(binding.external_ref)
            if ref:
                refs.setdefault(binding.res_id, ref)
        return refs

    def _woocommerce_client(self):
        self.ensure_one()
        channel = self.sudo()
        return RestClient(
            channel.push_url,
            channel.woocommerce_consumer_key or "",
            channel.woocommerce_consumer_secret or "",
            timeout=channel.push_timeout or 10.0,
        )

    def _available_to_sell(self, products):
        """WooCommerce holds whole units: the figure rounded down."""
        figures = super()._available_to_sell(products)
        if self.push_format == WOOCOMMERCE:
            for figure in figures.values():
                figure["available"] = float(rest_api.shop_quantity(figure["available"]))
        return figures

    def _ats_send(self, delivery):
        """Set the delivery's figures as the stock_quantity of the bound products
        and variations (products/batch, variations/batch, 100 per request).
        Figures without a binding, or refused by the shop, are not acknowledged
        and listed with the reason."""
        self.ensure_one()
        if self.push_format != WOOCOMMERCE:
            return super()._ats_send(delivery)
        channel = self.sudo()
        payload = dict(delivery.payload)
        figures = payload.get("figures") or []
        products = self.env["product.product"].browse(
            [f["product_id"] for f in figures]
        )
        refs = channel._woocommerce_refs(products)
        updates, skipped = {}, []
        for figure in figures:
            ref = refs.get(figure["product_id"])
            if not ref:
                skipped.append(
                    {
                        "sku": figure["sku"],
                        "reason": "no product binding to a WooCommerce product or "
                        "variation id",
                    }
                )
                continue
            updates[ref] = rest_api.shop_quantity(figure["available"])
        client = channel._woocommerce_client()
        try:
            applied, refused = client.set_stock(updates)
        except WooCommerceError as exc:
            payload["woocommerce"] = {"requests": client.requests}
            delivery.write({"payload": payload})
            return delivery._record_attempt(
                exc.status,
                exc.excerpt,
                error=exc.message,
                retry_after=exc.retry_after,
                message=exc.message,
            )
        sent = [f for f in figures if refs.get(f["product_id"]) in applied]
        skipped += [
            {"sku": f["sku"], "reason": refused[refs[f["product_id"]]]}
            for f in figures
            if refs.get(f["product_id"]) in refused
        ]
        payload.update(
            figures=sent, skipped=skipped, woocommerce={"requests": client.requests}
        )
        delivery.write({"payload": payload, "item_count": len(sent)})
        return delivery._record_attempt(
            200, json.dumps({"set": len(applied), "skipped": len(skipped)})
        )

    def _ats_acknowledged(self):
        """WooCommerce's real stock, read in bulk (products, and the variations of
        the bound variable products, 100 per page), per bound product."""
        acknowledged = super()._ats_acknowledged()
        if self.push_format != WOOCOMMERCE:
            return acknowledged
        channel = self.sudo()
        refs = channel._woocommerce_refs()
        parents = {parent for parent, _id in refs.values() if parent}
        try:
            levels = channel._woocommerce_client().stock_levels(parents)
        except WooCommerceError as exc:
            _logger.warning(
                "Retail Sync: WooCommerce stock of %s could not be read (%s): "
                "compared with the acknowledged figures",
                channel.code,
                exc.message,
            )
            return acknowledged
        truth = {}
        for product_id, ref in refs.items():
            quantity = levels.get(ref)
            if quantity is None:
                continue  # unknown to the shop or stock not managed there
            ack = acknowledged.get(product_id) or (None, 0, False, False, None)
            truth[product_id] = (float(quantity), ack[1], ack[2], ack[3], None)
        return truth
