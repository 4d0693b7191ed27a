# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_core.tests.common import make_user

from .common import PipelineMixin


@tagged("post_install", "-at_install")
class TestOperatorActions(PipelineMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = make_user(
            cls.env, "rs_q_operator", "base.group_user,retail_sync_core.group_user"
        )
        cls.manager = make_user(
            cls.env, "rs_q_manager", "base.group_user,retail_sync_core.group_manager"
        )

    @staticmethod
    def operator_audit(events):
        """The audit rows of operator actions (not the failed attempts)."""
        return events.audit_ids.filtered(lambda a: a.action not in ("failed", "dead"))

    def dead_event(self, event_id="d1", key="D"):
        self.ingest(self.ping(event_id, key, 1, message="poison"))
        self.drain(key)
        event = self.event(event_id)
        self.assertEqual(event.state, "dead")
        return event

    def test_operator_cannot_replay_or_skip_manager_can(self):
        event = self.dead_event()
        with self.assertRaises(AccessError):
            event.with_user(self.operator)._replay("try")
        with self.assertRaises(AccessError):
            event.with_user(self.operator)._skip("try")
        event.with_user(self.manager)._replay("handler fixed")
        self.assertEqual(event.state, "queued")
        audit = self.operator_audit(event)
        self.assertEqual(audit.user_id, self.manager)
        self.assertEqual(audit.action, "replay")
        self.assertEqual(audit.reason, "handler fixed")
        self.assertEqual(audit.state_before, "dead")

    def test_replaying_a_done_event_is_a_noop_unless_forced(self):
        self.ingest(self.ping("r1", "R", 1))
        self.drain("R")
        event = self.event("r1")
        first_order = event.applied_order
        event.with_user(self.manager)._replay("again?")
        self.drain("R")
        self.assertEqual(event.applied_order, first_order)
        self.assertEqual(event.audit_ids.action, "noop")
        event.with_user(self.manager)._replay("really", force=True)
        self.drain("R")
        self.assertEqual(event.state, "done")
        self.assertGreater(event.applied_order, first_order)
        self.assertEqual(
            event.audit_ids.sorted("id").mapped("action"), ["noop", "force_replay"]
        )

    def test_skip_releases_the_blocked_key(self):
        dead = self.dead_event("k1", "K")
        self.ingest(self.ping("k2", "K", 2))
        self.drain("K")
        self.assertEqual(self.event("k2").state, "blocked")
        with self.assertRaises(UserError):
            dead.with_user(self.manager)._skip("")
        dead.with_user(self.manager)._skip("duplicate sale entered by hand")
        self.drain("K")
        self.assertEqual(dead.state, "skipped")
        self.assertEqual(dead.state_reason, "duplicate sale entered by hand")
        self.assertEqual(self.event("k2").state, "done")

    def test_manager_edits_a_dead_payload_and_replays(self):
        event = self.dead_event("e1", "E")
        edited = dict(event.payload, data={"message": "fixed by hand"})
        with self.assertRaises(UserError):
            event.with_user(self.manager)._edit_and_replay(
                dict(edited, data={"message": 5}), "bad edit"
            )
        with self.assertRaises(AccessError):
            event.with_user(self.operator)._edit_and_replay(edited, "not allowed")
        event.with_user(self.manager)._edit_and_replay(edited, "typo in message")
        self.drain("E")
        self.assertEqual(event.state, "done")
        self.assertEqual(event.result, {"handled": "fixed by hand"})
        self.assertEqual(event.original_payload["data"], {"message": "poison"})
        audit = self.operator_audit(event)
        self.assertEqual(audit.action, "edit_replay")
        self.assertEqual(audit.payload_before["data"], {"message": "poison"})
        self.assertEqual(audit.payload_after["data"], {"message": "fixed by hand"})

    def run_list_action(self, xml_id, events, reason):
        """Run a list view's server action (Action menu) on ``events`` as the
        manager, then confirm the wizard it opens."""
        server_action = self.env.ref(xml_id).with_user(self.manager)
        action = server_action.with_context(
            active_model=events._name, active_ids=events.ids, active_id=events[:1].id
        ).run()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .browse(action["res_id"])
        )
        self.assertEqual(wizard.event_count, len(events))
        wizard.reason = reason
        wizard.action_confirm()

    def test_bulk_replay_from_the_list(self):
        events = self.dead_event("w1", "W1") | self.dead_event("w2", "W2")
        self.run_list_action(
            "retail_sync_queue.retail_sync_event_action_replay", events, "after fix"
        )
        self.assertEqual(events.mapped("state"), ["queued", "queued"])
        self.assertEqual(self.operator_audit(events).mapped("action"), ["replay"] * 2)
        for event in events:
            self.assertTrue(
                event.message_ids.filtered(lambda m: "after fix" in (m.body or ""))
            )

    def test_bulk_skip_from_the_list(self):
        events = self.dead_event("s1", "S1") | self.dead_event("s2", "S2")
        self.ingest(self.ping("s3", "S3", 1))
        self.drain("S3")
        done = self.event("s3")
        self.run_list_action(
            "retail_sync_queue.retail_sync_event_action_skip",
            events | done,
            "entered by hand",
        )
        self.assertEqual(events.mapped("state"), ["skipped", "skipped"])
        self.assertEqual(done.state, "done")
        for event in events:
            self.assertIn("entered by hand", event.message_ids[0].body)
        self.assertIn("Skip ignored", done.message_ids[0].body)

    def test_list_actions_are_for_managers_only(self):
        def list_actions(user):
            bindings = (
                self.env["ir.actions.actions"]
                .with_user(user)
                .get_bindings("retail.sync.event")
            )
            return [action["id"] for action in bindings.get("action", [])]

        for xml_id in (
            "retail_sync_queue.retail_sync_event_action_replay",
            "retail_sync_queue.retail_sync_event_action_skip",
        ):
            action_id = self.env.ref(xml_id).id
            self.assertIn(action_id, list_actions(self.manager))
            self.assertNotIn(action_id, list_actions(self.operator))

    def test_failed_attempts_make_the_timeline(self):
        event = self.dead_event("t1", "T")
        failure = event.audit_ids
        self.assertEqual(failure.action, "dead")
        self.assertEqual(failure.attempt, 1)
        self.assertEqual(failure.state_before, "queued")
        self.assertIn("poison pill", failure.error_message)
        event.with_user(self.manager)._replay("handler fixed")
        manager_view = event.with_user(self.manager).timeline_html
        self.assertIn("Received from Channel PIPE", manager_view)
        self.assertIn("Attempt failed (dead), attempt 1", manager_view)
        self.assertIn("poison pill", manager_view)
        self.assertIn("by rs_q_manager", manager_view)
        self.assertLess(manager_view.index("attempt 1"), manager_view.index("Replay"))
        # Errors may carry customer data: the operator sees the steps, not them.
        operator_view = event.with_user(self.operator).timeline_html
        self.assertIn("Attempt failed (dead), attempt 1", operator_view)
        self.assertNotIn("poison pill", operator_view)

    def test_integration_user_reads_only_its_own_channel(self):
        other, _key = self.make_channel("OTHER")
        self.ingest(self.ping("mine", "X", 1))
        self.ingest(self.ping("theirs", "X", 1), channel=other)
        own_user = self.channel.user_id
        visible = self.Event.with_user(own_user).search([])
        self.assertEqual(visible.mapped("external_id"), ["mine"])
        with self.assertRaises(AccessError):
            self.event("theirs", other).with_user(own_user).read(["payload"])
        with self.assertRaises(AccessError):
            self.event("mine").with_user(own_user).write({"state": "done"})

    def test_companies_do_not_see_each_others_events(self):
        company_b = self.env["res.company"].create({"name": "Retail B"})
        channel_b, _key = self.make_channel("CO-B", company=company_b)
        self.ingest(self.ping("b-event", "X", 1), channel=channel_b)
        self.ingest(self.ping("a-event", "X", 1))
        seen = self.Event.with_user(self.manager).search(
            [("external_id", "in", ["a-event", "b-event"])]
        )
        self.assertEqual(seen.mapped("external_id"), ["a-event"])
        self.assertEqual(self.event("b-event", channel_b).company_id, company_b)
