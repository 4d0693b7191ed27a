# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RetailSyncMapping(models.Model):
    """A mapping of a polled source: its native message kind is the polled table
    (the channel's topic), one row is one message; it has no webhook headers."""

    _inherit = "retail.sync.mapping"

    platform = fields.Selection(
        selection_add=[("polled", "Polled source (legacy POS)")],
        ondelete={"polled": "set default"},
    )
    # Webhook headers mean nothing to a polled source: required in the form of a
    # webhook mapping only.
    topic_header = fields.Char(required=False)
    delivery_id_headers = fields.Char(required=False)
    signature_header = fields.Char(required=False)

    @api.constrains("topic_header", "signature_header", "delivery_id_headers")
    def _check_headers(self):
        webhooks = self.filtered(lambda m: m.platform != "polled")
        for mapping in webhooks:
            if not (mapping.topic_header and mapping.signature_header):
                raise ValidationError(
                    self.env._(
                        "Mapping %s receives webhooks: name its topic and signature "
                        "headers.",
                        mapping.display_name,
                    )
                )
        return super(RetailSyncMapping, webhooks)._check_headers()
