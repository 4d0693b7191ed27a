# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.retail_sync_core.tests.common import make_user
from odoo.addons.retail_sync_queue.tests.common import DrainMixin

from .common import ReferenceChannel, WebOrderMixin

DRAIN_LOG = "odoo.addons.retail_sync_queue.models.retail_sync_drain"


@tagged("post_install", "-at_install")
class TestClickAndCollect(WebOrderMixin, DrainMixin, TransactionCase):
    """A click & collect order reaches its pickup store's POS channel (a reference
    channel, over real HTTP, signed) as a pickup order; the store's pickup.ready,
    pickup.collected and pickup.expired move the order on in Odoo and reach the
    storefront as statuses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_web_orders()
        cls.channel.pickup_preparation_minutes = 90
        cls.store_pos = ReferenceChannel().start()
        cls.addClassCleanup(cls.store_pos.stop)
        cls.pos, cls.pos_key = cls.make_channel(
            "POS-SHS", kind="pos", push_url=cls.store_pos.url
        )
        cls.store_pos.secret = cls.pos._rotate_push_secret()
        Binding = cls.env["retail.sync.binding"]
        Binding.create(
            {
                "channel_id": cls.pos.id,
                "kind": "store",
                "external_ref": "SHS",
                "record_ref": f"stock.warehouse,{cls.pickup_store.id}",
            }
        )
        # Another store, whose POS binds its stock location, not its warehouse.
        cls.other_store = cls.env["stock.warehouse"].create(
            {"name": "Other store", "code": "OTS"}
        )
        cls.other_pos, _key = cls.make_channel("POS-OTS", kind="pos")
        Binding.create(
            {
                "channel_id": cls.other_pos.id,
                "kind": "store",
                "external_ref": "OTS",
                "record_ref": f"stock.location,{cls.other_store.lot_stock_id.id}",
            }
        )
        cls.warehouse_user = make_user(
            cls.env, "rs_cc_warehouse", "stock.group_stock_user"
        )

    def setUp(self):
        super().setUp()
        self.store_pos.reset()

    # ------------------------------------------------------------ helpers
    def collect_order(self, ref, lines):
        order = self.place(ref, lines, mode="click_and_collect", pickup_store="STORE-1")
        self.assertTrue(order.retail_sync_click_and_collect)
        self.assertEqual(order.warehouse_id, self.pickup_store)
        return order

    def pickup_event(self, kind, ref, event_id=None, **data):
        return {
            "id": event_id or f"{kind}-{ref}",
            "type": f"pickup.{kind}",
            "schema_version": 1,
            "occurred_at": "2026-11-28T15:00:00+01:00",
            "data": {"storefront": "SHOP", "order_ref": ref, **data},
        }

    def from_store(self, event, channel=None):
        """A pickup event from a store's POS channel, ingested and its key
        drained."""
        channel = channel or self.pos
        self.ingest(event, channel=channel)
        data = event["data"]
        self.drain(f"pickup:{data['storefront']}:{data['order_ref']}", channel=channel)
        return self.event(event["id"], channel=channel)

    def pickup(self, order):
        return order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")

    def status(self, ref):
        entry = self.storefront.order_status(ref)
        return entry and entry["status"]

    def on_hand(self, product, warehouse):
        """(on hand, reserved) in the warehouse's stock location."""
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", product.id),
                ("location_id", "=", warehouse.lot_stock_id.id),
            ]
        )
        return sum(quants.mapped("quantity")), sum(quants.mapped("reserved_quantity"))

    # ------------------------------------------------------------ tests
    def test_the_store_receives_the_pickup_order_signed(self):
        order = self.collect_order("C1", [("SH-LAMP", 2)])
        order.partner_id.phone = "+32 470 00 00 01"
        self.assertEqual(
            order._retail_sync_pickup_channels(), self.pos, "only the store's POS"
        )
        reserved_at = order.retail_sync_pickup_reserved_at
        self.assertTrue(reserved_at, "stamped when the store's stock was reserved")
        self.push()
        entry = self.store_pos.pickup_order("C1")
        self.assertTrue(entry, "the store received the pickup order")
        self.assertEqual(entry["status"], "reserved")
        self.assertEqual(entry["storefront"], "SHOP")
        self.assertEqual(entry["sale_order"], order.name)
        self.assertEqual(entry["customer"]["email"], "ann@example.com")
        self.assertEqual(entry["customer"]["name"], order.partner_id.name)
        self.assertEqual(entry["customer"]["phone"], "+32 470 00 00 01")
        self.assertEqual(
            entry["lines"],
            [{"sku": "SH-LAMP", "name": order.order_line.name, "quantity": 2.0}],
        )
        self.assertGreater(order.amount_total, 0)
        self.assertEqual(
            entry["payment"],
            {
                "status": "to_pay",
                "amount_due": order.amount_total,
                "currency": order.currency_id.name,
            },
        )
        ready_by = datetime.fromisoformat(entry["ready_by"]).replace(tzinfo=None)
        self.assertEqual(ready_by, reserved_at + timedelta(minutes=90))
        [(_at, headers, body, verified)] = self.store_pos.received
        self.assertTrue(verified, "signed with the POS channel's push secret")
        self.assertEqual(body["type"], "pickup.order")
        self.assertEqual(body["channel"], "POS-SHS")
        pushed = order.retail_sync_pickup_ids
        self.assertEqual(pushed.channel_id, self.pos)
        self.assertEqual(pushed.status, "reserved")
        self.assertEqual(pushed.version, entry["version"])
        self.assertEqual(pushed.ready_by, ready_by)
        # The storefront got its own status; the other store nothing.
        self.assertEqual(self.status("C1"), "reserved")
        self.assertFalse(
            self.env["retail.sync.delivery"].search(
                [("channel_id", "=", self.other_pos.id)]
            )
        )
        # Nothing changed: nothing is pushed again.
        order._retail_sync_status_changed()
        self.push()
        self.assertEqual(len(self.store_pos.received), 1)

    def test_a_changed_order_reaches_the_store_again(self):
        order = self.collect_order("C11", [("SH-LAMP", 1)])
        self.push()
        self.assertEqual(self.store_pos.pickup_order("C11")["lines"][0]["quantity"], 1)
        first_version = self.store_pos.pickup_order("C11")["version"]
        update = {
            "id": "updated-C11",
            "type": "ecom.order.updated",
            "schema_version": 1,
            "sequence": 2,
            "occurred_at": "2026-11-27T11:00:00+01:00",
            "data": {
                "order_ref": "C11",
                "lines": [{"sku": "SH-LAMP", "quantity": 2, "unit_price": 30.0}],
            },
        }
        self.ingest(update)
        self.drain("order:C11")
        self.assertEqual(self.event("updated-C11").state, "done")
        self.push()
        entry = self.store_pos.pickup_order("C11")
        self.assertEqual(entry["lines"][0]["quantity"], 2)
        self.assertEqual(entry["payment"]["amount_due"], order.amount_total)
        self.assertGreater(entry["version"], first_version)
        self.assertEqual(self.store_pos.out_of_order, [])

    def test_nothing_left_to_pay_is_pushed_paid(self):
        event = self.created(
            "C10", [("SH-LAMP", 1)], mode="click_and_collect", pickup_store="STORE-1"
        )
        event["data"]["lines"][0]["unit_price"] = 0.0
        self.ingest(event)
        self.drain("order:C10")
        self.assertEqual(self.event("created-C10").state, "done")
        self.push()
        payment = self.store_pos.pickup_order("C10")["payment"]
        self.assertEqual(payment["status"], "paid")
        self.assertEqual(payment["amount_due"], 0.0)

    def test_a_shipped_web_order_is_not_sent_to_a_store(self):
        order = self.place("C2", [("SH-LAMP", 1)])
        self.push()
        self.assertFalse(order._retail_sync_pickup_channels())
        self.assertEqual(self.store_pos.received, [])
        self.assertEqual(self.status("C2"), "reserved")

    def test_ready_collected_reach_the_storefront_and_the_store(self):
        order = self.collect_order("C3", [("SH-LAMP", 1)])
        self.push()
        ready = self.from_store(self.pickup_event("ready", "C3"))
        self.assertEqual(ready.state, "done", ready.error_message)
        self.assertTrue(order.retail_sync_ready_for_pickup)
        self.push()
        self.assertEqual(self.status("C3"), "ready_for_pickup")
        self.assertEqual(
            self.store_pos.pickup_order("C3")["status"], "ready_for_pickup"
        )
        collected = self.from_store(self.pickup_event("collected", "C3"))
        self.assertEqual(collected.state, "done", collected.error_message)
        picking = self.pickup(order)
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.move_ids.quantity, 1)
        self.assertEqual(order.order_line.qty_delivered, 1)
        self.push()
        self.assertEqual(self.status("C3"), "picked_up")
        self.assertEqual(
            self.storefront.order_history("C3"),
            ["reserved", "ready_for_pickup", "picked_up"],
        )
        self.assertEqual(
            self.store_pos.pickup_history("C3"),
            ["reserved", "ready_for_pickup", "picked_up"],
        )
        self.assertEqual(self.store_pos.out_of_order, [])
        self.assertEqual(self.on_hand(self.lamp, self.pickup_store), (2.0, 0.0))

    def test_redelivered_collected_validates_nothing_twice(self):
        order = self.collect_order("C4", [("SH-LAMP", 2)])
        first = self.from_store(self.pickup_event("collected", "C4"))
        self.assertEqual(first.state, "done", first.error_message)
        again = self.from_store(
            self.pickup_event("collected", "C4", event_id="collected-C4-resent")
        )
        self.assertEqual(again.state, "done", again.error_message)
        self.assertTrue(again.result["already_collected"])
        first._replay("forced for the test", force=True)
        self.drain("pickup:SHOP:C4", channel=self.pos)
        self.assertEqual(first.state, "done", first.error_message)
        self.assertEqual(len(self.pickup(order)), 1, "no backorder, no return")
        self.assertEqual(self.pickup(order).state, "done")
        self.assertEqual(order.order_line.qty_delivered, 2)
        self.assertEqual(self.on_hand(self.lamp, self.pickup_store), (1.0, 0.0))

    def test_expired_cancels_and_frees_the_stock(self):
        order = self.collect_order("C5", [("SH-LAMP", 3)])
        self.assertEqual(self.on_hand(self.lamp, self.pickup_store), (3.0, 3.0))
        self.push()
        expired = self.from_store(
            self.pickup_event("expired", "C5", reason="not collected in 5 days")
        )
        self.assertEqual(expired.state, "done", expired.error_message)
        self.assertEqual(order.state, "cancel")
        self.assertTrue(order.retail_sync_pickup_expired)
        self.assertEqual(self.on_hand(self.lamp, self.pickup_store), (3.0, 0.0))
        order.flush_recordset()
        [why] = order.message_ids.filtered(
            lambda m: "not collected in 5 days" in (m.body or "")
        )
        self.assertIn("Not collected in time", why.body, "why, on the order")
        self.assertIn("POS-SHS", why.body)
        self.push()
        self.assertEqual(self.status("C5"), "cancelled")
        self.assertEqual(self.store_pos.pickup_history("C5"), ["reserved", "expired"])
        # A collection reported after it expired is refused.
        with mute_logger(DRAIN_LOG):
            late = self.from_store(self.pickup_event("collected", "C5"))
        self.assertEqual(late.state, "dead")
        self.assertIn("is cancelled", late.error_message)

    @mute_logger(DRAIN_LOG)
    def test_a_collected_order_cannot_expire(self):
        order = self.collect_order("C6", [("SH-LAMP", 1)])
        collected = self.from_store(self.pickup_event("collected", "C6"))
        self.assertEqual(collected.state, "done", collected.error_message)
        expired = self.from_store(self.pickup_event("expired", "C6"))
        self.assertEqual(expired.state, "dead")
        self.assertIn("already been collected", expired.error_message)
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.pickup(order).state, "done")

    def test_ready_before_the_reservation_waits_and_is_released(self):
        order = self.collect_order("C7", [("SH-CHAIR", 2)])
        self.assertEqual(self.pickup(order).state, "confirmed", "no chair in store")
        self.assertFalse(order.retail_sync_pickup_reserved_at)
        self.push()
        self.assertIsNone(self.store_pos.pickup_order("C7"), "not reserved yet")
        ready = self.from_store(self.pickup_event("ready", "C7"))
        self.assertEqual(ready.state, "waiting")
        self.assertEqual(ready.waiting_for, f"reservation:sale.order:{order.id}")
        self.assertEqual(
            ready.state_reason, f"waiting for the reservation of order {order.name}"
        )
        self.assertFalse(order.retail_sync_ready_for_pickup)
        # Chairs arrive in the store (a warehouse user with no Retail Sync rights):
        # Odoo reserves them, which releases the event at once.
        self.env.invalidate_all()
        self.receive(self.chair, 2, self.pickup_store, user=self.warehouse_user)
        self.assertEqual(self.pickup(order).state, "assigned")
        self.assertTrue(order.retail_sync_pickup_reserved_at)
        self.assertEqual(ready.state, "queued")
        self.push()
        self.assertEqual(ready.state, "done", ready.error_message)
        self.assertTrue(order.retail_sync_ready_for_pickup)
        self.assertEqual(self.status("C7"), "ready_for_pickup")
        self.assertEqual(
            self.store_pos.pickup_order("C7")["status"], "ready_for_pickup"
        )

    def test_ready_before_the_order_waits_for_it(self):
        ready = self.from_store(self.pickup_event("ready", "C8"))
        self.assertEqual(ready.state, "waiting")
        self.assertEqual(ready.waiting_for, f"order:{self.channel.id}:C8")
        order = self.collect_order("C8", [("SH-LAMP", 1)])
        self.push()
        self.assertEqual(ready.state, "done", ready.error_message)
        self.assertTrue(order.retail_sync_ready_for_pickup)

    @mute_logger(DRAIN_LOG)
    def test_another_stores_channel_is_refused(self):
        order = self.collect_order("C9", [("SH-LAMP", 1)])
        for kind in ("ready", "collected", "expired"):
            event = self.from_store(
                self.pickup_event(kind, "C9", event_id=f"other-{kind}"),
                channel=self.other_pos,
            )
            self.assertEqual(event.state, "dead", kind)
            self.assertIn("is picked up in another store", event.error_message)
            event._skip("wrong store")
        self.assertFalse(order.retail_sync_ready_for_pickup)
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.pickup(order).state, "assigned")

    def test_the_store_of_a_location_binding_is_found(self):
        self.assertEqual(
            self.env["retail.sync.channel"]._pos_channels_of_warehouse(
                self.other_store
            ),
            self.other_pos,
        )
        self.assertEqual(
            self.env["retail.sync.channel"]._pos_channels_of_warehouse(self.central),
            self.env["retail.sync.channel"],
        )
