# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..engine.mapper import TransformError


class RetailSyncChannel(models.Model):
    _inherit = "retail.sync.channel"

    mapping_id = fields.Many2one(
        "retail.sync.mapping",
        "Native mapping",
        help="The channel sends its platform's own webhooks to "
        "/retail_sync/v1/native/<code>; this mapping verifies and maps them",
    )
    native_platform = fields.Selection(related="mapping_id.platform")
    native_secret = fields.Char(
        "Webhook secret",
        copy=False,
        groups="base.group_system",
        help="The platform's webhook signing secret (Shopify: the app's client "
        "secret; WooCommerce: the webhook's secret)",
    )
    native_secret_previous = fields.Char(
        "Previous webhook secret",
        copy=False,
        groups="base.group_system",
        help="Still accepted while the platform moves to the new secret",
    )
    native_silence_minutes = fields.Integer(
        "Webhook silence alert (min)",
        default=60,
        help="With a mapping that alerts when silent: raise the alert after this "
        "long without any webhook (0: never)",
    )
    native_message_ids = fields.One2many(
        "retail.sync.native.message", "channel_id", "Native messages"
    )

    def _native_secrets(self):
        self.ensure_one()
        channel = self.sudo()
        return [s for s in (channel.native_secret, channel.native_secret_previous) if s]

    def _mapping_lookup(self):
        """The binding transform's lookup for this channel: the external ref's
        bound record, or a field of it (kind:field)."""
        self.ensure_one()
        Binding = self.env["retail.sync.binding"].sudo()

        def lookup(kind, ref, field_name):
            binding = Binding.search(
                [
                    ("channel_id", "=", self.id),
                    ("kind", "=", kind),
                    ("external_ref", "=", ref),
                ],
                limit=1,
            )
            target = binding and binding._target()
            if not target:
                raise TransformError(
                    f"no {kind} binding for {ref!r} on channel {self.code}"
                )
            if not field_name:
                return target.display_name
            if field_name not in target._fields:
                raise TransformError(f"{target._name} has no field {field_name}")
            value = target[field_name]
            return value if value is not False else None

        return lookup

    def action_open_native_messages(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Native messages"),
            "res_model": "retail.sync.native.message",
            "view_mode": "list,form",
            "domain": [("channel_id", "=", self.id)],
        }
