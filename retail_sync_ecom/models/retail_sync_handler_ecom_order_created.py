# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import Command, api, models


class RetailSyncHandlerEcomOrderCreated(models.AbstractModel):
    """ecom.order.created: a confirmed sale order that reserves stock at once, in
    the storefront's fulfilment warehouse or, for click & collect, the pickup
    store's.

    Takes batches: the orders of many keys are created in one ``create`` and
    confirmed in one ``action_confirm`` (one procurement run, one reservation pass
    for all of them), several times cheaper per order than one by one."""

    _name = "retail.sync.handler.ecom.order.created"
    _inherit = "retail.sync.handler.ecom.order"
    _description = "Retail Sync Handler: web order created"

    _apply_in_batches = True

    @api.model
    def _apply(self, events):
        """Applying an event twice (a forced replay, a job run twice, the same order
        under two event ids) finds the order through its binding. An event whose
        order cannot be built (an unknown product, store) gets its exception as
        result, nothing of it written: the drain records it for that event alone."""
        results, to_create, cache = {}, [], {}
        existing = self._existing_orders(events)
        first_of = {}  # (channel id, order ref) -> event creating it in this batch
        for event in events:
            ref = event.payload["data"]["order_ref"]
            key = (event.channel_id.id, ref)
            if key in existing:
                results[event.id] = {
                    "sale_order": existing[key].name,
                    "already_created": True,
                }
            elif key in first_of:
                results[event.id] = {"already_created": True, "same_as": first_of[key]}
            else:
                try:
                    # Nothing stays of an event that fails here (its customer).
                    with self.env.cr.savepoint():
                        values = self._order_values(event, cache)
                except Exception as exc:  # recorded by the drain for this event
                    results[event.id] = exc
                    continue
                first_of[key] = event.id
                to_create.append((event, values))
        orders = self._create_and_confirm(to_create)
        self._bind_created(to_create, orders)
        for (event, _values), order in zip(to_create, orders, strict=True):
            results[event.id] = {
                "sale_order": order.name,
                "warehouse": order.warehouse_id.code,
                "reserved": sum(order.picking_ids.move_ids.mapped("quantity")),
            }
        for result in list(results.values()):
            if isinstance(result, dict) and "same_as" in result:
                result["sale_order"] = results[result.pop("same_as")].get("sale_order")
        return results

    @api.model
    def _existing_orders(self, events):
        """{(channel id, order ref): sale order} of the orders already bound."""
        refs = {event.payload["data"]["order_ref"] for event in events}
        bindings = (
            self.env["retail.sync.binding"]
            .sudo()
            .search(
                [
                    ("channel_id", "in", events.channel_id.ids),
                    ("kind", "=", "order"),
                    ("external_ref", "in", sorted(refs)),
                ]
            )
        )
        return {
            (binding.channel_id.id, binding.external_ref): binding.record_ref
            for binding in bindings
            if binding.record_ref
        }

    @api.model
    def _order_values(self, event, cache):
        """The sale order values of an event; raises when it names an unknown
        product or store."""
        data = event.payload["data"]
        channel = event.channel_id
        Binding = self.env["retail.sync.binding"].sudo()
        fulfilment = data.get("fulfilment") or {}
        if fulfilment.get("mode") == "click_and_collect":
            warehouse = Binding._resolve_store_warehouse(
                channel, fulfilment["pickup_store"], cache
            )
        else:
            warehouse = channel._ecom_fulfilment_warehouse()
        lines = [
            Command.create(
                {
                    "product_id": Binding._resolve_product(channel, line, cache).id,
                    "product_uom_qty": line["quantity"],
                    "price_unit": line["unit_price"],
                }
            )
            for line in data["lines"]
        ]
        return {
            "partner_id": self._customer(data["customer"], event).id,
            "company_id": channel.company_id.id,
            "warehouse_id": warehouse.id,
            "client_order_ref": data["order_ref"],
            "retail_sync_click_and_collect": fulfilment.get("mode")
            == "click_and_collect",
            "origin": f"{channel.code}/{data['order_ref']}",
            "order_line": lines,
        }

    @api.model
    def _create_and_confirm(self, to_create):
        """Create and confirm the orders, one create and one confirmation per
        company; returns them in the order of ``to_create``."""
        by_company = defaultdict(list)
        for position, (event, values) in enumerate(to_create):
            by_company[event.channel_id.company_id].append((position, values))
        orders = [None] * len(to_create)
        for company, items in by_company.items():
            created = (
                self.env["sale.order"]
                .sudo()
                .with_company(company)
                .create([values for _position, values in items])
            )
            created.action_confirm()
            for (position, _values), order in zip(items, created, strict=True):
                orders[position] = order
        return orders

    @api.model
    def _bind_created(self, to_create, orders):
        """Bind each new order to its channel's order reference, link it and its
        pickings to its event, and release what waited for it (payments,
        shipments... of these orders that arrived first go on at once)."""
        if not to_create:
            return
        self.env["retail.sync.binding"].sudo().create(
            [
                {
                    "channel_id": event.channel_id.id,
                    "kind": "order",
                    "external_ref": event.payload["data"]["order_ref"],
                    "record_ref": f"sale.order,{order.id}",
                }
                for (event, _values), order in zip(to_create, orders, strict=True)
            ]
        )
        self.env["retail.sync.event"]._link_many(
            [
                (event, record)
                for (event, _values), order in zip(to_create, orders, strict=True)
                for record in (order, *order.picking_ids)
            ]
        )
        self.env["retail.sync.drain"]._release_waiting(
            [
                self._order_dependency(
                    event.channel_id, event.payload["data"]["order_ref"]
                )
                for event, _values in to_create
            ]
        )

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
