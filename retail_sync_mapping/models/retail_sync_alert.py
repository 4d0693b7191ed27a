# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class RetailSyncAlert(models.Model):
    _inherit = "retail.sync.alert"

    condition = fields.Selection(
        selection_add=[("native_silent", "Webhooks silent")],
        ondelete={"native_silent": "cascade"},
    )

    @api.model
    def _conditions(self):
        return {**super()._conditions(), "native_silent": self._check_native_silent}

    @api.model
    def _check_native_silent(self, channel, snapshot):
        """A shop whose webhooks stopped: WooCommerce disables a webhook after five
        failed deliveries and never retries, so silence is the only sign."""
        mapping = channel.mapping_id
        minutes = channel.native_silence_minutes
        if not mapping.alert_when_silent or minutes <= 0:
            return False
        self.env["retail.sync.native.message"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT max(received_at) FROM retail_sync_native_message"
                " WHERE channel_id = %s",
                channel.id,
            )
        )
        last = self.env.cr.fetchone()[0]
        now = snapshot.get("now") or fields.Datetime.now()
        start = last or channel.create_date
        if start and now - start <= timedelta(minutes=minutes):
            return False
        if last:
            return self.env._(
                "No %(platform)s webhook since %(last)s (silence alert after "
                "%(minutes)s min): check the shop's webhooks are active.",
                platform=mapping.name,
                last=fields.Datetime.to_string(last),
                minutes=minutes,
            )
        return self.env._(
            "No %(platform)s webhook received yet (silence alert after %(minutes)s "
            "min): check the shop's webhooks point at this channel.",
            platform=mapping.name,
            minutes=minutes,
        )
