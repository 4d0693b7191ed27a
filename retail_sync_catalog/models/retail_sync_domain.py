# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncDomain(models.Model):
    _inherit = "retail.sync.domain"

    coalesce_window_seconds = fields.Integer(
        "Coalescing window (s)",
        default=0,
        help="Outbound domains (catalog): changes of a record within this many "
        "seconds of its first change are sent as one document with the final "
        "value. A channel may set its own window on its subscription.",
    )

    def _setting_values(self):
        values = super()._setting_values()
        values["coalesce_window_seconds"] = self.coalesce_window_seconds
        return values
