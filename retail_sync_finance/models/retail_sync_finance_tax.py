# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RetailSyncFinanceTax(models.Model):
    """A POS tax code as Odoo books it: the Odoo tax, and whether the POS's prices
    include it (as the POS says; it decides how a line's amount splits into
    revenue and tax)."""

    _name = "retail.sync.finance.tax"
    _description = "Retail Sync POS Tax Mapping"
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
        "POS tax code", required=True, help="The code the POS sends on sale lines"
    )
    tax_id = fields.Many2one(
        "account.tax",
        "Odoo tax",
        required=True,
        check_company=True,
        domain="[('type_tax_use', '=', 'sale'), ('amount_type', '=', 'percent')]",
    )
    price_include = fields.Boolean(
        "Prices include it",
        help="The POS's unit prices include this tax (most stores). Off: the tax "
        "is added on top of the line's amount.",
    )
    account_id = fields.Many2one(
        "account.account",
        "Revenue account",
        check_company=True,
        help="Revenue of lines with this tax; empty: the store's revenue account",
    )

    _sql_constraints = [
        (
            "channel_code_unique",
            "unique(channel_id, code)",
            "A POS tax code is mapped once per channel.",
        ),
    ]

    @api.constrains("tax_id")
    def _check_tax_line_account(self):
        for mapping in self:
            if not mapping.tax_id.invoice_repartition_line_ids.filtered(
                lambda r: r.repartition_type == "tax" and r.account_id
            ):
                raise ValidationError(
                    self.env._(
                        "Tax %s has no account for its tax amount: set one on the "
                        "tax's distribution.",
                        mapping.tax_id.display_name,
                    )
                )
