# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.retail_sync_core.engine import ordering


class RetailSyncKeyState(models.Model):
    """What was last applied for one ordering key of one channel."""

    _name = "retail.sync.key.state"
    _description = "Retail Sync Ordering Key State"
    _rec_name = "ordering_key"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    ordering_key = fields.Char(required=True)
    last_sequence = fields.Integer()
    last_occurred_at = fields.Float(help="Unix time of the last applied event")
    last_event_id = fields.Many2one("retail.sync.event", ondelete="set null")

    _sql_constraints = [
        (
            "channel_key_unique",
            "unique(channel_id, ordering_key)",
            "One state per ordering key.",
        ),
    ]

    @api.model
    def _for_key(self, channel_id, ordering_key):
        """The state row of a key, created when missing (the caller holds the key's
        advisory lock, so no one else creates it meanwhile).

        The insert is also the guard against a stale snapshot: when the key's last
        drain committed after this transaction's snapshot was taken (before the
        lock), PostgreSQL refuses it under repeatable read ("could not serialize
        access"), before anything is applied from a state this job cannot see;
        the drain is then retried at once. An expected refusal, so not logged as
        a failed query (the job's retry is the trace)."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_key_state (channel_id, ordering_key,
                    create_uid, create_date, write_uid, write_date)
                VALUES (%s, %s, %s, now() at time zone 'UTC',
                        %s, now() at time zone 'UTC')
                ON CONFLICT (channel_id, ordering_key) DO NOTHING
                """,
                channel_id,
                ordering_key,
                self.env.uid,
                self.env.uid,
            ),
            log_exceptions=False,
        )
        return self.search(
            [("channel_id", "=", channel_id), ("ordering_key", "=", ordering_key)]
        )

    @api.model
    def _for_keys(self, keys):
        """``_for_key`` for many (channel id, ordering key) at once (their advisory
        locks held): {key: state row}, one insert and one read for them all."""
        if not keys:
            return {}
        self.flush_model()
        channel_ids = [channel_id for channel_id, _key in keys]
        ordering_keys = [key for _channel_id, key in keys]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_key_state (channel_id, ordering_key,
                    create_uid, create_date, write_uid, write_date)
                SELECT k.channel_id, k.ordering_key, %s, now() at time zone 'UTC',
                       %s, now() at time zone 'UTC'
                  FROM unnest(%s::int[], %s::varchar[]) AS k(channel_id, ordering_key)
                ON CONFLICT (channel_id, ordering_key) DO NOTHING
                """,
                self.env.uid,
                self.env.uid,
                channel_ids,
                ordering_keys,
            ),
            log_exceptions=False,  # a stale snapshot: see _for_key
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT s.id, s.channel_id, s.ordering_key
                  FROM retail_sync_key_state s
                  JOIN unnest(%s::int[], %s::varchar[]) AS k(channel_id, ordering_key)
                    ON s.channel_id = k.channel_id AND s.ordering_key = k.ordering_key
                """,
                channel_ids,
                ordering_keys,
            )
        )
        rows = self.env.cr.fetchall()
        states = self.browse([row[0] for row in rows])
        return {
            (channel_id, key): states.browse(state_id).with_prefetch(states._ids)
            for state_id, channel_id, key in rows
        }

    def _as_engine_state(self):
        """The engine's view of the key. Before its first event, the channel's
        numbering says which sequence comes first (so an early 5 waits for 1)."""
        self.ensure_one()
        if self.last_event_id:
            last_sequence = self.last_sequence
        elif self.channel_id.sequence_start == "any":
            last_sequence = None
        else:
            last_sequence = int(self.channel_id.sequence_start) - 1
        return ordering.KeyState(
            last_sequence=last_sequence,
            last_occurred_at=self.last_occurred_at or None,
        )

    def _consume(self, event, candidate=None):
        """Record that ``event`` (applied or skipped on purpose) used its place."""
        candidate = candidate or self.env["retail.sync.drain"]._candidate(event)
        self._consume_run([(event, candidate)])

    def _consume_run(self, run):
        """Record that the (event, candidate) pairs of ``run``, in order, used their
        places: one write for the whole run."""
        self.ensure_one()
        state = self._as_engine_state()
        for _event, candidate in run:
            state = ordering.advance(state, candidate)
        self.write(
            {
                "last_sequence": state.last_sequence or 0,
                "last_occurred_at": state.last_occurred_at or 0.0,
                "last_event_id": run[-1][0].id,
            }
        )
