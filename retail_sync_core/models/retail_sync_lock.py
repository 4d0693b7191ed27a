# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import OperationalError, errorcodes

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
    def _try_many(self, namespace, keys):
        """``_try`` for many text keys in one query: the keys whose lock this
        transaction took (those another transaction holds are left out), in the
        order given. Never waits, so taking many at once cannot deadlock."""
        if not keys:
            return []
        self.env.cr.execute(
            SQL(
                """
                SELECT pg_try_advisory_xact_lock(%s, hashtext(k.key))
                  FROM unnest(%s::varchar[]) WITH ORDINALITY AS k(key, position)
                 ORDER BY k.position
                """,
                namespace,
                list(keys),
            )
        )
        taken = [row[0] for row in self.env.cr.fetchall()]
        return [key for key, ok in zip(keys, taken, strict=True) if ok]

    @api.model
    def _wait(self, namespace, key, timeout_ms=None):
        """Take the lock, waiting for the transaction that holds it; with
        ``timeout_ms``, at most that long (then False, nothing else changed)."""
        take = SQL(
            "SELECT pg_advisory_xact_lock(%s, %s)", namespace, self._key_sql(key)
        )
        if timeout_ms is None:
            self.env.cr.execute(take)
            return True
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                # set_config(..., true): for this transaction only; put back below.
                cr.execute(
                    SQL(
                        "SELECT current_setting('lock_timeout'),"
                        " set_config('lock_timeout', %s, true)",
                        f"{int(timeout_ms)}ms",
                    )
                )
                before = cr.fetchone()[0]
                cr.execute(take, log_exceptions=False)
                cr.execute(SQL("SELECT set_config('lock_timeout', %s, true)", before))
        except OperationalError as exc:
            if exc.pgcode != errorcodes.LOCK_NOT_AVAILABLE:
                raise
            return False
        return True
