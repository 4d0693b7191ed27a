# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_core.tests.common import make_event
from odoo.addons.retail_sync_queue.tests.common import (
    pending_jobs,
    perform_pending_jobs,
)

from .common import PipelineMixin


@tagged("post_install", "-at_install")
class TestProcessing(PipelineMixin, TransactionCase):
    def test_ping_goes_the_whole_path(self):
        self.ingest(
            make_event(event_id="p1", event_type="test.script", data={"message": "hi"})
        )
        job = pending_jobs(self.env)
        self.assertEqual(len(job), 1)
        # The queue channel and priority come from this addon's domain record.
        self.assertEqual(job.channel, "root.retail_sync.test")
        self.assertEqual(job.priority, 9)
        self.assertEqual(job.model_name, "retail.sync.drain")
        self.assertEqual(job.method_name, "_drain_key")
        self.assertEqual(job.args, [self.channel.id, "test.script"])
        self.assertEqual(
            job.identity_key, f"retail_sync.drain:{self.channel.id}:test.script"
        )
        self.assertEqual(self.event("p1").state, "queued")
        perform_pending_jobs(self.env)
        event = self.event("p1")
        self.assertEqual(event.state, "done")
        self.assertEqual(event.result, {"handled": "hi"})
        self.assertEqual(event.attempts, 1)
        self.assertTrue(event.processed_at)
        self.assertGreaterEqual(event.latency_ms, 0)

    def test_one_drain_job_per_key_per_batch(self):
        self.ingest(
            *[self.ping(f"k{k}-{s}", f"key-{k}", s) for k in range(3) for s in (1, 2)]
        )
        self.assertEqual(len(pending_jobs(self.env)), 3)
        # A second batch for the same keys adds no drain while those wait, only
        # one tail drain per key in case a waiting job already took its snapshot.
        self.ingest(*[self.ping(f"k{k}-3", f"key-{k}", 3) for k in range(3)])
        self.ingest(*[self.ping(f"k{k}-4", f"key-{k}", 4) for k in range(3)])
        self.assertEqual(len(pending_jobs(self.env)), 6)
        self.assertEqual(len(pending_jobs(self.env, suffix=":tail")), 3)
        perform_pending_jobs(self.env)
        self.assertEqual(
            set(
                self.Event.search([("channel_id", "=", self.channel.id)]).mapped(
                    "state"
                )
            ),
            {"done"},
        )

    def test_shuffled_sequences_apply_in_order(self):
        self.ingest(*[self.ping(f"s{n}", "order-1", n) for n in (3, 1, 4, 2)])
        self.drain("order-1")
        events = [self.event(f"s{n}") for n in (1, 2, 3, 4)]
        self.assertEqual([e.state for e in events], ["done"] * 4)
        applied = [e.applied_order for e in events]
        self.assertEqual(applied, sorted(applied))

    def test_poison_blocks_only_its_own_key(self):
        self.ingest(
            self.ping("a1", "A", 1),
            self.ping("a2", "A", 2, message="poison"),
            self.ping("a3", "A", 3),
            self.ping("b1", "B", 1),
            self.ping("b2", "B", 2),
        )
        self.drain("A")
        self.drain("B")
        self.assertEqual(self.states("a1", "a2", "a3"), ["done", "dead", "blocked"])
        self.assertEqual(self.states("b1", "b2"), ["done", "done"])
        dead = self.event("a2")
        self.assertIn("poison pill", dead.error_message)
        self.assertIn("PermanentError", dead.error_traceback)
        self.assertEqual(dead.attempts, 1)
        self.assertIn("a2", self.event("a3").state_reason)
        # New events of the blocked key wait too; other keys keep flowing.
        self.ingest(self.ping("a4", "A", 4), self.ping("b3", "B", 3))
        self.drain("A")
        self.drain("B")
        self.assertEqual(self.states("a3", "a4", "b3"), ["blocked", "blocked", "done"])

    def test_retryable_error_backs_off_then_dies_when_exhausted(self):
        self.ingest(self.ping("f1", "F", 1, message="flaky"), self.ping("f2", "F", 2))
        self.drain("F")
        first = self.event("f1")
        retry_job = pending_jobs(self.env, suffix=":retry")
        self.assertEqual(len(retry_job), 1)
        self.assertEqual(retry_job.eta, first.next_attempt_at)
        self.assertEqual(first.state, "failed")
        self.assertEqual(first.attempts, 1)
        self.assertGreater(first.next_attempt_at, fields.Datetime.now())
        self.assertEqual(self.event("f2").state, "blocked")
        # Not due yet: a drain leaves it alone.
        self.drain("F")
        self.assertEqual(first.attempts, 1)
        for attempt in (2, 3):
            first.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)
            self.drain("F")
            self.assertEqual(first.attempts, attempt)
        self.assertEqual(first.state, "dead")
        self.assertIn("retries exhausted after 3 attempts", first.error_message)
        self.assertEqual(self.event("f2").state, "blocked")

    def test_first_event_of_a_key_waits_for_the_start_of_its_numbering(self):
        self.ingest(self.ping("n3", "N", 3))
        self.drain("N")
        self.assertEqual(self.event("n3").state, "blocked")
        self.ingest(self.ping("n1", "N", 1), self.ping("n2", "N", 2))
        self.drain("N")
        self.assertEqual(self.states("n1", "n2", "n3"), ["done"] * 3)
        # A channel whose keys start anywhere applies a key's first event at once.
        self.channel.sequence_start = "any"
        self.ingest(self.ping("z7", "Z", 7001))
        self.drain("Z")
        self.assertEqual(self.event("z7").state, "done")

    def test_gap_waits_then_the_missing_event_releases_the_key(self):
        self.ingest(self.ping("g1", "G", 1), self.ping("g3", "G", 3))
        self.drain("G")
        self.assertEqual(self.states("g1", "g3"), ["done", "blocked"])
        self.assertIn("waiting for sequence 2", self.event("g3").state_reason)
        self.ingest(self.ping("g2", "G", 2))
        self.drain("G")
        self.assertEqual(self.states("g2", "g3"), ["done", "done"])
        self.assertLess(self.event("g2").applied_order, self.event("g3").applied_order)

    def test_gap_is_flagged_after_the_wait(self):
        self.channel.gap_timeout = 0
        self.ingest(self.ping("h1", "H", 1), self.ping("h5", "H", 5))
        self.drain("H")
        gapped = self.event("h5")
        self.assertEqual(gapped.state, "done")
        self.assertIn("sequence gap: expected 2, got 5", gapped.state_reason)
        # The missing one arrives late: applied, flagged as late.
        self.ingest(self.ping("h2", "H", 2))
        self.drain("H")
        self.assertEqual(self.event("h2").state, "done")
        self.assertIn("late", self.event("h2").state_reason)

    def test_stale_absolute_state_is_skipped(self):
        count = dict(make_event(event_type="test.count"), data={"message": "sku-1"})
        self.ingest(dict(count, id="c5", sequence=5))
        self.drain("count:sku-1")
        # A newer count applies at once: no wait for the counts in between.
        self.ingest(dict(count, id="c7", sequence=7))
        self.drain("count:sku-1")
        self.ingest(dict(count, id="c4", sequence=4))
        self.drain("count:sku-1")
        self.assertEqual(self.states("c5", "c7", "c4"), ["done", "done", "skipped"])
        self.assertIn("stale", self.event("c4").state_reason)
        # Without sequences the occurrence time decides.
        late = dict(count, id="c-old", occurred_at="2026-11-27T08:00:00+01:00")
        newer = dict(count, id="c-new", occurred_at="2026-11-27T12:00:00+01:00")
        self.ingest(dict(newer, data={"message": "sku-2"}))
        self.drain("count:sku-2")
        self.ingest(dict(late, data={"message": "sku-2"}))
        self.drain("count:sku-2")
        self.assertEqual(self.states("c-new", "c-old"), ["done", "skipped"])

    def test_missing_binding_is_dead_until_mapped(self):
        self.ingest(self.ping("m1", "M", 1, message="store:PAR-01"))
        self.drain("M")
        event = self.event("m1")
        self.assertEqual(event.state, "dead")
        self.assertIn(
            "no store is mapped to 'PAR-01' on channel PIPE", event.error_message
        )
        partner = self.env["res.partner"].create({"name": "Paris store"})
        self.env["retail.sync.binding"].create(
            {
                "channel_id": self.channel.id,
                "kind": "store",
                "external_ref": "PAR-01",
                "record_ref": f"res.partner,{partner.id}",
            }
        )
        event._replay("store mapped")
        self.drain("M")
        self.assertEqual(event.state, "done")
        self.assertEqual(event.link_ids.res_id, partner.id)
        self.assertEqual(event.link_ids.res_model, "res.partner")

    def test_sweeper_requeues_keys_left_without_job(self):
        self.ingest(self.ping("w1", "W", 1))
        self.env.cr.execute(
            "UPDATE retail_sync_event"
            " SET write_date = write_date - interval '10 minutes'"
            " WHERE external_id = 'w1'"
        )
        self.env["queue.job"].search([]).unlink()  # the drain job was lost
        self.env["retail.sync.drain"]._cron_requeue_stuck_keys()
        self.assertEqual(pending_jobs(self.env).args, [self.channel.id, "W"])
        perform_pending_jobs(self.env)
        self.assertEqual(self.event("w1").state, "done")
