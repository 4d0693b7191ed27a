# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from datetime import UTC, datetime, timedelta

from psycopg2 import OperationalError

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.retail_sync_core.engine import backoff, locks, outcomes
from odoo.addons.retail_sync_mapping.engine import mapper

from ..engine import sources
from ..engine import watermark as wm

_logger = logging.getLogger(__name__)

JOB_WAITING_STATES = ("wait_dependencies", "pending", "enqueued", "started")
BACKOFF_BASE_SECONDS = 5
BACKOFF_MAX_SECONDS = 300


class RetailSyncPollState(models.Model):
    """Where the poller of one polled channel stands: its watermark, what its last
    poll read and stored, how far behind the source it is, and its failures.

    Kept apart from the channel: a channel write clears the registry's caches, and
    this row changes at every poll. The poll job runs on this record."""

    _name = "retail.sync.poll.state"
    _description = "Retail Sync Poll State"
    _order = "channel_id"
    _rec_name = "channel_id"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    watermark = fields.Char(
        readonly=True, help="The highest watermark read and stored so far"
    )
    watermark_history = fields.Json(
        readonly=True,
        help="[unix time, watermark before the poll] of the recent polls: the "
        "overlap in seconds reads again from the lowest",
    )
    last_poll_at = fields.Datetime("Last poll", readonly=True)
    last_success_at = fields.Datetime("Last successful poll", readonly=True)
    last_rows = fields.Integer("Rows read", readonly=True)
    last_events = fields.Integer("Events stored", readonly=True)
    last_duplicates = fields.Integer(
        "Read again", readonly=True, help="Rows of the overlap already stored"
    )
    last_dead = fields.Integer("Dead letters", readonly=True)
    last_skipped = fields.Integer("Skipped", readonly=True)
    last_duration_ms = fields.Integer("Duration (ms)", readonly=True)
    last_full = fields.Boolean(
        "Batch full", readonly=True, help="More rows were waiting: polled again at once"
    )
    total_rows = fields.Integer("Rows read in all", readonly=True)
    total_events = fields.Integer("Events stored in all", readonly=True)
    failures = fields.Integer("Failures in a row", readonly=True)
    failing_since = fields.Datetime(readonly=True)
    last_error = fields.Text(readonly=True)
    last_problem = fields.Text(
        "Last rows not stored",
        readonly=True,
        help="Why rows of the last poll were skipped or became dead letters",
    )
    next_poll_at = fields.Datetime("Next poll", readonly=True)
    source_head = fields.Char(
        "Source watermark", readonly=True, help="The source's highest watermark"
    )
    rows_behind = fields.Integer(
        readonly=True, help="Rows of the source past our watermark at the last poll"
    )
    caught_up_at = fields.Datetime(
        readonly=True, help="The last poll that read everything the source had"
    )
    lag = fields.Float(
        "Lag (ids or s)",
        compute="_compute_lag",
        help="The source's watermark minus ours (ids, or seconds)",
    )
    lag_seconds = fields.Integer(
        "Behind since (s)",
        compute="_compute_lag",
        help="Seconds since the poller last had read everything the source had",
    )
    lag_display = fields.Char("Lag", compute="_compute_lag")

    _sql_constraints = [
        ("channel_unique", "unique(channel_id)", "One poll state per channel."),
    ]

    @api.depends("watermark", "source_head", "caught_up_at", "rows_behind")
    def _compute_lag(self):
        now = fields.Datetime.now()
        for state in self:
            kind = state.channel_id.poll_watermark_kind or wm.NUMBER
            try:
                lag = wm.lag(
                    kind,
                    wm.decode(kind, state.watermark),
                    wm.decode(kind, state.source_head),
                )
            except (ValueError, ArithmeticError):
                lag = None
            state.lag = lag or 0.0
            behind = 0
            if state.rows_behind and state.caught_up_at:
                behind = int((now - state.caught_up_at).total_seconds())
            elif state.rows_behind and state.last_success_at:
                behind = int((now - state.last_success_at).total_seconds())
            state.lag_seconds = behind
            if lag is None:
                state.lag_display = False
            else:
                unit = "s" if kind == wm.DATETIME else "ids"
                state.lag_display = self.env._(
                    "%(lag)g %(unit)s, %(rows)s rows, behind for %(age)s s",
                    lag=lag,
                    unit=unit,
                    rows=state.rows_behind,
                    age=behind,
                )

    # ------------------------------------------------------------------ arming
    @api.model
    def _for_channel(self, channel):
        state = self.search([("channel_id", "=", channel.id)], limit=1)
        if not state:
            self.flush_model()
            self.env.cr.execute(
                SQL(
                    "INSERT INTO retail_sync_poll_state (channel_id, company_id,"
                    " failures, create_uid, create_date, write_uid, write_date)"
                    " VALUES (%s, %s, 0, %s, now() at time zone 'UTC', %s,"
                    " now() at time zone 'UTC')"
                    " ON CONFLICT (channel_id) DO NOTHING",
                    channel.id,
                    channel.company_id.id,
                    self.env.uid,
                    self.env.uid,
                )
            )
            state = self.search([("channel_id", "=", channel.id)], limit=1)
        return state

    def _identity(self):
        self.ensure_one()
        return f"retail_sync_poll:{self.channel_id.id}"

    def _job_waiting(self):
        """A poll job of this channel waits or runs."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM queue_job WHERE identity_key = %s AND state IN %s"
                " LIMIT 1",
                self._identity(),
                JOB_WAITING_STATES,
            )
        )
        return bool(self.env.cr.fetchone())

    def _arm(self, eta=None, now=False):
        """Enqueue the next poll of this channel at ``eta`` (a datetime), at once
        with ``now``, else at its next poll time. queue_job's identity key keeps one
        waiting poll per channel."""
        self.ensure_one()
        if now:
            eta = None
        elif eta is None and self.next_poll_at:
            eta = self.next_poll_at
        if eta is not None and eta <= fields.Datetime.now():
            eta = None
        return self.env["retail.sync.job"]._enqueue(
            self,
            "_poll",
            self._identity(),
            None,
            10,
            f"Retail Sync: poll {self.channel_id.code}",
            eta=eta,
        )

    @api.model
    def _cron_arm(self):
        """Safety net: every ready polled channel without a waiting or running poll
        job gets one (a job that failed, a chain broken by a crash)."""
        channels = (
            self.env["retail.sync.channel"]
            .sudo()
            .search([("kind", "=", "polled"), ("poll_enabled", "=", True)])
        )
        armed = self.browse()
        for channel in channels:
            if channel._poll_ready():
                continue
            state = self._for_channel(channel)
            if not state._job_waiting():
                state._arm()
                armed |= state
        return armed

    # ------------------------------------------------------------------ polling
    def _claim(self):
        """This job is the channel's only poll, on a snapshot that sees the last
        poll's commit; else False (another poll runs: it re-arms the channel) or
        RetryableJobError (run again at once, on a fresh snapshot)."""
        self.ensure_one()
        cr = self.env.cr
        if not self.env["retail.sync.lock"]._try(
            locks.POLL_CHANNEL, self.channel_id.id
        ):
            return False
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "UPDATE retail_sync_poll_state SET write_date = write_date"
                        " WHERE id = %s",
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except OperationalError as exc:
            if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            raise RetryableJobError(
                "a poll of this channel committed after this job's snapshot", 1, True
            ) from exc
        return True

    def _poll(self):
        """One poll of the channel: read past the watermark minus the overlap, map
        the rows, store the events through the inbox and advance the watermark,
        all in this job's transaction; then arm the next poll (at once when the
        batch was full). Returns what it did, for the job's result."""
        self.ensure_one()
        self = self.sudo()
        channel = self.channel_id
        not_ready = channel._poll_ready()
        if not_ready:
            return f"not polled: {not_ready}"
        if not self._claim():
            return "another poll of this channel is running"
        self.invalidate_recordset()
        started = time.monotonic()
        now = fields.Datetime.now()
        kind = channel.poll_watermark_kind
        column = channel.poll_watermark_column
        ours = wm.decode(kind, self.watermark)
        bound = wm.bound(kind, ours, channel.poll_overlap, continuing=self.last_full)
        clock = time.time()
        window = channel.poll_overlap_seconds
        if not self.last_full and kind == wm.NUMBER and window > 0:
            in_time = wm.bound_in_time(kind, self.watermark_history, clock, window)
            if in_time is not None and bound is not None:
                bound = min(bound, in_time)
        source = channel._poll_source()
        limit = channel.poll_batch_size
        try:
            rows = source.fetch(bound, limit)
            values = [self._row_watermark(kind, column, row) for row in rows]
        except sources.SourceError as exc:
            return self._poll_failed(channel, exc, now)
        full = len(rows) > limit
        keep = wm.trim_ties(values, limit)
        rows, values = rows[:keep], values[:keep]
        stats = self._ingest(channel, rows)
        stored = stats["rows"]
        if stored < len(rows):
            full = True  # refused by the channel's limits: the rest next poll
        candidates = list(values[:stored]) + ([ours] if ours is not None else [])
        newest = max(candidates) if candidates else None
        head, behind = self._source_head(source, kind, newest, full)
        duration = int((time.monotonic() - started) * 1000)
        interval = timedelta(seconds=channel.poll_interval)
        next_at = now if full else now + interval
        if stats.get("retry_after"):
            next_at = now + timedelta(seconds=stats["retry_after"])
        recovered = self.failures
        self.write(
            {
                "watermark": wm.encode(kind, newest),
                "watermark_history": wm.remember(
                    self.watermark_history, clock, wm.encode(kind, ours), window
                )
                if window > 0 and kind == wm.NUMBER
                else False,
                "last_poll_at": now,
                "last_success_at": now,
                "last_rows": len(rows),
                "last_events": stats["events"],
                "last_duplicates": stats["duplicates"],
                "last_dead": stats["dead"],
                "last_skipped": stats["skipped"],
                "last_problem": "\n".join(stats["problems"][:20]) or False,
                "last_duration_ms": duration,
                "last_full": full,
                "total_rows": self.total_rows + len(rows),
                "total_events": self.total_events + stats["events"],
                "failures": 0,
                "failing_since": False,
                "last_error": False,
                "next_poll_at": next_at,
                "source_head": wm.encode(kind, head) if head is not None else False,
                "rows_behind": behind or 0,
                "caught_up_at": self.caught_up_at if full else now,
            }
        )
        if recovered:
            _logger.info(
                "Retail Sync: polled source of channel %s is back after %s failures",
                channel.code,
                recovered,
            )
        self._arm(eta=None if full else next_at)
        return (
            f"{len(rows)} rows read, {stats['events']} events stored, "
            f"{stats['duplicates']} read again, {stats['dead']} dead letters, "
            f"watermark {wm.encode(kind, newest) or '-'}"
        )

    @api.model
    def _row_watermark(self, kind, column, row):
        if column not in row:
            raise sources.SourceError(f"the rows have no column {column!r}")
        try:
            return wm.parse(kind, row[column])
        except (ValueError, ArithmeticError) as exc:
            raise sources.SourceError(f"a row's {column}: {exc}") from None

    def _source_head(self, source, kind, newest, full):
        """(the source's highest watermark, rows past ours): read from the source
        when the batch was full, else ours (the poll read everything)."""
        if not full:
            return newest, 0
        try:
            head, behind = source.head(newest)
            return (wm.parse(kind, head) if head is not None else newest), behind
        except (sources.SourceError, ValueError, ArithmeticError) as exc:
            _logger.info(
                "Retail Sync: head of the polled source of %s not read: %s",
                self.channel_id.code,
                self.channel_id._poll_mask(str(exc)),
            )
            return newest, None

    def _poll_failed(self, channel, exc, now):
        """The source cannot be read: nothing stored, the watermark stays, the next
        poll is backed off (capped, jittered) and the alert raised past the
        channel's threshold. This job ends normally, so the failure is recorded."""
        failures = self.failures + 1
        delay = backoff.retry_delay(
            failures, BACKOFF_BASE_SECONDS, BACKOFF_MAX_SECONDS, jitter=0.2
        )
        delay = max(delay, min(channel.poll_interval, BACKOFF_MAX_SECONDS))
        message = channel._poll_mask(str(exc))
        _logger.warning(
            "Retail Sync: polled source of channel %s failed (%s in a row), next "
            "try in %.0f s: %s",
            channel.code,
            failures,
            delay,
            message,
        )
        next_at = now + timedelta(seconds=delay)
        self.write(
            {
                "last_poll_at": now,
                "failures": failures,
                "failing_since": self.failing_since or now,
                "last_error": message,
                "next_poll_at": next_at,
            }
        )
        if failures >= max(channel.poll_alert_failures, 1):
            self.env["retail.sync.alert"]._evaluate(channels=channel, now=now)
        self._arm(eta=next_at)
        return f"source down ({failures} in a row): {message}"

    # ------------------------------------------------------------------ mapping
    def _ingest(self, channel, rows):
        """Map ``rows`` by the channel's mapping and store their events through the
        inbox. Rows become events, dead letters naming the field, or skipped rows
        with a reason. Returns counts and how many leading rows were handled
        (fewer than all when the channel's rate limit refused a chunk)."""
        stats = {
            "rows": len(rows),
            "events": 0,
            "duplicates": 0,
            "dead": 0,
            "skipped": 0,
            "problems": [],
        }
        if not rows:
            return stats
        Event = self.env["retail.sync.event"]
        mapping = channel.mapping_id
        rules = [(rule, rule._spec()) for rule in mapping.rule_ids.filtered("active")]
        lookup = channel._mapping_lookup()
        topic = channel.poll_topic or "rows"
        key_column = channel.poll_key_column or channel.poll_watermark_column
        received_at = datetime.now(UTC)
        mapped = []  # (row index, rule, delivery id, event)
        for index, row in enumerate(rows):
            body = wm.row_document(row)
            delivery = f"{topic}:{body.get(key_column)}"
            document = mapper.build_document(
                body, {}, topic, delivery, received_at=received_at
            )
            try:
                matched = [(r, s) for r, s in rules if mapper.rule_applies(s, document)]
            except mapper.MappingError as exc:
                stats["skipped"] += 1
                stats["problems"].append(f"{delivery}: {exc.field}: {exc.reason}")
                continue
            if not matched:
                stats["skipped"] += 1
                stats["problems"].append(
                    f"{delivery}: no rule of mapping {mapping.display_name} "
                    f"recognises {topic}"
                )
                continue
            for rule, spec in matched:
                if rule.action == "skip":
                    stats["skipped"] += 1
                    continue
                if not rule.contract_id:
                    stats["skipped"] += 1
                    stats["problems"].append(
                        f"{delivery}: {rule.name}: no contract {rule.event_type} "
                        f"v{rule.schema_version} is installed"
                    )
                    continue
                try:
                    for event in mapper.map_rule(spec, document, lookup):
                        mapped.append((index, rule, delivery, event))
                except mapper.MappingError as exc:
                    self._dead_letter(
                        channel, rule, mapper.skeleton(spec, document), delivery, exc
                    )
                    stats["dead"] += 1
                    stats["problems"].append(
                        f"{delivery}: {rule.name}: {exc.field}: {exc.reason}"
                    )
        size = max(channel.max_batch_size, 1)
        start = 0
        while start < len(mapped):
            # Chunks end on a row boundary, so a refusal leaves whole rows.
            end = min(start + size, len(mapped))
            while (
                end < len(mapped)
                and end > start + 1
                and (mapped[end][0] == mapped[end - 1][0])
            ):
                end -= 1
            chunk = mapped[start:end]
            reception = Event._receive_events(channel, [m[3] for m in chunk])
            if reception.refusal:
                stats["rows"] = chunk[0][0]
                stats["retry_after"] = reception.refusal.retry_after or 1
                stats["problems"].append(reception.refusal.message)
                break
            for (_index, rule, delivery, event), outcome in zip(
                chunk, reception.outcomes, strict=True
            ):
                self._count_outcome(channel, rule, delivery, event, outcome, stats)
            start = end
        return stats

    def _count_outcome(self, channel, rule, delivery, event, outcome, stats):
        kind = outcome.kind
        if kind == outcomes.ACCEPTED:
            stats["events"] += 1
        elif kind == outcomes.DUPLICATE:
            stats["duplicates"] += 1
        elif kind == outcomes.INVALID:
            problems = outcome.details.get("problems") or []
            named = "; ".join(
                f"{p.get('pointer') or '/'}: {p.get('reason')}" for p in problems
            )
            exc = mapper.MappingError(
                (problems[0].get("pointer") if problems else "") or "event",
                f"the mapped event does not match {rule.event_type} "
                f"v{rule.schema_version}: {named}",
            )
            self._dead_letter(channel, rule, event, delivery, exc)
            stats["dead"] += 1
            stats["problems"].append(f"{delivery}: {rule.name}: {exc.reason}")
        elif kind == outcomes.CONFLICT:
            stats["duplicates"] += 1
            stats["problems"].append(
                f"{delivery}: event {event.get('id')} was stored before with other "
                "content (the row changed after it was read); kept the first"
            )
        else:
            stats["skipped"] += 1
            stats["problems"].append(f"{delivery}: {rule.name}: {outcome.message}")

    def _dead_letter(self, channel, rule, event, delivery, error):
        message = (
            f"mapping {channel.mapping_id.display_name}, rule {rule.name}: "
            f"{error.field}: {error.reason}"
        )
        return self.env["retail.sync.event"]._store_mapping_dead_letter(
            channel, rule.contract_id, event, delivery, message
        )

    # ------------------------------------------------------------------ actions
    def action_poll_now(self):
        return self.channel_id.action_poll_now()
