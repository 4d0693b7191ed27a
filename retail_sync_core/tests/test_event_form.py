# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from .common import ChannelMixin, make_event


@tagged("post_install", "-at_install")
class TestEventForm(ChannelMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel, _key = cls.make_channel("FORM-1")
        cls.Event = cls.env["retail.sync.event"]

    def ingest(self, *events):
        reception = self.Event._receive(
            self.channel, json.dumps({"events": list(events)}).encode()
        )
        self.assertIsNone(reception.refusal)
        self.assertTrue(all(outcome.stored for outcome in reception.outcomes))

    def event(self, external_id):
        return self.Event.search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", external_id)]
        )

    def test_neighbours_in_drain_order(self):
        # Sent out of order, with events of another key in between.
        for sequence in (7, 3, 12, 1, 5, 9, 2, 11, 4, 10, 6, 8):
            self.ingest(
                make_event(f"k-{sequence}", ordering_key="K", sequence=sequence),
                make_event(
                    f"other-{sequence}", ordering_key="OTHER", sequence=sequence
                ),
            )
        # An event without a sequence number comes after every numbered one.
        self.ingest(make_event("k-none", ordering_key="K"))
        middle = self.event("k-6")
        self.assertEqual(
            middle.key_earlier_ids.mapped("external_id"),
            ["k-5", "k-4", "k-3", "k-2", "k-1"],
        )
        self.assertEqual(
            middle.key_later_ids.mapped("external_id"),
            ["k-7", "k-8", "k-9", "k-10", "k-11"],
        )
        last = self.event("k-12")
        self.assertEqual(last.key_later_ids.mapped("external_id"), ["k-none"])
        self.assertEqual(self.event("k-none").key_earlier_ids[:1].external_id, "k-12")
        self.assertFalse(self.event("k-1").key_earlier_ids)
        action = middle.action_open_key_events()
        self.assertEqual(self.Event.search_count(action["domain"]), 13)

    def test_neighbour_query_uses_the_key_index(self):
        self.ingest(make_event("solo", ordering_key="SOLO", sequence=1))
        # With one row the planner's choice between indexes is a toss-up: what
        # matters is that the index serves the query in drain order, no sort.
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute("SET LOCAL enable_sort = off")
        event = self.event("solo")
        self.env.cr.execute(SQL("EXPLAIN %s", event._key_neighbour_query(1, True, 5)))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("retail_sync_event_key_order_idx", plan)

    def test_payload_is_pretty_and_masked(self):
        self.ingest(
            make_event("card", data={"message": "card 4111 1111 1111 1111 paid"})
        )
        display = self.event("card").payload_display
        self.assertIn('\n  "data": {\n    "message": ', display)
        self.assertNotIn("4111 1111 1111 1111", display)
