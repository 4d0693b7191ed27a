# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..engine.normalize import normalize_phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    retail_sync_phone_e164 = fields.Char(
        "Phone (E.164)",
        compute="_compute_retail_sync_e164",
        store=True,
        index=True,
        help="The phone as matched by Retail Sync: E.164, the partner's country (or "
        "the company's) as the default region.",
    )
    retail_sync_mobile_e164 = fields.Char(
        "Mobile (E.164)", compute="_compute_retail_sync_e164", store=True, index=True
    )
    retail_sync_phone_flagged = fields.Boolean(
        "Phone to check",
        copy=False,
        index=True,
        help="A channel sent a phone number that does not parse: it is kept as sent "
        "(Phone as sent) for someone to correct.",
    )
    retail_sync_phone_raw = fields.Char("Phone as sent", copy=False)
    retail_sync_loyalty_id = fields.Char("Loyalty id", copy=False, index=True)
    retail_sync_marketing_email = fields.Boolean("Marketing by email", copy=False)
    retail_sync_marketing_sms = fields.Boolean("Marketing by SMS", copy=False)
    retail_sync_erased_at = fields.Datetime(
        "Erased at",
        copy=False,
        readonly=True,
        help="When an erasure request anonymized it",
    )

    @api.depends("phone", "mobile", "country_id")
    def _compute_retail_sync_e164(self):
        default = self.env.company.country_id.code
        for partner in self:
            region = partner.country_id.code or default
            partner.retail_sync_phone_e164 = normalize_phone(partner.phone, region)[0]
            partner.retail_sync_mobile_e164 = normalize_phone(partner.mobile, region)[0]

    def write(self, vals):
        result = super().write(vals)
        if not self.env.context.get("retail_sync_inbound"):
            self.env["retail.sync.field.owner"]._flag_odoo_edits(
                self._retail_sync_bound(), vals
            )
        return result

    def _retail_sync_bound(self):
        """These partners that a channel feeds (bound as a customer)."""
        if not self.ids:
            return self.browse()
        bindings = (
            self.env["retail.sync.binding"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", self.ids),
                    ("kind", "=", "customer"),
                ],
                ["res_id"],
            )
        )
        return self.browse(sorted(set(bindings.mapped("res_id"))))
