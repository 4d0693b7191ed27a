# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class RetailSyncLock(models.AbstractModel):
    """Transaction-scoped PostgreSQL advisory locks in the suite's namespaces
    (engine/locks.py): held until the transaction ends, whatever happens."""

    _name = "retail.sync.lock"
    _description = "Retail Sync advisory locks"

    @api.model
    def _key_sql(self, key):
        # A text key (an ordering key) is hashed to the int the lock takes.
        return SQL("hashtext(%s)", key) if isinstance(key, str) else SQL("%s", key)

    @api.model
    def _try(self, namespace, key):
        """Take the lock if it is free; False when another transaction holds it."""
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                namespace,
                self._key_sql(key),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _wait(self, namespace, key):
        """Take the lock, waiting for the transaction that holds it."""
        self.env.cr.execute(
            SQL("SELECT pg_advisory_xact_lock(%s, %s)", namespace, self._key_sql(key))
        )
