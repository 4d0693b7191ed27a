# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_queue.tests.common import (
    pending_jobs,
    perform_pending_jobs,
)

from .common import StoreMixin


@tagged("post_install", "-at_install")
class TestPosStock(StoreMixin, TransactionCase):
    def test_sale_lowers_store_stock_at_once(self):
        self.ingest(self.sale("s1", 1, [("T-SHIRT", 2), ("T-SOCKS", 1)]))
        self.drain("pos:TST:R1")
        event = self.event("s1")
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(self.on_hand(self.shirt), 18)
        self.assertEqual(self.on_hand(self.socks), 9)
        changes = self.Movement.browse(event.result["stock_changes"])
        self.assertEqual(changes.mapped("state"), ["pending", "pending"])
        self.assertFalse(event.link_ids, "stock moves come with the settlement")
        moves = self.settle()
        self.assertEqual(set(moves.mapped("state")), {"done"})
        self.assertEqual(
            sorted(moves.mapped(lambda m: (m.product_id.default_code, m.quantity))),
            [("T-SHIRT", 2), ("T-SOCKS", 1)],
        )
        self.assertEqual(set(changes.mapped("state")), {"settled"})
        self.assertEqual(event.link_ids.mapped("res_id"), moves.ids)
        # The moves document what already left on hand: nothing moves twice.
        self.assertEqual(self.on_hand(self.shirt), 18)
        self.assertEqual(self.on_hand(self.socks), 9)
        customers = changes[0].location_dest_id
        self.assertEqual(self.on_hand(self.shirt, customers), 2)

    def test_barcode_lines_and_lines_without_stock(self):
        sale = self.sale("s2", 1, [("T-SHIRT", 1)])
        sale["data"]["lines"] = [
            {"barcode": "2000000000015", "quantity": 3, "unit_price": 5.0},
            {"sku": "T-GIFT", "quantity": 1, "unit_price": 50.0},
        ]
        self.ingest(sale)
        self.drain("pos:TST:R1")
        event = self.event("s2")
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(self.on_hand(self.shirt), 17)
        self.assertEqual(event.result["lines_without_stock_effect"], ["T-GIFT"])

    def test_refund_restores_stock_unless_damaged(self):
        self.ingest(self.sale("s3", 1, [("T-SHIRT", 4)]))
        refund = {
            "id": "rf1",
            "type": "pos.refund.completed",
            "schema_version": 1,
            "occurred_at": "2026-11-27T11:00:00+01:00",
            "sequence": 2,
            "data": {
                "store": "TST",
                "register": "R1",
                "receipt_number": "RF-1",
                "original_receipt_number": "R-s3",
                "lines": [
                    {"sku": "T-SHIRT", "quantity": 3},
                    {"sku": "T-SHIRT", "quantity": 1, "restock": False},
                ],
            },
        }
        self.ingest(refund)
        self.drain("pos:TST:R1")
        self.assertEqual(self.states("s3", "rf1"), ["done", "done"])
        self.assertEqual(self.on_hand(self.shirt), 19)

    def test_many_sales_of_a_register_move_stock_in_one_batch(self):
        sales = [
            self.sale(f"b{n}", n, [("T-SHIRT", 1), ("T-SOCKS", 2)])
            for n in range(1, 31)
        ]
        self.ingest(*sales)
        summary = self.drain("pos:TST:R1")
        self.assertEqual(summary["applied"], 30)
        events = self.Event.search([("channel_id", "=", self.channel.id)])
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(self.on_hand(self.shirt), 20 - 30)
        self.assertEqual(self.on_hand(self.socks), 10 - 60)
        moves = self.settle()
        self.assertEqual(len(moves), 2, "one move per product for the whole batch")
        self.assertEqual(self.on_hand(self.shirt), 20 - 30)
        orders = events.sorted("sequence").mapped("applied_order")
        self.assertEqual(orders, sorted(orders))

    def test_a_bad_sale_in_a_batch_is_isolated(self):
        sales = [self.sale(f"p{n}", n, [("T-SHIRT", 1)]) for n in range(1, 6)]
        sales[2]["data"]["lines"][0]["sku"] = "NO-SUCH-SKU"
        self.ingest(*sales)
        self.drain("pos:TST:R1")
        self.assertEqual(
            self.states("p1", "p2", "p3", "p4", "p5"),
            ["done", "done", "dead", "blocked", "blocked"],
        )
        self.assertIn(
            "no product is mapped to 'NO-SUCH-SKU'", self.event("p3").error_message
        )
        self.assertEqual(self.on_hand(self.shirt), 18)
        self.env["retail.sync.binding"].create(
            {
                "channel_id": self.channel.id,
                "kind": "product",
                "external_ref": "NO-SUCH-SKU",
                "record_ref": f"product.product,{self.socks.id}",
            }
        )
        self.event("p3")._replay("SKU mapped to socks")
        self.drain("pos:TST:R1")
        self.assertEqual(self.states("p3", "p4", "p5"), ["done"] * 3)
        self.assertEqual(self.on_hand(self.shirt), 16)
        self.assertEqual(self.on_hand(self.socks), 9)

    def test_a_product_tracked_by_lots_is_refused_with_the_reason(self):
        self.socks.tracking = "lot"
        self.ingest(self.sale("t1", 1, [("T-SOCKS", 1)]))
        self.drain("pos:TST:R1")
        event = self.event("t1")
        self.assertEqual(event.state, "dead")
        self.assertIn("tracked by lots or serial numbers", event.error_message)
        self.assertEqual(self.on_hand(self.socks), 10)
        self.assertFalse(self.Movement.search([("event_id", "=", event.id)]))

    def test_unmapped_store_is_dead_until_bound(self):
        self.ingest(self.sale("u1", 1, [("T-SHIRT", 1)], store="NEW"))
        self.drain("pos:NEW:R1")
        event = self.event("u1")
        self.assertEqual(event.state, "dead")
        self.assertIn("no store is mapped to 'NEW'", event.error_message)
        self.bind(self.channel, "store", "NEW", self.store)
        event._replay("store bound")
        self.drain("pos:NEW:R1")
        self.assertEqual(event.state, "done")
        self.assertEqual(self.on_hand(self.shirt), 19)

    def test_adjustment_and_count(self):
        adjusted = {
            "id": "adj1",
            "type": "pos.stock.adjusted",
            "schema_version": 1,
            "occurred_at": "2026-11-27T09:00:00+01:00",
            "data": {
                "store": "TST",
                "sku": "T-SOCKS",
                "delta": -3,
                "reason": "damaged",
            },
        }
        self.ingest(adjusted)
        self.drain("stock:TST:T-SOCKS")
        self.assertEqual(self.event("adj1").state, "done")
        self.assertEqual(self.on_hand(self.socks), 7)
        move = self.env["stock.move"].browse(self.event("adj1").result["move"])
        self.assertTrue(move.is_inventory)

        def count(event_id, sequence, quantity):
            return {
                "id": event_id,
                "type": "pos.stock.counted",
                "schema_version": 1,
                "occurred_at": "2026-11-27T12:00:00+01:00",
                "sequence": sequence,
                "data": {"store": "TST", "sku": "T-SOCKS", "quantity": quantity},
            }

        self.ingest(count("c2", 2, 12))
        self.drain("stock:TST:T-SOCKS")
        self.assertEqual(self.on_hand(self.socks), 12)
        # An older count arriving late is stale: skipped, stock unchanged.
        self.ingest(count("c1", 1, 4))
        self.drain("stock:TST:T-SOCKS")
        self.assertEqual(self.event("c1").state, "skipped")
        self.assertIn("stale", self.event("c1").state_reason)
        self.assertEqual(self.on_hand(self.socks), 12)

    def test_offline_store_catches_up_in_order(self):
        """A store that was offline sends its buffered sales late, shuffled in a
        batch, with their original times: all apply, in register order."""
        sales = [
            self.sale(f"off{n}", n, [("T-SHIRT", 1)], register="R9")
            for n in range(1, 11)
        ]
        for n, sale in enumerate(sales):
            sale["occurred_at"] = f"2026-11-26T{8 + n:02d}:00:00+01:00"
        self.ingest(*reversed(sales))
        self.drain("pos:TST:R9")
        events = self.Event.search([("ordering_key", "=", "pos:TST:R9")])
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(self.on_hand(self.shirt), 10)
        orders = events.sorted("sequence").mapped("applied_order")
        self.assertEqual(orders, sorted(orders))

    def test_sales_of_many_registers_apply_in_one_domain_job(self):
        sales = [
            self.sale(f"r{register}-{n}", n, [("T-SHIRT", 1)], register=f"R{register}")
            for register in range(3)
            for n in range(1, 5)
        ]
        self.ingest(*sales)
        jobs = pending_jobs(self.env)
        self.assertEqual(jobs.mapped("method_name"), ["_drain_domain"])
        self.assertEqual(jobs.channel, "root.retail_sync.inventory")
        perform_pending_jobs(self.env)
        events = self.Event.search([("channel_id", "=", self.channel.id)])
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(self.on_hand(self.shirt), 20 - 12)
        moves = self.settle()
        self.assertEqual(len(moves), 1, "one move for the three registers")
        self.assertEqual(moves.quantity, 12)
        for register in range(3):
            orders = [self.event(f"r{register}-{n}").applied_order for n in range(1, 5)]
            self.assertEqual(orders, sorted(orders))

    def test_stores_that_are_channels_of_their_own_share_one_batch(self):
        # Two tills, each its own channel, both say "TST" and "LOCAL-1": each
        # channel's bindings decide which store and product they mean, although
        # one batch resolves every channel's references at once.
        other = self.env["stock.warehouse"].create({"name": "Other", "code": "OTH"})
        channel, _key = self.make_channel("POS-OTH")
        self.bind(channel, "store", "TST", other)
        self.bind(channel, "product", "LOCAL-1", self.socks)
        self.bind(self.channel, "product", "LOCAL-1", self.shirt)
        self.env["stock.quant"]._update_available_quantity(
            self.socks, other.lot_stock_id, 5
        )
        self.ingest(self.sale("a1", 1, [("LOCAL-1", 2), ("T-SOCKS", 1)]))
        self.ingest(
            self.sale("b1", 1, [("LOCAL-1", 1), ("T-SOCKS", 1)]), channel=channel
        )
        # One batch handler call for both channels (a failed batch would be
        # logged and the keys drained one by one).
        drain_logger = "odoo.addons.retail_sync_queue.models.retail_sync_drain"
        with self.assertNoLogs(drain_logger, "INFO"):
            perform_pending_jobs(self.env)
        self.assertEqual(self.states("a1"), ["done"])
        self.assertEqual(self.event("b1", channel).state, "done")
        self.assertEqual(self.on_hand(self.shirt), 18)
        self.assertEqual(self.on_hand(self.socks), 9)
        self.assertEqual(self.on_hand(self.socks, other.lot_stock_id), 3)
        self.assertIn("OTH", self.event("b1", channel).result["store"])
        self.assertIn("TST", self.event("a1").result["store"])

    def test_domain_job_leaves_a_bad_key_to_the_key_drain(self):
        good = [self.sale(f"g{n}", n, [("T-SOCKS", 1)], register="RG") for n in (1, 2)]
        bad = [self.sale("x1", 1, [("NOPE", 1)], register="RX")]
        self.ingest(*good, *bad)
        perform_pending_jobs(self.env)
        self.assertEqual(self.states("g1", "g2", "x1"), ["done", "done", "dead"])
        self.assertEqual(self.on_hand(self.socks), 8)
