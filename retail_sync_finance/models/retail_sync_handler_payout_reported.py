# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerPayoutReported(models.AbstractModel):
    """payout.reported: record a provider's payout once per reference (the same
    payout again updates it); the reconciliation run compares it with the
    payments Odoo captured."""

    _name = "retail.sync.handler.payout.reported"
    _inherit = "retail.sync.handler.payment"
    _description = "Retail Sync Handler: payout reported"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        currency = self._currency(data["currency"])
        if currency != event.channel_id.company_id.currency_id:
            raise PermanentError(
                self.env._(
                    "payout %(payout)s is in %(currency)s; only the company "
                    "currency is reconciled",
                    payout=data["payout_ref"],
                    currency=currency.name,
                )
            )
        values = {
            "channel_id": event.channel_id.id,
            "company_id": event.channel_id.company_id.id,
            "payout_ref": data["payout_ref"],
            "paid_on": fields.Date.to_date(data["paid_on"])
            if data.get("paid_on")
            else False,
            "currency_id": currency.id,
            "gross": currency.round(data["gross"]),
            "fees": currency.round(data["fees"]),
            "refunds": currency.round(data["refunds"]),
            "net": currency.round(data["net"]),
            "payments": data["payments"],
            "payment_count": len(data["payments"]),
            "event_id": event.id,
            "state": "received",
        }
        Payout = self.env["retail.sync.payout"].sudo()
        payout = Payout.search(
            [
                ("channel_id", "=", event.channel_id.id),
                ("payout_ref", "=", data["payout_ref"]),
            ]
        )
        if payout:
            payout.write(values)
        else:
            payout = Payout.create(values)
        event._link(payout)
        return {"payout": payout.payout_ref, "payments": payout.payment_count}
