# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_core.tests.common import backdate, make_user

from .common import PipelineMixin

EVENT_TIMES = ("received_at", "create_date", "write_date")


@tagged("post_install", "-at_install")
class TestRetentionAndReplay(PipelineMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = make_user(
            cls.env, "rs_ret_manager", "base.group_user,retail_sync_core.group_manager"
        )
        cls.env["ir.config_parameter"].set_param(
            "retail_sync.payload_retention_days", "30"
        )

    def test_replay_of_a_purged_event_is_refused_with_the_reason(self):
        self.ingest(self.ping("p1", "P", 1))
        self.drain("P")
        event = self.event("p1")
        self.assertEqual(event.state, "done")
        backdate(event, 40, EVENT_TIMES)
        self.Event._cron_purge_payloads()
        self.assertTrue(event.payload_purged_at)
        as_manager = event.with_user(self.manager)
        with self.assertRaisesRegex(UserError, "purged by the retention policy"):
            as_manager._replay("try again", force=True)
        with self.assertRaisesRegex(UserError, "can no longer be replayed"):
            as_manager.action_replay()
        self.assertEqual(event.state, "done")
        self.assertFalse(event.audit_ids, "nothing was replayed")

    def test_a_dead_letter_keeps_its_payload_until_skipped(self):
        self.ingest(self.ping("d1", "D", 1, message="poison"))
        self.drain("D")
        dead = self.event("d1")
        backdate(dead, 40, EVENT_TIMES)
        self.Event._cron_purge_payloads()
        self.assertEqual(dead.state, "dead")
        self.assertTrue(dead.payload, "waiting for a manager: payload kept")
        dead.with_user(self.manager)._skip("entered by hand in Odoo")
        backdate(dead, 40, EVENT_TIMES)
        self.Event._cron_purge_payloads()
        self.assertFalse(dead.payload)

    def test_the_audit_trail_loses_its_payload_copies_with_the_event(self):
        self.ingest(self.ping("e1", "E", 1, message="poison"))
        self.drain("E")
        event = self.event("e1")
        edited = dict(event.payload, data={"message": "fixed by hand"})
        event.with_user(self.manager)._edit_and_replay(edited, "typo in the store")
        self.drain("E")
        self.assertEqual(event.state, "done")
        audit = event.audit_ids.sudo().filtered(lambda a: a.action == "edit_replay")
        self.assertTrue(audit.payload_before)
        backdate(event, 40, EVENT_TIMES)
        self.Event._cron_purge_payloads()
        self.assertFalse(event.sudo().original_payload)
        self.assertFalse(audit.payload_before)
        self.assertFalse(audit.payload_after)
        self.assertEqual(audit.action, "edit_replay", "the audit row itself stays")
