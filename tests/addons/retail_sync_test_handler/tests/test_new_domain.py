# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A domain added by an addon of its own works end to end, through the extension
point alone: this addon ships domain records, contract files naming its handlers and
the handler models, and changes no file of core or queue."""

from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.retail_sync_core.tests.common import ChannelMixin, make_event
from odoo.addons.retail_sync_queue.tests.common import (
    pending_jobs,
    perform_job,
    perform_pending_jobs,
    run_after_commit,
)


def points(event_id, member, earned, sequence):
    return make_event(
        event_id=event_id,
        event_type="loyalty.points.earned",
        sequence=sequence,
        data={"member": member, "points": earned},
    )


@tagged("post_install", "-at_install")
class TestNewDomain(ChannelMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel, cls.key = cls.make_channel("LOYAL")

    def balance(self, member):
        return (
            self.env["retail.sync.test.loyalty.balance"]
            .search([("channel_id", "=", self.channel.id), ("member", "=", member)])
            .points
        )

    def event(self, external_id):
        return self.env["retail.sync.event"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=", external_id)]
        )

    def test_domain_and_contracts_are_served_and_tiered(self):
        index = self.url_open("/retail_sync/v1/contracts").json()
        served = {(c["type"], c["domain"]) for c in index["contracts"]}
        self.assertIn(("loyalty.points.earned", "loyalty"), served)
        self.assertIn(("test.script", "test"), served)
        line = self.channel.domain_ids.filtered(lambda line: line.domain == "loyalty")
        self.assertEqual((line.tier, line.latency_target_ms), ("minutes", 60000))
        self.assertFalse(
            self.channel.domain_ids.filtered(lambda line: line.domain == "test")
        )
        loyalty = self.env.ref("retail_sync_test_handler.retail_sync_domain_loyalty")
        self.assertEqual(
            loyalty.job_channel_id.complete_name, "root.retail_sync.loyalty"
        )

    def test_a_domain_installed_later_reaches_existing_channels(self):
        domain = self.env["retail.sync.domain"].create(
            {"code": "gift_cards", "name": "Gift cards", "default_tier": "batch"}
        )
        line = self.channel.domain_ids.filtered(
            lambda line: line.domain == "gift_cards"
        )
        self.assertEqual(line.tier, "batch")
        self.assertEqual(
            domain.job_channel_id.complete_name, "root.retail_sync.gift_cards"
        )

    def test_endpoint_drain_handler_dead_letter_replay(self):
        response = self.post(
            self.key,
            {
                "events": [
                    points("l1", "ann", 10, 1),
                    points("l2", "ann", 5, 2),
                    points("l3", "banned", 7, 1),
                    points("l4", "bob", 3, 1),
                ]
            },
        )
        self.assertEqual(response.status_code, 202, response.text)
        self.assertEqual(response.json()["accepted"], 4)
        # Many keys per job: one drain for the whole domain, on its own channel.
        jobs = pending_jobs(self.env)
        self.assertEqual(jobs.mapped("method_name"), ["_drain_domain"])
        self.assertEqual(jobs.channel, "root.retail_sync.loyalty")
        self.assertEqual(jobs.args, ["loyalty", 0])
        with mute_logger("odoo.addons.retail_sync_queue.models.retail_sync_drain"):
            perform_pending_jobs(self.env)
        # The batch failed on the banned member; the drain isolated it.
        self.assertEqual(
            [self.event(i).state for i in ("l1", "l2", "l3", "l4")],
            ["done", "done", "dead", "done"],
        )
        self.assertEqual((self.balance("ann"), self.balance("bob")), (15, 3))
        dead = self.event("l3")
        self.assertIn("member banned", dead.error_message)
        self.assertIn(
            dead,
            self.env["retail.sync.event"].search(
                [("state", "=", "dead"), ("channel_id", "=", self.channel.id)]
            ),
        )
        # The operator fixes the member and replays: applied once.
        fixed = dict(dead.payload, data={"member": "carl", "points": 7})
        dead._edit_and_replay(fixed, "member renamed")
        perform_pending_jobs(self.env)
        self.assertEqual(dead.state, "done")
        self.assertEqual(self.balance("carl"), 7)
        # A redelivery changes nothing.
        again = self.post(self.key, points("l1", "ann", 10, 1))
        self.assertEqual(again.status_code, 200)
        perform_pending_jobs(self.env)
        self.assertEqual(self.balance("ann"), 15)

    def test_a_batch_handler_answers_a_wait_for_one_event(self):
        """In one batch call, the frozen member's first event waits (its reason on
        the event), its second waits behind it, every other member is applied;
        released, both apply, in order."""
        response = self.post(
            self.key,
            {
                "events": [
                    points("w1", "frozen-fay", 4, 1),
                    points("w2", "frozen-fay", 6, 2),
                    points("w3", "gus", 2, 1),
                ]
            },
        )
        self.assertEqual(response.status_code, 202, response.text)
        perform_pending_jobs(self.env)
        first, second, other = (self.event(i) for i in ("w1", "w2", "w3"))
        self.assertEqual(
            (first.state, second.state, other.state), ("waiting", "blocked", "done")
        )
        self.assertEqual(first.waiting_for, "loyalty:frozen-fay")
        self.assertEqual(first.state_reason, "member frozen-fay is frozen")
        self.assertEqual(other.result["batch"], 3, "one handler call for all three")
        self.assertEqual((self.balance("frozen-fay"), self.balance("gus")), (0, 2))
        self.env["ir.config_parameter"].sudo().set_param(
            "retail_sync_test_handler.thawed.frozen-fay", "1"
        )
        self.env["retail.sync.drain"]._release_waiting(["loyalty:frozen-fay"])
        perform_pending_jobs(self.env)
        self.assertEqual((first.state, second.state), ("done", "done"))
        self.assertEqual(self.balance("frozen-fay"), 10)
        self.assertLess(first.applied_order, second.applied_order)

    def test_parallel_drains_share_the_keys(self):
        """With three parallel drains, each key falls in one partition (the same
        in Python and in SQL), a job waits per partition that has work, and each
        job applies only its own keys; together they apply everything once."""
        loyalty = self.env.ref("retail_sync_test_handler.retail_sync_domain_loyalty")
        loyalty.drain_partitions = 3
        Drain = self.env["retail.sync.drain"]
        members = [f"m{n}" for n in range(12)]
        response = self.post(
            self.key,
            {"events": [points(f"p-{m}", m, 1, 1) for m in members]},
        )
        self.assertEqual(response.status_code, 202, response.text)
        events = self.env["retail.sync.event"].search(
            [("channel_id", "=", self.channel.id), ("external_id", "=like", "p-%")]
        )
        expected = {
            event.ordering_key: Drain._partition_of("loyalty", event.ordering_key)
            for event in events
        }
        self.assertGreater(len(set(expected.values())), 1, "keys spread out")
        self.env.cr.execute(
            SQL(
                "SELECT ordering_key, %s FROM retail_sync_event WHERE id = ANY(%s)",
                Drain._partition_sql("loyalty", 3),
                events.ids,
            )
        )
        self.assertEqual(dict(self.env.cr.fetchall()), expected)
        jobs = pending_jobs(self.env)
        self.assertEqual(
            sorted(job.args[1] for job in jobs), sorted(set(expected.values()))
        )
        self.assertEqual(len(set(jobs.mapped("identity_key"))), len(jobs))
        first = jobs.sorted(lambda job: job.args[1])[:1]
        summary = Drain._drain_domain(*first.args)
        mine = {key for key, part in expected.items() if part == first.args[1]}
        self.assertEqual(summary["keys"], len(mine))
        self.assertEqual(
            set(events.filtered(lambda e: e.state == "done").mapped("ordering_key")),
            mine,
        )
        perform_pending_jobs(self.env)
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual([self.balance(m) for m in members], [1] * 12)

    def _drain_then_store_one_more(self):
        """A drain job runs while a tail waits on its delay; then an event is
        stored whose enqueue saw both waiting (the race: it committed after the
        job's snapshot), so it made no job of its own. Returns (tail, event)."""
        self.env.cr.postcommit.clear()
        self.post(self.key, {"events": [points("h1", "hana", 1, 1)]})
        [main] = pending_jobs(self.env)
        self.post(self.key, {"events": [points("h2", "hugo", 1, 1)]})
        [tail] = pending_jobs(self.env, ":tail")
        self.assertTrue(tail.eta, "the tail waits on its delay")
        perform_job(self.env, main)
        self.assertEqual(self.event("h1").state, "done")
        self.post(self.key, {"events": [points("h3", "hedy", 1, 1)]})
        (pending_jobs(self.env) - tail).unlink()
        return tail, self.event("h3")

    def test_a_drain_enqueues_one_due_now_while_the_tail_waits(self):
        tail, late = self._drain_then_store_one_more()
        self.assertEqual(late.state, "queued")
        eta = tail.eta
        run_after_commit(self.env)
        follower = pending_jobs(self.env) - tail
        self.assertEqual(follower.identity_key, "retail_sync.domain:loyalty")
        self.assertFalse(follower.eta, "due at once, not after the tail's delay")
        self.assertEqual(tail.eta, eta, "the runner's rows are not written")
        perform_job(self.env, follower)
        self.assertEqual(late.state, "done")

    def test_a_drain_enqueues_the_next_one_when_none_waits(self):
        tail, late = self._drain_then_store_one_more()
        tail.unlink()
        run_after_commit(self.env)
        [follower] = pending_jobs(self.env)
        self.assertEqual(follower.method_name, "_drain_domain")
        self.assertEqual(follower.args, ["loyalty", 0])
        self.assertFalse(follower.eta)
        perform_pending_jobs(self.env)
        self.assertEqual(late.state, "done")

    def test_a_drain_that_leaves_keys_follows_up_after_its_commit(self):
        """A job that stops at its size limit enqueues the next in its transaction;
        but its snapshot may show a job as waiting that has run meanwhile (and
        left these keys, locked). After the commit it looks again."""
        self.env.cr.postcommit.clear()
        self.post(
            self.key,
            {
                "events": [
                    make_event(
                        event_id=f"m{n}",
                        event_type="loyalty.points.earned",
                        ordering_key=f"member-{n}",
                        sequence=1,
                        data={"member": f"m{n}", "points": 1},
                    )
                    for n in (1, 2)
                ]
            },
        )
        [main] = pending_jobs(self.env)
        self.env.ref(
            "retail_sync_test_handler.retail_sync_domain_loyalty"
        ).drain_keys_per_job = 1
        perform_job(self.env, main)
        states = [self.event(i).state for i in ("m1", "m2")]
        self.assertEqual(states, ["done", "queued"])
        # What its snapshot showed as waiting has run and gone.
        pending_jobs(self.env).unlink()
        run_after_commit(self.env)
        [follower] = pending_jobs(self.env)
        self.assertEqual(follower.args, ["loyalty", 0])
        self.assertFalse(follower.eta)
        perform_pending_jobs(self.env)
        self.assertEqual(self.event("m2").state, "done")

    def test_a_drain_does_not_follow_up_on_a_key_it_could_not_move(self):
        """A key held by a gap (sequence 2 before 1) is left to its gap timer: the
        drain that tried it does not enqueue itself again and again."""
        self.env.cr.postcommit.clear()
        self.post(self.key, {"events": [points("g2", "gina", 1, 2)]})
        [main] = pending_jobs(self.env)
        perform_job(self.env, main)
        self.assertEqual(self.event("g2").state, "blocked")
        before = pending_jobs(self.env)
        run_after_commit(self.env)
        self.assertEqual(pending_jobs(self.env), before)
        self.assertFalse(
            before.filtered(lambda job: not job.eta), "nothing due at once"
        )

    def test_a_drain_on_a_stale_snapshot_is_retried_at_once(self):
        """The key's last drain committed after this job's snapshot: PostgreSQL
        refuses the key state's insert; the job goes again at once, not after
        queue_job's 5 s for a database error."""
        self.post(self.key, {"events": [points("s1", "sara", 1, 1)]})

        def refused(*_args):
            self.env.cr.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access' "
                "USING ERRCODE = '40001'; END $$"
            )

        KeyState = type(self.env["retail.sync.key.state"])
        with (
            mute_logger("odoo.sql_db"),
            patch.object(KeyState, "_for_keys", refused),
            self.assertRaises(RetryableJobError) as retried,
            self.env.cr.savepoint(),
        ):
            self.env["retail.sync.drain"]._drain_domain("loyalty")
        self.assertLess(retried.exception.seconds, 0.1)
        self.assertEqual(self.event("s1").state, "queued")

    def test_a_drain_with_nothing_left_enqueues_nothing(self):
        self.env.cr.postcommit.clear()
        self.post(self.key, {"events": [points("n1", "nina", 1, 1)]})
        perform_pending_jobs(self.env)
        run_after_commit(self.env)
        self.assertFalse(pending_jobs(self.env))

    def test_per_key_domain_over_http_with_skip(self):
        response = self.post(
            self.key,
            {
                "events": [
                    make_event(
                        event_id="t1",
                        event_type="test.script",
                        ordering_key="till-1",
                        sequence=1,
                        data={"message": "poison"},
                    ),
                    make_event(
                        event_id="t2",
                        event_type="test.script",
                        ordering_key="till-1",
                        sequence=2,
                        data={"message": "after"},
                    ),
                ]
            },
        )
        self.assertEqual(response.status_code, 202, response.text)
        perform_pending_jobs(self.env)
        self.assertEqual(
            [self.event(i).state for i in ("t1", "t2")], ["dead", "blocked"]
        )
        self.event("t1")._skip("cannot apply, skipped by the operator")
        perform_pending_jobs(self.env)
        self.assertEqual(self.event("t2").state, "done")
        self.assertEqual(self.event("t2").result, {"handled": "after"})
