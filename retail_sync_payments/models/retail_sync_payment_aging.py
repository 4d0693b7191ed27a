# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payment side of order aging (see retail_sync_ecom's retail_sync_order_aging):
paid web orders not shipped, payments waiting for their order, refunds waiting for
their payment, beyond the channel's targets."""

from odoo import api, fields, models

from .retail_sync_channel import PAYMENTS_WAITING_ALERT


class RetailSyncAlert(models.Model):
    _inherit = "retail.sync.alert"

    condition = fields.Selection(
        selection_add=[
            (PAYMENTS_WAITING_ALERT, "Payments or refunds waiting beyond target")
        ],
        ondelete={PAYMENTS_WAITING_ALERT: "cascade"},
    )

    @api.model
    def _conditions(self):
        conditions = super()._conditions()
        conditions[PAYMENTS_WAITING_ALERT] = self._check_payments_waiting
        return conditions

    @api.model
    def _check_payments_waiting(self, channel, snapshot):
        """Payments waiting for their order, refunds for their payment."""
        return self.env["retail.sync.channel"]._aging_alert_detail(
            channel, snapshot["now"], PAYMENTS_WAITING_ALERT
        )


class RetailSyncOrderAging(models.Model):
    # Inherited so that its view is rebuilt with the paid-not-shipped condition.
    _inherit = "retail.sync.order.aging"
