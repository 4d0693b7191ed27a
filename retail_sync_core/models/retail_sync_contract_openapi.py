# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models, tools

from ..engine import openapi


class RetailSyncContract(models.Model):
    _inherit = "retail.sync.contract"

    @api.model
    @tools.ormcache()
    def _openapi_document(self):
        """The OpenAPI 3.1 document of the API with the active contracts, cached per
        registry like ``_contract_index`` (any contract change clears it). Shared:
        callers must not change it."""
        contracts = self.sudo().search([])
        return openapi.build_document(
            [
                {
                    "type": c.event_type,
                    "version": c.version,
                    "title": c.name,
                    "domain": c.domain,
                    "ordering_key": c.ordering_key_template,
                    "absolute_state": c.absolute_state,
                    "schema": c.schema,
                }
                for c in contracts
            ]
        )
