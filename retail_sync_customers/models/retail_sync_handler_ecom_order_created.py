# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class RetailSyncHandlerEcomOrderCreated(models.AbstractModel):
    """Web orders and standalone payments (retail_sync_payments calls this same
    method) find their customer with the customers' matching: binding, email,
    phone; an ambiguous customer makes the order wait for review."""

    _inherit = "retail.sync.handler.ecom.order.created"

    @api.model
    def _customer(self, customer, event=None):
        if event is None:
            return super()._customer(customer, event)
        return self.env["retail.sync.customer.resolver"]._customer_of(event, customer)
