# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""JSON answers of the machine endpoints: never HTML, never a traceback."""

import json

from werkzeug.wrappers import Response


def json_response(status, body, headers=None):
    """A JSON response built without a request (usable from an auth method)."""
    response = Response(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def json_problem(status, error, message, headers=None, **extra):
    return json_response(
        status, {"status": status, "error": error, "message": message, **extra}, headers
    )
