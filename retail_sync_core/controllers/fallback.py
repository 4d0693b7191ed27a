# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import MethodNotAllowed, NotFound

from odoo import http
from odoo.http import request

from .responses import json_problem

CATCH_ALL = "/retail_sync/<path:rest>"
ROOTS = ["/retail_sync", "/retail_sync/"]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# Methods a route may serve (OPTIONS is answered for any route, HEAD with GET).
SERVED = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class RetailSyncFallbackController(http.Controller):
    """Every path and method under /retail_sync/ that no route serves: a JSON 404,
    or a JSON 405 with Allow when the path exists for other methods (Odoo would
    answer its HTML pages)."""

    @http.route(
        [CATCH_ALL, *ROOTS],
        type="http",
        auth="none",
        methods=METHODS,
        csrf=False,
        save_session=False,
        readonly=True,
    )
    def not_served(self, rest=""):
        allowed = self._allowed_methods()
        if allowed:
            return json_problem(
                405,
                "method_not_allowed",
                f"{request.httprequest.method} is not allowed here; use "
                + ", ".join(allowed),
                {"Allow": ", ".join(allowed)},
                allowed=allowed,
            )
        return json_problem(
            404,
            "not_found",
            f"no such API path: {request.httprequest.path}; see "
            "/retail_sync/v1/openapi.json",
        )

    def _allowed_methods(self):
        """The methods another route serves at this path."""
        adapter = (
            request.env["ir.http"]
            .routing_map()
            .bind_to_environ(request.httprequest.environ)
        )
        allowed = []
        for method in SERVED:
            try:
                rule, _args = adapter.match(method=method, return_rule=True)
            except (NotFound, MethodNotAllowed):
                continue
            if rule.rule != CATCH_ALL and rule.rule not in ROOTS:
                allowed.append(method)
        if "GET" in allowed:
            allowed.insert(allowed.index("GET") + 1, "HEAD")
        return allowed
