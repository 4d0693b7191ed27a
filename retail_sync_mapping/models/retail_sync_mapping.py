# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import pathlib

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.modules.module import get_module_path

from ..engine import mapper

PLATFORMS = [
    ("shopify", "Shopify"),
    ("woocommerce", "WooCommerce"),
    ("other", "Other platform"),
]
ENVELOPE_KEYS = ("id", "occurred_at", "ordering_key", "sequence")


class RetailSyncMapping(models.Model):
    """How a platform's native messages become canonical events: how a message is
    verified and recognised, and one rule per message kind. Presets ship as data
    (presets/<code>/<version>.json); an implementer copies one and adjusts it."""

    _name = "retail.sync.mapping"
    _inherit = ["retail.sync.manager.mixin"]
    _description = "Retail Sync Native Mapping"
    _order = "is_preset desc, name, version desc"

    name = fields.Char(required=True)
    code = fields.Char(
        required=True,
        help="Short name of the mapping; a preset's code and version "
        "identify it, as a contract's type and version do",
    )
    version = fields.Integer(required=True, default=1)
    platform = fields.Selection(PLATFORMS, required=True, default="other")
    is_preset = fields.Boolean(
        "Preset",
        readonly=True,
        copy=False,
        help="Shipped as data and updated with its addon: copy it to adjust it",
    )
    module = fields.Char(readonly=True, copy=False)
    active = fields.Boolean(default=True)
    description = fields.Text()
    topic_header = fields.Char(
        required=True,
        help="The request header naming the message kind (X-Shopify-Topic)",
    )
    delivery_id_headers = fields.Char(
        "Delivery id headers",
        required=True,
        help="Headers carrying the platform's own id of the message, comma separated, "
        "the first present wins; redeliveries with the same id are answered once",
    )
    signature_header = fields.Char(
        required=True,
        help="The header holding the HMAC-SHA256 of the raw body under the channel's "
        "webhook secret",
    )
    signature_encoding = fields.Selection(
        [("base64", "Base64"), ("hex", "Hexadecimal")],
        required=True,
        default="base64",
    )
    ping_field = fields.Char(
        help="A form post whose only field is this one is a creation ping, answered "
        "200 and not stored (WooCommerce: webhook_id)",
    )
    alert_when_silent = fields.Boolean(
        help="Raise the channel's 'Webhooks silent' alert when no message arrives for "
        "the channel's webhook silence period (a platform that disables a webhook "
        "after failed deliveries, such as WooCommerce, sends nothing more)",
    )
    rule_ids = fields.One2many(
        "retail.sync.mapping.rule", "mapping_id", "Rules", copy=True
    )
    rule_count = fields.Integer(compute="_compute_rule_count")
    channel_ids = fields.One2many("retail.sync.channel", "mapping_id", "Channels")

    _sql_constraints = [
        (
            "code_version_unique",
            "unique(code, version)",
            "A mapping code and version are unique.",
        ),
    ]

    @api.depends("rule_ids")
    def _compute_rule_count(self):
        for mapping in self:
            mapping.rule_count = len(mapping.rule_ids)

    @api.depends("name", "version")
    def _compute_display_name(self):
        for mapping in self:
            mapping.display_name = f"{mapping.name} v{mapping.version}"

    def _delivery_headers(self):
        self.ensure_one()
        return [h.strip() for h in (self.delivery_id_headers or "").split(",") if h]

    # ------------------------------------------------------------------ presets
    @api.model
    def _load_module_presets(self, module):
        """Create or update the presets of ``module`` (presets/<code>/<n>.json)."""
        folder = pathlib.Path(get_module_path(module)) / "presets"
        for path in sorted(folder.glob("*/*.json")):
            preset = json.loads(path.read_text())
            self.with_context(retail_sync_preset_load=True)._load_preset(preset, module)
        return True

    @api.model
    def _load_preset(self, preset, module):
        values = {
            key: preset[key]
            for key in (
                "name",
                "code",
                "version",
                "platform",
                "description",
                "topic_header",
                "signature_header",
                "signature_encoding",
                "ping_field",
                "alert_when_silent",
            )
            if key in preset
        }
        values["delivery_id_headers"] = ", ".join(preset["delivery_id_headers"])
        values.update(is_preset=True, module=module, active=True)
        values["rule_ids"] = [Command.clear()] + [
            Command.create(self.env["retail.sync.mapping.rule"]._values_from_preset(r))
            for r in preset["rules"]
        ]
        existing = self.with_context(active_test=False).search(
            [("code", "=", preset["code"]), ("version", "=", preset["version"])]
        )
        if existing:
            existing.write(values)
            return existing
        return self.create(values)

    def copy_data(self, default=None):
        default = dict(default or {})
        vals_list = super().copy_data(default)
        for mapping, vals in zip(self, vals_list, strict=True):
            if "code" not in default:
                vals["code"] = f"{mapping.code}-custom"
            if "name" not in default:
                vals["name"] = self.env._("%s (custom)", mapping.name)
        return vals_list

    def write(self, vals):
        if (
            not self.env.context.get("retail_sync_preset_load")
            and any(m.is_preset for m in self)
            and set(vals) - {"active"}
        ):
            raise UserError(
                self.env._("A preset is updated with its addon: copy it to adjust it.")
            )
        return super().write(vals)

    def action_copy_preset(self):
        """An editable copy of this mapping (a preset, usually)."""
        self.ensure_one()
        self._check_manager()
        copy = self.copy()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": copy.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_try(self):
        self.ensure_one()
        wizard = self.env["retail.sync.mapping.try"].create({"mapping_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Try %s", self.display_name),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    # ------------------------------------------------------------------ mapping
    def _matching_rules(self, document):
        """The active rules that recognise ``document`` (topic, then condition)."""
        self.ensure_one()
        return self.rule_ids.filtered(
            lambda rule: rule.active and mapper.rule_applies(rule._spec(), document)
        )

    def _matching_rules_safe(self, document):
        """The matching rules, or the MappingError of a failing condition."""
        try:
            return self._matching_rules(document)
        except mapper.MappingError as exc:
            return exc

    @api.constrains("topic_header", "signature_header", "delivery_id_headers")
    def _check_headers(self):
        for mapping in self:
            if not mapping._delivery_headers():
                raise ValidationError(
                    self.env._("Name at least one delivery id header.")
                )
