# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time
from collections import defaultdict
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import canonical, contracts, masking, outcomes, payload_checks, signing
from ..engine.errors import PermanentError
from .retail_sync_domain import domain_selection

_logger = logging.getLogger(__name__)

EVENT_STATES = [
    ("received", "Received"),
    ("queued", "Queued"),
    ("done", "Done"),
    ("failed", "Failed (will retry)"),
    ("dead", "Dead"),
    ("skipped", "Skipped"),
    ("blocked", "Blocked"),
    ("waiting", "Waiting for a dependency"),
]
# States of an event that still has to be applied (or released) for its key to move on.
PENDING_STATES = ("received", "queued", "failed", "blocked", "waiting", "dead")

MANAGER = "retail_sync_core.group_manager"
# The deprecated body signature header (engine/signing.py: LEGACY_SIGNATURE_SUNSET).
LEGACY_HEADER = "X-Retail-Sync-Signature"
# Events shown before and after an event of the same ordering key.
KEY_NEIGHBOURS = 5
# Sort key of an event without a sequence number: after every numbered one, as the
# drain orders them (NULLS LAST).
NO_SEQUENCE = 2**31 - 1

# Columns written by the batched insert of the ingestion path.
_INSERT_COLUMNS = (
    "channel_id",
    "company_id",
    "external_id",
    "event_type",
    "schema_version",
    "contract_id",
    "domain",
    "ordering_key",
    "sequence",
    "occurred_at",
    "received_at",
    "payload",
    "payload_hash",
    "state",
    "attempts",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
)


def _pretty(value):
    return json.dumps(value, indent=2, ensure_ascii=False) if value else False


def _parse_occurred_at(value):
    """The UTC moment of an ISO 8601 date-time with offset; None when it is no real
    date (2026-02-30, month 13, year 0000, offset +99:99)."""
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            return None
        return moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None


class RetailSyncEvent(models.Model):
    """The durable inbox: one row per event a channel sent, whatever became of it."""

    _name = "retail.sync.event"
    _description = "Retail Sync Inbound Event"
    _inherit = [
        "mail.thread",
        "retail.sync.payload.retention",
        "retail.sync.manager.mixin",
    ]
    _order = "received_at desc, id desc"
    _rec_name = "external_id"
    # Retention: applied or skipped events lose these once old (dead letters wait
    # for a manager's replay or skip, and keep theirs).
    _purge_columns = ("payload", "original_payload", "result", "error_traceback")
    _purge_states = ("done", "skipped")
    _purge_age_column = "received_at"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    external_id = fields.Char("Event id", required=True, help="The channel's event id")
    event_type = fields.Char("Type", required=True, index=True)
    schema_version = fields.Integer(required=True)
    contract_id = fields.Many2one("retail.sync.contract", ondelete="restrict")
    domain = fields.Selection(domain_selection, index=True)
    ordering_key = fields.Char(required=True, index=True)
    sequence = fields.Integer()
    occurred_at = fields.Datetime(required=True)
    received_at = fields.Datetime(
        required=True, default=fields.Datetime.now, index=True
    )
    # Payloads, results and errors may carry customer data: managers only. The system
    # reads them as superuser (ingestion, drains); users see the event's metadata.
    payload = fields.Json(
        groups=MANAGER,
        help="The event as received, card-number-like digits masked",
    )
    original_payload = fields.Json(
        groups=MANAGER,
        help="The payload as first received, kept when a manager edits it",
    )
    payload_hash = fields.Char(help="SHA-256 of the event as sent (canonical JSON)")
    state = fields.Selection(
        EVENT_STATES, required=True, default="received", index=True
    )
    attempts = fields.Integer(default=0)
    next_attempt_at = fields.Datetime()
    error_message = fields.Text(groups=MANAGER)
    error_traceback = fields.Text(groups=MANAGER)
    state_reason = fields.Char(
        help="Why the event is skipped, blocked or flagged (gap, late arrival)"
    )
    waiting_for = fields.Char(
        index="btree_not_null",
        help="The entity this event waits for (or waited for), as a dependency token: "
        "payment:<channel id>:<reference>, order:<channel id>:<reference>...",
    )
    waiting_kind = fields.Char(
        help="What kind of entity the event waits for (payment, order, reservation): "
        "the first part of its dependency token",
    )
    waiting_since = fields.Datetime(
        help="When the event started waiting for its dependency; past the domain's "
        "wait it becomes a dead letter",
    )
    processed_at = fields.Datetime()
    last_attempt_at = fields.Datetime(
        index=True,
        help="When the event was last tried (applied, failed or skipped as stale); "
        "the statistics count outcomes by this time",
    )
    latency_ms = fields.Integer(
        "Latency (ms)", help="From reception to application, in milliseconds"
    )
    applied_order = fields.Integer(
        help="Global order in which events were applied (proof of per-key order)"
    )
    result = fields.Json(groups=MANAGER, help="What the handler reported")
    link_ids = fields.One2many("retail.sync.event.link", "event_id", "Records produced")
    payload_display = fields.Text(
        "Payload (JSON)", compute="_compute_displays", groups=MANAGER
    )
    result_display = fields.Text(
        "Result (JSON)", compute="_compute_displays", groups=MANAGER
    )
    original_payload_display = fields.Text(
        "Original payload (JSON)",
        compute="_compute_displays",
        groups=MANAGER,
    )

    key_earlier_ids = fields.Many2many(
        "retail.sync.event",
        compute="_compute_key_neighbours",
        string="Earlier events of the key",
        help="The events just before this one in its ordering key, nearest first",
    )
    key_later_ids = fields.Many2many(
        "retail.sync.event",
        compute="_compute_key_neighbours",
        string="Later events of the key",
        help="The events just after this one in its ordering key",
    )

    _sql_constraints = [
        (
            "channel_external_id_unique",
            "unique(channel_id, external_id)",
            "An event id is unique per channel.",
        ),
    ]

    @api.depends("payload", "result", "original_payload")
    def _compute_displays(self):
        for event in self:
            event.payload_display = _pretty(event.payload)
            event.result_display = _pretty(event.result)
            event.original_payload_display = _pretty(event.original_payload)

    def _compute_key_neighbours(self):
        for event in self:
            if not event.id:
                event.key_earlier_ids = event.key_later_ids = False
                continue
            event.key_earlier_ids = self.browse(event._key_neighbour_ids(before=True))
            event.key_later_ids = self.browse(event._key_neighbour_ids(before=False))

    def _key_neighbour_ids(self, before, limit=KEY_NEIGHBOURS):
        """Ids of the events next to this one in its key, in the order the drain
        applies them (sequence, then occurrence), nearest first. One range scan of
        retail_sync_event_key_order_idx, however long the key."""
        self.ensure_one()
        self.flush_model(["channel_id", "ordering_key", "sequence", "occurred_at"])
        # The raw column: the ORM reads a missing sequence as 0.
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(sequence, %s) FROM retail_sync_event WHERE id = %s",
                NO_SEQUENCE,
                self.id,
            )
        )
        [(sequence,)] = self.env.cr.fetchall()
        self.env.cr.execute(self._key_neighbour_query(sequence, before, limit))
        return [row[0] for row in self.env.cr.fetchall()]

    def _key_neighbour_query(self, sequence, before, limit):
        """The query behind _key_neighbour_ids (``sequence``: this event's raw
        sequence, NO_SEQUENCE when it has none)."""
        direction = SQL("DESC" if before else "ASC")
        return SQL(
            """
            SELECT id FROM retail_sync_event
             WHERE channel_id = %(channel)s AND ordering_key = %(key)s
               AND (COALESCE(sequence, %(none)s), occurred_at, id)
                   %(op)s (%(sequence)s, %(occurred)s, %(id)s)
             ORDER BY COALESCE(sequence, %(none)s) %(dir)s, occurred_at %(dir)s,
                      id %(dir)s
             LIMIT %(limit)s
            """,
            channel=self.channel_id.id,
            key=self.ordering_key,
            none=NO_SEQUENCE,
            op=SQL("<" if before else ">"),
            sequence=sequence,
            occurred=self.occurred_at,
            id=self.id,
            dir=direction,
            limit=limit,
        )

    def action_open_key_events(self):
        """Every event of this event's ordering key, in the order they apply."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Key %s", self.ordering_key),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [
                ("channel_id", "=", self.channel_id.id),
                ("ordering_key", "=", self.ordering_key),
            ],
            "context": {"search_default_group_key": 0},
        }

    def init(self):
        result = super().init()
        self.env.cr.execute(
            "CREATE SEQUENCE IF NOT EXISTS retail_sync_event_applied_seq"
        )
        # The neighbours of an event in its key (event form), in drain order.
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS retail_sync_event_key_order_idx
                    ON retail_sync_event
                       (channel_id, ordering_key, COALESCE(sequence, %s),
                        occurred_at, id)
                """,
                NO_SEQUENCE,
            )
        )
        # The drain of one key reads its pending events in order.
        # Both are partial on the pending states: the "_v2" names came with the
        # waiting state (an index whose predicate lacks it would not be used).
        pending = SQL(", ".join(f"'{state}'" for state in PENDING_STATES))
        self.env.cr.execute(
            "DROP INDEX IF EXISTS retail_sync_event_pending_key_idx, "
            "retail_sync_event_waiting_idx"
        )
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS retail_sync_event_pending_key_v2_idx
                    ON retail_sync_event
                       (channel_id, ordering_key, sequence, occurred_at, id)
                 WHERE state IN (%s)
                """,
                pending,
            )
        )
        # The overview counts waiting events per channel, domain and state, and
        # finds the oldest, without reading the done ones.
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS retail_sync_event_pending_v2_idx
                    ON retail_sync_event (channel_id, domain, state, received_at)
                 WHERE state IN (%s)
                """,
                pending,
            )
        )
        return result

    # ------------------------------------------------------------------ ingestion
    @api.model
    def _receive(self, channel, body, headers=None):
        """Store what a channel sent (raw bytes, and the request's headers for its
        signature) and enqueue it; return a Reception: a refusal of the whole
        request, or one outcome per event.

        Runs as superuser for an authenticated channel. Nothing irreversible happens
        here (Odoo may replay the request on a serialization failure): rows are
        written, jobs enqueued in the same transaction."""
        refusal, legacy_signature = self._check_signature(channel, body, headers or {})
        if refusal:
            return outcomes.Reception(refusal)
        try:
            document = payload_checks.loads(body)
        except RecursionError:
            return outcomes.Reception(
                outcomes.Refusal(
                    outcomes.TOO_DEEP,
                    f"the body nests deeper than {self._max_depth()} levels",
                )
            )
        except (ValueError, UnicodeDecodeError) as exc:
            return outcomes.Reception(
                outcomes.Refusal(outcomes.MALFORMED, f"the body is not JSON: {exc}")
            )
        reception = self._receive_document(channel, document)
        reception.legacy_signature = legacy_signature
        return reception

    @api.model
    def _check_signature(self, channel, body, headers):
        """(refusal or None, whether the deprecated header signed it). A channel with
        a signing secret must sign: Standard Webhooks headers, or the legacy
        X-Retail-Sync-Signature until its sunset."""
        secrets = channel._signing_secrets()
        if not secrets:
            return None, False
        if signing.has_webhook_headers(headers):
            if signing.verify_webhook(secrets, headers, body, time.time()):
                return None, False
            return (
                outcomes.Refusal(
                    outcomes.BAD_SIGNATURE,
                    "webhook-signature does not match the body under the channel's "
                    "signing secret, or webhook-timestamp is more than "
                    f"{signing.DEFAULT_TOLERANCE} s away from the server's time",
                ),
                False,
            )
        if signing.verify_body_signature(secrets, body, headers.get(LEGACY_HEADER)):
            return None, True
        return (
            outcomes.Refusal(
                outcomes.BAD_SIGNATURE,
                "this channel signs its requests: send the Standard Webhooks headers "
                "webhook-id, webhook-timestamp and webhook-signature",
            ),
            False,
        )

    @api.model
    def _max_depth(self):
        """How deep a request may nest (System parameter retail_sync.max_json_depth)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("retail_sync.max_json_depth")
        )
        try:
            return max(4, int(value)) if value else payload_checks.DEFAULT_MAX_DEPTH
        except ValueError:
            return payload_checks.DEFAULT_MAX_DEPTH

    @api.model
    def _receive_document(self, channel, document):
        """A parsed body: one event, or a batch ``{"events": [...]}``."""
        is_batch = isinstance(document, dict) and set(document) == {"events"}
        if is_batch:
            events = document["events"]
            if not isinstance(events, list) or not events:
                return outcomes.Reception(
                    outcomes.Refusal(
                        outcomes.EMPTY_BATCH,
                        "events must be a non-empty array",
                        details={
                            "problems": [{"pointer": "/events", "reason": "not a list"}]
                        },
                    ),
                    is_batch=True,
                )
        else:
            events = [document]
        return self._receive_events(channel, events, is_batch=is_batch)

    @api.model
    def _receive_events(self, channel, events, is_batch=True):
        """Store already parsed events of a channel, within its limits; return a
        Reception. The entry point for anything that is not an HTTP request (a
        poller, a test)."""
        if len(events) > channel.max_batch_size:
            return outcomes.Reception(
                outcomes.Refusal(
                    outcomes.BATCH_TOO_LARGE,
                    f"{len(events)} events in one request; this channel accepts at "
                    f"most {channel.max_batch_size}",
                ),
                is_batch=is_batch,
            )
        if channel.rate_limit > 0 and len(events) > channel.rate_burst:
            # The bucket never holds that many tokens: refused once, never an
            # endless 429.
            return outcomes.Reception(
                outcomes.Refusal(
                    outcomes.BATCH_TOO_LARGE,
                    f"{len(events)} events in one request; this channel's rate limit "
                    f"takes at most {channel.rate_burst} at once (its burst): send "
                    "smaller batches",
                ),
                is_batch=is_batch,
            )
        decision = self.env["retail.sync.rate.bucket"]._take(channel, len(events))
        if not decision.allowed:
            retry_after = max(1, int(decision.retry_after + 0.999))
            return outcomes.Reception(
                outcomes.Refusal(
                    outcomes.RATE_LIMITED,
                    f"over the rate limit of {channel.rate_limit:g} events/s; retry "
                    f"after {retry_after} s",
                    retry_after=retry_after,
                ),
                is_batch=is_batch,
            )
        return outcomes.Reception(
            outcomes=self._store_events(channel, events), is_batch=is_batch
        )

    def _store_events(self, channel, events):
        """Validate, mask and insert events; one EventOutcome per event, in order."""
        contract_model = self.env["retail.sync.contract"]
        index = contract_model._contract_index()
        schemas = contract_model._schemas()
        envelope = contracts.shared_envelope()
        allowed = channel._accepted_contracts()
        now = fields.Datetime.now()
        max_depth = self._max_depth()
        results, rows = [], []
        for position, event in enumerate(events):
            event_id = event.get("id") if isinstance(event, dict) else None
            unfit = self._unfit_for_storage(event, max_depth)
            if unfit:
                results.append(
                    outcomes.EventOutcome(
                        outcomes.INVALID,
                        event_id,
                        "the event cannot be stored as sent",
                        details={
                            "problems": [{"pointer": unfit[0], "reason": unfit[1]}]
                        },
                    )
                )
                continue
            try:
                problems = contracts.check_event(event, schemas, envelope)
            except contracts.UnknownContract as exc:
                results.append(
                    outcomes.EventOutcome(
                        outcomes.UNKNOWN_CONTRACT,
                        event_id,
                        str(exc),
                        details={"supported": exc.supported},
                    )
                )
                continue
            if problems:
                results.append(
                    outcomes.EventOutcome(
                        outcomes.INVALID,
                        event_id,
                        "the event does not match its contract",
                        details={"problems": [p.as_dict() for p in problems]},
                    )
                )
                continue
            occurred_at = _parse_occurred_at(event["occurred_at"])
            if occurred_at is None:
                results.append(
                    outcomes.EventOutcome(
                        outcomes.INVALID,
                        event_id,
                        "the event does not match its contract",
                        details={
                            "problems": [
                                {
                                    "pointer": "/occurred_at",
                                    "reason": f"{event['occurred_at']!r} is not a "
                                    "valid date and time with a UTC offset",
                                }
                            ]
                        },
                    )
                )
                continue
            contract = index[(event["type"], event["schema_version"])]
            if allowed is not None and (
                (event["type"], event["schema_version"]) not in allowed
            ):
                results.append(
                    outcomes.EventOutcome(
                        outcomes.NOT_ALLOWED,
                        event_id,
                        f"channel {channel.code} may not send {event['type']} "
                        f"v{event['schema_version']}",
                    )
                )
                continue
            payload_hash = canonical.payload_hash(event)
            rows.append(
                (
                    position,
                    (
                        channel.id,
                        channel.company_id.id,
                        event["id"],
                        event["type"],
                        event["schema_version"],
                        contract["id"],
                        contract["domain"],
                        contracts.ordering_key(
                            contract["ordering_key_template"], event
                        ),
                        event.get("sequence"),
                        occurred_at,
                        now,
                        json.dumps(masking.mask_card_numbers(event)),
                        payload_hash,
                        "received",
                        0,
                        self.env.uid,
                        now,
                        self.env.uid,
                        now,
                    ),
                )
            )
            results.append(None)  # filled below, once inserted
        inserted = self._insert_rows([values for _position, values in rows])
        existing = self._existing_events(
            channel, [values[2] for _p, values in rows if values[2] not in inserted]
        )
        new_ids, duplicate_domains = [], []
        for position, values in rows:
            external_id, payload_hash = values[2], values[12]
            if external_id in inserted and inserted[external_id][1] == position:
                new_ids.append(inserted[external_id][0])
                results[position] = outcomes.EventOutcome(
                    outcomes.ACCEPTED, external_id
                )
                continue
            original = existing.get(external_id) or {
                "hash": inserted[external_id][2],
                "state": "received",
            }
            if original["hash"] == payload_hash:
                duplicate_domains.append(values[6])
                results[position] = outcomes.EventOutcome(
                    outcomes.DUPLICATE, external_id, state=original["state"]
                )
            else:
                results[position] = outcomes.EventOutcome(
                    outcomes.CONFLICT,
                    external_id,
                    f"event {external_id} was already received with a different "
                    "payload",
                )
        self.env["retail.sync.duplicate"]._record(channel, duplicate_domains, now)
        if new_ids:
            state = "queued" if self.browse(new_ids)._enqueue_processing() else None
            for result in results:
                if result.kind == outcomes.ACCEPTED:
                    result.state = state or "received"
        return results

    @api.model
    def _unfit_for_storage(self, event, max_depth):
        """(pointer, reason) when ``event`` nests too deep or holds a string
        PostgreSQL cannot store, else None."""
        deep = payload_checks.depth_beyond(event, max_depth)
        if deep is not None:
            return (
                contracts.json_pointer(deep),
                f"nested deeper than {max_depth} levels",
            )
        return payload_checks.unstorable_string(event)

    def _insert_rows(self, rows):
        """Insert rows, skipping ids the channel already sent (ON CONFLICT DO NOTHING).

        Returns {external_id: (id, position in rows, payload hash)} of inserted rows;
        a second row with the same id in one batch is not inserted.
        """
        if not rows:
            return {}
        self.flush_model()
        columns = SQL(", ").join(SQL.identifier(c) for c in _INSERT_COLUMNS)
        values = SQL(", ").join(
            SQL("(%s)", SQL(", ").join(SQL("%s", v) for v in row)) for row in rows
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_event (%s) VALUES %s
                ON CONFLICT (channel_id, external_id) DO NOTHING
                RETURNING id, external_id, payload_hash
                """,
                columns,
                values,
            ),
            # Two first deliveries of one id at once end in a serialization
            # failure that Odoo retries (the retry answers duplicate): expected,
            # and the statement holds payloads, which never go to the log.
            log_exceptions=False,
        )
        first_position = {}
        for position, row in enumerate(rows):
            first_position.setdefault(row[2], position)
        return {
            external_id: (record_id, first_position[external_id], payload_hash)
            for record_id, external_id, payload_hash in self.env.cr.fetchall()
        }

    def _existing_events(self, channel, external_ids):
        if not external_ids:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT external_id, payload_hash, state FROM retail_sync_event
                 WHERE channel_id = %s AND external_id = ANY(%s)
                """,
                channel.id,
                list(external_ids),
            )
        )
        return {
            external_id: {"hash": payload_hash, "state": state}
            for external_id, payload_hash, state in self.env.cr.fetchall()
        }

    def _enqueue_processing(self):
        """Hand newly stored events to the processor; True when they are queued.
        Core has none: they stay received. retail_sync_queue overrides this to
        enqueue their drain jobs."""
        return False

    # ------------------------------------------------------------------ applying
    def _handler(self):
        """The handler model that applies this event (its contract names it)."""
        self.ensure_one()
        if self.contract_id.handler_model not in self.env:
            raise PermanentError(f"no handler is installed for {self.event_type}")
        return self.contract_id._handler()

    def _link(self, records):
        """Record that this event produced ``records`` (shown on the event form)."""
        self.ensure_one()
        self._link_many([(self, record) for record in records])

    @api.model
    def _link_many(self, pairs):
        """Link many (event, record) pairs in one create. The records' names are
        read per model at once: records browsed one by one do not prefetch each
        other, and a partner's name alone costs a query."""
        ids_by_model = defaultdict(dict)
        for _event, record in pairs:
            ids_by_model[record._name].update(dict.fromkeys(record.ids))
        names = {}
        for model, ids in ids_by_model.items():
            for record in self.env[model].sudo().browse(list(ids)):
                names[model, record.id] = record.display_name
        self.env["retail.sync.event.link"].sudo().create(
            [
                {
                    "event_id": event.id,
                    "res_model": record._name,
                    "res_id": record.id,
                    "name": names[record._name, record.id],
                }
                for event, record in pairs
            ]
        )
