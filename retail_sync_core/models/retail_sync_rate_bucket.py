# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import api, fields, models, sql_db
from odoo.tools import SQL

from ..engine import rate_limit


class RetailSyncRateBucket(models.Model):
    """Token bucket of one channel, shared by every Odoo worker through PostgreSQL."""

    _name = "retail.sync.rate.bucket"
    _description = "Retail Sync Rate Limit Bucket"
    _log_access = False

    # A plain integer, not a foreign key: buckets are written on their own connection
    # while the channel row may not be committed yet (a channel created in a test).
    channel_id = fields.Integer(required=True, index=True)
    tokens = fields.Float(required=True)
    updated_at = fields.Float(required=True, help="Unix time of the last refill")

    _sql_constraints = [
        ("channel_unique", "unique(channel_id)", "One bucket per channel."),
    ]

    @api.model
    def _take(self, channel, count):
        """Take ``count`` tokens for ``channel``; return a rate_limit.BucketDecision.

        Uses its own short transaction so that the row lock is held for a moment,
        not for the whole request (which would serialize the channel's requests).
        """
        if channel.rate_limit <= 0:
            return rate_limit.take(None, None, 0, 0, channel.rate_burst, count)
        with self.env.registry.cursor() as cr:
            if isinstance(cr, sql_db.Cursor):
                # Read committed: wait for a concurrent take and read its result,
                # instead of the serialization failure repeatable read would raise.
                cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
            # One statement creates the bucket full, or locks and reads it.
            cr.execute(
                SQL(
                    """
                    INSERT INTO retail_sync_rate_bucket (channel_id, tokens, updated_at)
                    VALUES (%s, %s, %s)
                    ON CONFLICT (channel_id)
                    DO UPDATE SET channel_id = EXCLUDED.channel_id
                    RETURNING tokens, updated_at
                    """,
                    channel.id,
                    float(channel.rate_burst),
                    time.time(),
                )
            )
            tokens, updated_at = cr.fetchone()
            now = time.time()
            decision = rate_limit.take(
                tokens, updated_at, now, channel.rate_limit, channel.rate_burst, count
            )
            cr.execute(
                SQL(
                    """
                    UPDATE retail_sync_rate_bucket SET tokens = %s, updated_at = %s
                     WHERE channel_id = %s
                    """,
                    decision.tokens,
                    max(now, updated_at),
                    channel.id,
                )
            )
        return decision
