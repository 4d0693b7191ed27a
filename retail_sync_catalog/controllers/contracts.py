# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http

from odoo.addons.retail_sync_core.controllers.responses import (
    json_problem,
    json_response,
)

from ..engine import catalog


class RetailSyncOutboundContractsController(http.Controller):
    """The contracts of the documents Odoo pushes to channels (catalog), as JSON
    Schema, for channel developers: served like the inbound event contracts."""

    @http.route(
        "/retail_sync/v1/outbound_contracts",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def outbound_contract_index(self):
        return json_response(
            200,
            {
                "contracts": [
                    {
                        "type": document_type,
                        "version": version,
                        "title": schema.get("title"),
                        "description": schema.get("description"),
                        "url": "/retail_sync/v1/outbound_contracts/"
                        f"{document_type}/{version}",
                    }
                    for (document_type, version), schema in sorted(
                        catalog.contracts().items()
                    )
                ]
            },
        )

    @http.route(
        "/retail_sync/v1/outbound_contracts/<string:document_type>/<int:version>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    def outbound_contract_schema(self, document_type, version):
        schema = catalog.contracts().get((document_type, version))
        if schema is None:
            return json_problem(
                404,
                "unknown_contract",
                f"no outbound contract {document_type[:100]} v{version}",
            )
        return json_response(200, schema)
