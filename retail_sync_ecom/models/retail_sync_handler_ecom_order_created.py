# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, models


class RetailSyncHandlerEcomOrderCreated(models.AbstractModel):
    """ecom.order.created: a confirmed sale order that reserves stock at once, in
    the storefront's fulfilment warehouse or, for click & collect, the pickup
    store's."""

    _name = "retail.sync.handler.ecom.order.created"
    _inherit = "retail.sync.handler.ecom.order"
    _description = "Retail Sync Handler: web order created"

    @api.model
    def _apply_one(self, event):
        """Applying the event twice (a forced replay, a job run twice) finds the
        order through its binding."""
        data = event.payload["data"]
        channel = event.channel_id
        Binding = self.env["retail.sync.binding"].sudo()
        existing = self._order_binding(event, data["order_ref"])
        if existing.record_ref:
            return {"sale_order": existing.record_ref.name, "already_created": True}
        cache = {}
        fulfilment = data.get("fulfilment") or {}
        if fulfilment.get("mode") == "click_and_collect":
            warehouse = Binding._resolve_store_warehouse(
                channel, fulfilment["pickup_store"], cache
            )
        else:
            warehouse = channel._ecom_fulfilment_warehouse()
        order = (
            self.env["sale.order"]
            .sudo()
            .with_company(channel.company_id)
            .create(
                {
                    "partner_id": self._customer(data["customer"], event).id,
                    "company_id": channel.company_id.id,
                    "warehouse_id": warehouse.id,
                    "client_order_ref": data["order_ref"],
                    "retail_sync_click_and_collect": fulfilment.get("mode")
                    == "click_and_collect",
                    "origin": f"{channel.code}/{data['order_ref']}",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": Binding._resolve_product(
                                    channel, line, cache
                                ).id,
                                "product_uom_qty": line["quantity"],
                                "price_unit": line["unit_price"],
                            }
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
        event._link_many([(event, record) for record in (order, *order.picking_ids)])
        # Payments, shipments... of this order that arrived first go on at once.
        self.env["retail.sync.drain"]._release_waiting(
            [self._order_dependency(channel, data["order_ref"])]
        )
        return {
            "sale_order": order.name,
            "warehouse": warehouse.code,
            "reserved": sum(order.picking_ids.move_ids.mapped("quantity")),
        }

    @api.model
    def _customer(self, customer, event=None):
        """The partner of the order's ``customer`` object (``event``: the event
        naming it). By email, else created; retail_sync_customers replaces this
        with its matching (binding, email, phone, review)."""
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
