# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import locks, overview
from .retail_sync_domain import domain_selection
from .retail_sync_event import PENDING_STATES

# How period_hour is written (PostgreSQL to_char).
HOUR_FORMAT = "YYYY-MM-DD HH24:00"


def _bucket_label(index):
    bounds = overview.LATENCY_BOUNDS_MS
    if index < len(bounds):
        return f"Latency <= {overview.format_ms(bounds[index])}"
    return f"Latency > {overview.format_ms(bounds[-1])}"


def _bucket_field(index):
    # Per-bucket counts are read by SQL; hidden from pivot measures outside debug.
    return fields.Integer(
        _bucket_label(index), aggregator="sum", groups="base.group_no_one"
    )


def _minute(moment):
    return moment.replace(second=0, microsecond=0)


class RetailSyncStat(models.Model):
    """Per channel, domain and minute: events received, applied, failed, skipped,
    duplicates and a latency histogram. Rolled up from the inbox every minute, so
    the overview and its graphs never scan the inbox. Minutes older than
    ``_minute_retention_hours`` are folded into one row per hour."""

    _name = "retail.sync.stat"
    _description = "Retail Sync Statistics"
    _order = "period_start desc, channel_id, domain"
    _rec_name = "period_start"
    _log_access = False

    # Minutes recomputed again on each run: events stamped in them may commit late
    # (a request or a drain still running when the previous run read the inbox).
    _rollup_settle_minutes = 5
    # Minutes serve the overview's windows; graphs over hours and days read hours.
    _minute_retention_hours = 2

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    domain = fields.Selection(domain_selection, required=True, readonly=True)
    period_start = fields.Datetime("Period", required=True, index=True, readonly=True)
    period_hour = fields.Char(
        "Hour (UTC)",
        required=True,
        readonly=True,
        help="The period's hour, to group by hour (the web client groups dates by "
        "day at the finest)",
    )
    period_minutes = fields.Integer(
        required=True,
        default=1,
        readonly=True,
        aggregator=False,
        help="1: one minute; 60: one hour (older minutes are folded into hours)",
    )
    received_count = fields.Integer("Received", readonly=True)
    applied_count = fields.Integer("Applied", readonly=True)
    failed_count = fields.Integer(
        "Failed", readonly=True, help="Attempts that failed (to retry) or went dead"
    )
    skipped_count = fields.Integer("Skipped", readonly=True)
    duplicate_count = fields.Integer("Duplicates", readonly=True)
    latency_max_ms = fields.Integer("Max latency (ms)", aggregator="max", readonly=True)
    last_received_at = fields.Datetime(aggregator="max", readonly=True)
    latency_le_100ms = _bucket_field(0)
    latency_le_250ms = _bucket_field(1)
    latency_le_500ms = _bucket_field(2)
    latency_le_1000ms = _bucket_field(3)
    latency_le_2000ms = _bucket_field(4)
    latency_le_3000ms = _bucket_field(5)
    latency_le_5000ms = _bucket_field(6)
    latency_le_10000ms = _bucket_field(7)
    latency_le_30000ms = _bucket_field(8)
    latency_le_60000ms = _bucket_field(9)
    latency_le_120000ms = _bucket_field(10)
    latency_le_300000ms = _bucket_field(11)
    latency_le_600000ms = _bucket_field(12)
    latency_le_1800000ms = _bucket_field(13)
    latency_le_3600000ms = _bucket_field(14)
    latency_over_3600000ms = _bucket_field(15)

    _sql_constraints = [
        (
            "period_unique",
            "unique(channel_id, domain, period_start, period_minutes)",
            "One row per channel, domain and period.",
        ),
    ]

    def init(self):
        # The latest figures of one channel (when it last sent something).
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS retail_sync_stat_channel_period_idx
                ON retail_sync_stat (channel_id, period_start)
            """
        )

    @api.model
    def _bucket_columns(self):
        return [overview.bucket_name(i) for i in range(overview.BUCKET_COUNT)]

    # ------------------------------------------------------------------ rollup
    @api.model
    def _cron_rollup(self):
        return self._rollup()

    @api.model
    def _rollup(self, now=None):
        """Recompute the minutes since the last rollup (and the few before it, whose
        events may have committed late) from the inbox, then fold old minutes into
        hours. Idempotent: a rerun at the same time gives the same rows.

        Returns the start of the recomputed range, or None when there was nothing."""
        now = now or fields.Datetime.now()
        self.flush_model()
        self.env["retail.sync.event"].flush_model()
        self.env["retail.sync.duplicate"].flush_model()
        cr = self.env.cr
        # Two rollups never run at once.
        if not self.env["retail.sync.lock"]._try(locks.STATS_ROLLUP, 1):
            return None
        start = self._rollup_start(now)
        if start is None:
            return None
        cr.execute(
            SQL(
                "DELETE FROM retail_sync_stat WHERE period_minutes = 1 "
                "AND period_start >= %s",
                start,
            )
        )
        cr.execute(self._rollup_query(start, now))
        self._fold_into_hours(now)
        self.invalidate_model()
        return start

    @api.model
    def _rollup_start(self, now):
        """Where this run starts: a few minutes before the latest minute rolled up;
        after an hour row (nothing for days), at its end; on the first run, at the
        oldest event."""
        cr = self.env.cr
        cr.execute(
            "SELECT period_start, period_minutes FROM retail_sync_stat "
            "ORDER BY period_start DESC, period_minutes LIMIT 1"
        )
        row = cr.fetchone()
        if row:
            latest, minutes = row
            if minutes > 1:
                return latest + timedelta(minutes=minutes)
            start = _minute(latest - timedelta(minutes=self._rollup_settle_minutes))
            # Never a minute already folded into an hour row: it would be added to
            # that row a second time.
            cr.execute(
                "SELECT max(period_start) FROM retail_sync_stat"
                " WHERE period_minutes = 60"
            )
            last_hour = cr.fetchone()[0]
            if last_hour:
                start = max(start, last_hour + timedelta(hours=1))
            return start
        cr.execute(
            """
            SELECT least((SELECT min(received_at) FROM retail_sync_event),
                         (SELECT min(last_attempt_at) FROM retail_sync_event),
                         (SELECT min(counted_at) FROM retail_sync_duplicate))
            """
        )
        oldest = cr.fetchone()[0]
        return _minute(oldest) if oldest and oldest <= now else None

    @api.model
    def _rollup_query(self, start, end):
        """One INSERT ... SELECT: received events by reception minute, outcomes by
        the minute of their last attempt, duplicates by the minute they were seen;
        summed per channel, domain and minute."""
        buckets = self._bucket_columns()
        bounds = SQL("ARRAY[%s]::int[]", SQL(", ").join(overview.LATENCY_BOUNDS_MS))
        zeros = SQL(", ").join(SQL("0") for _b in buckets)
        histogram = SQL(", ").join(
            SQL(
                "count(*) FILTER (WHERE state = 'done' "
                "AND width_bucket(latency_ms - 1, %s) = %s)",
                bounds,
                index,
            )
            for index in range(len(buckets))
        )
        bucket_ids = SQL(", ").join(SQL.identifier(b) for b in buckets)
        bucket_sums = SQL(", ").join(
            SQL("sum(%s)", SQL.identifier("f", b)) for b in buckets
        )
        return SQL(
            """
            INSERT INTO retail_sync_stat (channel_id, company_id, domain, period_start,
                period_hour, period_minutes, received_count, applied_count,
                failed_count, skipped_count, duplicate_count, latency_max_ms,
                last_received_at, %(ids)s)
            SELECT f.channel_id, c.company_id, f.domain, f.minute,
                   to_char(f.minute, %(hour_format)s), 1, sum(f.received),
                   sum(f.applied), sum(f.failed), sum(f.skipped), sum(f.duplicates),
                   max(f.latency_max), max(f.last_received_at), %(sums)s
              FROM (
                SELECT channel_id, domain, date_trunc('minute', received_at) AS minute,
                       count(*) AS received, 0 AS applied, 0 AS failed, 0 AS skipped,
                       0 AS duplicates, NULL::int AS latency_max,
                       max(received_at) AS last_received_at, %(zeros)s
                  FROM retail_sync_event
                 WHERE received_at >= %(start)s AND received_at < %(end)s
                 GROUP BY 1, 2, 3
                UNION ALL
                SELECT channel_id, domain, date_trunc('minute', last_attempt_at),
                       0, count(*) FILTER (WHERE state = 'done'),
                       count(*) FILTER (WHERE state IN ('failed', 'dead')),
                       count(*) FILTER (WHERE state = 'skipped'), 0,
                       max(latency_ms) FILTER (WHERE state = 'done'), NULL,
                       %(histogram)s
                  FROM retail_sync_event
                 WHERE last_attempt_at >= %(start)s AND last_attempt_at < %(end)s
                   AND state IN ('done', 'failed', 'dead', 'skipped')
                 GROUP BY 1, 2, 3
                UNION ALL
                SELECT channel_id, domain, date_trunc('minute', counted_at), 0, 0, 0, 0,
                       sum(count), NULL, max(counted_at), %(zeros)s
                  FROM retail_sync_duplicate
                 WHERE counted_at >= %(start)s AND counted_at < %(end)s
                 GROUP BY 1, 2, 3
              ) AS f (channel_id, domain, minute, received, applied, failed, skipped,
                      duplicates, latency_max, last_received_at, %(ids)s)
              JOIN retail_sync_channel c ON c.id = f.channel_id
             GROUP BY f.channel_id, c.company_id, f.domain, f.minute
            """,
            ids=bucket_ids,
            sums=bucket_sums,
            zeros=zeros,
            histogram=histogram,
            hour_format=HOUR_FORMAT,
            start=start,
            end=end,
        )

    @api.model
    def _fold_cutoff(self, now):
        """Minute rows before this hour are folded into hour rows."""
        return (now - timedelta(hours=self._minute_retention_hours)).replace(
            minute=0, second=0, microsecond=0
        )

    @api.model
    def _fold_into_hours(self, now):
        """Replace the minute rows older than the retention by one row per hour
        (added to an hour row already there), and drop the duplicate counts no
        rollup will read again."""
        cutoff = self._fold_cutoff(now)
        counts = [
            "received_count",
            "applied_count",
            "failed_count",
            "skipped_count",
            "duplicate_count",
            *self._bucket_columns(),
        ]
        columns = SQL(", ").join(SQL.identifier(c) for c in counts)
        sums = SQL(", ").join(SQL("sum(%s)", SQL.identifier(c)) for c in counts)
        additions = SQL(", ").join(
            SQL(
                "%s = retail_sync_stat.%s + EXCLUDED.%s",
                SQL.identifier(c),
                SQL.identifier(c),
                SQL.identifier(c),
            )
            for c in counts
        )
        self.env.cr.execute(
            SQL(
                """
                WITH folded AS (
                    DELETE FROM retail_sync_stat
                     WHERE period_minutes = 1 AND period_start < %(cutoff)s
                 RETURNING *
                )
                INSERT INTO retail_sync_stat (channel_id, company_id, domain,
                    period_start, period_hour, period_minutes, latency_max_ms,
                    last_received_at, %(columns)s)
                SELECT channel_id, company_id, domain, date_trunc('hour', period_start),
                       period_hour, 60, max(latency_max_ms), max(last_received_at),
                       %(sums)s
                  FROM folded
                 GROUP BY channel_id, company_id, domain,
                          date_trunc('hour', period_start), period_hour
                ON CONFLICT (channel_id, domain, period_start, period_minutes)
                DO UPDATE SET %(additions)s,
                    latency_max_ms = greatest(retail_sync_stat.latency_max_ms,
                                              EXCLUDED.latency_max_ms),
                    last_received_at = greatest(retail_sync_stat.last_received_at,
                                                EXCLUDED.last_received_at)
                """,
                cutoff=cutoff,
                columns=columns,
                sums=sums,
                additions=additions,
            )
        )
        self.env.cr.execute(
            SQL(
                "DELETE FROM retail_sync_duplicate WHERE counted_at < %s",
                cutoff - timedelta(hours=1),
            )
        )

    # ------------------------------------------------------------------ overview
    @api.model
    def _overview(self, channel_ids, now=None):
        """Overview figures of channels: {channel id: {"domains": {domain:
        Figures}, "last_received_at": datetime or None}}.

        Reads the inbox only through its index of waiting events, the statistics of
        the last minutes, and the events received since the latest rollup."""
        now = now or fields.Datetime.now()
        result = {
            channel_id: {"domains": {}, "last_received_at": None}
            for channel_id in channel_ids
        }
        if not channel_ids:
            return result

        def figures(channel_id, domain):
            return result[channel_id]["domains"].setdefault(domain, overview.Figures())

        self.env["retail.sync.event"].flush_model()
        self.flush_model()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT channel_id, domain, state, count(*), min(received_at)
                  FROM retail_sync_event
                 WHERE state IN %s AND channel_id = ANY(%s)
                 GROUP BY channel_id, domain, state
                """,
                PENDING_STATES,
                list(channel_ids),
            )
        )
        for channel_id, domain, state, count, oldest in cr.fetchall():
            row = figures(channel_id, domain)
            if state == "dead":
                row.dead += count
                continue
            if state == "waiting":
                row.dependency_waits += count
                continue
            row.queue_depth += count
            if state == "failed":
                row.retrying += count
            if row.oldest_pending_at is None or oldest < row.oldest_pending_at:
                row.oldest_pending_at = oldest
        buckets = self._bucket_columns()
        cr.execute(
            SQL(
                """
                SELECT channel_id, domain,
                       sum(received_count) FILTER (WHERE period_start >= %s),
                       sum(received_count), sum(applied_count), sum(failed_count),
                       sum(skipped_count), sum(duplicate_count), max(latency_max_ms),
                       %s
                  FROM retail_sync_stat
                 WHERE period_minutes = 1 AND period_start >= %s
                   AND channel_id = ANY(%s)
                 GROUP BY channel_id, domain
                """,
                now - timedelta(minutes=overview.SHORT_WINDOW),
                SQL(", ").join(SQL("sum(%s)", SQL.identifier(b)) for b in buckets),
                now - timedelta(minutes=overview.LONG_WINDOW),
                list(channel_ids),
            )
        )
        for channel_id, domain, short, *counts in cr.fetchall():
            row = figures(channel_id, domain)
            row.received_short = short or 0
            (
                row.received,
                row.applied,
                row.failed,
                row.skipped,
                row.duplicates,
                row.latency_max_ms,
            ) = counts[:6]
            row.histogram = [int(c or 0) for c in counts[6:]]
        for channel_id, last in self._last_received(channel_ids).items():
            result[channel_id]["last_received_at"] = last
        return result

    @api.model
    def _last_received(self, channel_ids):
        """{channel id: when it last sent an event, even a duplicate}: from its
        latest statistics row, then the inbox since the latest rollup."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT c.id, s.last_received_at
                  FROM unnest(%s::int[]) AS c (id)
                  JOIN LATERAL (
                        SELECT last_received_at FROM retail_sync_stat
                         WHERE channel_id = c.id AND last_received_at IS NOT NULL
                         ORDER BY period_start DESC, last_received_at DESC LIMIT 1
                  ) s ON TRUE
                """,
                list(channel_ids),
            )
        )
        last = dict(cr.fetchall())
        cr.execute(
            "SELECT max(period_start) FROM retail_sync_stat WHERE period_minutes = 1"
        )
        since = cr.fetchone()[0]
        cr.execute(
            SQL(
                """
                SELECT channel_id, max(received_at) FROM retail_sync_event
                 WHERE channel_id = ANY(%(ids)s) %(since)s
                 GROUP BY channel_id
                 UNION ALL
                SELECT channel_id, max(counted_at) FROM retail_sync_duplicate
                 WHERE channel_id = ANY(%(ids)s)
                 GROUP BY channel_id
                """,
                ids=list(channel_ids),
                since=SQL("AND received_at >= %s", since) if since else SQL(),
            )
        )
        for channel_id, moment in cr.fetchall():
            if moment and (last.get(channel_id) is None or moment > last[channel_id]):
                last[channel_id] = moment
        return last
