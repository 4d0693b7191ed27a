# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .retail_sync_payload_retention import DEFAULT_RETENTION_DAYS, RETENTION_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    retail_sync_payload_retention_days = fields.Integer(
        "Keep payloads (days)",
        config_parameter=RETENTION_PARAM,
        default=DEFAULT_RETENTION_DAYS,
        help="Applied and skipped events, and delivered or dead pushes, lose their "
        "payload this many days after they were received and last changed; their "
        "metadata stays. Dead letters keep theirs until replayed or skipped. "
        "0 keeps payloads forever.",
    )

    @api.constrains("retail_sync_payload_retention_days")
    def _check_retail_sync_payload_retention_days(self):
        if any(settings.retail_sync_payload_retention_days < 0 for settings in self):
            raise ValidationError(
                self.env._("Payloads are kept for 0 days (forever) or more.")
            )
