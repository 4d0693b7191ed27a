# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncCustomerErasure(models.Model):
    """The audit row of one erasure request: what was done, when, for which
    channel's customer. It names the customer only by the channel's id (a
    pseudonym) and the Odoo record id."""

    _name = "retail.sync.customer.erasure"
    _description = "Retail Sync Customer Erasure"
    _order = "id desc"

    event_id = fields.Many2one("retail.sync.event", ondelete="set null", index=True)
    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade"
    )
    customer_ref = fields.Char("Channel's customer id", required=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Odoo customer",
        ondelete="set null",
        context={"active_test": False},
    )
    partner_ref = fields.Integer("Odoo customer id", help="Kept when it was deleted")
    outcome = fields.Selection(
        [
            ("deleted", "Deleted"),
            ("anonymized", "Anonymized and archived"),
            ("not_found", "No Odoo customer"),
        ],
        required=True,
    )
    outcome_reason = fields.Char("Why")
    requested_at = fields.Datetime(help="When the customer asked (occurred_at)")
    events_purged = fields.Integer("Payloads purged")
    events_kept = fields.Integer(
        "Payloads kept",
        help="Events about the customer still to apply (queued, waiting, failed): "
        "their payloads are purged by the retention policy once they are done.",
    )
