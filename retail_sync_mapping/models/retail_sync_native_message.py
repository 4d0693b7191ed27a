# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
from dataclasses import dataclass, field

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.retail_sync_core.engine import masking, outcomes, payload_checks

from ..engine import mapper, native

_logger = logging.getLogger(__name__)

OUTCOMES = [
    ("accepted", "Accepted"),
    ("skipped", "Skipped"),
    ("dead", "Dead letter"),
]
MANAGER = "retail_sync_core.group_manager"


@dataclass
class NativeReception:
    """What became of one native request; the controller makes it an answer."""

    status: int
    result: str
    message: str = ""
    details: dict = field(default_factory=dict)

    def body(self):
        return {
            "status": self.status,
            "result": self.result,
            "message": self.message,
            **self.details,
        }


class RetailSyncNativeMessage(models.Model):
    """One native webhook delivery of a platform, once per delivery id: what
    became of it (accepted as canonical events, skipped with a reason, or a dead
    letter when it could not be mapped)."""

    _name = "retail.sync.native.message"
    _inherit = ["retail.sync.payload.retention", "retail.sync.manager.mixin"]
    _description = "Retail Sync Native Message"
    _order = "received_at desc, id desc"
    _rec_name = "delivery_id"
    _purge_columns = ("payload",)
    _purge_states = ("accepted", "skipped")
    _purge_age_column = "received_at"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    mapping_id = fields.Many2one("retail.sync.mapping", ondelete="set null")
    topic = fields.Char(index=True)
    delivery_id = fields.Char(
        "Delivery id", required=True, help="The platform's own id of the message"
    )
    received_at = fields.Datetime(required=True, default=fields.Datetime.now)
    deliveries = fields.Integer(
        default=1, help="How many times the platform delivered it (redeliveries)"
    )
    outcome = fields.Selection(OUTCOMES, required=True, index=True)
    reason = fields.Text(help="Why it was skipped, or the field its mapping failed on")
    rule_names = fields.Char("Rules", help="The mapping rules that recognised it")
    event_ids = fields.Many2many(
        "retail.sync.event",
        "retail_sync_native_message_event_rel",
        "message_id",
        "event_id",
        string="Canonical events",
    )
    payload = fields.Json(
        groups=MANAGER,
        help="The native body as received, card-number-like digits " "masked",
    )
    payload_display = fields.Text(
        "Native payload", compute="_compute_payload_display", groups=MANAGER
    )

    _sql_constraints = [
        (
            "channel_delivery_unique",
            "unique(channel_id, delivery_id)",
            "A delivery id is received once per channel.",
        ),
    ]

    def init(self):
        result = super().init()
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS retail_sync_native_message_recent_idx "
            "ON retail_sync_native_message (channel_id, received_at DESC)"
        )
        return result

    @api.depends("payload")
    def _compute_payload_display(self):
        for message in self:
            message.payload_display = (
                json.dumps(message.payload, indent=2, ensure_ascii=False)
                if message.payload
                else False
            )

    # ------------------------------------------------------------------ reception
    @api.model
    def _receive(self, channel, body, headers):
        """Verify, dedupe, map and store one native delivery of ``channel``.

        Runs as superuser in the request; writes rows and enqueues jobs only, as
        the canonical inbox does, so a replayed request does nothing twice."""
        mapping = channel.mapping_id
        if native.is_ping(body, mapping.ping_field):
            return NativeReception(200, "ping", "webhook creation ping acknowledged")
        secrets = channel._native_secrets()
        if not secrets:
            return NativeReception(
                401,
                "no_secret",
                f"channel {channel.code} has no webhook secret: set it on the "
                "channel's Native tab",
            )
        received = headers.get(mapping.signature_header)
        if not native.verify(secrets, body, received, mapping.signature_encoding):
            return NativeReception(
                401,
                outcomes.BAD_SIGNATURE,
                f"{mapping.signature_header} is not the HMAC-SHA256 of the body "
                "under the channel's webhook secret",
            )
        topic = (headers.get(mapping.topic_header) or "").strip()
        delivery_id = native.first_header(headers, mapping._delivery_headers())
        if not delivery_id:
            return NativeReception(
                400,
                outcomes.MALFORMED,
                f"no delivery id: send one of {mapping.delivery_id_headers}",
            )
        try:
            payload = payload_checks.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return NativeReception(400, outcomes.MALFORMED, "the body is not JSON")
        message_id = self._insert_once(channel, mapping, topic, delivery_id, payload)
        if not message_id:
            return self._redelivered(channel, delivery_id)
        message = self.browse(message_id)
        document = mapper.build_document(payload, dict(headers), topic, delivery_id)
        reception = message._map_and_store(document)
        if reception.status >= 400:
            # Refused as a whole (rate limit): nothing stays, the platform retries.
            message.unlink()
        return reception

    def _insert_once(self, channel, mapping, topic, delivery_id, payload):
        """The new message's id, or None when this delivery id was received."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_native_message
                    (channel_id, company_id, mapping_id, topic, delivery_id,
                     received_at, deliveries, outcome, payload,
                     create_uid, create_date, write_uid, write_date)
                VALUES (%s, %s, %s, %s, %s, now() at time zone 'UTC', 1,
                        'skipped', %s, %s, now() at time zone 'UTC', %s,
                        now() at time zone 'UTC')
                ON CONFLICT (channel_id, delivery_id) DO NOTHING
                RETURNING id
                """,
                channel.id,
                channel.company_id.id,
                mapping.id,
                topic[:200],
                delivery_id[:200],
                json.dumps(masking.mask_card_numbers(payload)),
                self.env.uid,
                self.env.uid,
            ),
            log_exceptions=False,
        )
        row = self.env.cr.fetchone()
        return row and row[0]

    def _redelivered(self, channel, delivery_id):
        self.env.cr.execute(
            SQL(
                """
                UPDATE retail_sync_native_message SET deliveries = deliveries + 1
                 WHERE channel_id = %s AND delivery_id = %s
             RETURNING outcome
                """,
                channel.id,
                delivery_id,
            )
        )
        row = self.env.cr.fetchone()
        self.invalidate_model(["deliveries"])
        return NativeReception(
            200,
            outcomes.DUPLICATE,
            "this delivery was already received",
            {"outcome": row and row[0]},
        )

    def _map_and_store(self, document):
        """Map this message by its channel's mapping and store what it gives."""
        self.ensure_one()
        channel, mapping = self.channel_id, self.mapping_id
        rules = mapping._matching_rules_safe(document)
        if isinstance(rules, mapper.MappingError):
            return self._conclude("dead", str(rules))
        if not rules:
            reason = (
                f"no rule of mapping {mapping.display_name} recognises topic "
                f"{document['topic'] or '(none)'}"
            )
            _logger.info(
                "Retail Sync: %s on channel %s skipped: %s",
                self.delivery_id,
                channel.code,
                reason,
            )
            return self._conclude("skipped", reason, topic_unknown=True)
        self.rule_names = ", ".join(rules.mapped("name"))
        events, reasons, dead = [], [], []
        lookup = channel._mapping_lookup()
        for rule in rules:
            if rule.action == "skip":
                reasons.append(
                    f"{rule.name}: {rule.skip_reason or 'skipped by the mapping'}"
                )
                continue
            if not rule.contract_id:
                reasons.append(
                    f"{rule.name}: no contract {rule.event_type} "
                    f"v{rule.schema_version} is installed"
                )
                continue
            spec = rule._spec()
            try:
                events.extend(
                    (rule, e) for e in mapper.map_rule(spec, document, lookup)
                )
            except mapper.MappingError as exc:
                dead.append(
                    self._dead_letter(rule, mapper.skeleton(spec, document), exc)
                )
        if events:
            reception = self.env["retail.sync.event"]._receive_events(
                channel, [event for _rule, event in events]
            )
            if reception.refusal:
                refusal = reception.refusal
                status = 429 if refusal.kind == outcomes.RATE_LIMITED else 413
                return NativeReception(
                    status,
                    refusal.kind,
                    refusal.message,
                    {"retry_after": refusal.retry_after} if refusal.retry_after else {},
                )
            for (rule, event), outcome in zip(events, reception.outcomes, strict=True):
                self._record_outcome(rule, event, outcome, reasons, dead)
        stored = self.env["retail.sync.event"].search(
            [
                ("channel_id", "=", channel.id),
                ("external_id", "in", [e["id"] for _r, e in events if "id" in e]),
            ]
        ) | self.env["retail.sync.event"].browse([r.id for r, _m in dead if r])
        self.event_ids = [fields.Command.set(stored.ids)]
        if dead:
            return self._conclude("dead", "\n".join([m for _r, m in dead] + reasons))
        if stored:
            return self._conclude("accepted", "\n".join(reasons))
        return self._conclude("skipped", "\n".join(reasons))

    def _record_outcome(self, rule, event, outcome, reasons, dead):
        kind = outcome.kind
        if kind in (outcomes.ACCEPTED, outcomes.DUPLICATE):
            return
        if kind == outcomes.INVALID:
            problems = outcome.details.get("problems") or []
            named = "; ".join(
                f"{p.get('pointer') or '/'}: {p.get('reason')}" for p in problems
            )
            exc = mapper.MappingError(
                (problems[0].get("pointer") if problems else "") or "event",
                f"the mapped event does not match {rule.event_type} "
                f"v{rule.schema_version}: {named}",
            )
            dead.append(self._dead_letter(rule, event, exc))
        elif kind == outcomes.CONFLICT:
            reasons.append(
                f"{rule.name}: event {event['id']} was already received with other "
                "content (a later copy of the same platform object); kept the first"
            )
        else:
            reasons.append(f"{rule.name}: {outcome.message}")

    def _dead_letter(self, rule, event, error):
        """A dead canonical event naming the field, in the same inbox: (the event,
        the message)."""
        message = (
            f"mapping {self.mapping_id.display_name}, rule {rule.name}: "
            f"{error.field}: {error.reason}"
        )
        record = self.env["retail.sync.event"]._store_mapping_dead_letter(
            self.channel_id, rule.contract_id, event, self.delivery_id, message
        )
        return record, message

    def _conclude(self, outcome, reason, topic_unknown=False):
        self.write({"outcome": outcome, "reason": reason or False})
        details = {"delivery_id": self.delivery_id, "topic": self.topic}
        if self.event_ids:
            details["events"] = self.event_ids.mapped("external_id")
        return NativeReception(200, outcome, reason or "", details)

    # ------------------------------------------------------------------ actions
    def action_open_events(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Canonical events"),
            "res_model": "retail.sync.event",
            "view_mode": "list,form",
            "domain": [("id", "in", self.event_ids.ids)],
        }
