# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.modules.module import get_module_path

from ..engine import contracts as engine_contracts
from .retail_sync_domain import domain_selection

_logger = logging.getLogger(__name__)


class RetailSyncContract(models.Model):
    """A versioned event contract. The JSON Schema files shipped in each addon's
    contracts/ folder are the source of truth; these records mirror them (loaded on
    install and update) so channels can reference them and operators can read them.

    A contract names its domain and the handler model that applies its events: the
    drain finds both here and never names an event type."""

    _name = "retail.sync.contract"
    _inherit = ["retail.sync.cached.mixin"]
    _description = "Retail Sync Event Contract"
    _order = "event_type, version"
    _rec_names_search = ["event_type", "name"]

    name = fields.Char(string="Title", required=True)
    event_type = fields.Char(required=True, index=True)
    version = fields.Integer(required=True)
    domain = fields.Selection(domain_selection, required=True, default="system")
    handler_model = fields.Char(
        required=True,
        help="The retail.sync.handler model that applies events of this contract.",
    )
    description = fields.Text()
    ordering_key_template = fields.Char(
        required=True,
        help="Default ordering key, filled from the event: {data.store} takes the "
        "value at that path.",
    )
    absolute_state = fields.Boolean(
        help="Events carry an absolute state (a stock count): an event older than the "
        "last applied one of its key is skipped as stale."
    )
    retry_max_attempts = fields.Integer(default=8)
    retry_base_seconds = fields.Float(default=5.0)
    retry_max_seconds = fields.Float(default=3600.0)
    schema = fields.Json(
        help="The full JSON Schema of an event of this type and version"
    )
    schema_display = fields.Text("Schema (JSON)", compute="_compute_schema_display")
    module = fields.Char(help="Addon that ships the contract file", readonly=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "type_version_unique",
            "unique(event_type, version)",
            "One contract per version.",
        ),
    ]

    @api.depends("event_type", "version")
    def _compute_display_name(self):
        for contract in self:
            contract.display_name = f"{contract.event_type} v{contract.version}"

    @api.depends("schema")
    def _compute_schema_display(self):
        for contract in self:
            contract.schema_display = json.dumps(contract.schema, indent=2)

    @api.model
    def _load_module_contracts(self, module):
        """Create or update the contracts of ``module`` from its contracts/ folder."""
        folder = get_module_path(module) + "/contracts"
        for contract in engine_contracts.load_contract_dir(folder):
            values = {
                "name": contract.title,
                "event_type": contract.event_type,
                "version": contract.version,
                "domain": contract.domain,
                "handler_model": self._checked_handler(contract),
                "description": contract.description,
                "ordering_key_template": contract.ordering_key,
                "absolute_state": contract.absolute_state,
                "schema": contract.schema,
                "module": module,
                "active": True,
            }
            retry = contract.retry
            for key in ("max_attempts", "base_seconds", "max_seconds"):
                if key in retry:
                    values[f"retry_{key}"] = retry[key]
            existing = self.with_context(active_test=False).search(
                [
                    ("event_type", "=", contract.event_type),
                    ("version", "=", contract.version),
                ]
            )
            if existing:
                existing.write(values)
            else:
                self.create(values)
        return True

    @api.model
    def _checked_handler(self, contract):
        """The contract's handler model, refused at install when it is not a
        handler or its domain is not installed (a typo fails loudly, once)."""
        handler = contract.handler
        base = self.env.registry["retail.sync.handler"]
        if handler not in self.env or not isinstance(self.env[handler], base):
            raise UserError(
                self.env._(
                    "Contract %(type)s v%(version)s names %(handler)s, which is not "
                    "a retail.sync.handler model",
                    type=contract.event_type,
                    version=contract.version,
                    handler=handler,
                )
            )
        if contract.domain not in self.env["retail.sync.domain"]._labels():
            raise UserError(
                self.env._(
                    "Contract %(type)s v%(version)s belongs to domain %(domain)s, "
                    "which no installed addon defines",
                    type=contract.event_type,
                    version=contract.version,
                    domain=contract.domain,
                )
            )
        return handler

    def _handler(self):
        """The handler model that applies this contract's events."""
        self.ensure_one()
        return self.env[self.handler_model].sudo()

    @api.model
    @tools.ormcache()
    def _contract_index(self):
        """{(type, version): metadata} of active contracts, cached per registry.

        Schemas stay in the index so that validation needs no query per event.
        """
        rows = self.sudo().search_read(
            [],
            [
                "event_type",
                "version",
                "domain",
                "handler_model",
                "ordering_key_template",
                "absolute_state",
                "retry_max_attempts",
                "retry_base_seconds",
                "retry_max_seconds",
                "schema",
            ],
        )
        return {(row["event_type"], row["version"]): row for row in rows}

    @api.model
    @tools.ormcache()
    def _schemas(self):
        """{(type, version): full event schema}, cached like the index (the same
        schema objects, so compiled validators are reused)."""
        return {key: row["schema"] for key, row in self._contract_index().items()}
