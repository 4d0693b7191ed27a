# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncChannel(models.Model):
    """A channel's payment settings: the journal of each payment method, and who
    pays a payment that names no order and no customer."""

    _inherit = "retail.sync.channel"

    payment_method_ids = fields.One2many(
        "retail.sync.payment.method",
        "channel_id",
        string="Payment methods",
        help="The journal each payment method of this channel posts to. A payment "
        "event with a method not listed here becomes a dead letter until it is "
        "added, then replayed.",
    )
    payment_partner_id = fields.Many2one(
        "res.partner",
        string="Standalone payments partner",
        help="Customer of the payments that name neither an order nor a customer "
        "(a walk-in store customer). Without it such payments are refused.",
    )

    def _payment_journal(self, method):
        """The journal ``method`` is mapped to; PermanentError naming the mapping
        to add when there is none."""
        self.ensure_one()
        mapping = self.payment_method_ids.filtered(lambda m: m.code == method)[:1]
        if not mapping:
            raise PermanentError(
                self.env._(
                    "no journal is mapped to payment method %(method)r on channel "
                    "%(channel)s: add it under Retail Sync > Configuration > Channels "
                    "> %(channel)s > Payments, then replay",
                    method=method,
                    channel=self.code,
                )
            )
        return mapping.journal_id
