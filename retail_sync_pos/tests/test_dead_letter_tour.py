# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.retail_sync_queue.tests.common import (
    BackgroundJobRunner,
    SharedCursorLoginMixin,
    perform_pending_jobs,
)

from .common import StoreMixin


@tagged("post_install", "-at_install")
class TestDeadLetterTour(SharedCursorLoginMixin, StoreMixin, HttpCase):
    """The operator's repair loop in a browser: find the dead letter, map what was
    missing, replay it, see it applied. Jobs are performed by a background runner,
    as the queue_job runner would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel.name = "Tour store POS"
        cls.mug = cls.env["product.product"].create(
            {"name": "Tour mug", "default_code": "ODOO-MUG", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.mug, cls.shelf, 10)
        cls.other_channel, _key = cls.make_channel("POS-TOUR-OTHER")
        cls.operator = new_test_user(
            cls.env,
            login="rs_tour_operator",
            groups="base.group_user,stock.group_stock_user,"
            "retail_sync_core.group_manager",
        )

    def test_tour_operator_replays_a_dead_letter_after_mapping_its_sku(self):
        # The store sells a mug under its own SKU, which nothing maps yet; another
        # channel has a dead letter too.
        self.ingest(self.sale("TOUR-SALE-1", 1, [("TOUR-MUG", 2)]))
        self.ingest(
            self.sale("TOUR-OTHER-1", 1, [("T-SHIRT", 1)], store="NOWHERE"),
            channel=self.other_channel,
        )
        perform_pending_jobs(self.env)
        dead = self.event("TOUR-SALE-1")
        self.assertEqual(dead.state, "dead")
        self.assertIn("TOUR-MUG", dead.error_message)
        self.assertEqual(self.on_hand(self.mug), 10)
        with BackgroundJobRunner(self.registry) as runner:
            self.start_tour(
                "/odoo", "retail_sync_dead_letter_tour", login="rs_tour_operator"
            )
        self.assertFalse(runner.errors)
        self.env.invalidate_all()
        binding = self.env["retail.sync.binding"].search(
            [("channel_id", "=", self.channel.id), ("external_ref", "=", "TOUR-MUG")]
        )
        self.assertEqual(binding.record_ref, self.mug)
        self.assertEqual(dead.state, "done")
        self.assertEqual(self.on_hand(self.mug), 8)
        replay = dead.audit_ids.filtered(lambda a: a.action == "replay")
        self.assertEqual(replay.user_id, self.operator)
        self.assertEqual(replay.reason, "SKU mapped to the Odoo product")
