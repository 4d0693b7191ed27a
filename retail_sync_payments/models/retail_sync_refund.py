# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncRefund(models.Model):
    """One refund a channel issued, by its refund reference, and what it produced:
    the credit note, the refund payment and, for restocked web order lines, the
    return of the delivered goods. The unique (channel, reference) row is what
    makes a refund post once, whatever the redeliveries."""

    _name = "retail.sync.refund"
    _description = "Retail Sync Channel Refund"
    _order = "id desc"
    _rec_name = "refund_ref"
    _check_company_auto = True

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    refund_ref = fields.Char(
        "Refund reference", required=True, help="The channel's refund id"
    )
    payment_id = fields.Many2one(
        "retail.sync.payment",
        "Payment refunded",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    sale_order_id = fields.Many2one(
        related="payment_id.sale_order_id", store=True, index="btree_not_null"
    )
    receipt_ref = fields.Char("Receipt", help="POS receipt refunded")
    amount = fields.Monetary(required=True, help="Total refunded, taxes included")
    currency_id = fields.Many2one("res.currency", required=True)
    reason = fields.Char()
    credit_note_id = fields.Many2one(
        "account.move", "Credit note", readonly=True, check_company=True
    )
    refund_payment_id = fields.Many2one(
        "account.payment", "Refund payment", readonly=True, check_company=True
    )
    return_picking_ids = fields.Many2many(
        "stock.picking",
        string="Return pickings",
        readonly=True,
        help="Validated returns of the delivered goods of restocked lines",
    )
    event_id = fields.Many2one("retail.sync.event", ondelete="set null", readonly=True)

    _sql_constraints = [
        (
            "channel_refund_ref_unique",
            "unique(channel_id, refund_ref)",
            "A channel's refund reference is applied once.",
        ),
    ]
