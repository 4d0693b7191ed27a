# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import traceback
from urllib.parse import urlencode

import psycopg2

from odoo import http
from odoo.http import request

from odoo.addons.retail_sync_core.controllers.responses import (
    json_problem,
    json_response,
)

_logger = logging.getLogger(__name__)


class RetailSyncNativeController(http.Controller):
    """POST /retail_sync/v1/native/<channel code>: a platform's own webhook
    (Shopify, WooCommerce...), authenticated by its HMAC under the channel's webhook
    secret, mapped by the channel's mapping into the canonical inbox."""

    @http.route(
        "/retail_sync/v1/native/<string:code>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def post_native(self, code, **_kwargs):
        try:
            return self._post_native(code)
        except psycopg2.OperationalError:
            raise  # a serialization failure: Odoo retries the whole request
        except Exception as exc:
            request.env.cr.rollback()
            # The message may quote the payload: class and place only.
            _logger.error(
                "Retail Sync: unexpected %s while receiving a native webhook\n%s",
                exc.__class__.__name__,
                "".join(traceback.format_tb(exc.__traceback__)),
            )
            return json_problem(
                500, "internal_error", "the webhook could not be stored; retry later"
            )

    def _post_native(self, code):
        channel = (
            request.env["retail.sync.channel"]
            .sudo()
            .search([("code", "=", code), ("active", "=", True)], limit=1)
        )
        if not channel or not channel.mapping_id:
            return json_problem(
                404,
                "no_channel",
                "no active Retail Sync channel with a native mapping has this code",
            )
        limit = channel.max_body_kb * 1024
        length = request.httprequest.content_length
        if length is not None and length > limit:
            return json_problem(
                413, "body_too_large", f"the body exceeds {channel.max_body_kb} KiB"
            )
        body = request.httprequest.get_data()
        if not body and request.httprequest.form:
            # Odoo parsed a form post (WooCommerce's creation ping) before the
            # route ran: its fields stand for the body.
            body = urlencode(list(request.httprequest.form.items(multi=True))).encode()
        if len(body) > limit:
            return json_problem(
                413, "body_too_large", f"the body exceeds {channel.max_body_kb} KiB"
            )
        # The channel's integration user stores the rows, as for canonical events.
        env = request.env(user=channel.user_id.id or 1, su=True)
        reception = env["retail.sync.native.message"]._receive(
            channel.with_env(env), body, request.httprequest.headers
        )
        headers = {}
        retry_after = reception.details.get("retry_after")
        if retry_after:
            headers["Retry-After"] = str(retry_after)
        return json_response(reception.status, reception.body(), headers)
