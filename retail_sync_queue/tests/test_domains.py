# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_core.tests.common import make_event

from .common import DrainMixin, pending_jobs


@tagged("post_install", "-at_install")
class TestDomainJobs(DrainMixin, TransactionCase):
    """Where and how a domain's events drain is data on its domain record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel, _key = cls.make_channel("DOMJOBS")
        cls.Event = cls.env["retail.sync.event"]
        cls.system = cls.env.ref("retail_sync_core.retail_sync_domain_system")

    def test_every_domain_has_its_queue_channel(self):
        for domain in self.env["retail.sync.domain"].search([]):
            self.assertEqual(
                domain.job_channel_id.complete_name, f"root.retail_sync.{domain.code}"
            )

    def test_channel_and_priority_follow_the_domain_record(self):
        other = self.env["queue.job.channel"].create(
            {
                "name": "slow",
                "parent_id": self.env.ref(
                    "retail_sync_queue.queue_job_channel_retail_sync"
                ).id,
            }
        )
        self.system.write({"job_channel_id": other.id, "priority": 3})
        self.ingest(make_event(event_id="dj1"))
        job = pending_jobs(self.env)
        self.assertEqual((job.channel, job.priority), ("root.retail_sync.slow", 3))
        self.assertEqual(job.job_function_id.method, "_drain_key")

    def test_related_action_opens_the_drained_events(self):
        self.ingest(make_event(event_id="dj2"))
        action = pending_jobs(self.env).open_related_action()
        events = self.Event.search(action["domain"])
        self.assertEqual(events.mapped("external_id"), ["dj2"])

    def test_every_job_function_is_data(self):
        Function = self.env["queue.job.function"]
        for name in (
            "<retail.sync.drain>._drain_key",
            "<retail.sync.drain>._drain_domain",
        ):
            self.assertTrue(Function.search([("name", "=", name)]), name)
