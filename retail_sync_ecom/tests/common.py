# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pathlib
import sys

from odoo import Command

from odoo.addons.retail_sync_queue.tests.common import perform_pending_jobs

# The reference channel (a storefront stand-in outside Odoo) lives in the
# repository's tests/ folder; these tests push to it over real HTTP on localhost.
_TESTS = pathlib.Path(__file__).resolve().parents[2] / "tests"
if str(_TESTS) not in sys.path:
    sys.path.insert(0, str(_TESTS))

from reference_channel.server import ReferenceChannel  # noqa: E402

__all__ = ["ReferenceChannel", "WebOrderMixin"]


class WebOrderMixin:
    """A storefront channel pushing to a reference channel over real HTTP, a
    fulfilment channel (a 3PL), a central warehouse and a pickup store, a stocked
    lamp and a chair out of stock. For classes that also inherit DrainMixin."""

    @classmethod
    def setup_web_orders(cls):
        cls.Event = cls.env["retail.sync.event"]
        cls.storefront = ReferenceChannel().start()
        cls.addClassCleanup(cls.storefront.stop)
        Warehouse = cls.env["stock.warehouse"]
        cls.central = Warehouse.create({"name": "Ship central", "code": "SHC"})
        cls.pickup_store = Warehouse.create({"name": "Ship store", "code": "SHS"})
        cls.channel, cls.key = cls.make_channel(
            "SHOP",
            kind="ecommerce",
            fulfilment_warehouse_id=cls.central.id,
            push_url=cls.storefront.url,
        )
        cls.storefront.secret = cls.channel._rotate_push_secret()
        cls.tpl, cls.tpl_key = cls.make_channel("3PL", kind="other")
        cls.env["retail.sync.binding"].create(
            {
                "channel_id": cls.channel.id,
                "kind": "store",
                "external_ref": "STORE-1",
                "record_ref": f"stock.warehouse,{cls.pickup_store.id}",
            }
        )
        Product = cls.env["product.product"]
        cls.lamp = Product.create(
            {"name": "Lamp", "default_code": "SH-LAMP", "is_storable": True}
        )
        cls.chair = Product.create(
            {"name": "Chair", "default_code": "SH-CHAIR", "is_storable": True}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.lamp, cls.central.lot_stock_id, 10)
        Quant._update_available_quantity(cls.lamp, cls.pickup_store.lot_stock_id, 3)

    def setUp(self):
        super().setUp()
        self.storefront.reset()

    # ------------------------------------------------------------ events
    def created(self, ref, lines, **fulfilment):
        event = {
            "id": f"created-{ref}",
            "type": "ecom.order.created",
            "schema_version": 1,
            "sequence": 1,
            "occurred_at": "2026-11-27T10:00:00+01:00",
            "data": {
                "order_ref": ref,
                "lines": [
                    {"sku": sku, "quantity": qty, "unit_price": 30.0}
                    for sku, qty in lines
                ],
                "customer": {"email": "ann@example.com", "name": "Ann Example"},
            },
        }
        if fulfilment:
            event["data"]["fulfilment"] = fulfilment
        return event

    def shipment(self, shipment_ref, ref, lines, event_id=None, **data):
        return {
            "id": event_id or f"shipment-{shipment_ref}",
            "type": "shipment.confirmed",
            "schema_version": 1,
            "occurred_at": "2026-11-28T09:00:00+01:00",
            "data": {
                "shipment_ref": shipment_ref,
                "storefront": "SHOP",
                "order_ref": ref,
                "lines": [{"sku": sku, "quantity": qty} for sku, qty in lines],
                **data,
            },
        }

    def place(self, ref, lines, **fulfilment):
        """A web order received and applied; returns its sale order."""
        self.ingest(self.created(ref, lines, **fulfilment))
        self.drain(f"order:{ref}")
        event = self.event(f"created-{ref}")
        self.assertEqual(event.state, "done", event.error_message)
        return self.env["sale.order"].search([("client_order_ref", "=", ref)])

    def ship(self, event):
        """A shipment from the 3PL, ingested and its key drained."""
        self.ingest(event, channel=self.tpl)
        data = event["data"]
        self.drain(f"order:{data['storefront']}:{data['order_ref']}", channel=self.tpl)
        return self.event(event["id"], channel=self.tpl)

    def push(self):
        """Commit-time hooks, then every job, as the server would run them."""
        self.env.cr.flush()
        perform_pending_jobs(self.env)

    def receive(self, product, quantity, warehouse, user=None):
        """A receipt from a vendor, validated (by ``user``, default the test's):
        stock arrives and Odoo reserves it for the deliveries waiting for it."""
        env = self.env(user=user) if user else self.env
        picking = env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": warehouse.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.quantity = quantity
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking
