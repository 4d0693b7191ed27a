# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import FinanceMixin


@tagged("post_install", "-at_install")
class TestAccountantAccess(FinanceMixin, TransactionCase):
    def test_accountant_reads_days_and_exceptions_not_payloads(self):
        self.the_fixture_day()
        self.apply(
            self.receipt(
                "R-0201", [("T-SHIRT", 1, 11.90, 0, {"V19": 1.90})], [("card", 10.90)]
            )
        )
        day = self.day()
        day.action_build()
        accountant = new_test_user(
            self.env,
            login="finance-accountant",
            groups="retail_sync_finance.group_finance",
        )
        env = self.env(user=accountant)
        self.assertFalse(accountant.has_group("retail_sync_core.group_manager"))
        as_accountant = env["retail.sync.store.day"].browse(day.id)
        self.assertEqual(as_accountant.state, "built")
        self.assertEqual(as_accountant.receipt_count, 5)
        exception = env["retail.sync.reconciliation.exception"].search(
            [("channel_id", "=", self.channel.id)]
        )
        self.assertEqual(exception.kind, "total_mismatch")
        # The drill-down reaches the event, but never its payload or result.
        event = exception.event_ids
        self.assertEqual(event.external_id, "sale-R-0201")
        for field in ("payload", "result", "error_message"):
            with self.assertRaises(AccessError):
                event.read([field])
        # An accountant accepts a difference and closes a day...
        exception.resolution_reason = "Checked with the store manager"
        exception.action_accept()
        self.assertEqual(exception.state, "resolved")
        as_accountant.action_close_day()
        self.assertEqual(day.state, "posted")
        # ...but changes no mapping.
        with self.assertRaises(AccessError):
            env["retail.sync.finance.tax"].create(
                {"channel_id": self.channel.id, "code": "X", "tax_id": self.tax_7.id}
            )
        with self.assertRaises(AccessError):
            env["retail.sync.finance.store"].browse(self.finance_store.id).write(
                {"cutoff_hour": 5}
            )
