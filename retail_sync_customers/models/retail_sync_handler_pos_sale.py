# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncHandlerPosSale(models.AbstractModel):
    """A store sale that names a customer finds (or creates) them with the
    customers' matching. A sale never waits for a review (its stock must leave the
    shelf now): an ambiguous customer leaves a review and the sale applies."""

    _inherit = "retail.sync.handler.pos.sale"

    @api.model
    def _sale_customer(self, event, customer):
        if not any(customer.get(key) for key in ("id", "email", "name")):
            return super()._sale_customer(event, customer)
        partner = self.env["retail.sync.customer.resolver"]._customer_of(
            event, customer, wait=False
        )
        if partner:
            event._link(partner)
            return {"customer": partner.id}
        return {"customer": None, "customer_review": True}
