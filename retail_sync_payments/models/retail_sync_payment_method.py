# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RetailSyncPaymentMethod(models.Model):
    """Which journal a channel's payment method posts to (card, paypal, cash...)."""

    _name = "retail.sync.payment.method"
    _description = "Retail Sync Payment Method Mapping"
    _order = "channel_id, code"
    _rec_name = "code"
    _check_company_auto = True

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="channel_id.company_id", store=True, index=True
    )
    code = fields.Char(
        "Method code",
        required=True,
        help='The method as the channel sends it in payment events ("card", '
        '"paypal"), compared exactly.',
    )
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Bank or cash journal in which captured payments of this method are "
        "posted, and their refunds paid back.",
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "channel_code_unique",
            "unique(channel_id, code)",
            "A payment method is mapped once per channel.",
        ),
    ]

    @api.constrains("journal_id")
    def _check_journal_type(self):
        for mapping in self:
            if mapping.journal_id.type not in ("bank", "cash"):
                raise ValidationError(
                    self.env._(
                        "Payment method %(code)s must post to a bank or cash journal, "
                        "not %(journal)s.",
                        code=mapping.code,
                        journal=mapping.journal_id.display_name,
                    )
                )
