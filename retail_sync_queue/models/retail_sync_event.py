# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import random
import time
from datetime import UTC, datetime, timedelta

import psycopg2
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.retail_sync_core.engine import backoff, contracts, masking, ordering
from odoo.addons.retail_sync_core.models.retail_sync_event import PENDING_STATES
from odoo.addons.retail_sync_core.models.retail_sync_payload_retention import (
    PURGE_BATCH,
)

_logger = logging.getLogger(__name__)

# Events applied per drain job before it hands over to a fresh one (short transactions).
DRAIN_BATCH = 200
# First int of the two-int advisory lock: keeps our locks apart from other addons'.
LOCK_NAMESPACE = 0x52530001
# Concurrency conflicts (two drains moving one product) retry the job a second later;
# past this many tries the job fails and the sweeper cron takes the key up again.
DRAIN_MAX_RETRIES = 60
# Domains whose events are applied by one job for many keys at once (stock: one
# stock validation for the sales of every store), on a serial channel.
DOMAIN_DRAINED = ("inventory",)
# Keys, and events, one such job takes: short transactions let pushes interleave.
DOMAIN_KEYS = 100
DOMAIN_EVENTS = 500
# States of an event that a batch may take (not failed or dead: one by one).
RUNNABLE = ("received", "queued", "blocked")
# Decisions under which an event is applied now.
APPLYING = (ordering.APPLY, ordering.APPLY_LATE, ordering.APPLY_AFTER_GAP)
# Priorities per domain: real-time domains first.
DOMAIN_PRIORITY = {
    "inventory": 5,
    "orders": 5,
    "payments": 5,
    "refunds": 5,
    "system": 8,
}


def _raise_if_concurrency_error(exc):
    """A lock or serialization conflict with another job (two drains moving the same
    product): the whole drain is retried from a fresh snapshot a moment later (with
    jitter, so the two do not collide again), nothing recorded on the event."""
    if (
        isinstance(exc, psycopg2.OperationalError)
        and exc.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY
    ):
        raise RetryableJobError(
            f"concurrent update: {exc.pgerror}", seconds=random.uniform(0.1, 0.5)
        ) from exc


# Bootstrap colour of each kind of timeline entry.
TIMELINE_COLOURS = {
    "received": "secondary",
    "failed": "warning",
    "dead": "danger",
    "done": "success",
    "skip": "secondary",
    "noop": "secondary",
}


def _timeline_markup(env, entries):
    """An HTML list of (moment, kind, label, detail), escaped."""
    items = Markup().join(
        Markup(
            '<li class="list-group-item d-flex gap-3">'
            '<span class="text-muted text-nowrap font-monospace">{}</span>'
            '<span class="badge text-bg-{} align-self-start">{}</span>'
            '<span class="text-break">{}</span></li>'
        ).format(
            fields.Datetime.to_string(
                fields.Datetime.context_timestamp(env.user, moment)
            )
            if moment
            else "",
            TIMELINE_COLOURS.get(kind, "primary"),
            label,
            detail,
        )
        for moment, kind, label, detail in entries
    )
    return Markup('<ul class="list-group o_retail_sync_timeline">{}</ul>').format(items)


def _timestamp(value):
    return value.replace(tzinfo=UTC).timestamp() if value else None


class RetailSyncEvent(models.Model):
    _inherit = "retail.sync.event"

    audit_ids = fields.One2many("retail.sync.event.audit", "event_id", "Audit trail")
    timeline_html = fields.Html(
        "Timeline", compute="_compute_timeline_html", sanitize=False
    )
    job_ids = fields.Many2many(
        "queue.job",
        compute="_compute_job_ids",
        string="Jobs",
        help="queue_job jobs that drained or will drain this event's key",
    )

    @api.depends("channel_id", "ordering_key", "domain", "received_at", "processed_at")
    def _compute_job_ids(self):
        Job = self.env["queue.job"].sudo()
        for event in self:
            identity = self._drain_identity(event.channel_id.id, event.ordering_key)
            domain = [("identity_key", "=like", identity + "%")]
            if event.domain in DOMAIN_DRAINED and event.received_at:
                # Applied by a job for many keys at once: the domain's jobs created
                # between the event's arrival and its application.
                until = event.processed_at or fields.Datetime.now()
                domain = [
                    "|",
                    *domain,
                    "&",
                    ("identity_key", "=like", f"retail_sync.domain:{event.domain}%"),
                    "&",
                    ("date_created", ">=", event.received_at - timedelta(seconds=5)),
                    ("date_created", "<=", until + timedelta(seconds=5)),
                ]
            event.job_ids = Job.search(domain, limit=20, order="date_created desc")

    @api.depends("received_at", "processed_at", "state", "state_reason", "audit_ids")
    @api.depends_context("uid")
    def _compute_timeline_html(self):
        show_errors = self.env.user.has_group("retail_sync_core.group_manager")
        labels = dict(self.env["retail.sync.event.audit"]._fields["action"].selection)
        for event in self:
            entries = [
                (
                    event.received_at,
                    "received",
                    self.env._("Received from %s", event.channel_id.display_name),
                    "",
                )
            ]
            for audit in event.audit_ids.sudo():
                who = (
                    self.env._("by %s", audit.user_id.name)
                    if not audit.user_id._is_superuser()
                    else ""
                )
                label = labels[audit.action]
                if audit.attempt:
                    label = self.env._(
                        "%(label)s, attempt %(attempt)s",
                        label=label,
                        attempt=audit.attempt,
                    )
                detail = " · ".join(
                    part
                    for part in (
                        who,
                        audit.reason or "",
                        audit.error_message if show_errors else "",
                    )
                    if part
                )
                entries.append((audit.create_date, audit.action, label, detail))
            if event.state == "done" and event.processed_at:
                entries.append(
                    (
                        event.processed_at,
                        "done",
                        self.env._("Applied"),
                        self.env._("%s ms after it arrived", event.latency_ms),
                    )
                )
            entries.sort(
                key=lambda entry: (entry[0] or datetime.min, entry[1] == "done")
            )
            event.timeline_html = _timeline_markup(self.env, entries)

    # ------------------------------------------------------------------ enqueueing
    def _enqueue_processing(self):
        """One drain job per ordering key of these events, in the same transaction
        as the events (enqueue is transactional: a free outbox)."""
        if not self:
            return True
        # Plain columns: reading the records would load their payloads too.
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (channel_id, ordering_key) channel_id, ordering_key,
                       domain
                  FROM retail_sync_event WHERE id = ANY(%s)
                 ORDER BY channel_id, ordering_key
                """,
                self.ids,
            )
        )
        batched = set()
        for channel_id, key, domain in self.env.cr.fetchall():
            if domain in DOMAIN_DRAINED:
                batched.add(domain)
            else:
                self._enqueue_drain(channel_id, key, domain, once=True)
        for domain in sorted(batched):
            self._enqueue_domain_drain(domain)
        self.env.cr.execute(
            SQL(
                "UPDATE retail_sync_event SET state = 'queued' "
                "WHERE id = ANY(%s) AND state = 'received'",
                self.ids,
            )
        )
        self.invalidate_recordset(["state"])
        return True

    @api.model
    def _drain_identity(self, channel_id, ordering_key):
        return f"retail_sync.drain:{channel_id}:{ordering_key}"

    @api.model
    def _enqueue_drain(
        self, channel_id, ordering_key, domain, eta=None, suffix="", once=False
    ):
        """Enqueue the drain of one key. ``once``: unless one already waits (new
        events); delayed retries use their own suffix so a new event is not held by
        them."""
        job = (
            self.env["retail.sync.event"],
            "_drain_key",
            self._drain_identity(channel_id, ordering_key) + suffix,
            f"root.retail_sync.{domain or 'system'}",
            DOMAIN_PRIORITY.get(domain, 10),
            f"Retail Sync: apply events of {ordering_key}",
        )
        options = {"args": (channel_id, ordering_key), "max_retries": DRAIN_MAX_RETRIES}
        if once:
            return self.env["retail.sync.job"]._enqueue_once(*job, **options)
        return self.env["retail.sync.job"]._enqueue(*job, eta=eta, **options)

    # ------------------------------------------------------------------ draining
    @api.model
    def _drain_key(self, channel_id, ordering_key):
        """Apply the pending events of one key in order (a queue_job job).

        Holds the key's advisory lock for its transaction, so two jobs never apply
        events of one key at once. Each event applies in a savepoint: a failing one
        is recorded (failed or dead) and blocks only the rest of its own key.
        """
        self = self.sudo()
        if not self._lock_key(channel_id, ordering_key):
            raise RetryableJobError(
                f"key {ordering_key} is being drained by another job",
                seconds=1,
                ignore_retry=True,
            )
        return self._drain_locked_key(channel_id, ordering_key)

    @api.model
    def _lock_key(self, channel_id, ordering_key):
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))",
                LOCK_NAMESPACE,
                f"{channel_id}:{ordering_key}",
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _pending_of_key(self, channel_id, ordering_key, limit):
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM retail_sync_event
                 WHERE channel_id = %s AND ordering_key = %s AND state IN %s
                 ORDER BY sequence ASC NULLS LAST, occurred_at, id
                 LIMIT %s
                """,
                channel_id,
                ordering_key,
                PENDING_STATES,
                limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _drain_locked_key(self, channel_id, ordering_key):
        channel = self.env["retail.sync.channel"].browse(channel_id)
        key_state = self.env["retail.sync.key.state"]._for_key(channel_id, ordering_key)
        ids = self._pending_of_key(channel_id, ordering_key, DRAIN_BATCH + 1)
        events = self.browse(ids[:DRAIN_BATCH])
        summary = {"applied": 0, "skipped": 0, "stopped_at": None}
        position = 0
        while position < len(events):
            event = events[position]
            run = event._batch_run(events[position:], channel, key_state)
            if len(run) > 1 and self._apply_run(run, key_state):
                summary["applied"] += len(run)
                position += len(run)
                continue
            outcome = event._drain_one(channel, key_state)
            if outcome == "stop":
                summary["stopped_at"] = event.external_id
                break
            summary[outcome] += 1
            position += 1
        else:
            if len(ids) > DRAIN_BATCH:
                # More waiting: a fresh job keeps transactions short.
                self._enqueue_drain(
                    channel_id, ordering_key, events[:1].domain, suffix=":more"
                )
        return summary

    # ------------------------------------------------------- many keys at once
    @api.model
    def _drain_domain(self, domain):
        """Apply the waiting events of many keys of a domain in one job (a queue_job
        job on the domain's serial channel).

        The head runs of every key (sales of a register, in order) go to one batch
        handler call, so a spike costs one stock validation for all stores instead
        of one job per register. What a batch cannot take (a failed head, a gap,
        another type) is then drained key by key as usual."""
        self = self.sudo()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT channel_id, ordering_key FROM retail_sync_event
                 WHERE domain = %s AND state IN ('received', 'queued')
                 GROUP BY channel_id, ordering_key
                 ORDER BY min(id)
                 LIMIT %s
                """,
                domain,
                DOMAIN_KEYS + 1,
            )
        )
        keys = self.env.cr.fetchall()
        locked = [
            (channel_id, key)
            for channel_id, key in keys[:DOMAIN_KEYS]
            if self._lock_key(channel_id, key)
        ]
        runs_by_type, room, more = {}, DOMAIN_EVENTS, len(keys) > DOMAIN_KEYS
        by_key_drain = []
        for channel_id, key in locked:
            if room <= 0:
                more = True
                break
            channel = self.env["retail.sync.channel"].browse(channel_id)
            key_state = self.env["retail.sync.key.state"]._for_key(channel_id, key)
            ids = self._pending_of_key(channel_id, key, min(room, DRAIN_BATCH) + 1)
            events = self.browse(ids[: min(room, DRAIN_BATCH)])
            run = events[:1]._batch_run(events, channel, key_state) if events else []
            if not run:
                by_key_drain.append((channel_id, key))
                continue
            room -= len(run)
            more = more or len(ids) > len(run)
            runs_by_type.setdefault(run[0][0].event_type, []).append(
                (key_state, run, (channel_id, key))
            )
        applied = 0
        for runs in runs_by_type.values():
            done = self._apply_runs([(key_state, run) for key_state, run, _k in runs])
            if done:
                applied += done
            else:
                by_key_drain.extend(k for _s, _r, k in runs)
        # Keys the batch could not take (a failed or dead head, a gap, another type):
        # the usual drain, which records what fails and blocks only that key.
        for channel_id, key in by_key_drain:
            applied += self._drain_locked_key(channel_id, key)["applied"]
        if more:
            self._enqueue_domain_drain(domain)
        return {"keys": len(locked), "applied": applied}

    def _apply_runs(self, runs):
        """Apply the runs of many keys with one batch handler call; on failure leave
        them to the key-by-key drain, which isolates the bad event."""
        flat = [item for _key_state, run in runs for item in run]
        records = self.browse([event.id for event, _c, _d in flat])
        method = self._batch_handlers()[records[0].event_type]
        try:
            with self.env.cr.savepoint():
                results = getattr(records, method)() or {}
        except Exception as exc:  # applied one by one afterwards, errors recorded there
            _raise_if_concurrency_error(exc)
            _logger.info(
                "Retail Sync: batch of %s %s over %s keys failed (%s)",
                len(records),
                records[0].event_type,
                len(runs),
                exc,
            )
            return 0
        for key_state, run in runs:
            key_state._consume_run([(event, candidate) for event, candidate, _d in run])
        self._record_successes(
            [
                (event, results.get(event.id, {}), decision)
                for event, _c, decision in flat
            ]
        )
        return len(flat)

    @api.model
    def _enqueue_domain_drain(self, domain):
        return self.env["retail.sync.job"]._enqueue_once(
            self.env["retail.sync.event"],
            "_drain_domain",
            f"retail_sync.domain:{domain}",
            f"root.retail_sync.{domain}",
            DOMAIN_PRIORITY.get(domain, 10),
            f"Retail Sync: apply {domain} events of many keys",
            args=(domain,),
            max_retries=DRAIN_MAX_RETRIES,
        )

    def _candidate(self):
        self.ensure_one()
        return ordering.Candidate(
            # The payload tells an absent sequence from 0; the Integer column can't.
            sequence=self.payload.get("sequence"),
            occurred_at=_timestamp(self.occurred_at),
            received_at=_timestamp(self.received_at),
            absolute_state=self.contract_id.absolute_state,
        )

    def _batch_run(self, events, channel, key_state):
        """The run of events, from the head, that one batch handler can apply at
        once: same type, each next in order. Empty when the type has no batch
        handler or the head needs the one-by-one path (failed, dead)."""
        if self.event_type not in self._batch_handlers():
            return []
        run, state, now = [], key_state._as_engine_state(), time.time()
        for event in events:  # events[0] is self, the head
            if event.event_type != self.event_type or event.state not in RUNNABLE:
                break
            candidate = event._candidate()
            decision = ordering.decide(candidate, state, now, channel.gap_timeout)
            if decision.action not in APPLYING:
                break
            run.append((event, candidate, decision))
            state = ordering.advance(state, candidate)
        return run

    def _apply_run(self, run, key_state):
        """Apply one key's run with its batch handler in one savepoint. False when
        it fails: the caller then applies the events one by one."""
        return self._apply_runs([(key_state, run)]) > 0

    def _drain_one(self, channel, key_state):
        """Handle the head event of a key: 'applied', 'skipped' or 'stop'."""
        self.ensure_one()
        now = fields.Datetime.now()
        if self.state == "dead":
            self._block_followers(
                self.env._("waiting behind dead event %s", self.external_id)
            )
            return "stop"
        if (
            self.state == "failed"
            and self.next_attempt_at
            and self.next_attempt_at > now
        ):
            self._block_followers(
                self.env._(
                    "waiting behind event %(event)s, retried at %(when)s",
                    event=self.external_id,
                    when=self.next_attempt_at,
                )
            )
            self._enqueue_retry()
            return "stop"
        contract = self.contract_id
        candidate = self._candidate()
        decision = ordering.decide(
            candidate, key_state._as_engine_state(), time.time(), channel.gap_timeout
        )
        if decision.action == ordering.SKIP_STALE:
            self.write(
                {
                    "state": "skipped",
                    "state_reason": decision.reason,
                    "last_attempt_at": now,
                }
            )
            return "skipped"
        if decision.action == ordering.WAIT_GAP:
            self.write({"state": "blocked", "state_reason": decision.reason})
            self._block_followers(decision.reason)
            self._enqueue_drain(
                channel.id,
                self.ordering_key,
                self.domain,
                eta=now + timedelta(seconds=decision.wait_seconds + 0.5),
                suffix=":gap",
            )
            return "stop"
        try:
            with self.env.cr.savepoint():
                result = self._apply()
        except Exception as exc:
            _raise_if_concurrency_error(exc)
            self._record_failure(exc, contract)
            if self.state == "failed":
                self._enqueue_retry()
            self._block_followers(
                self.env._("waiting behind event %s", self.external_id)
            )
            return "stop"
        self._record_success(result, decision)
        key_state._consume(self, candidate)
        return "applied"

    def _enqueue_retry(self):
        """Drain this failed event's key again when its next attempt is due."""
        self._enqueue_drain(
            self.channel_id.id,
            self.ordering_key,
            self.domain,
            eta=self.next_attempt_at,
            suffix=":retry",
        )

    def _record_success(self, result, decision):
        self.ensure_one()
        self._record_successes([(self, result, decision)])

    @api.model
    def _record_successes(self, applied):
        """Mark the (event, result, decision) triples applied, in one statement: a
        spike applies hundreds per second."""
        if not applied:
            return
        events = self.browse([event.id for event, _r, _d in applied])
        events.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT nextval('retail_sync_event_applied_seq')"
                " FROM generate_series(1, %s)",
                len(applied),
            )
        )
        orders = sorted(row[0] for row in self.env.cr.fetchall())
        processed = datetime.now(UTC).replace(tzinfo=None)
        self.env.cr.execute(
            SQL(
                """
                UPDATE retail_sync_event e
                   SET state = 'done', attempts = e.attempts + 1,
                       processed_at = %s, last_attempt_at = %s,
                       latency_ms = floor(
                           extract(epoch FROM %s - e.received_at) * 1000),
                       result = d.result, applied_order = d.applied_order,
                       state_reason = d.reason, error_message = NULL,
                       error_traceback = NULL, next_attempt_at = NULL,
                       write_uid = %s, write_date = now() at time zone 'UTC'
                  FROM unnest(%s::int[], %s::jsonb[], %s::int[], %s::varchar[])
                       AS d(id, result, applied_order, reason)
                 WHERE e.id = d.id
                """,
                processed,
                processed,
                processed,
                self.env.uid,
                events.ids,
                [json.dumps(result) if result else None for _e, result, _d in applied],
                orders,
                [decision.reason or None for _e, _r, decision in applied],
            )
        )
        events.invalidate_recordset()

    def _record_failure(self, exc, contract):
        attempts = self.attempts + 1
        values = dict(
            self._error_values(exc),
            attempts=attempts,
            last_attempt_at=fields.Datetime.now(),
        )
        kind = self._classify_error(exc)
        if kind == "permanent":
            values.update(state="dead", next_attempt_at=False)
        elif attempts >= contract.retry_max_attempts:
            values.update(
                state="dead",
                next_attempt_at=False,
                error_message=self.env._(
                    "retries exhausted after %(attempts)s attempts: %(error)s",
                    attempts=attempts,
                    error=values["error_message"],
                ),
            )
        else:
            delay = backoff.retry_delay(
                attempts, contract.retry_base_seconds, contract.retry_max_seconds
            )
            values.update(
                state="failed",
                next_attempt_at=fields.Datetime.now() + timedelta(seconds=delay),
            )
        # Failures are rare: each one is kept for the event's timeline.
        self._audit(
            values["state"],
            False,
            attempt=attempts,
            error_message=values["error_message"],
        )
        self.write(values)
        _logger.info(
            "Retail Sync event %s (%s) %s: %s",
            self.id,
            self.event_type,
            values["state"],
            values["error_message"],
        )

    def _block_followers(self, reason):
        """Mark the events queued behind this one in its key as blocked."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE retail_sync_event SET state = 'blocked', state_reason = %s,
                       write_date = now() at time zone 'UTC'
                 WHERE channel_id = %s AND ordering_key = %s AND id != %s
                   AND state IN ('received', 'queued', 'blocked')
                """,
                reason,
                self.channel_id.id,
                self.ordering_key,
                self.id,
            )
        )
        self.invalidate_model(["state", "state_reason"])

    # ------------------------------------------------------------------ safety net
    @api.model
    def _cron_requeue_stuck_keys(self, older_than_seconds=60):
        """Re-enqueue keys whose events wait with no job (a lost or failed drain job).

        identity_key keeps this from piling up jobs behind waiting ones.
        """
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT e.channel_id, e.ordering_key, e.domain
                  FROM retail_sync_event e
                 WHERE (e.state IN ('received', 'queued', 'blocked')
                        AND e.write_date < (now() at time zone 'UTC')
                                           - %s * interval '1 second')
                    OR (e.state = 'failed'
                        AND e.next_attempt_at < (now() at time zone 'UTC')
                                                - interval '30 seconds')
                 LIMIT 5000
                """,
                older_than_seconds,
            )
        )
        rows = self.env.cr.fetchall()
        for channel_id, key, domain in rows:
            if not self._key_has_dead_head(channel_id, key):
                self._enqueue_drain(channel_id, key, domain)
        return len(rows)

    @api.model
    def _key_has_dead_head(self, channel_id, key):
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM retail_sync_event WHERE channel_id = %s "
                "AND ordering_key = %s AND state = 'dead' LIMIT 1",
                channel_id,
                key,
            )
        )
        return bool(self.env.cr.fetchone())

    # ------------------------------------------------------------ operator actions
    def _audit(self, action, reason, **values):
        self.env["retail.sync.event.audit"].sudo().create(
            [
                dict(
                    event_id=event.id,
                    user_id=self.env.uid,
                    action=action,
                    reason=reason,
                    state_before=event.state,
                    **values,
                )
                for event in self
            ]
        )

    def _replay(self, reason, force=False):
        """Queue these events again; a done event only with ``force``.

        Returns the events actually requeued."""
        self._check_manager()
        self._check_payload_kept()
        requeued = self.browse()
        for event in self.sudo():
            if event.state == "done" and not force:
                event._audit("noop", reason)
                event.message_post(
                    body=self.env._("Replay refused: already applied. %s", reason or "")
                )
                continue
            if event.state in ("received", "queued", "processing"):
                event.message_post(
                    body=self.env._(
                        "Replay ignored: the event is already waiting to be applied."
                    )
                )
                continue
            event._audit("force_replay" if event.state == "done" else "replay", reason)
            event.message_post(body=self.env._("Replayed: %s", reason or "-"))
            requeued |= event
        requeued._requeue()
        return requeued

    def _requeue(self):
        """Reset these events to queued and enqueue the drain of their keys."""
        self.sudo().write(
            {
                "state": "queued",
                "attempts": 0,
                "next_attempt_at": False,
                "error_message": False,
                "error_traceback": False,
                "state_reason": False,
            }
        )
        for event in self:
            self._enqueue_drain(event.channel_id.id, event.ordering_key, event.domain)

    def _skip(self, reason):
        """Skip these events on purpose, releasing the events behind them."""
        self._check_manager()
        if not reason:
            raise UserError(self.env._("Say why the event is skipped."))
        for event in self.sudo():
            if event.state in ("done", "skipped"):
                event.message_post(
                    body=self.env._(
                        "Skip ignored: the event is already %s.", event.state
                    )
                )
                continue
            event._audit("skip", reason)
            event.write(
                {"state": "skipped", "state_reason": reason, "next_attempt_at": False}
            )
            # Its sequence number is used up: the events after it need not wait for it.
            self.env["retail.sync.key.state"]._for_key(
                event.channel_id.id, event.ordering_key
            )._consume(event)
            event.message_post(body=self.env._("Skipped: %s", reason))
            self._enqueue_drain(event.channel_id.id, event.ordering_key, event.domain)
        return True

    def _edit_and_replay(self, new_event, reason):
        """Replace the payload of a dead or failed event and replay it; the original
        payload and the change are kept."""
        self.ensure_one()
        self._check_manager()
        event = self.sudo()
        if event.state not in ("dead", "failed"):
            raise UserError(self.env._("Only dead or failed events can be edited."))
        if not isinstance(new_event, dict):
            raise UserError(self.env._("The payload must be a JSON object."))
        if (
            new_event.get("id") != event.external_id
            or new_event.get("type") != event.event_type
            or new_event.get("schema_version") != event.schema_version
        ):
            raise UserError(
                self.env._("The id, type and schema_version of an event cannot change.")
            )
        schemas = self.env["retail.sync.contract"]._schemas()
        problems = contracts.check_event(new_event, schemas, contracts.load_envelope())
        if problems:
            raise UserError(
                self.env._(
                    "The edited event does not match its contract: %s",
                    "; ".join(f"{p.pointer or '/'}: {p.reason}" for p in problems),
                )
            )
        before = event.payload
        after = masking.mask_card_numbers(new_event)
        event._audit("edit_replay", reason, payload_before=before, payload_after=after)
        values = {"payload": after}
        if not event.original_payload:
            values["original_payload"] = before
        event.write(values)
        event.message_post(body=self.env._("Payload edited: %s", reason or "-"))
        event._requeue()  # audited above as edit_replay
        return True

    @api.model
    def _purge_payloads(self, cutoff, limit=PURGE_BATCH):
        """The audit trail's copies of a purged payload go with it."""
        purged, more = super()._purge_payloads(cutoff, limit)
        if purged:
            self.env["retail.sync.event.audit"].flush_model()
            self.env.cr.execute(
                SQL(
                    "UPDATE retail_sync_event_audit SET payload_before = NULL,"
                    " payload_after = NULL WHERE event_id = ANY(%s)"
                    " AND (payload_before IS NOT NULL OR payload_after IS NOT NULL)",
                    purged,
                )
            )
            self.env["retail.sync.event.audit"].invalidate_model(
                ["payload_before", "payload_after"]
            )
        return purged, more

    # Buttons
    def action_replay(self):
        self._check_payload_kept()
        return self._open_action_wizard("replay")

    def action_skip(self):
        return self._open_action_wizard("skip")

    def action_edit_and_replay(self):
        self.ensure_one()
        return self._open_action_wizard(
            "edit", payload=json.dumps(self.payload, indent=2, ensure_ascii=False)
        )

    def _open_action_wizard(self, mode, payload=False):
        self._check_manager()
        wizard = self.env["retail.sync.event.action.wizard"].create(
            {"mode": mode, "event_ids": [Command.set(self.ids)], "payload": payload}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": dict(wizard._fields["mode"].selection)[mode],
        }
