# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time
from datetime import UTC, datetime, timedelta

import psycopg2

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.retail_sync_core.engine import backoff, contracts, masking, ordering
from odoo.addons.retail_sync_core.models.retail_sync_event import PENDING_STATES

_logger = logging.getLogger(__name__)

# Events applied per drain job before it hands over to a fresh one (short transactions).
DRAIN_BATCH = 200
# First int of the two-int advisory lock: keeps our locks apart from other addons'.
LOCK_NAMESPACE = 0x52530001
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
    product): the whole drain is retried in a second from a fresh snapshot, with
    nothing recorded on the event, instead of counting a failed attempt."""
    if (
        isinstance(exc, psycopg2.OperationalError)
        and exc.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY
    ):
        raise RetryableJobError(f"concurrent update: {exc.pgerror}", seconds=1) from exc


def _timestamp(value):
    return value.replace(tzinfo=UTC).timestamp() if value else None


class RetailSyncEvent(models.Model):
    _inherit = "retail.sync.event"

    audit_ids = fields.One2many("retail.sync.event.audit", "event_id", "Audit trail")
    job_uuids = fields.Char(
        compute="_compute_job_ids", help="queue_job jobs that drain this event's key"
    )
    job_ids = fields.Many2many("queue.job", compute="_compute_job_ids", string="Jobs")

    @api.depends("channel_id", "ordering_key")
    def _compute_job_ids(self):
        Job = self.env["queue.job"].sudo()
        for event in self:
            identity = self._drain_identity(event.channel_id.id, event.ordering_key)
            jobs = Job.search(
                [("identity_key", "=like", identity + "%")],
                limit=20,
                order="date_created desc",
            )
            event.job_ids = jobs
            event.job_uuids = ",".join(jobs.mapped("uuid"))

    # ------------------------------------------------------------------ enqueueing
    @api.model
    def _processes_events(self):
        return True

    def _enqueue_processing(self):
        """One drain job per ordering key of these events, in the same transaction
        as the events (enqueue is transactional: a free outbox)."""
        if not self:
            return True
        # Plain columns: reading the records would load their payloads too.
        self.flush_model(["channel_id", "ordering_key", "domain"])
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
        for channel_id, key, domain in self.env.cr.fetchall():
            waiting = self._drains_waiting(channel_id, key)
            if "" not in waiting:
                self._enqueue_drain(channel_id, key, domain)
            elif ":tail" not in waiting:
                # The waiting drain job may already have taken its snapshot without
                # these rows (repeatable read): a short tail drain picks them up.
                self._enqueue_drain(
                    channel_id, key, domain, eta=timedelta(seconds=2), suffix=":tail"
                )
        self.flush_model()
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
    def _drains_waiting(self, channel_id, ordering_key):
        """Suffixes ('' for the main drain, ':tail') of this key's drain jobs that
        wait to run: enqueueing those again would only be deduped by queue_job."""
        identity = self._drain_identity(channel_id, ordering_key)
        self.env.cr.execute(
            SQL(
                """
                SELECT identity_key FROM queue_job WHERE identity_key IN %s
                   AND state IN ('wait_dependencies', 'pending', 'enqueued')
                """,
                (identity, identity + ":tail"),
            )
        )
        return {row[0][len(identity) :] for row in self.env.cr.fetchall()}

    @api.model
    def _drain_identity(self, channel_id, ordering_key):
        return f"retail_sync.drain:{channel_id}:{ordering_key}"

    @api.model
    def _enqueue_drain(self, channel_id, ordering_key, domain, eta=None, suffix=""):
        """Enqueue the drain of one key. identity_key keeps one waiting job per key;
        delayed retries use their own suffix so a new event is not held by them."""
        return (
            self.env["retail.sync.event"]
            .with_user(SUPERUSER_ID)
            .with_delay(
                channel=f"root.retail_sync.{domain or 'system'}",
                priority=DOMAIN_PRIORITY.get(domain, 10),
                eta=eta,
                identity_key=self._drain_identity(channel_id, ordering_key) + suffix,
                description=f"Retail Sync: apply events of {ordering_key}",
            )
            ._drain_key(channel_id, ordering_key)
        )

    # ------------------------------------------------------------------ draining
    @api.model
    def _drain_key(self, channel_id, ordering_key):
        """Apply the pending events of one key in order (a queue_job job).

        Holds the key's advisory lock for its transaction, so two jobs never apply
        events of one key at once. Each event applies in a savepoint: a failing one
        is recorded (failed or dead) and blocks only the rest of its own key.
        """
        self = self.sudo()
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))",
                LOCK_NAMESPACE,
                f"{channel_id}:{ordering_key}",
            )
        )
        if not cr.fetchone()[0]:
            raise RetryableJobError(
                f"key {ordering_key} is being drained by another job",
                seconds=1,
                ignore_retry=True,
            )
        channel = self.env["retail.sync.channel"].browse(channel_id)
        key_state = self.env["retail.sync.key.state"]._for_key(channel_id, ordering_key)
        self.flush_model()
        cr.execute(
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
                DRAIN_BATCH + 1,
            )
        )
        ids = [row[0] for row in cr.fetchall()]
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
        if self.event_type not in self._batch_handlers() or self.state not in (
            "received",
            "queued",
            "blocked",
        ):
            return []
        run, state, now = [], key_state._as_engine_state(), time.time()
        for event in events:
            if event.event_type != self.event_type or event.state not in (
                "received",
                "queued",
                "blocked",
            ):
                break
            candidate = event._candidate()
            decision = ordering.decide(candidate, state, now, channel.gap_timeout)
            if decision.action not in APPLYING:
                break
            run.append((event, candidate, decision))
            state = ordering.advance(state, candidate)
        return run

    def _apply_run(self, run, key_state):
        """Apply a run with its batch handler in one savepoint. False when it fails:
        the caller then applies the events one by one, to isolate the bad one."""
        records = self.browse([event.id for event, _c, _d in run])
        method = self._batch_handlers()[records[0].event_type]
        try:
            with self.env.cr.savepoint():
                results = getattr(records, method)() or {}
        except Exception as exc:  # retried one by one below, errors recorded there
            _raise_if_concurrency_error(exc)
            _logger.info(
                "Retail Sync: batch of %s %s failed (%s), applying one by one",
                len(records),
                records[0].event_type,
                exc,
            )
            return False
        for event, candidate, decision in run:
            event._record_success(results.get(event.id, {}), decision)
            key_state._consume(event, candidate)
        return True

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
            self._enqueue_drain(
                channel.id,
                self.ordering_key,
                self.domain,
                eta=self.next_attempt_at,
                suffix=":retry",
            )
            return "stop"
        contract = self.contract_id
        candidate = self._candidate()
        decision = ordering.decide(
            candidate, key_state._as_engine_state(), time.time(), channel.gap_timeout
        )
        if decision.action == ordering.SKIP_STALE:
            self.write({"state": "skipped", "state_reason": decision.reason})
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
                self._enqueue_drain(
                    channel.id,
                    self.ordering_key,
                    self.domain,
                    eta=self.next_attempt_at,
                    suffix=":retry",
                )
            self._block_followers(
                self.env._("waiting behind event %s", self.external_id)
            )
            return "stop"
        self._record_success(result, decision)
        key_state._consume(self, candidate)
        return "applied"

    def _record_success(self, result, decision):
        self.env.cr.execute("SELECT nextval('retail_sync_event_applied_seq')")
        applied_order = self.env.cr.fetchone()[0]
        processed = datetime.now(UTC).replace(tzinfo=None)
        self.write(
            {
                "state": "done",
                "attempts": self.attempts + 1,
                "processed_at": processed,
                "latency_ms": int(
                    (processed - self.received_at).total_seconds() * 1000
                ),
                "result": result,
                "applied_order": applied_order,
                "state_reason": decision.reason or False,
                "error_message": False,
                "error_traceback": False,
                "next_attempt_at": False,
            }
        )

    def _record_failure(self, exc, contract):
        attempts = self.attempts + 1
        values = dict(self._error_values(exc), attempts=attempts)
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
    def _check_manager(self):
        if not self.env.user.has_group("retail_sync_core.group_manager"):
            raise AccessError(
                self.env._("Only Retail Sync managers may replay, skip or edit events.")
            )

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
        requeued = self.browse()
        for event in self.sudo():
            if event.state == "done" and not force:
                event._audit("noop", reason)
                event.message_post(
                    body=self.env._("Replay refused: already applied. %s", reason or "")
                )
                continue
            if event.state in ("received", "queued", "processing"):
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

    # Buttons
    def action_replay(self):
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
