# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import traceback

import psycopg2

from odoo import http
from odoo.http import request

from .responses import json_problem, reception_response

_logger = logging.getLogger(__name__)


class RetailSyncEventsController(http.Controller):
    """POST /retail_sync/v1/events: authenticate, size-check, hand over, answer."""

    @http.route(
        "/retail_sync/v1/events",
        type="http",
        auth="retail_sync_key",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def post_events(self):
        try:
            return self._post_events()
        except psycopg2.OperationalError:
            raise  # a serialization failure: Odoo retries the whole request
        except Exception as exc:
            request.env.cr.rollback()
            # The error's message may quote the payload: the log gets its class and
            # where it was raised, never customer data.
            _logger.error(
                "Retail Sync: unexpected %s while ingesting events\n%s",
                exc.__class__.__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            return json_problem(
                500,
                "internal_error",
                "the events could not be stored; nothing was accepted, retry later",
            )

    def _post_events(self):
        channel = (
            request.env["retail.sync.channel"]
            .sudo()
            .search([("user_id", "=", request.env.uid), ("active", "=", True)], limit=1)
        )
        if not channel:
            return json_problem(
                403,
                "no_channel",
                "this API key belongs to no active Retail Sync channel",
            )
        limit = channel.max_body_kb * 1024
        length = request.httprequest.content_length
        if length is not None and length > limit:
            return json_problem(
                413, "body_too_large", f"the body exceeds {channel.max_body_kb} KiB"
            )
        # Signatures are over the raw bytes. A body without Content-Length (chunked)
        # is read whole, within Odoo's own request size cap, then checked.
        body = request.httprequest.get_data()
        if len(body) > limit:
            return json_problem(
                413, "body_too_large", f"the body exceeds {channel.max_body_kb} KiB"
            )
        reception = (
            request.env["retail.sync.event"]
            .sudo()
            ._receive(channel, body, request.httprequest.headers)
        )
        return reception_response(reception)
