# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from .responses import json_problem, json_response


class RetailSyncContractsController(http.Controller):
    """The event contracts, as JSON Schema, for channel developers."""

    @http.route(
        "/retail_sync/v1/contracts",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def contract_index(self):
        contracts = request.env["retail.sync.contract"].sudo().search([])
        return json_response(
            200,
            {
                "envelope_version": 1,
                "contracts": [
                    {
                        "type": c.event_type,
                        "version": c.version,
                        "title": c.name,
                        "domain": c.domain,
                        "ordering_key": c.ordering_key_template,
                        "absolute_state": c.absolute_state,
                        "url": f"/retail_sync/v1/contracts/{c.event_type}/{c.version}",
                    }
                    for c in contracts
                ],
            },
        )

    @http.route(
        "/retail_sync/v1/contracts/<string:event_type>/<int:version>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def contract_schema(self, event_type, version):
        if "\x00" in event_type:  # no such type, and PostgreSQL cannot search it
            return json_problem(
                404, "unknown_contract", "no contract with that type and version"
            )
        contract = (
            request.env["retail.sync.contract"]
            .sudo()
            .search([("event_type", "=", event_type), ("version", "=", version)])
        )
        if not contract:
            return json_problem(
                404, "unknown_contract", f"no contract {event_type} v{version}"
            )
        return json_response(200, contract.schema)
