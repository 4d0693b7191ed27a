# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError, RetryableError


class RetailSyncEvent(models.Model):
    """Storefront orders become confirmed sale orders that reserve stock at once."""

    _inherit = "retail.sync.event"

    @api.model
    def _handlers(self):
        return {
            **super()._handlers(),
            "ecom.order.created": "_handle_ecom_order_created",
            "ecom.order.cancelled": "_handle_ecom_order_cancelled",
        }

    def _handle_ecom_order_created(self):
        """A confirmed sale order per web order; applying the event twice (a forced
        replay, a job run twice) finds the order through its binding."""
        data = self.payload["data"]
        channel = self.channel_id
        Binding = self.env["retail.sync.binding"].sudo()
        existing = self._ecom_order_binding(data["order_ref"])
        if existing.record_ref:
            return {"sale_order": existing.record_ref.name, "already_created": True}
        fulfilment = data.get("fulfilment") or {}
        if fulfilment.get("mode") == "click_and_collect":
            warehouse = self._ecom_pickup_warehouse(fulfilment["pickup_store"])
        else:
            warehouse = channel._ecom_fulfilment_warehouse()
        cache = {}
        order = (
            self.env["sale.order"]
            .sudo()
            .with_company(channel.company_id)
            .create(
                {
                    "partner_id": self._ecom_customer(data["customer"]).id,
                    "company_id": channel.company_id.id,
                    "warehouse_id": warehouse.id,
                    "client_order_ref": data["order_ref"],
                    "origin": f"{channel.code}/{data['order_ref']}",
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": Binding._resolve_product(
                                    channel, line, cache
                                ).id,
                                "product_uom_qty": line["quantity"],
                                "price_unit": line["unit_price"],
                            },
                        )
                        for line in data["lines"]
                    ],
                }
            )
        )
        order.action_confirm()
        Binding.create(
            {
                "channel_id": channel.id,
                "kind": "order",
                "external_ref": data["order_ref"],
                "record_ref": f"sale.order,{order.id}",
            }
        )
        self._link_many([(self, record) for record in (order, *order.picking_ids)])
        return {
            "sale_order": order.name,
            "warehouse": warehouse.code,
            "reserved": sum(order.picking_ids.move_ids.mapped("quantity")),
        }

    def _handle_ecom_order_cancelled(self):
        data = self.payload["data"]
        binding = self._ecom_order_binding(data["order_ref"])
        if not binding.record_ref:
            # The creation may still be on its way (another key, a retry): wait.
            raise RetryableError(f"order {data['order_ref']} has not been received yet")
        order = binding.record_ref
        if order.state != "cancel":
            if order.picking_ids.filtered(lambda p: p.state == "done"):
                raise PermanentError(
                    f"order {order.name} has already shipped: it cannot be cancelled"
                )
            order._action_cancel()
        self._link(order)
        return {"sale_order": order.name, "state": order.state}

    def _ecom_order_binding(self, order_ref):
        """The binding of a web order of this event's channel (empty if none)."""
        return (
            self.env["retail.sync.binding"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", self.channel_id.id),
                    ("kind", "=", "order"),
                    ("external_ref", "=", order_ref),
                ],
                limit=1,
            )
        )

    def _ecom_pickup_warehouse(self, store_code):
        record = self.env["retail.sync.binding"]._resolve(
            self.channel_id, "store", store_code
        )
        warehouse = record if record._name == "stock.warehouse" else record.warehouse_id
        if not warehouse:
            raise PermanentError(
                f"pickup store {store_code} is bound to no warehouse: bind it to one"
            )
        return warehouse

    def _ecom_customer(self, customer):
        Partner = self.env["res.partner"].sudo()
        partner = Partner.search([("email", "=ilike", customer["email"])], limit=1)
        if not partner:
            partner = Partner.create(
                {
                    "name": customer.get("name") or customer["email"],
                    "email": customer["email"],
                    "phone": customer.get("phone"),
                }
            )
        return partner
