# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError


class RetailSyncHandlerPosDayClosed(models.AbstractModel):
    """pos.day.closed: record a store's Z report (a later report of the same day
    replaces it); the reconciliation run compares it with the day."""

    _name = "retail.sync.handler.pos.day.closed"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: POS day closed (Z report)"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        # The store must exist (MissingBindingError otherwise) and have settings.
        self.env["retail.sync.binding"]._resolve_store(event.channel_id, data["store"])
        store = (
            self.env["retail.sync.finance.store"]
            .sudo()
            ._of_stores(event.channel_id, [data["store"]])
            .get(data["store"])
        )
        if not store:
            raise PermanentError(
                self.env._(
                    "store %(store)s of channel %(channel)s has no finance settings: "
                    "add them under Retail Sync > Finance > Configuration > Stores, "
                    "then replay",
                    store=data["store"],
                    channel=event.channel_id.code,
                )
            )
        if data.get("currency") and data["currency"] != store.currency_id.name:
            raise PermanentError(
                self.env._(
                    "the Z report is in %(currency)s, store %(store)s books in "
                    "%(store_currency)s",
                    currency=data["currency"],
                    store=data["store"],
                    store_currency=store.currency_id.name,
                )
            )
        methods, taxes = defaultdict(float), defaultdict(float)
        for payment in data["payments"]:
            methods[payment["method"]] += payment["amount"]
        for tax in data.get("taxes") or []:
            taxes[tax["code"]] += tax["amount"]
        currency = store.currency_id
        business_date = fields.Date.to_date(data["business_date"])
        values = {
            "finance_store_id": store.id,
            "business_date": business_date,
            "receipt_count": data["receipt_count"],
            "first_receipt_number": data.get("first_receipt_number"),
            "last_receipt_number": data.get("last_receipt_number"),
            "methods": {k: currency.round(v) for k, v in sorted(methods.items())},
            "taxes": {k: currency.round(v) for k, v in sorted(taxes.items())},
            "total": currency.round(sum(methods.values())),
            "event_id": event.id,
            "state": "received",
        }
        Report = self.env["retail.sync.day.report"].sudo()
        report = Report.search(
            [("finance_store_id", "=", store.id), ("business_date", "=", business_date)]
        )
        if report:
            report.write(values)
        else:
            report = Report.create(values)
        event._link(report)
        return {"z_report": report.id, "business_date": data["business_date"]}
