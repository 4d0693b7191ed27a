# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import ledger

_logger = logging.getLogger(__name__)

DAY_STATES = [
    ("open", "Open"),
    ("built", "Built"),
    ("reconciled", "Reconciled"),
    ("posted", "Posted"),
]


class RetailSyncStoreDay(models.Model):
    """One store's business day: its receipts, the journal entry they book, the
    Z report it is reconciled with, and where it stands (open, built,
    reconciled, posted). A posted day is locked: receipts that belong to it and
    arrive later go into the next open day, with a note."""

    _name = "retail.sync.store.day"
    _description = "Retail Sync Store Day"
    _inherit = ["mail.thread"]
    _order = "business_date desc, finance_store_id"
    _check_company_auto = True

    finance_store_id = fields.Many2one(
        "retail.sync.finance.store",
        "Store",
        required=True,
        ondelete="restrict",
        index=True,
    )
    channel_id = fields.Many2one(
        related="finance_store_id.channel_id", store=True, index=True
    )
    company_id = fields.Many2one(
        related="finance_store_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    business_date = fields.Date(required=True, index=True)
    state = fields.Selection(
        DAY_STATES, required=True, default="open", index=True, tracking=True
    )
    final = fields.Boolean(
        help="Built after the day's cut-off (and grace): the tills have closed"
    )
    dirty = fields.Boolean(
        "Changed since built",
        default=True,
        help="Receipts arrived since the entry was last built",
    )
    move_id = fields.Many2one(
        "account.move", "Journal entry", readonly=True, check_company=True
    )
    move_line_count = fields.Integer("Journal items", readonly=True)
    built_at = fields.Datetime(readonly=True)
    build_error = fields.Char(
        readonly=True, help="Why the last build failed (a mapping to add)"
    )
    receipt_ids = fields.One2many("retail.sync.finance.receipt", "day_id", "Receipts")
    receipt_count = fields.Integer(readonly=True)
    sales_amount = fields.Monetary("Taken", readonly=True, help="Sales paid")
    refunds_amount = fields.Monetary("Refunded", readonly=True)
    total_ids = fields.One2many(
        "retail.sync.store.day.total", "day_id", "Totals", readonly=True
    )
    report_id = fields.Many2one(
        "retail.sync.day.report", "Z report", readonly=True, index="btree_not_null"
    )
    exception_ids = fields.One2many(
        "retail.sync.reconciliation.exception", "day_id", "Exceptions"
    )
    open_exception_count = fields.Integer(
        "Open exceptions", compute="_compute_open_exception_count"
    )
    settled_payment_ids = fields.One2many(
        "retail.sync.payment",
        "finance_day_id",
        "Payments posted",
        readonly=True,
        help="Captures of this day's receipts that the payments tier posted as "
        "customer payments: the entry debits their receivable instead of the "
        "method's account, and closing the day reconciles the two",
    )
    settled_amount = fields.Monetary(
        "Posted as payments",
        readonly=True,
        help="Part of the day's payments already in the books as customer payments",
    )
    refund_settlement_ids = fields.One2many(
        "retail.sync.refund.settlement",
        "day_id",
        "Refunds posted",
        readonly=True,
        help="POS refund receipts (this day's, or late ones of posted days) whose "
        "refund the payments tier posted as a credit note with a refund payment: "
        "the entry leaves out the part those book",
    )
    settled_refund_amount = fields.Monetary(
        "Refunded by credit notes",
        readonly=True,
        help="Part of the day's refunds already in the books as credit notes",
    )
    late_receipt_count = fields.Integer("Late receipts", readonly=True)
    note = fields.Text(readonly=True, help="Receipts booked here late, and why")

    _sql_constraints = [
        (
            "store_date_unique",
            "unique(finance_store_id, business_date)",
            "A store has one day per business date.",
        ),
    ]

    @api.depends("exception_ids.state")
    def _compute_open_exception_count(self):
        for day in self:
            day.open_exception_count = len(
                day.exception_ids.filtered(lambda e: e.state == "open")
            )

    def _compute_display_name(self):
        for day in self:
            day.display_name = (
                f"{day.finance_store_id.display_name} {day.business_date}"
            )

    # -------------------------------------------------------------- lookup
    @api.model
    def _get_or_create(self, store, business_date):
        """The day of ``store`` on ``business_date``, created at most once even
        when two drains record its first receipts at the same time."""
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_store_day
                       (finance_store_id, channel_id, company_id, business_date,
                        state, dirty, create_uid, create_date, write_uid, write_date)
                VALUES (%(store)s, %(channel)s, %(company)s, %(date)s, 'open', TRUE,
                        %(uid)s, now() at time zone 'UTC', %(uid)s,
                        now() at time zone 'UTC')
                ON CONFLICT (finance_store_id, business_date) DO NOTHING
                """,
                store=store.id,
                channel=store.channel_id.id,
                company=store.company_id.id,
                date=business_date,
                uid=self.env.uid,
            )
        )
        return self.sudo().search(
            [("finance_store_id", "=", store.id), ("business_date", "=", business_date)]
        )

    @api.model
    def _open_day(self, store, business_date, note=None):
        """(day, late from) where a receipt of ``business_date`` is booked: its own
        day, or when that one is posted the next day that is not (late from is
        then the receipt's own date; ``note`` says why, on that day)."""
        day = self._get_or_create(store, business_date)
        if day.state != "posted":
            if not day.dirty:
                day.dirty = True
            return day, False
        later = day
        while later.state == "posted":
            later = self._get_or_create(store, later.business_date + timedelta(days=1))
        later.write(
            {
                "dirty": True,
                "note": "\n".join(
                    filter(
                        None,
                        [
                            later.note,
                            note
                            or self.env._(
                                "A receipt of %(date)s arrived after that day was "
                                "posted: booked here.",
                                date=business_date,
                            ),
                        ],
                    )
                ),
            }
        )
        return later, business_date

    @api.model
    def _included(self, channel):
        """{POS tax code: prices include it} of the channel's tax mappings."""
        mappings = (
            self.env["retail.sync.finance.tax"]
            .sudo()
            .search([("channel_id", "=", channel.id)])
        )
        return {m.code: m.price_include for m in mappings}

    # --------------------------------------------------------------- build
    def action_build(self):
        """Build (or rebuild) the draft entry of these days now."""
        for day in self:
            day._build(raise_errors=True)
        return True

    def action_close_day(self):
        """Close these days: the final entry, posted; the days are locked."""
        for day in self:
            day._close()
        return True

    def _close(self):
        self.ensure_one()
        if self.state == "posted":
            raise UserError(self.env._("%s is already posted.", self.display_name))
        if self.dirty or self.state == "open":
            self._build(final=True, raise_errors=True)
        if self.move_id:
            # Closing a store day is the finance group's right (its access to
            # days), whether or not the accountant also has Billing rights.
            self.move_id.sudo().action_post()
            self.sudo()._reconcile_settled_payments()
        self.write({"state": "posted", "final": True})
        self.message_post(body=self.env._("Day closed and posted."))

    def _build(self, final=False, raise_errors=False):
        """Replace the day's draft entry with one built from its receipts: the
        same receipts give the same entry, however often it is rebuilt. A
        posted day is never touched. A mapping missing stops the build with a
        message naming it (kept on the day for the hourly run)."""
        self.ensure_one()
        day = self.sudo()
        if day.state == "posted":
            return False
        try:
            with self.env.cr.savepoint():
                day._replace_entry(final)
        except UserError as error:
            if raise_errors:
                raise
            day.build_error = str(error)
            _logger.warning("store day %s not built: %s", day.id, error)
            return False
        return True

    def _replace_entry(self, final):
        store = self.finance_store_id
        receipts = self.receipt_ids
        digits = store._digits()
        # Receipts flagged for a tax code that has since been mapped are checked
        # again (their exception clears).
        receipts.filtered("flagged")._check_totals()
        included = self._included(self.channel_id)
        accepted = self._accepted_receipts()
        book = ledger.Daybook()
        booked_all = receipts._booked_all(included)
        for receipt in receipts:
            booked = booked_all[receipt.id]
            if booked["unmapped"]:
                raise UserError(
                    self.env._(
                        "POS tax codes %(codes)s of receipt %(receipt)s are not "
                        "mapped to Odoo taxes on channel %(channel)s.",
                        codes=", ".join(booked["unmapped"]),
                        receipt=receipt.receipt_number,
                        channel=self.channel_id.code,
                    )
                )
            book.add(
                booked,
                refund=receipt.kind == "refund",
                difference_accepted=receipt in accepted,
            )
        settled = self._settle_posted_payments(book, receipts, digits)
        refunds_settled = self._settle_posted_refunds(
            book, receipts, booked_all, included
        )
        lines = book.lines()
        if self.move_id:
            self.move_id.with_context(force_delete=True).unlink()
        move = self.env["account.move"]
        if lines:
            move = (
                self.env["account.move"]
                .with_company(store.company_id)
                .with_context(skip_invoice_sync=True)
                .create(
                    {
                        "move_type": "entry",
                        "journal_id": store.journal_id.id,
                        "date": self.business_date,
                        "ref": self.env._(
                            "Store day %(store)s %(date)s",
                            store=store.display_name,
                            date=self.business_date,
                        ),
                        "line_ids": [
                            Command.create(
                                self._line_values(kind, code, amount, digits, book)
                            )
                            for kind, code, amount in lines
                        ],
                    }
                )
            )
        sales = receipts.filtered(lambda r: r.kind == "sale")
        refunds = receipts - sales
        self.write(
            {
                "move_id": move.id,
                "move_line_count": len(move.line_ids),
                "state": "built",
                "final": final or self.final,
                "dirty": False,
                "built_at": fields.Datetime.now(),
                "build_error": False,
                "receipt_count": len(receipts),
                "late_receipt_count": len(receipts.filtered("late_from_date")),
                "sales_amount": sum(sales.mapped("total")),
                "refunds_amount": sum(refunds.mapped("total")),
                "settled_amount": ledger.to_major(sum(book.settled.values()), digits),
                "settled_refund_amount": ledger.to_major(refunds_settled, digits),
            }
        )
        (self.settled_payment_ids - settled).write({"finance_day_id": False})
        settled.write({"finance_day_id": self.id})
        self._write_totals(book, digits)

    # ------------------------------------------------- payments posted already
    def _posted_payments(self, receipts):
        """Captured payments of the channel that the payments tier posted (a
        posted account.payment) for a store receipt: those of this day's sales,
        not settled by another day yet, and those assigned to this day (a
        capture that arrived after its receipt's day was posted)."""
        numbers = receipts.filtered(lambda r: r.kind == "sale").mapped("receipt_number")
        payments = (
            self.env["retail.sync.payment"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", self.channel_id.id),
                    ("state", "=", "captured"),
                    ("account_payment_id", "!=", False),
                    ("receipt_ref", "!=", False),
                    "|",
                    ("finance_day_id", "=", self.id),
                    "&",
                    ("finance_day_id", "=", False),
                    ("receipt_ref", "in", numbers),
                ],
                order="id",
            )
        )
        return payments.filtered(
            lambda p: p.account_payment_id.move_id.state == "posted"
        )

    def _settle_posted_payments(self, book, receipts, digits):
        """Money counted once: the part of a receipt's payments that Odoo already
        holds as a posted customer payment (a ``payment.captured`` naming the
        receipt) is booked on that payment's receivable, not again on the
        method's account. A capture settles at most what the receipt says its
        method paid; the rest (a capture of another method or amount) stays a
        payment of its own for the payments tier. Returns the payments settled."""
        payments = self._posted_payments(receipts)
        if not payments:
            return payments
        gift_methods = set(self.finance_store_id._gift_card_methods())
        sales = {r.receipt_number: r for r in receipts if r.kind == "sale"}
        missing = set(payments.mapped("receipt_ref")) - set(sales)
        if missing:  # late captures: their receipts are in a posted day
            for receipt in (
                self.env["retail.sync.finance.receipt"]
                .sudo()
                .search(
                    [
                        ("channel_id", "=", self.channel_id.id),
                        ("kind", "=", "sale"),
                        ("receipt_number", "in", list(missing)),
                    ]
                )
            ):
                sales.setdefault(receipt.receipt_number, receipt)
        settled = self.env["retail.sync.payment"]
        for number in sorted({p.receipt_ref for p in payments}):
            receipt = sales.get(number)
            if not receipt:
                continue
            captures = payments.filtered(lambda p, n=number: p.receipt_ref == n)
            tendered = {
                method: amount
                for method, amount in receipt._summaries()[receipt.id][
                    "payments"
                ].items()
                if method not in gift_methods
            }
            amounts = ledger.settleable(
                tendered,
                [
                    (p.method, ledger.to_minor(p.captured_amount, digits))
                    for p in captures
                ],
            )
            for payment, amount in zip(captures, amounts, strict=True):
                if not amount:
                    continue
                line = payment._receivable_line()
                key = f"{payment.method}|{line.account_id.id}|{line.partner_id.id}"
                book.settle(payment.method, key, amount)
                settled |= payment
        return settled

    # -------------------------------------------------- refunds posted already
    @api.model
    def _refund_matches(self, channel, sales):
        """[(refund, refund receipt, minor units)]: the refunds the payments tier
        posted for the store receipts ``sales`` (receipt numbers), matched with
        the POS refund receipts of those sales. Each refund takes, in the order
        refunds were posted, from what the refund receipts gave back by its
        method, in the order they arrived, never more. Both orders only grow, so
        a match once made stays the same whatever arrives later."""
        Refund = self.env["retail.sync.refund"].sudo()
        refunds = Refund.search(
            [
                ("channel_id", "=", channel.id),
                ("receipt_ref", "in", list(sales)),
                ("credit_note_id.state", "=", "posted"),
            ],
            order="id",
        )
        if not refunds:
            return []
        receipts = (
            self.env["retail.sync.finance.receipt"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", channel.id),
                    ("kind", "=", "refund"),
                    ("original_receipt_number", "in", list(sales)),
                ],
                order="id",
            )
        )
        summaries = receipts._summaries()
        gift_methods_of = {
            store.id: set(store._gift_card_methods())
            for store in receipts.finance_store_id
        }
        left = {}
        for receipt in receipts:
            gift_methods = gift_methods_of[receipt.finance_store_id.id]
            left[receipt.id] = {
                method: amount
                for method, amount in summaries[receipt.id]["payments"].items()
                if method not in gift_methods
            }
        matches = []
        for refund in refunds:
            method = refund.payment_id.method
            amount = ledger.to_minor(refund.amount, refund.currency_id.decimal_places)
            for receipt in receipts:
                if receipt.original_receipt_number != refund.receipt_ref:
                    continue
                take = min(amount, left[receipt.id].get(method, 0))
                if take <= 0:
                    continue
                left[receipt.id][method] -= take
                amount -= take
                matches.append((refund, receipt, take))
        return matches

    def _settle_posted_refunds(self, book, receipts, booked_all, included):
        """Refunds counted once: when the payments tier posted a refund of a
        store receipt (``refund.issued``: a credit note and a refund payment),
        the POS refund receipt of that sale says the same refund again. The day
        entry leaves out the part of the refund receipt the refund books (its
        share, ``ledger.refund_share``): for this day's refund receipts, and for
        late matches of posted days that were given to this day. A match of a
        posted day that has no day yet is given to the next open day. Returns
        the amount settled, in minor units."""
        Settlement = self.env["retail.sync.refund.settlement"].sudo()
        mine = Settlement.search([("day_id", "=", self.id)])
        sales = set(
            receipts.filtered(lambda r: r.kind == "refund").mapped(
                "original_receipt_number"
            )
        ) | set(mine.receipt_id.mapped("original_receipt_number"))
        sales.discard(False)
        matches = self._refund_matches(self.channel_id, sales) if sales else []
        existing = {
            (row.refund_id.id, row.receipt_id.id): row
            for row in Settlement.search(
                [("refund_id", "in", list({m[0].id for m in matches}))]
            )
        }
        others = self.env["retail.sync.finance.receipt"].union(
            *(
                receipt
                for _refund, receipt, _take in matches
                if receipt.id not in booked_all
            )
        )
        booked_all = {**booked_all, **others._booked_all(included)}
        kept, total = Settlement, 0
        accepted = {}  # {day id: its accepted receipts}, read once per day
        for refund, receipt, take in matches:
            row = existing.get((refund.id, receipt.id))
            if row is None:
                if receipt.day_id.state == "posted":
                    row = self._settle_late(refund, receipt, take)
                elif receipt.day_id == self:
                    row = Settlement.create(
                        self._settlement_values(refund, receipt, take, self)
                    )
                else:
                    continue  # that open day settles it when it is built
            if row.day_id != self:
                continue
            if receipt.day_id.id not in accepted:
                accepted[receipt.day_id.id] = receipt.day_id._accepted_receipts()
            digits = receipt.currency_id.decimal_places
            amount = ledger.to_minor(row.amount, digits)
            if amount != take:  # this open day's row follows the match
                row.amount, amount = ledger.to_major(take, digits), take
            book.settle_refund(
                ledger.refund_share(
                    booked_all[receipt.id], refund.payment_id.method, amount
                ),
                difference_accepted=receipt in accepted[receipt.day_id.id],
            )
            kept |= row
            total += amount
        (mine - kept).unlink()
        return total

    @api.model
    def _settlement_values(self, refund, receipt, take, day):
        return {
            "refund_id": refund.id,
            "receipt_id": receipt.id,
            "day_id": day.id,
            "amount": ledger.to_major(take, receipt.currency_id.decimal_places),
            "late": day != receipt.day_id,
        }

    @api.model
    def _settle_late(self, refund, receipt, take):
        """A match whose refund receipt's day was posted before the refund came:
        settled by the next open day, with a note on it."""
        day = receipt.day_id
        later, _late = self._open_day(
            day.finance_store_id,
            day.business_date,
            self.env._(
                "Refund %(refund)s of receipt %(receipt)s was posted after the day "
                "of its POS refund receipt %(refund_receipt)s (%(date)s): settled "
                "here.",
                refund=refund.refund_ref,
                receipt=refund.receipt_ref,
                refund_receipt=receipt.receipt_number,
                date=day.business_date,
            ),
        )
        return (
            self.env["retail.sync.refund.settlement"]
            .sudo()
            .create(self._settlement_values(refund, receipt, take, later))
        )

    @api.model
    def _refund_issued(self, refund):
        """A refund just posted for a store receipt: the days of the POS refund
        receipts it matches are rebuilt with it settled; a match whose day is
        posted (its entry booked the whole refund receipt) goes to the next open
        day, which reverses the part the credit note books."""
        if not refund.receipt_ref:
            return
        for match_refund, receipt, take in self._refund_matches(
            refund.channel_id, {refund.receipt_ref}
        ):
            if match_refund != refund:
                continue
            if receipt.day_id.state == "posted":
                self._settle_late(refund, receipt, take)
            else:
                receipt.day_id.dirty = True

    @api.model
    def _settle_in_next_open_day(self, day, record, note):
        """``record`` (a payment posted by the payments tier after ``day`` was
        posted) is settled by the next open day, with ``note``."""
        later, _late = self._open_day(day.finance_store_id, day.business_date, note)
        record.finance_day_id = later

    def _reconcile_settled_payments(self):
        """Once the day is posted: each receivable line its entry debits for
        payments posted by the payments tier is reconciled with the credits of
        those payments."""
        lines = self.move_id.line_ids.filtered(
            lambda line: line.account_id.reconcile and not line.reconciled
        )
        credits = self.env["account.move.line"]
        for payment in self.settled_payment_ids:
            credits |= payment._receivable_line()
        credits = credits.filtered(lambda line: not line.reconciled)
        for account in credits.account_id:
            for partner in credits.partner_id:
                group = (lines + credits).filtered(
                    lambda line, a=account, p=partner: line.account_id == a
                    and line.partner_id == p
                )
                if group.filtered("debit") and group.filtered("credit"):
                    group.reconcile()

    @api.model
    def _payment_captured(self, payments):
        """Payments just captured for a store receipt: its day is rebuilt with
        them settled; when that day is already posted (its entry counted the
        money on the method's account), the next open day takes them, with a
        note, and moves that amount from the method's account to the
        receivable."""
        Receipt = self.env["retail.sync.finance.receipt"].sudo()
        for payment in payments.filtered("receipt_ref"):
            receipt = Receipt.search(
                [
                    ("channel_id", "=", payment.channel_id.id),
                    ("kind", "=", "sale"),
                    ("receipt_number", "=", payment.receipt_ref),
                ],
                limit=1,
            )
            day = receipt.day_id
            if not day or payment.finance_day_id:
                continue
            if day.state != "posted":
                day.dirty = True
                continue
            self._settle_in_next_open_day(
                day,
                payment,
                self.env._(
                    "Payment %(payment)s of receipt %(receipt)s (%(date)s) was "
                    "posted after that day: settled here.",
                    payment=payment.payment_ref,
                    receipt=receipt.receipt_number,
                    date=day.business_date,
                ),
            )

    def _accepted_receipts(self):
        """Receipts whose total difference an accountant accepted: booked to
        rounding instead of the differences account."""
        return self.exception_ids.filtered(
            lambda e: e.kind == "total_mismatch" and e.resolution == "accepted"
        ).receipt_ids

    def _write_totals(self, book, digits):
        methods, taxes = book.totals()
        Total = self.env["retail.sync.store.day.total"].sudo()
        Total.search([("day_id", "=", self.id)]).unlink()
        Total.create(
            [
                {
                    "day_id": self.id,
                    "kind": kind,
                    "code": code,
                    "recorded_amount": ledger.to_major(amount, digits),
                }
                for kind, values in (("method", methods), ("tax", taxes))
                for code, amount in sorted(values.items())
            ]
        )

    # --------------------------------------------------------- entry lines
    def _tax_mapping(self, code):
        mapping = (
            self.env["retail.sync.finance.tax"]
            .sudo()
            .search(
                [("channel_id", "=", self.channel_id.id), ("code", "=", code)], limit=1
            )
        )
        if not mapping:
            raise UserError(
                self.env._(
                    "POS tax code %(code)s is not mapped on channel %(channel)s.",
                    code=code,
                    channel=self.channel_id.code,
                )
            )
        return mapping

    def _method_account(self, method):
        journal = self.channel_id._payment_journal_or_none(method)
        if not journal or not journal.default_account_id:
            raise UserError(
                self.env._(
                    "Payment method %(method)s of channel %(channel)s has no "
                    "journal with an account: map it on the channel's Payments "
                    "tab.",
                    method=method,
                    channel=self.channel_id.code,
                )
            )
        return journal.default_account_id

    def _line_values(self, kind, code, amount, digits, book):
        """One journal item of the day entry (``amount``: debit minus credit in
        minor units)."""
        store = self.finance_store_id
        balance = ledger.to_major(amount, digits)
        label = self._line_labels()[kind]
        values = {
            "name": f"{label} {code}".strip(),
            "balance": balance,
            "amount_currency": balance,
            "currency_id": store.currency_id.id,
        }
        refund = kind.startswith("refund_")
        repartition = (
            "refund_repartition_line_ids"
            if refund
            else ("invoice_repartition_line_ids")
        )
        if kind in ("revenue", "refund_revenue", "discount", "refund_discount"):
            codes = code.split("+") if code else []
            mappings = self.env["retail.sync.finance.tax"].sudo()
            for tax_code in codes:
                mappings |= self._tax_mapping(tax_code)
            if kind.endswith("discount"):
                account = store.discount_account_id
                # A discount lowers the base the way a refund does.
                repartition = (
                    "invoice_repartition_line_ids"
                    if refund
                    else "refund_repartition_line_ids"
                )
            else:
                account = (
                    mappings[:1].account_id if len(mappings) == 1 else False
                ) or store.revenue_account_id
            taxes = mappings.tax_id
            values.update(
                account_id=account.id,
                tax_ids=[Command.set(taxes.ids)],
                tax_tag_ids=[
                    Command.set(
                        taxes[repartition]
                        .filtered(lambda r: r.repartition_type == "base")
                        .tag_ids.ids
                    )
                ],
            )
        elif kind in ("tax", "refund_tax"):
            tax = self._tax_mapping(code).tax_id
            line = tax[repartition].filtered(
                lambda r: r.repartition_type == "tax" and r.account_id
            )[:1]
            values.update(
                account_id=line.account_id.id,
                tax_repartition_line_id=line.id,
                tax_tag_ids=[Command.set(line.tag_ids.ids)],
                tax_base_amount=abs(
                    ledger.to_major(self._tax_base(book, code, refund), digits)
                ),
            )
        elif kind in ("payment", "refund_payment"):
            values.update(account_id=self._method_account(code).id)
        elif kind == "settled":
            method, account, partner = code.split("|")
            values.update(
                name=f"{label} {method}",
                account_id=int(account),
                partner_id=int(partner) if partner != "False" else False,
            )
        elif kind.startswith("gift_card"):
            values.update(account_id=store.gift_card_account_id.id)
        elif kind == "rounding":
            values.update(account_id=store.rounding_account_id.id)
        else:
            values.update(account_id=store.difference_account_id.id)
        return values

    @api.model
    def _line_labels(self):
        """Labels of the day entry's lines, by ledger kind (Daybook.lines)."""

        return {
            "revenue": self.env._("Sales"),
            "discount": self.env._("Discounts"),
            "tax": self.env._("Tax"),
            "payment": self.env._("Payments"),
            "settled": self.env._("Payments posted as customer payments"),
            "refund_revenue": self.env._("Refunds"),
            "refund_discount": self.env._("Refunded discounts"),
            "refund_tax": self.env._("Refunded tax"),
            "refund_payment": self.env._("Refunds paid"),
            "gift_card_sold": self.env._("Gift cards sold"),
            "gift_card_redeemed": self.env._("Gift cards redeemed"),
            "rounding": self.env._("Rounding"),
            "difference": self.env._("Differences under review"),
        }

    @api.model
    def _tax_base(self, book, code, refund):
        side = book.refunds if refund else book.sales
        return sum(
            amount - side["discount"].get(key, 0)
            for key, amount in side["revenue"].items()
            if code in key.split("+")
        )

    # ------------------------------------------------------------ batch tier
    @api.model
    def _cron_build_and_reconcile(self):
        """The hourly run: rebuild the draft of every day with new receipts, build
        the final entry of days past their cut-off (posting it where the store
        says so), then reconcile the reports that wait for it."""
        now = fields.Datetime.now()
        days = self.sudo().search(
            [
                ("state", "!=", "posted"),
                "|",
                ("dirty", "=", True),
                ("final", "=", False),
            ]
        )
        for day in days:
            store = day.finance_store_id
            past = now >= store._day_end(day.business_date) + timedelta(
                hours=store.close_grace_hours
            )
            if not (day.dirty or past):
                continue
            built = day._build(final=past) if day.dirty else day.write({"final": True})
            if built and past and store.auto_post:
                day._reconcile()
                if not day.open_exception_count:
                    try:
                        with self.env.cr.savepoint():
                            day._close()
                    except UserError as error:
                        day.build_error = str(error)
        self.env["retail.sync.day.report"].sudo()._reconcile_pending()
        self.env["retail.sync.payout"].sudo()._reconcile_pending()
        self.env["retail.sync.reconciliation.exception"].sudo()._find_orphan_payments()

    def action_reconcile(self):
        for day in self:
            day._reconcile()
        return True

    def _reconcile(self):
        """Compare the day with its Z report (and its refunds with their
        payments); the day is reconciled when no exception is left open."""
        self.ensure_one()
        report = (
            self.env["retail.sync.day.report"]
            .sudo()
            .search(
                [
                    ("finance_store_id", "=", self.finance_store_id.id),
                    ("business_date", "=", self.business_date),
                ],
                limit=1,
            )
        )
        if self.dirty or self.state == "open":
            self._build()
        self.env["retail.sync.reconciliation.exception"].sudo()._reconcile_day(
            self, report
        )
        if report:
            self.report_id = report
            report.state = "reconciled"
        if report and self.state == "built" and not self.open_exception_count:
            self.state = "reconciled"

    def action_open_receipts(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Receipts"),
            "res_model": "retail.sync.finance.receipt",
            "view_mode": "list,form",
            "domain": [("day_id", "in", self.ids)],
        }
