# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import re
import time

import werkzeug.exceptions

from odoo import models
from odoo.http import request

from ..controllers.responses import json_problem

_BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)

# Verified keys, per worker process: Odoo hashes API keys with PBKDF2 (about 3 ms a
# check), too slow to pay on every event. A revoked key stops working within the TTL.
KEY_CACHE_TTL = 30.0
KEY_CACHE_SIZE = 4096
_verified_keys = {}


def _cached_uid(dbname, token):
    digest = hashlib.sha256(f"{dbname}:{token}".encode()).hexdigest()
    hit = _verified_keys.get(digest)
    if hit and hit[1] > time.monotonic():
        return digest, hit[0]
    return digest, None


def _remember_uid(digest, uid):
    if len(_verified_keys) >= KEY_CACHE_SIZE:
        _verified_keys.clear()
    _verified_keys[digest] = (uid, time.monotonic() + KEY_CACHE_TTL)


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
        token = match.group(1).strip()
        digest, uid = _cached_uid(request.env.cr.dbname, token)
        if not uid:
            uid = request.env["res.users.apikeys"]._check_credentials(
                scope="rpc", key=token
            )
            if uid:
                _remember_uid(digest, uid)
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
