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
        audit = event.audit_ids
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
        audit = event.audit_ids
        self.assertEqual(audit.action, "edit_replay")
        self.assertEqual(audit.payload_before["data"], {"message": "poison"})
        self.assertEqual(audit.payload_after["data"], {"message": "fixed by hand"})

    def test_bulk_replay_from_the_list_wizard(self):
        first = self.dead_event("w1", "W1")
        second = self.dead_event("w2", "W2")
        events = (first | second).with_user(self.manager)
        action = events.action_replay()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .browse(action["res_id"])
        )
        wizard.reason = "bulk after fix"
        wizard.action_confirm()
        self.assertEqual((first | second).mapped("state"), ["queued", "queued"])
        self.assertEqual(len((first | second).audit_ids), 2)
        self.assertTrue(
            first.message_ids.filtered(lambda m: "bulk after fix" in (m.body or ""))
        )

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
