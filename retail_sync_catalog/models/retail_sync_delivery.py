# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import time
from datetime import timedelta

import requests

from odoo import fields, models

from odoo.addons.retail_sync_core.engine import backoff, signing

_logger = logging.getLogger(__name__)

EXCERPT = 500


class RetailSyncDelivery(models.Model):
    _inherit = "retail.sync.delivery"

    answer = fields.Json(
        groups="retail_sync_core.group_manager",
        help="The channel's JSON answer, for exchanges whose answer matters (a "
        "catalog full pass batch answers the records to resend).",
    )

    def _exchange(self):
        """POST this delivery once and keep the channel's JSON answer. Returns
        ('delivered', answer dict) or (outcome, None) with outcome 'retry', 'dead'
        or 'gone', the answers classified as `_send` does.

        For request/answer exchanges (a full pass batch): `_send` keeps only an
        excerpt of the answer."""
        self.ensure_one()
        channel = self.channel_id.sudo()
        now = time.time()
        body = json.dumps(self.payload, ensure_ascii=False).encode()
        message_id = f"msg_{self.id}_{self.attempts + 1}"
        headers = {"Content-Type": "application/json"}
        headers.update(
            signing.webhook_headers(channel.push_secret or "", message_id, now, body)
        )
        values = {
            "attempts": self.attempts + 1,
            "last_attempt_at": fields.Datetime.now(),
        }
        status, answer, error = None, None, None
        try:
            response = requests.post(
                channel.push_url,
                data=body,
                headers=headers,
                timeout=channel.push_timeout,
            )
            status = response.status_code
            values["response_status"] = status
            values["response_excerpt"] = (response.text or "")[:EXCERPT]
            if 200 <= status < 300:
                try:
                    answer = response.json()
                except ValueError:
                    error = self.env._("the answer is not JSON")
                if answer is not None and not isinstance(answer, dict):
                    answer, error = None, self.env._("the answer is not a JSON object")
        except requests.RequestException as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:EXCERPT]
            values["response_status"] = 0
            values["response_excerpt"] = error
        if answer is not None:
            values.update(
                state="delivered",
                answer=answer,
                delivered_at=fields.Datetime.now(),
                next_attempt_at=False,
                error_message=False,
            )
            outcome = "delivered"
            channel._circuit_record(success=True)
        elif status == 410:
            values.update(
                state="dead", error_message=self.env._("410 Gone: pushes disabled")
            )
            outcome = "gone"
            channel._disable_push(self.env._("the endpoint answered 410 Gone"))
        elif status is not None and 400 <= status < 500 and status != 429:
            values.update(
                state="dead",
                error_message=self.env._("the endpoint refused the push (%s)", status),
            )
            outcome = "dead"
        else:
            delay = backoff.retry_delay(values["attempts"], 1.0, 30.0)
            values.update(
                state="failed",
                error_message=error or self.env._("server error %s", status),
                next_attempt_at=fields.Datetime.now() + timedelta(seconds=delay),
            )
            outcome = "retry"
            channel._circuit_record(success=False)
        self.write(values)
        if outcome != "delivered":
            _logger.info(
                "Retail Sync exchange %s with %s: %s", self.id, channel.code, outcome
            )
        return outcome, answer if outcome == "delivered" else None
