# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class RetailSyncAlert(models.Model):
    _inherit = "retail.sync.alert"

    condition = fields.Selection(
        selection_add=[("poll_source_down", "Polled source down")],
        ondelete={"poll_source_down": "cascade"},
    )

    @api.model
    def _conditions(self):
        return {**super()._conditions(), "poll_source_down": self._check_poll_down}

    @api.model
    def _check_poll_down(self, channel, snapshot):
        """A polled channel whose source failed the channel's threshold of polls in
        a row: nothing new arrives until it is back (then nothing is skipped)."""
        if channel.kind != "polled":
            return False
        state = (
            self.env["retail.sync.poll.state"]
            .sudo()
            .search([("channel_id", "=", channel.id)], limit=1)
        )
        if not state or state.failures < max(channel.poll_alert_failures, 1):
            return False
        return self.env._(
            "The polled source has failed %(failures)s times in a row since "
            "%(since)s; the watermark stays at %(watermark)s and polls back off. "
            "Last error: %(error)s",
            failures=state.failures,
            since=fields.Datetime.to_string(state.failing_since),
            watermark=state.watermark or "-",
            error=state.last_error or "-",
        )
