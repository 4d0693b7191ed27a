# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import PipelineMixin


@tagged("post_install", "-at_install")
class TestStatistics(PipelineMixin, TransactionCase):
    def test_drained_outcomes_reach_the_overview(self):
        self.ingest(
            self.ping("st1", "S", 1),
            self.ping("st2", "T", 1),
            self.ping("st3", "U", 1, message="poison"),
            self.ping("st4", "V", 1, message="flaky"),
        )
        for key in "STUV":
            self.drain(key)
        self.assertEqual(
            self.states("st1", "st2", "st3", "st4"), ["done", "done", "dead", "failed"]
        )
        for event_id in ("st1", "st2", "st3", "st4"):
            self.assertTrue(self.event(event_id).last_attempt_at)
        self.env["retail.sync.stat"]._rollup(
            fields.Datetime.now() + timedelta(seconds=1)
        )
        rows = self.env["retail.sync.stat"].search(
            [("channel_id", "=", self.channel.id), ("domain", "=", "test")]
        )
        self.assertEqual(sum(rows.mapped("received_count")), 4)
        self.assertEqual(sum(rows.mapped("applied_count")), 2)
        self.assertEqual(sum(rows.mapped("failed_count")), 2)
        figures = self.env["retail.sync.stat"]._overview(self.channel.ids)[
            self.channel.id
        ]["domains"]["test"]
        self.assertEqual((figures.applied, figures.failed), (2, 2))
        self.assertEqual((figures.dead, figures.retrying), (1, 1))
        self.assertEqual(sum(figures.histogram), 2)
        self.assertEqual(figures.failure_rate(), 50.0)
