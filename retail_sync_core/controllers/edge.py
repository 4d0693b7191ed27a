# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The API's answers when Odoo cannot serve it: JSON 503 with Retry-After, never the
HTML 404 page Odoo falls back to (and a JSON 404 for a path no route can match).

While PostgreSQL restarts or is unreachable, or a worker has not loaded the
database's registry, Odoo resolves no database for the request and serves it with the
routes that need none, where /retail_sync/ does not exist: a channel that took that 404
as final would drop its events. The patch is installed by the addon's post_load hook,
so with ``retail_sync_core`` among the server-wide modules it is there from the
start, before any database is loaded (queue_job's jobrunner is loaded the same way).
"""

import logging

import psycopg2
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.sql_db import PoolError

from .responses import json_problem

_logger = logging.getLogger(__name__)

API_PREFIX = "/retail_sync/"
# Seconds a channel should wait before retrying while the database is unavailable.
RETRY_AFTER = 5
UNAVAILABLE = (psycopg2.OperationalError, psycopg2.InterfaceError, PoolError)


def _is_api(request):
    return request.httprequest.path.startswith(API_PREFIX)


def unavailable_response(reason):
    return json_problem(
        503,
        "unavailable",
        f"{reason}; nothing was stored, retry after {RETRY_AFTER} s",
        {"Retry-After": str(RETRY_AFTER)},
        retry_after=RETRY_AFTER,
    )


def install():
    """Wrap Odoo's request serving for /retail_sync/ paths (once per process)."""
    Request = http.Request
    if getattr(Request, "_retail_sync_edge", False):
        return
    serve_nodb = Request._serve_nodb
    serve_db = Request._serve_db

    def _serve_nodb(self):
        if _is_api(self):
            return unavailable_response(
                "the server has no database to serve this request (it is starting, "
                "or PostgreSQL is unreachable)"
            )
        return serve_nodb(self)

    def _serve_db(self):
        if not _is_api(self):
            return serve_db(self)
        try:
            return serve_db(self)
        except NotFound:
            # A path even the catch-all route cannot match (werkzeug's path
            # converter stops at a newline): JSON, as for every API path.
            return json_problem(
                404, "not_found", "no such API path; see /retail_sync/v1/openapi.json"
            )
        except UNAVAILABLE as exc:
            # Lost the connection mid-request, or serialization retries exhausted:
            # the transaction rolled back, the channel sends again.
            _logger.warning(
                "Retail Sync: database unavailable for %s (%s)",
                self.httprequest.path,
                exc.__class__.__name__,
            )
            return unavailable_response("the database is unavailable")

    Request._serve_nodb = _serve_nodb
    Request._serve_db = _serve_db
    Request._retail_sync_edge = True
