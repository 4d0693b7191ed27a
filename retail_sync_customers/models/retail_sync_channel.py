# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncChannel(models.Model):
    _inherit = "retail.sync.channel"

    customer_country_id = fields.Many2one(
        "res.country",
        "Customers' country",
        help="Default region of the phone numbers this channel sends without their "
        "international prefix (020 7946 0958 is a London number for a British "
        "store). Empty: the company's country.",
    )

    def _customer_region(self):
        """ISO code of the default region of this channel's phone numbers."""
        self.ensure_one()
        country = self.customer_country_id or self.company_id.country_id
        return country.code or None
