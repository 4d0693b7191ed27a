# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

import werkzeug.exceptions

from odoo import models
from odoo.http import request

from ..controllers.responses import json_problem

_BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _auth_method_retail_sync_key(cls):
        """Odoo API key of a channel's integration user, as auth='bearer' checks it,
        but for machines only: no session fallback, and a JSON 401 when it fails."""
        header = request.httprequest.headers.get("Authorization", "")
        match = _BEARER.match(header)
        if not match:
            raise werkzeug.exceptions.Unauthorized(
                response=json_problem(
                    401,
                    "missing_credentials",
                    'send the channel\'s API key as "Authorization: Bearer <key>"',
                    {"WWW-Authenticate": "Bearer"},
                )
            )
        uid = request.env["res.users.apikeys"]._check_credentials(
            scope="rpc", key=match.group(1).strip()
        )
        if not uid:
            raise werkzeug.exceptions.Unauthorized(
                response=json_problem(
                    401,
                    "bad_credentials",
                    "the API key is not valid",
                    {"WWW-Authenticate": "Bearer"},
                )
            )
        request.update_env(user=uid)
