# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_core.engine import locks


@tagged("post_install", "-at_install")
class TestLocks(TransactionCase):
    """The advisory locks against a real second transaction (its own connection)."""

    def test_wait_gives_up_after_its_timeout_and_takes_a_free_lock(self):
        Lock = self.env["retail.sync.lock"]
        other = self.registry.cursor()
        try:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", (locks.PUSH_CHANNEL, 424242)
            )
            self.assertFalse(Lock._try(locks.PUSH_CHANNEL, 424242))
            began = time.monotonic()
            self.assertFalse(Lock._wait(locks.PUSH_CHANNEL, 424242, timeout_ms=200))
            self.assertGreaterEqual(time.monotonic() - began, 0.19)
            # The transaction goes on, with the lock timeout it had.
            self.env.cr.execute("SHOW lock_timeout")
            self.assertEqual(self.env.cr.fetchone()[0], "0")
        finally:
            other.rollback()
            other.close()
        self.assertTrue(Lock._wait(locks.PUSH_CHANNEL, 424242, timeout_ms=200))
        self.env.cr.execute("SHOW lock_timeout")
        self.assertEqual(self.env.cr.fetchone()[0], "0")

    def test_try_many_takes_the_free_locks_and_leaves_the_held_ones(self):
        """One query for many keys: those another transaction holds are left
        out, the others taken (held by this transaction, as ``_try`` would)."""
        Lock = self.env["retail.sync.lock"]
        other = self.registry.cursor()
        try:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                (locks.DRAIN_KEY, "7:customer:held"),
            )
            taken = Lock._try_many(
                locks.DRAIN_KEY,
                ["7:customer:a", "7:customer:held", "7:customer:b"],
            )
            self.assertEqual(taken, ["7:customer:a", "7:customer:b"])
            other.execute(
                "SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))",
                (locks.DRAIN_KEY, "7:customer:a"),
            )
            self.assertFalse(other.fetchone()[0], "taken by this transaction")
        finally:
            other.rollback()
            other.close()
        self.assertEqual(Lock._try_many(locks.DRAIN_KEY, []), [])
