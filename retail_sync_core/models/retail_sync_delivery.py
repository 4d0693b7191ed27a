# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time
from datetime import timedelta

import requests

from odoo import fields, models

from ..engine import backoff, signing

_logger = logging.getLogger(__name__)

EXCERPT = 500


class RetailSyncDelivery(models.Model):
    """The durable outbox: one push to a channel's endpoint, retried until it lands.

    A delivery is sent by a queue job (never inside a request). Its payload may be
    refreshed before a retry so that a channel that was down receives the latest
    values, not the ones it missed."""

    _name = "retail.sync.delivery"
    _description = "Retail Sync Outbound Delivery"
    _inherit = ["retail.sync.payload.retention"]
    _order = "id desc"
    # Retention: delivered or dead pushes lose their payload once old.
    _purge_columns = ("payload",)
    _purge_states = ("delivered", "dead")

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="channel_id.company_id", store=True, index=True
    )
    topic = fields.Char(required=True, index=True)
    # What is pushed to a channel: managers only, like event payloads.
    payload = fields.Json(groups="retail_sync_core.group_manager")
    item_count = fields.Integer("Items")
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("delivered", "Delivered"),
            ("failed", "Failed (will retry)"),
            ("dead", "Dead"),
        ],
        required=True,
        default="pending",
        index=True,
    )
    attempts = fields.Integer()
    next_attempt_at = fields.Datetime(index=True)
    last_attempt_at = fields.Datetime()
    delivered_at = fields.Datetime()
    response_status = fields.Integer()
    response_excerpt = fields.Char()
    error_message = fields.Text()
    payload_display = fields.Text(
        "Payload (JSON)",
        compute="_compute_payload_display",
        groups="retail_sync_core.group_manager",
    )

    def _compute_payload_display(self):
        for delivery in self:
            delivery.payload_display = (
                json.dumps(delivery.payload, indent=2, ensure_ascii=False)
                if delivery.payload
                else False
            )

    def _send(self):
        """POST this delivery once. Returns 'delivered', 'retry', 'dead' or 'gone'.

        Signed with the Standard Webhooks headers; 429 waits for Retry-After, 410
        disables the channel's pushes, other 4xx fail at once, anything else is
        retried with backoff and counts against the endpoint's circuit breaker."""
        self.ensure_one()
        channel = self.channel_id.sudo()
        now = time.time()
        body = json.dumps(self.payload, ensure_ascii=False).encode()
        message_id = f"msg_{self.id}_{self.attempts + 1}"
        headers = {"Content-Type": "application/json"}
        headers.update(
            signing.webhook_headers(channel.push_secret or "", message_id, now, body)
        )
        status, excerpt, error, retry_after = None, None, None, None
        try:
            response = requests.post(
                channel.push_url,
                data=body,
                headers=headers,
                timeout=channel.push_timeout,
            )
            status = response.status_code
            excerpt = response.text or ""
            retry_after = backoff.retry_after_seconds(
                response.headers.get("Retry-After"), now
            )
        except requests.RequestException as exc:
            error = f"{exc.__class__.__name__}: {exc}"
        return self._record_attempt(status, excerpt, error, retry_after)

    def _record_attempt(
        self, status, excerpt=None, error=None, retry_after=None, message=None
    ):
        """Record one attempt to send this delivery and return its outcome:
        'delivered', 'retry', 'dead' or 'gone'.

        ``status``: the HTTP status answered (None: no answer, ``error`` says
        why); ``excerpt``: the start of the answer; ``retry_after``: seconds the
        endpoint asked to wait; ``message``: the error to show instead of the
        generic one (an adapter that knows what the refusal means).

        2xx: delivered. 410: pushes disabled on the channel. 429: retried after
        Retry-After. Other 4xx: dead at once. Anything else is retried with
        backoff and counts against the endpoint's circuit breaker. Transports
        other than `_send` (a platform's own API) record their attempts here so
        that every push follows the same outbox rules."""
        self.ensure_one()
        channel = self.channel_id.sudo()
        values = {
            "attempts": self.attempts + 1,
            "last_attempt_at": fields.Datetime.now(),
        }
        if status is None:
            error = (error or "no answer")[:EXCERPT]
            values["response_status"] = 0
            values["response_excerpt"] = error
        else:
            values["response_status"] = status
            values["response_excerpt"] = (excerpt or "")[:EXCERPT]
        if status is not None and 200 <= status < 300:
            values.update(
                state="delivered",
                delivered_at=fields.Datetime.now(),
                next_attempt_at=False,
                error_message=False,
            )
            outcome = "delivered"
            channel._circuit_record(success=True)
        elif status == 410:
            values.update(
                state="dead",
                error_message=message or self.env._("410 Gone: pushes disabled"),
            )
            outcome = "gone"
            channel._disable_push(self.env._("the endpoint answered 410 Gone"))
        elif status == 429:
            wait = retry_after if retry_after is not None else 30.0
            values.update(
                state="failed",
                error_message=message or self.env._("429 Too Many Requests"),
                next_attempt_at=fields.Datetime.now() + timedelta(seconds=wait),
            )
            outcome = "retry"
        elif status is not None and 400 <= status < 500:
            values.update(
                state="dead",
                error_message=message
                or self.env._("the endpoint refused the push (%s)", status),
            )
            outcome = "dead"
        else:
            delay = backoff.retry_delay(values["attempts"], 1.0, 30.0)
            values.update(
                state="failed",
                error_message=message or error or self.env._("server error %s", status),
                next_attempt_at=fields.Datetime.now() + timedelta(seconds=delay),
            )
            outcome = "retry"
            channel._circuit_record(success=False)
        self.write(values)
        if outcome != "delivered":
            _logger.info(
                "Retail Sync push %s to %s: %s (%s)",
                self.id,
                channel.code,
                outcome,
                values.get("error_message"),
            )
        return outcome
