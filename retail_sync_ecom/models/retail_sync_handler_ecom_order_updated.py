# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, models
from odoo.tools import float_compare

from odoo.addons.retail_sync_core.engine.errors import PermanentError

ADDRESS_FIELDS = ("name", "street", "street2", "zip", "city", "phone")


class RetailSyncHandlerEcomOrderUpdated(models.AbstractModel):
    """ecom.order.updated: a web order changed before fulfilment (its shipping
    address, its lines or its delivery method). The confirmed sale order is
    changed in place; Odoo adjusts its delivery and reservation. Refused once
    anything has shipped."""

    _name = "retail.sync.handler.ecom.order.updated"
    _inherit = "retail.sync.handler.ecom.order"
    _description = "Retail Sync Handler: web order updated"

    @api.model
    def _apply_one(self, event):
        """Applying it twice sets the same values again: harmless."""
        data = event.payload["data"]
        order = self._order_or_wait(event, data["order_ref"])
        order = order.with_company(order.company_id)
        if order.state == "cancel":
            raise PermanentError(
                self.env._("order %s is cancelled: it cannot change", order.name)
            )
        if order.picking_ids.filtered(lambda p: p.state == "done") or any(
            order.order_line.mapped("qty_delivered")
        ):
            raise PermanentError(
                self.env._("order %s has already shipped: it cannot change", order.name)
            )
        result = {"sale_order": order.name}
        if "shipping_address" in data:
            address = self._delivery_address(order, data["shipping_address"])
            # The context key makes Odoo move the open deliveries to it too.
            order.with_context(update_delivery_shipping_partner=True).write(
                {"partner_shipping_id": address.id}
            )
            result["shipping_address"] = address.id
        if "lines" in data:
            result["lines"] = self._replace_lines(
                event.channel_id, order, data["lines"]
            )
        if "delivery_method" in data:
            result["carrier"] = self._set_delivery_method(
                order, data["delivery_method"]
            )
        event._link(order)
        return result

    @api.model
    def _delivery_address(self, order, address):
        """A delivery contact of the customer with this address: an existing one
        that matches, else a new one."""
        Partner = self.env["res.partner"].sudo()
        country = self.env["res.country"].search(
            [("code", "=", address["country"])], limit=1
        )
        if not country:
            raise PermanentError(
                self.env._("unknown country code %s", address["country"])
            )
        values = {field: address.get(field) or False for field in ADDRESS_FIELDS}
        values["country_id"] = country.id
        customer = order.partner_id.commercial_partner_id
        for contact in customer.child_ids.filtered(lambda c: c.type == "delivery"):
            if contact.country_id == country and all(
                contact[field] == values[field] for field in ADDRESS_FIELDS
            ):
                return contact
        return Partner.create(dict(values, parent_id=customer.id, type="delivery"))

    @api.model
    def _replace_lines(self, channel, order, lines):
        """Make the order's product lines what the storefront sent: quantities
        and prices of the products it has changed, missing ones set to 0 (a
        confirmed line cannot be deleted), new ones added."""
        Binding = self.env["retail.sync.binding"].sudo()
        cache, wanted = {}, {}
        for line in lines:
            product = Binding._resolve_product(channel, line, cache)
            quantity, _price = wanted.get(product, (0.0, line["unit_price"]))
            wanted[product] = (quantity + line["quantity"], line["unit_price"])
        current = order.order_line.filtered(
            lambda ol: ol.product_id and not ol.display_type and not ol.is_delivery
        )
        seen = set()
        changed = 0
        for line in current:
            quantity, price = wanted.get(line.product_id, (0.0, line.price_unit))
            if line.product_id in seen:
                quantity = 0.0  # the product's first line carries its quantity
            seen.add(line.product_id)
            values = {}
            rounding = line.product_uom.rounding
            if float_compare(
                line.product_uom_qty, quantity, precision_rounding=rounding
            ):
                values["product_uom_qty"] = quantity
            if float_compare(
                line.price_unit,
                price,
                precision_rounding=order.currency_id.rounding,
            ):
                values["price_unit"] = price
            if values:
                line.write(values)
                changed += 1
        added = [
            Command.create(
                {"product_id": product.id, "product_uom_qty": qty, "price_unit": price}
            )
            for product, (qty, price) in wanted.items()
            if product not in seen and qty > 0
        ]
        if added:
            order.write({"order_line": added})
        return {"changed": changed, "added": len(added)}

    @api.model
    def _set_delivery_method(self, order, method):
        """Keep the storefront's delivery method; use the Odoo carrier of that
        name on the order and its open deliveries when there is one."""
        order.retail_sync_delivery_method = method
        carrier = (
            self.env["delivery.carrier"]
            .sudo()
            .search(
                [
                    ("name", "=ilike", method),
                    ("company_id", "in", [False, order.company_id.id]),
                ],
                limit=1,
            )
        )
        if carrier:
            order.carrier_id = carrier
            order.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            ).carrier_id = carrier
        return carrier.name or None
