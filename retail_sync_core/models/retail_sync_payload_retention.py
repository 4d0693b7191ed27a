# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

RETENTION_PARAM = "retail_sync.payload_retention_days"
DEFAULT_RETENTION_DAYS = 30
# Rows emptied per transaction: short enough that no row stays locked for long.
PURGE_BATCH = 5000


class RetailSyncPayloadRetention(models.AbstractModel):
    """Payloads are purged a number of days after a record is finished; the record
    and its metadata (ids, type, key, state, timestamps, hash, latency) stay.

    A model using it names the columns to empty, the states in which a record is
    finished, and the column its age counts from. Only finished records are
    purged: anything that may still be applied, retried or replayed keeps its
    payload (a dead letter until a manager replays or skips it)."""

    _name = "retail.sync.payload.retention"
    _description = "Retail Sync: payloads purged after the retention period"

    _purge_columns = ()
    _purge_states = ()
    _purge_age_column = "create_date"

    payload_purged_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the retention policy emptied the payload; the metadata is kept.",
    )
    payload_purge_note = fields.Char(compute="_compute_payload_purge_note")

    @api.depends("payload_purged_at")
    def _compute_payload_purge_note(self):
        for record in self:
            purged_at = record.payload_purged_at
            record.payload_purge_note = purged_at and self.env._(
                "Payload purged after %(days)s days by the retention policy "
                "(Retail Sync settings); the metadata is kept.",
                days=(purged_at - record[self._purge_age_column]).days,
            )

    def init(self):
        result = super().init()
        if not self._abstract:
            # The purge takes unpurged rows from the oldest: purged ones leave it.
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (%s)"
                    " WHERE payload_purged_at IS NULL",
                    SQL.identifier(f"{self._table}_unpurged_idx"),
                    SQL.identifier(self._table),
                    SQL.identifier(self._purge_age_column),
                )
            )
        return result

    @api.model
    def _payload_retention_days(self):
        """Days a finished record keeps its payload; 0 keeps them forever."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(RETENTION_PARAM, DEFAULT_RETENTION_DAYS)
        )
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            _logger.warning(
                "%s is not a number of days (%r): keeping payloads %s days",
                RETENTION_PARAM,
                value,
                DEFAULT_RETENTION_DAYS,
            )
            return DEFAULT_RETENTION_DAYS

    @api.model
    def _purge_payloads(self, cutoff, limit=PURGE_BATCH):
        """Empty the payloads of up to ``limit`` finished records received and last
        changed before ``cutoff``; return their ids and whether more are waiting.

        Rows another transaction holds are skipped (taken by a later batch), so the
        purge never waits on an operator or a job."""
        self.flush_model()
        candidates = SQL(
            """
            SELECT id FROM %(table)s
             WHERE payload_purged_at IS NULL AND %(age)s < %(cutoff)s
               AND write_date < %(cutoff)s AND state IN %(states)s
             ORDER BY %(age)s
             LIMIT %(limit)s
               FOR UPDATE SKIP LOCKED
            """,
            table=SQL.identifier(self._table),
            age=SQL.identifier(self._purge_age_column),
            cutoff=cutoff,
            states=tuple(self._purge_states),
            limit=limit + 1,
        )
        self.env.cr.execute(candidates)
        ids = [row[0] for row in self.env.cr.fetchall()]
        batch, more = ids[:limit], len(ids) > limit
        if batch:
            emptied = SQL(", ").join(
                SQL("%s = NULL", SQL.identifier(column))
                for column in self._purge_columns
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s, payload_purged_at = now() at time zone 'UTC'"
                    " WHERE id = ANY(%s)",
                    SQL.identifier(self._table),
                    emptied,
                    batch,
                )
            )
            self.invalidate_model([*self._purge_columns, "payload_purged_at"])
        return batch, more

    @api.model
    def _cron_purge_payloads(self):
        """One batch per call (a daily cron). Reporting progress makes ir.cron call
        it again in a new transaction until nothing is left, so a backlog of a
        million rows is purged in short transactions, never one long lock."""
        days = self._payload_retention_days()
        if not days:
            return 0
        cutoff = fields.Datetime.now() - timedelta(days=days)
        purged, more = self._purge_payloads(cutoff, PURGE_BATCH)
        # "remaining" only needs to say whether to go on: counting a million rows
        # at every batch would cost more than purging them.
        self.env["ir.cron"]._notify_progress(done=len(purged), remaining=int(more))
        return len(purged)

    def _check_payload_kept(self):
        """Refuse to act on records whose payload was purged, with a clear reason."""
        purged = self.filtered("payload_purged_at")
        if purged:
            raise UserError(
                self.env._(
                    "The payload of %(records)s was purged by the retention policy "
                    "(%(days)s days, Retail Sync settings): it can no longer be "
                    "replayed. Only its metadata is kept.",
                    records=", ".join(purged[:5].mapped("display_name"))
                    + ("…" if len(purged) > 5 else ""),
                    days=self._payload_retention_days(),
                )
            )
