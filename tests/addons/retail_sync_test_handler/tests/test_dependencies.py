# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_queue.tests.common import (
    pending_jobs,
    perform_pending_jobs,
)

from .common import PipelineMixin


@tagged("post_install", "-at_install")
class TestDependencies(PipelineMixin, TransactionCase):
    """An event that needs another entity waits for it, visibly, holding only its
    own key, and goes on as soon as that entity is applied (test.script: "needs:X"
    waits until a "provides:X" event has applied)."""

    def setUp(self):
        super().setUp()
        self.token = f"test:{self.channel.id}:PAY-1"

    def test_waits_holding_its_key_only_and_is_released_at_once(self):
        self.ingest(
            self.ping("r1", "refund-1", 1, message="needs:PAY-1"),
            self.ping("r2", "refund-1", 2),
            self.ping("o1", "other", 1),
        )
        perform_pending_jobs(self.env)
        waiting = self.event("r1")
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(waiting.state_reason, "waiting for PAY-1")
        self.assertEqual(waiting.waiting_for, self.token)
        self.assertEqual(waiting.waiting_kind, "test")
        self.assertTrue(waiting.waiting_since)
        # Not an attempt, not retried in a loop: one check a few seconds later
        # (a release may have crossed the wait), nothing else for its key.
        self.assertEqual(waiting.attempts, 0)
        recheck = self.env["queue.job"].search([("method_name", "=", "_recheck_wait")])
        self.assertEqual(recheck.args, [self.token])
        self.assertEqual(recheck.state, "done")
        self.assertTrue(recheck.eta)
        self.assertFalse(pending_jobs(self.env))
        self.assertEqual(self.event("r2").state, "blocked")
        self.assertIn("waiting for PAY-1", self.event("r2").state_reason)
        self.assertEqual(self.event("o1").state, "done")
        self.assertEqual(waiting.audit_ids.mapped("action"), ["waiting"])

        # The payment applies: the refund's key is enqueued in that transaction.
        self.ingest(self.ping("p1", "payment-1", 1, message="provides:PAY-1"))
        self.drain("payment-1")
        self.assertEqual(waiting.state, "queued")
        self.assertEqual(
            pending_jobs(self.env)
            .filtered(lambda job: job.args == [self.channel.id, "refund-1"])
            .method_name,
            "_drain_key",
        )
        perform_pending_jobs(self.env)
        self.assertEqual(self.states("r1", "r2"), ["done", "done"])
        self.assertEqual(waiting.result, {"had": "PAY-1"})
        self.assertEqual(
            waiting.audit_ids.sorted("id").mapped("action"), ["waiting", "released"]
        )
        self.assertLess(self.event("p1").applied_order, self.event("r1").applied_order)

    def test_a_new_event_behind_a_waiting_one_does_not_rerun_it(self):
        self.ingest(self.ping("w1", "K", 1, message="needs:PAY-1"))
        self.drain("K")
        first_try = self.event("w1").last_attempt_at
        self.ingest(self.ping("w2", "K", 2))
        self.drain("K")
        self.assertEqual(self.states("w1", "w2"), ["waiting", "blocked"])
        self.assertEqual(self.event("w1").last_attempt_at, first_try)

    def test_already_provided_applies_without_waiting(self):
        self.ingest(self.ping("p2", "payment-1", 1, message="provides:PAY-1"))
        self.drain("payment-1")
        self.ingest(self.ping("r3", "refund-2", 1, message="needs:PAY-1"))
        self.drain("refund-2")
        self.assertEqual(self.event("r3").state, "done")
        self.assertFalse(self.event("r3").waiting_for)

    def test_waiting_past_the_domain_limit_becomes_dead_with_the_reason(self):
        self.ingest(
            self.ping("t1", "T", 1, message="needs:PAY-1"), self.ping("t2", "T", 2)
        )
        self.drain("T")
        event = self.event("t1")
        Drain = self.env["retail.sync.drain"]
        # Within the test domain's 30 minutes: still waiting.
        event.waiting_since = fields.Datetime.now() - timedelta(minutes=29)
        Drain._cron_expire_or_recheck_waits()
        self.assertEqual(event.state, "waiting")
        event.waiting_since = fields.Datetime.now() - timedelta(minutes=31)
        Drain._cron_expire_or_recheck_waits()
        self.assertEqual(event.state, "dead")
        self.assertEqual(
            event.error_message, "gave up after 30 minutes waiting for PAY-1"
        )
        self.assertEqual(self.event("t2").state, "blocked")
        # A dead letter like any other: the operator replays it once paid.
        self.ingest(self.ping("p3", "payment-1", 1, message="provides:PAY-1"))
        self.drain("payment-1")
        self.assertEqual(event.state, "dead")
        event._replay("payment arrived late")
        perform_pending_jobs(self.env)
        self.assertEqual(self.states("t1", "t2"), ["done", "done"])

    def test_the_first_recheck_catches_a_release_that_crossed_the_wait(self):
        self.ingest(self.ping("c1", "C", 1, message="needs:PAY-1"))
        self.drain("C")
        # The payment committed without seeing the wait (concurrent transactions):
        # the check a few seconds later applies the event.
        self.env["ir.config_parameter"].set_param(self.token, "1")
        perform_pending_jobs(self.env)
        self.assertEqual(self.event("c1").state, "done")

    def test_recheck_catches_a_release_that_crossed_the_wait(self):
        self.ingest(self.ping("x1", "X", 1, message="needs:PAY-1"))
        self.drain("X")
        event = self.event("x1")
        # The payment committed without seeing the wait (concurrent transactions).
        self.env["ir.config_parameter"].set_param(self.token, "1")
        Drain = self.env["retail.sync.drain"]
        # (Other waits of the database, the demo's, may be rechecked too: only this
        # event's state is asserted.)
        Drain._cron_expire_or_recheck_waits()
        self.assertEqual(event.state, "waiting", "a fresh wait is not rechecked")
        event.last_attempt_at = fields.Datetime.now() - timedelta(minutes=3)
        self.assertGreaterEqual(Drain._cron_expire_or_recheck_waits()["rechecked"], 1)
        self.assertEqual(event.state, "queued")
        perform_pending_jobs(self.env)
        self.assertEqual(event.state, "done")

    def test_the_overview_counts_waits_apart_from_the_queue(self):
        self.ingest(
            self.ping("v1", "V1", 1, message="needs:PAY-1"),
            self.ping("v2", "V2", 1, message="needs:PAY-1"),
        )
        self.drain("V1")
        self.drain("V2")
        self.channel.invalidate_recordset()
        self.assertEqual(self.channel.dependency_wait_count, 2)
        self.assertEqual(self.channel.queue_depth, 0)
        action = self.channel.action_open_dependency_waits()
        waits = self.Event.search(
            action["domain"]
            + [("state", "=", "waiting")]
            + [("channel_id", "=", self.channel.id)]
        )
        self.assertEqual(len(waits), 2)
        self.assertEqual(action["context"]["search_default_dependency"], 1)
