# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import datetime, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.retail_sync_core.engine import actions, contracts, masking
from odoo.addons.retail_sync_core.models.retail_sync_payload_retention import (
    PURGE_BATCH,
)

# Bootstrap colour of each kind of timeline entry.
TIMELINE_COLOURS = {
    "received": "secondary",
    "failed": "warning",
    "dead": "danger",
    "done": "success",
    "skip": "secondary",
    "noop": "secondary",
    "waiting": "info",
    "released": "primary",
}


class RetailSyncEvent(models.Model):
    """The operator's side of the inbox: the timeline of what was done to an event,
    its queue jobs, and the manager actions (replay, skip, edit and replay). The
    drain engine that applies events is retail.sync.drain."""

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
        Drain = self.env["retail.sync.drain"]
        for event in self:
            identity = Drain._key_identity(event.channel_id.id, event.ordering_key)
            domain = [("identity_key", "=like", identity + "%")]
            if Drain._drains_many_keys(event.domain) and event.received_at:
                # Applied by a job for many keys at once: the domain's jobs created
                # between the event's arrival and its application.
                until = event.processed_at or fields.Datetime.now()
                domain = [
                    "|",
                    *domain,
                    "&",
                    (
                        "identity_key",
                        "=like",
                        Drain._domain_identity(event.domain) + "%",
                    ),
                    "&",
                    ("date_created", ">=", event.received_at - timedelta(seconds=5)),
                    ("date_created", "<=", until + timedelta(seconds=5)),
                ]
            event.job_ids = Job.search(domain, limit=20, order="date_created desc")

    @api.depends("received_at", "processed_at", "state", "state_reason", "audit_ids")
    @api.depends_context("uid")
    def _compute_timeline_html(self):
        show_errors = self.env.user.has_group("retail_sync_core.group_manager")
        QWeb = self.env["ir.qweb"]
        for event in self:
            event.timeline_html = QWeb._render(
                "retail_sync_queue.event_timeline",
                {
                    "entries": event._timeline_entries(show_errors),
                    "colours": TIMELINE_COLOURS,
                },
            )

    def _timeline_entries(self, show_errors):
        """[(moment in the user's time zone, kind, label, detail)] in time order:
        received, each audited attempt or action, applied."""
        self.ensure_one()
        labels = dict(self.env["retail.sync.event.audit"]._fields["action"].selection)
        entries = [
            (
                self.received_at,
                "received",
                self.env._("Received from %s", self.channel_id.display_name),
                "",
            )
        ]
        for audit in self.audit_ids.sudo():
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
        if self.state == "done" and self.processed_at:
            entries.append(
                (
                    self.processed_at,
                    "done",
                    self.env._("Applied"),
                    self.env._("%s ms after it arrived", self.latency_ms),
                )
            )
        entries.sort(key=lambda entry: (entry[0] or datetime.min, entry[1] == "done"))
        return [
            (
                fields.Datetime.to_string(
                    fields.Datetime.context_timestamp(self.env.user, moment)
                )
                if moment
                else "",
                kind,
                label,
                detail,
            )
            for moment, kind, label, detail in entries
        ]

    def _enqueue_processing(self):
        """Stored events are applied by the drain engine's jobs."""
        return self.env["retail.sync.drain"]._enqueue_events(self)

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
            if event.state in ("received", "queued"):
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
        Drain = self.env["retail.sync.drain"]
        for event in self:
            Drain._enqueue_event_key(event)

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
            self.env["retail.sync.drain"]._enqueue_event_key(event)
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
        return actions.open_in_dialog(
            wizard._name, wizard.id, dict(wizard._fields["mode"].selection)[mode]
        )
