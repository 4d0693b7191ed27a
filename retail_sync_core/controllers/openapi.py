# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from .responses import json_response


class RetailSyncOpenApiController(http.Controller):
    """The OpenAPI 3.1 document of every /retail_sync/ route, built from the
    installed contracts."""

    @http.route(
        "/retail_sync/v1/openapi.json",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def openapi_document(self):
        return json_response(
            200, request.env["retail.sync.contract"].sudo()._openapi_document()
        )
