# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_queue.tests.common import DrainMixin


@tagged("post_install", "-at_install")
class TestWebOrders(DrainMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["retail.sync.event"]
        Warehouse = cls.env["stock.warehouse"]
        cls.central = Warehouse.create({"name": "Web central", "code": "WCT"})
        cls.pickup_store = Warehouse.create({"name": "Pickup store", "code": "WPS"})
        cls.channel, cls.key = cls.make_channel(
            "WEB-T", kind="ecommerce", fulfilment_warehouse_id=cls.central.id
        )
        cls.env["retail.sync.binding"].create(
            {
                "channel_id": cls.channel.id,
                "kind": "store",
                "external_ref": "STORE-1",
                "record_ref": f"stock.warehouse,{cls.pickup_store.id}",
            }
        )
        cls.lamp = cls.env["product.product"].create(
            {"name": "Lamp", "default_code": "W-LAMP", "is_storable": True}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.lamp, cls.central.lot_stock_id, 10)
        Quant._update_available_quantity(cls.lamp, cls.pickup_store.lot_stock_id, 3)

    def order(self, ref, quantity, **fulfilment):
        event = {
            "id": f"created-{ref}",
            "type": "ecom.order.created",
            "schema_version": 1,
            "occurred_at": "2026-11-27T10:00:00+01:00",
            "data": {
                "order_ref": ref,
                "lines": [{"sku": "W-LAMP", "quantity": quantity, "unit_price": 30.0}],
                "customer": {"email": "ann@example.com", "name": "Ann Example"},
            },
        }
        if fulfilment:
            event["data"]["fulfilment"] = fulfilment
        return event

    def cancel(self, ref):
        return {
            "id": f"cancelled-{ref}",
            "type": "ecom.order.cancelled",
            "schema_version": 1,
            "occurred_at": "2026-11-27T10:30:00+01:00",
            "data": {"order_ref": ref, "reason": "customer changed mind"},
        }

    def free(self, warehouse):
        return self.lamp.with_context(location=warehouse.lot_stock_id.id).free_qty

    def test_order_reserves_at_once_and_cancel_releases(self):
        self.ingest(self.order("W1", 4))
        self.drain("order:W1")
        event = self.event("created-W1")
        self.assertEqual(event.state, "done", event.error_message)
        order = self.env["sale.order"].search([("client_order_ref", "=", "W1")])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.warehouse_id, self.central)
        self.assertEqual(order.partner_id.email, "ann@example.com")
        self.assertEqual(self.free(self.central), 6)
        self.assertEqual(event.result["reserved"], 4)
        self.assertIn("sale.order", event.link_ids.mapped("res_model"))

        self.ingest(self.cancel("W1"))
        self.drain("order:W1")
        self.assertEqual(self.event("cancelled-W1").state, "done")
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.free(self.central), 10)

    def test_click_and_collect_reserves_in_the_pickup_store(self):
        self.ingest(
            self.order("W2", 2, mode="click_and_collect", pickup_store="STORE-1")
        )
        self.drain("order:W2")
        self.assertEqual(self.event("created-W2").state, "done")
        order = self.env["sale.order"].search([("client_order_ref", "=", "W2")])
        self.assertEqual(order.warehouse_id, self.pickup_store)
        self.assertEqual(self.free(self.pickup_store), 1)
        self.assertEqual(self.free(self.central), 10)

    def test_click_and_collect_needs_a_pickup_store(self):
        event = self.order("W3", 1, mode="click_and_collect")
        reception = self.Event._receive(self.channel, json.dumps(event).encode())
        [outcome] = reception.outcomes
        self.assertEqual(outcome.kind, "invalid")
        self.assertIn("pickup_store", str(outcome.details["problems"]))

    def test_applying_twice_creates_one_order(self):
        self.ingest(self.order("W4", 1))
        self.drain("order:W4")
        event = self.event("created-W4")
        event._replay("forced for the test", force=True)
        self.drain("order:W4")
        self.assertEqual(event.state, "done")
        self.assertTrue(event.result["already_created"])
        self.assertEqual(
            self.env["sale.order"].search_count([("client_order_ref", "=", "W4")]), 1
        )

    def test_many_orders_apply_in_one_drain_and_a_bad_one_alone_fails(self):
        """The orders domain drains many orders per job, created and confirmed
        together; an order naming an unknown product is a dead letter naming it,
        nothing of it created, and the others of the same batch are applied."""
        bad = self.order("WB-2", 1)
        bad["data"]["lines"][0]["sku"] = "NO-SUCH-SKU"
        again = dict(self.order("WB-1", 1), id="created-WB-1-again")
        self.ingest(self.order("WB-1", 1), bad, self.order("WB-3", 2), again)
        summary = self.env["retail.sync.drain"]._drain_domain("orders")
        self.assertEqual(summary["applied"], 3)
        states = [
            self.event(i).state
            for i in ("created-WB-1", "created-WB-2", "created-WB-3")
        ]
        self.assertEqual(states, ["done", "dead", "done"])
        self.assertIn("NO-SUCH-SKU", self.event("created-WB-2").error_message)
        orders = self.env["sale.order"].search(
            [("client_order_ref", "in", ["WB-1", "WB-2", "WB-3"])]
        )
        self.assertEqual(sorted(orders.mapped("client_order_ref")), ["WB-1", "WB-3"])
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertEqual(self.free(self.central), 10 - 3)
        # The same order under a second event id, in the same batch: one order.
        duplicate = self.event("created-WB-1-again")
        self.assertEqual(duplicate.state, "done")
        self.assertTrue(duplicate.result["already_created"])
        self.assertEqual(
            duplicate.result["sale_order"],
            self.event("created-WB-1").result["sale_order"],
        )

    def test_cancel_before_creation_waits_then_applies(self):
        self.ingest(self.cancel("W5"))
        self.drain("order:W5")
        cancelled = self.event("cancelled-W5")
        self.assertEqual(cancelled.state, "waiting")
        self.assertEqual(cancelled.state_reason, "waiting for order W5")
        self.assertEqual(cancelled.waiting_for, f"order:{self.channel.id}:W5")
        self.assertEqual(cancelled.attempts, 0)
        # The creation (earlier in the key) applies first and releases the cancel.
        self.ingest(self.order("W5", 2))
        self.drain("order:W5")
        self.assertEqual(self.event("created-W5").state, "done")
        self.assertEqual(cancelled.state, "done", cancelled.error_message)
        order = self.env["sale.order"].search([("client_order_ref", "=", "W5")])
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.free(self.central), 10)
