# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import ledger

RECEIPT_KINDS = [("sale", "Sale"), ("refund", "Refund")]


class RetailSyncFinanceReceipt(models.Model):
    """What one applied store sale or refund books: its summary (lines, taxes and
    payments in minor units, see engine/ledger.py), its store day and the result
    of its totals check. Written when the POS handler applies the event, so the
    day entry never needs the event's payload (retention may purge it)."""

    _name = "retail.sync.finance.receipt"
    _description = "Retail Sync Store Receipt (finance)"
    _order = "occurred_at, id"
    _rec_name = "receipt_number"
    _check_company_auto = True

    event_id = fields.Many2one(
        "retail.sync.event", required=True, ondelete="restrict", index=True
    )
    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    finance_store_id = fields.Many2one(
        "retail.sync.finance.store", "Store", required=True, index=True
    )
    day_id = fields.Many2one(
        "retail.sync.store.day", "Store day", required=True, index=True
    )
    kind = fields.Selection(RECEIPT_KINDS, required=True)
    register = fields.Char()
    receipt_number = fields.Char(required=True, index=True)
    original_receipt_number = fields.Char("Refunds receipt")
    occurred_at = fields.Datetime(required=True)
    business_date = fields.Date(
        required=True, help="The business day the receipt belongs to"
    )
    late_from_date = fields.Date(
        "Late for",
        help="The day the receipt belongs to, already posted when it arrived: it "
        "is booked in this (the next open) day instead",
    )
    currency_id = fields.Many2one("res.currency", required=True)
    summary = fields.Json(help="Lines and payments in minor units")
    total = fields.Monetary(help="What the payments come to")
    computed_total = fields.Monetary(help="What the lines and their taxes come to")
    difference = fields.Monetary(
        help="Payments minus lines and taxes, beyond the rounding tolerance"
    )
    flagged = fields.Boolean(
        help="The totals check failed (or a tax code is not mapped): the receipt "
        "is a reconciliation exception, its difference parked on the differences "
        "account",
    )

    _sql_constraints = [
        (
            "event_unique",
            "unique(event_id)",
            "An event records one receipt.",
        ),
    ]

    # ------------------------------------------------------------- recording
    @api.model
    def _record_events(self, events, refund=False):
        """The receipts of applied POS sale (or refund) events of stores with
        finance settings; an event already recorded (a forced replay) is left as
        it was. Then the totals check of each new receipt."""
        Store = self.env["retail.sync.finance.store"].sudo()
        done = set(self.sudo().search([("event_id", "in", events.ids)]).event_id.ids)
        values = []
        days = {}  # (store, business date): (day, late from), once per batch
        codes_by_channel = defaultdict(set)
        for event in events:
            codes_by_channel[event.channel_id.id].add(event.payload["data"]["store"])
        stores = Store._of_channel_stores(codes_by_channel)
        for channel in events.channel_id:
            channel_events = events.filtered(
                lambda e, c=channel: e.channel_id == c and e.id not in done
            )
            originals = self._originals(channel, channel_events) if refund else {}
            for event in channel_events:
                data = event.payload["data"]
                store = stores.get((channel.id, data["store"]))
                if store:
                    values.append(
                        self._values(event, data, store, refund, originals, days)
                    )
        receipts = self.sudo().create(values) if values else self.sudo()
        receipts._check_totals()
        return receipts

    @api.model
    def _originals(self, channel, events):
        """{(store code, receipt number): summary} of the sales refunded."""
        numbers = {e.payload["data"]["original_receipt_number"] for e in events}
        sales = self.sudo().search(
            [
                ("channel_id", "=", channel.id),
                ("kind", "=", "sale"),
                ("receipt_number", "in", list(numbers)),
            ]
        )
        return {
            (s.finance_store_id.store_code, s.receipt_number): s.summary for s in sales
        }

    @api.model
    def _values(self, event, data, store, refund, originals, days=None):
        digits = store._digits()
        if refund:
            summary = ledger.summarize_refund(
                data,
                digits,
                originals.get((data["store"], data["original_receipt_number"])),
            )
        else:
            summary = ledger.summarize_sale(data, digits, store._gift_card_refs())
        business_date = store._business_date(event.occurred_at)
        days = {} if days is None else days
        key = (store.id, business_date)
        if key not in days:
            days[key] = self.env["retail.sync.store.day"]._open_day(
                store, business_date
            )
        day, late_from = days[key]
        return {
            "event_id": event.id,
            "channel_id": event.channel_id.id,
            "company_id": store.company_id.id,
            "finance_store_id": store.id,
            "day_id": day.id,
            "kind": "refund" if refund else "sale",
            "register": data["register"],
            "receipt_number": data["receipt_number"],
            "original_receipt_number": data.get("original_receipt_number"),
            "occurred_at": event.occurred_at,
            "business_date": business_date,
            "late_from_date": late_from,
            "currency_id": store.currency_id.id,
            "summary": summary,
        }

    # ---------------------------------------------------------- totals check
    def _summaries(self):
        """{receipt id: summary} of these receipts in one query. Reading
        ``summary`` through the ORM copies the JSON on every access, which a
        day of 2,000 receipts feels."""
        if not self:
            return {}
        self.flush_recordset(["summary"])
        self.env.cr.execute(
            SQL(
                "SELECT id, summary FROM retail_sync_finance_receipt"
                " WHERE id = ANY(%s)",
                self.ids,
            )
        )
        return dict(self.env.cr.fetchall())

    def _booked(self, included, summary=None, settings=None):
        """This receipt's ledger amounts with the tax mapping ``included``
        (``summary``: its summary when already read; ``settings``: its store's
        ``_book_settings()`` when already computed)."""
        self.ensure_one()
        gift_methods, tolerance, split = (
            settings or self.finance_store_id._book_settings()
        )
        return ledger.book(
            self.summary if summary is None else summary,
            included,
            gift_methods,
            tolerance,
            split_discount=split,
        )

    def _booked_all(self, included):
        """{receipt id: ledger amounts} of these receipts, their summaries read
        at once and each store's settings computed once."""
        summaries = self._summaries()
        settings = {}
        out = {}
        for receipt in self:
            store = receipt.finance_store_id
            if store.id not in settings:
                settings[store.id] = store._book_settings()
            out[receipt.id] = receipt._booked(
                included, summaries[receipt.id], settings[store.id]
            )
        return out

    def _refund_unbacked(self):
        """A refund whose sale is not recorded, or that pays nothing back."""
        self.ensure_one()
        return self.kind == "refund" and not (
            self.summary.get("matched") and self.summary.get("payments")
        )

    def _check_totals(self):
        """Compare each receipt's payments with its lines and taxes: beyond the
        store's tolerance (or with a tax code not mapped) it is flagged, and a
        reconciliation exception says by how much. Stock is not held back."""
        Exception_ = self.env["retail.sync.reconciliation.exception"].sudo()
        cleared = []  # keys of differences no longer found, cleared at once
        for channel in self.channel_id:
            included = self.env["retail.sync.store.day"]._included(channel)
            receipts = self.filtered(lambda r, c=channel: r.channel_id == c)
            booked_all = receipts._booked_all(included)
            for receipt in receipts:
                digits = receipt.currency_id.decimal_places
                booked = booked_all[receipt.id]
                flagged = bool(booked["difference"] or booked["unmapped"])
                # A refund with no sale or no payment behind it is the
                # reconciliation's "refund with no payment", not a total error.
                mismatch = booked["difference"] and not receipt._refund_unbacked()
                receipt.write(
                    {
                        "total": ledger.to_major(booked["total"], digits),
                        "computed_total": ledger.to_major(booked["computed"], digits),
                        "difference": ledger.to_major(booked["difference"], digits),
                        "flagged": flagged,
                    }
                )
                cleared += [
                    f"receipt:{receipt.id}:{part}"
                    for part, found in (
                        ("total", mismatch),
                        ("unmapped", booked["unmapped"]),
                    )
                    if not found
                ]
                if mismatch:
                    Exception_._raise_difference(
                        f"receipt:{receipt.id}:total",
                        "total_mismatch",
                        receipt.day_id,
                        ledger.to_major(booked["difference"], digits),
                        self.env._(
                            "Receipt %(receipt)s: payments %(total)s, lines and "
                            "taxes %(computed)s",
                            receipt=receipt.receipt_number,
                            total=receipt.total,
                            computed=receipt.computed_total,
                        ),
                        reference=receipt.receipt_number,
                        receipts=receipt,
                    )
                if booked["unmapped"]:
                    Exception_._raise_difference(
                        f"receipt:{receipt.id}:unmapped",
                        "unmapped_tax",
                        receipt.day_id,
                        0.0,
                        self.env._(
                            "Receipt %(receipt)s has tax codes with no Odoo tax: "
                            "%(codes)s. Map them (Finance > Configuration > POS "
                            "taxes), then rebuild the day.",
                            receipt=receipt.receipt_number,
                            codes=", ".join(booked["unmapped"]),
                        ),
                        reference=receipt.receipt_number,
                        receipts=receipt,
                    )
        Exception_._clear(cleared)
