# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The baseline of the finance benchmark: one journal entry per receipt.

The finance tier books a store's day as one journal entry (retail.sync.store.day).
The design it is compared with books every receipt as an entry of its own (what a
POS that posts each order, or an invoice per receipt, gives the accountant): the
same receipts, the same ledger (engine/ledger.py) and the same journal item values
(``_line_values`` of the day builder), one receipt per Daybook."""

import time

from odoo import Command, api, models
from odoo.exceptions import AccessError

from odoo.addons.retail_sync_finance.engine import ledger

CHUNK = 500


class RetailSyncBenchFinanceBaseline(models.AbstractModel):
    _name = "retail.sync.bench.finance.baseline"
    _description = "Retail Sync benchmark baseline: one journal entry per receipt"

    @api.model
    def _check_admin(self):
        if not self.env.is_admin():
            raise AccessError(self.env._("Only administrators run the benchmark."))

    @api.model
    def _receipt_books(self, day):
        """(receipt, its own Daybook) of each receipt of ``day``."""
        included = day._included(day.channel_id)
        for receipt in day.receipt_ids:
            book = ledger.Daybook()
            book.add(receipt._booked(included), refund=receipt.kind == "refund")
            yield receipt, book

    @api.model
    def count_items_one_entry_per_receipt(self, day_ids):
        """Journal items the baseline gives the receipts of these days (no entry
        written). Administrators only."""
        self._check_admin()
        days = self.env["retail.sync.store.day"].sudo().browse(day_ids)
        return sum(
            len(book.lines()) for day in days for _r, book in self._receipt_books(day)
        )

    @api.model
    def build_one_entry_per_receipt(self, day_ids, journal_id):
        """Book every receipt of these days as a draft journal entry of its own in
        ``journal_id`` (created 500 at a time). Returns the entries, their journal
        items and the seconds it took in the server. Administrators only."""
        self._check_admin()
        start = time.monotonic()
        days = self.env["retail.sync.store.day"].sudo().browse(day_ids)
        Move = self.env["account.move"].sudo().with_context(skip_invoice_sync=True)
        entries = items = 0
        for day in days:
            digits = day.finance_store_id._digits()
            values = []
            for receipt, book in self._receipt_books(day):
                values.append(
                    {
                        "move_type": "entry",
                        "journal_id": journal_id,
                        "date": day.business_date,
                        "ref": receipt.receipt_number,
                        "line_ids": [
                            Command.create(
                                day._line_values(kind, code, amount, digits, book)
                            )
                            for kind, code, amount in book.lines()
                        ],
                    }
                )
            for index in range(0, len(values), CHUNK):
                moves = Move.with_company(day.company_id).create(
                    values[index : index + CHUNK]
                )
                entries += len(moves)
                items += len(moves.line_ids)
        self.env.flush_all()
        return {
            "entries": entries,
            "items": items,
            "seconds": time.monotonic() - start,
        }
