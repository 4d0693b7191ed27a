# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..engine import ledger

EXCEPTION_KINDS = [
    ("total_mismatch", "Receipt total differs from its lines"),
    ("unmapped_tax", "Tax code not mapped"),
    ("method_difference", "Payment method total differs"),
    ("tax_difference", "Tax total differs"),
    ("count_difference", "Receipt count differs"),
    ("missing_receipt", "Receipt number missing"),
    ("payment_without_order", "Payment with no order"),
    ("refund_without_payment", "Refund with no payment"),
    ("payout_unknown_payment", "Payout covers an unknown payment"),
    ("payout_payment_amount", "Payout payment amount differs"),
    ("payout_gross", "Payout gross differs"),
    ("payout_refunds", "Payout refunds differ"),
    ("payout_net", "Payout net does not add up"),
]
EXCEPTION_STATES = [("open", "Open"), ("resolved", "Resolved")]
RESOLUTIONS = [
    ("replayed", "Replayed: no longer found"),
    ("manual", "Manual entry"),
    ("accepted", "Accepted with a reason"),
]
# Kinds the day reconciliation finds (and clears when no longer found).
DAY_KINDS = (
    "method_difference",
    "tax_difference",
    "count_difference",
    "missing_receipt",
    "refund_without_payment",
)
# A receipt number range wider than this is not walked (a report error).
MAX_RANGE = 100000
RECEIPT_NUMBER = re.compile(r"^(.*?)(\d+)$")


class RetailSyncReconciliationException(models.Model):
    """One difference between what a store or a provider reported and what Odoo
    recorded (or a receipt whose total does not add up): its amount, the events
    behind it, an owner, and how it was resolved (replayed, manual entry,
    accepted with a reason). Found again by each run under the same key, so a
    re-run updates it instead of adding another."""

    _name = "retail.sync.reconciliation.exception"
    _description = "Retail Sync Reconciliation Exception"
    _inherit = ["mail.thread"]
    _order = "state, detected_at desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    key = fields.Char(required=True, index=True, readonly=True)
    kind = fields.Selection(EXCEPTION_KINDS, required=True, index=True, readonly=True)
    state = fields.Selection(
        EXCEPTION_STATES, required=True, default="open", index=True, tracking=True
    )
    resolution = fields.Selection(RESOLUTIONS, readonly=True, tracking=True)
    resolution_reason = fields.Text("Reason")
    resolved_at = fields.Datetime(readonly=True)
    resolved_by_id = fields.Many2one("res.users", "Resolved by", readonly=True)
    owner_id = fields.Many2one("res.users", tracking=True, index=True)
    channel_id = fields.Many2one("retail.sync.channel", readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    day_id = fields.Many2one(
        "retail.sync.store.day", "Store day", readonly=True, index="btree_not_null"
    )
    finance_store_id = fields.Many2one(
        related="day_id.finance_store_id", store=True, string="Store"
    )
    business_date = fields.Date(related="day_id.business_date", store=True)
    payout_id = fields.Many2one(
        "retail.sync.payout", readonly=True, index="btree_not_null"
    )
    reference = fields.Char(
        readonly=True, help="Receipt number, payment method, tax code or payment"
    )
    description = fields.Text(readonly=True)
    amount = fields.Monetary(
        readonly=True, help="Reported minus recorded (or paid minus computed)"
    )
    abs_amount = fields.Monetary("Amount at stake", readonly=True)
    detected_at = fields.Datetime(
        readonly=True, default=fields.Datetime.now, index=True
    )
    age_days = fields.Integer("Age (days)", compute="_compute_age_days")
    receipt_ids = fields.Many2many(
        "retail.sync.finance.receipt",
        "retail_sync_recon_exception_receipt_rel",
        "exception_id",
        "receipt_id",
        string="Receipts",
        readonly=True,
    )
    event_ids = fields.Many2many(
        "retail.sync.event",
        "retail_sync_recon_exception_event_rel",
        "exception_id",
        "event_id",
        string="Events",
        readonly=True,
    )
    event_count = fields.Integer(compute="_compute_event_count")
    move_id = fields.Many2one(
        "account.move", "Manual entry", readonly=True, check_company=True
    )

    _sql_constraints = [
        ("key_unique", "unique(key)", "A difference is recorded once per key."),
    ]

    @api.depends("kind", "reference")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for exception in self:
            exception.name = " ".join(
                filter(None, [labels.get(exception.kind), exception.reference])
            )

    def _compute_age_days(self):
        now = fields.Datetime.now()
        for exception in self:
            exception.age_days = (now - (exception.detected_at or now)).days

    @api.depends("event_ids")
    def _compute_event_count(self):
        for exception in self:
            exception.event_count = len(exception.event_ids)

    # ------------------------------------------------------------- recording
    @api.model
    def _raise_difference(
        self,
        key,
        kind,
        day,
        amount,
        description,
        reference=None,
        receipts=None,
        events=None,
        payout=None,
        company=None,
        channel=None,
    ):
        """Record (or update) the difference of ``key``. A resolved one stays
        resolved while the run finds the same amount, and opens again when the
        amount changes."""
        receipts = receipts or self.env["retail.sync.finance.receipt"]
        events = (events or self.env["retail.sync.event"]) | receipts.event_id
        values = {
            "amount": amount,
            "abs_amount": abs(amount),
            "description": description,
            "reference": reference,
            "receipt_ids": [Command.set(receipts.ids)],
            "event_ids": [Command.set(events.ids)],
        }
        existing = self.search([("key", "=", key)], limit=1)
        if existing:
            currency = existing.currency_id
            if existing.state == "resolved" and not currency.compare_amounts(
                existing.amount, amount
            ):
                return existing
            if existing.state == "resolved":
                values.update(
                    state="open", resolution=False, detected_at=fields.Datetime.now()
                )
            existing.write(values)
            return existing
        store = day.finance_store_id if day else False
        return self.create(
            dict(
                values,
                key=key,
                kind=kind,
                day_id=day.id if day else False,
                payout_id=payout.id if payout else False,
                channel_id=(
                    channel or (day and day.channel_id) or payout.channel_id
                ).id,
                company_id=(
                    company or (day and day.company_id) or payout.company_id
                ).id,
                owner_id=(store and store.accountant_id.id)
                or (
                    channel or (day and day.channel_id) or payout.channel_id
                ).alert_user_id.id,
            )
        )

    @api.model
    def _clear(self, keys):
        """Differences no longer found: resolved as replayed (a late or replayed
        event supplied what was missing)."""
        if not keys:
            return
        found = self.search([("key", "in", list(keys)), ("state", "=", "open")])
        found.write(
            {
                "state": "resolved",
                "resolution": "replayed",
                "resolved_at": fields.Datetime.now(),
                "resolved_by_id": self.env.uid,
            }
        )

    def _keep_only(self, domain, found_keys):
        """Clear the open exceptions of ``domain`` whose key was not found again."""
        stale = self.search(
            [*domain, ("state", "=", "open"), ("key", "not in", list(found_keys))]
        )
        self._clear(stale.mapped("key"))

    # ------------------------------------------------------- day reconciliation
    @api.model
    def _reconcile_day(self, day, report):
        """Every difference between a store day and its Z report, and the day's
        refunds that have no payment behind them."""
        store = day.finance_store_id
        digits = store._digits()
        receipts = (
            self.env["retail.sync.finance.receipt"]
            .sudo()
            .search_fetch(
                [
                    ("finance_store_id", "=", store.id),
                    ("business_date", "=", day.business_date),
                ],
                ["kind", "receipt_number", "finance_store_id"],
            )
        )
        # What a Z report counts, from the receipts' summaries read at once:
        # money per method as tendered, tax per code (gift card lines carry
        # none), refunds taken off (Daybook.totals, without booking each one).
        summaries = receipts._summaries()
        methods, taxes = defaultdict(int), defaultdict(int)
        by_method, by_tax = defaultdict(set), defaultdict(set)
        for receipt in receipts:
            summary = summaries[receipt.id]
            sign = -1 if receipt.kind == "refund" else 1
            for method, amount in summary["payments"].items():
                methods[method] += sign * amount
                by_method[method].add(receipt.id)
            for line in summary["lines"]:
                for code, amount in line["taxes"].items():
                    by_tax[code].add(receipt.id)
                    if not line["gift"]:
                        taxes[code] += sign * amount
        found = []
        refunds = receipts.filtered(lambda r: r.kind == "refund")
        booked_refunds = refunds._booked_all(day._included(day.channel_id))
        for receipt in refunds:
            found += self._check_refund(
                day, receipt, booked_refunds[receipt.id], digits
            )
        Receipt = self.env["retail.sync.finance.receipt"]
        if report:
            totals = {
                (total.kind, total.code): total
                for total in self.env["retail.sync.store.day.total"]
                .sudo()
                .search([("day_id", "=", day.id)])
            }
            for kind, reported, recorded, receipts_of in (
                ("method", report.methods or {}, methods, by_method),
                ("tax", report.taxes or {}, taxes, by_tax),
            ):
                for code in sorted(set(reported) | set(recorded)):
                    gap = ledger.to_minor(reported.get(code, 0), digits) - recorded.get(
                        code, 0
                    )
                    self._record_total(
                        day, kind, code, reported.get(code, 0), digits, totals
                    )
                    if not gap:
                        continue
                    key = f"day:{day.id}:{kind}:{code}"
                    found.append(key)
                    self._raise_difference(
                        key,
                        f"{kind}_difference",
                        day,
                        ledger.to_major(gap, digits),
                        self.env._(
                            "%(what)s %(code)s: the Z report says %(reported)s, Odoo "
                            "recorded %(recorded)s",
                            what=self.env._("Payment method")
                            if kind == "method"
                            else self.env._("Tax"),
                            code=code,
                            reported=reported.get(code, 0),
                            recorded=ledger.to_major(recorded.get(code, 0), digits),
                        ),
                        reference=code,
                        receipts=Receipt.browse(sorted(receipts_of.get(code, ()))),
                        events=report.event_id,
                    )
            if report.receipt_count != len(receipts):
                key = f"day:{day.id}:count"
                found.append(key)
                self._raise_difference(
                    key,
                    "count_difference",
                    day,
                    0.0,
                    self.env._(
                        "The Z report counts %(reported)s receipts, Odoo recorded "
                        "%(recorded)s",
                        reported=report.receipt_count,
                        recorded=len(receipts),
                    ),
                    reference=str(report.receipt_count - len(receipts)),
                    events=report.event_id,
                )
            found += self._check_range(day, report, receipts)
        self._keep_only([("day_id", "=", day.id), ("kind", "in", DAY_KINDS)], found)

    @api.model
    def _record_total(self, day, kind, code, reported, digits, totals=None):
        """The reported amount (and its difference) on the day's total of
        ``kind`` and ``code`` (``totals``: the day's totals by (kind, code),
        when already read)."""
        Total = self.env["retail.sync.store.day.total"].sudo()
        total = (
            totals.get((kind, code))
            if totals is not None
            else Total.search(
                [("day_id", "=", day.id), ("kind", "=", kind), ("code", "=", code)],
                limit=1,
            )
        ) or Total.create({"day_id": day.id, "kind": kind, "code": code})
        total.write(
            {
                "reported_amount": reported,
                "difference": ledger.to_major(
                    ledger.to_minor(reported, digits)
                    - ledger.to_minor(total.recorded_amount, digits),
                    digits,
                ),
            }
        )

    @api.model
    def _check_refund(self, day, receipt, booked, digits):
        """A refund whose original receipt is not recorded, or that pays nothing
        back: money left the store with no payment behind it."""
        if not receipt._refund_unbacked():
            return []
        key = f"receipt:{receipt.id}:refund"
        self._raise_difference(
            key,
            "refund_without_payment",
            day,
            -ledger.to_major(booked["total"] or booked["computed"], digits),
            self.env._(
                "Refund %(receipt)s of receipt %(original)s: %(why)s",
                receipt=receipt.receipt_number,
                original=receipt.original_receipt_number,
                why=self.env._("no payment given back is reported")
                if receipt.summary.get("matched")
                else self.env._("the receipt refunded is not recorded"),
            ),
            reference=receipt.receipt_number,
            receipts=receipt,
        )
        return [key]

    @api.model
    def _check_range(self, day, report, receipts):
        """One exception per receipt number in the report's range that Odoo has
        no receipt for (numbers are a prefix and a zero-padded counter)."""
        first = RECEIPT_NUMBER.match(report.first_receipt_number or "")
        last = RECEIPT_NUMBER.match(report.last_receipt_number or "")
        if not (first and last) or first.group(1) != last.group(1):
            return []
        prefix, width = first.group(1), len(first.group(2))
        low, high = int(first.group(2)), int(last.group(2))
        if high < low or high - low > MAX_RANGE:
            return []
        # Receipts of neighbouring days count too: a receipt may be booked late.
        known = set(receipts.mapped("receipt_number")) | set(
            self.env["retail.sync.finance.receipt"]
            .sudo()
            .search_fetch(
                [
                    ("finance_store_id", "=", day.finance_store_id.id),
                    ("business_date", ">=", day.business_date - timedelta(days=1)),
                    ("business_date", "<=", day.business_date + timedelta(days=1)),
                    ("receipt_number", "=like", f"{prefix}%"),
                ],
                ["receipt_number"],
            )
            .mapped("receipt_number")
        )
        found = []
        for number in range(low, high + 1):
            receipt_number = f"{prefix}{number:0{width}d}"
            if receipt_number in known:
                continue
            key = f"day:{day.id}:missing:{receipt_number}"
            found.append(key)
            self._raise_difference(
                key,
                "missing_receipt",
                day,
                0.0,
                self.env._(
                    "Receipt %(number)s is in the Z report's range %(first)s to "
                    "%(last)s; Odoo has no receipt with that number",
                    number=receipt_number,
                    first=report.first_receipt_number,
                    last=report.last_receipt_number,
                ),
                reference=receipt_number,
                events=report.event_id,
            )
        return found

    # ------------------------------------------------------- payments, payouts
    @api.model
    def _find_orphan_payments(self):
        """Captured payments with neither a web order nor a recorded store
        receipt behind them."""
        payments = (
            self.env["retail.sync.payment"]
            .sudo()
            .search([("state", "=", "captured"), ("sale_order_id", "=", False)])
        )
        Receipt = self.env["retail.sync.finance.receipt"].sudo()
        found = []
        for payment in payments:
            if payment.receipt_ref and Receipt.search_count(
                [
                    ("channel_id", "=", payment.channel_id.id),
                    ("receipt_number", "=", payment.receipt_ref),
                ],
                limit=1,
            ):
                continue
            key = f"payment:{payment.id}:order"
            found.append(key)
            self._raise_difference(
                key,
                "payment_without_order",
                None,
                payment.captured_amount,
                self.env._(
                    "Payment %(payment)s (%(method)s) was captured for %(amount)s "
                    "but no web order or store receipt %(receipt)s is recorded",
                    payment=payment.payment_ref,
                    method=payment.method,
                    amount=payment.captured_amount,
                    receipt=payment.receipt_ref or "",
                ),
                reference=payment.payment_ref,
                events=payment.event_id,
                company=payment.company_id,
                channel=payment.channel_id,
            )
        self._keep_only([("kind", "=", "payment_without_order")], found)

    @api.model
    def _reconcile_payout(self, payout):
        """Every difference between a payout and the captured payments and
        refunds Odoo recorded for the payments it covers."""
        currency = payout.currency_id
        digits = currency.decimal_places
        refs = [p["payment_ref"] for p in payout.payments or []]
        payments = {
            p.payment_ref: p
            for p in self.env["retail.sync.payment"]
            .sudo()
            .search(
                [("channel_id", "=", payout.channel_id.id), ("payment_ref", "in", refs)]
            )
        }
        found = []

        def raise_(suffix, kind, amount, description, reference, events=None):
            key = f"payout:{payout.id}:{suffix}"
            found.append(key)
            self._raise_difference(
                key,
                kind,
                None,
                amount,
                description,
                reference=reference,
                events=(events or self.env["retail.sync.event"]) | payout.event_id,
                payout=payout,
            )

        gross = refunded = 0
        for covered in payout.payments or []:
            reported = ledger.to_minor(covered["amount"], digits)
            payment = payments.get(covered["payment_ref"])
            if not payment or payment.state != "captured":
                raise_(
                    f"unknown:{covered['payment_ref']}",
                    "payout_unknown_payment",
                    covered["amount"],
                    self.env._(
                        "Payout %(payout)s covers payment %(payment)s, which Odoo "
                        "has no capture of",
                        payout=payout.payout_ref,
                        payment=covered["payment_ref"],
                    ),
                    covered["payment_ref"],
                )
                continue
            captured = ledger.to_minor(payment.captured_amount, digits)
            gross += captured
            refunded += ledger.to_minor(payment.refunded_amount, digits)
            if reported != captured:
                raise_(
                    f"amount:{payment.payment_ref}",
                    "payout_payment_amount",
                    ledger.to_major(reported - captured, digits),
                    self.env._(
                        "Payout %(payout)s counts %(reported)s for payment "
                        "%(payment)s, Odoo captured %(captured)s",
                        payout=payout.payout_ref,
                        reported=covered["amount"],
                        payment=payment.payment_ref,
                        captured=payment.captured_amount,
                    ),
                    payment.payment_ref,
                    payment.event_id,
                )
        checks = (
            ("gross", "payout_gross", ledger.to_minor(payout.gross, digits) - gross),
            (
                "refunds",
                "payout_refunds",
                ledger.to_minor(payout.refunds, digits) - refunded,
            ),
            (
                "net",
                "payout_net",
                ledger.to_minor(payout.net, digits)
                - (
                    ledger.to_minor(payout.gross, digits)
                    - ledger.to_minor(payout.fees, digits)
                    - ledger.to_minor(payout.refunds, digits)
                ),
            ),
        )
        for suffix, kind, gap in checks:
            if gap:
                raise_(
                    suffix,
                    kind,
                    ledger.to_major(gap, digits),
                    self.env._(
                        "Payout %(payout)s: %(what)s is off by %(gap)s",
                        payout=payout.payout_ref,
                        what=suffix,
                        gap=ledger.to_major(gap, digits),
                    ),
                    payout.payout_ref,
                )
        self._keep_only([("payout_id", "=", payout.id)], found)

    # --------------------------------------------------------------- resolving
    def _resolve(self, resolution):
        self.write(
            {
                "state": "resolved",
                "resolution": resolution,
                "resolved_at": fields.Datetime.now(),
                "resolved_by_id": self.env.uid,
            }
        )
        # An accepted receipt difference is booked as rounding at the next build.
        self.day_id.filtered(lambda d: d.state != "posted").write({"dirty": True})

    def action_accept(self):
        """Accept the difference as it is: a reason is required."""
        for exception in self:
            if not (exception.resolution_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Write why %s is accepted in Reason first.", exception.name
                    )
                )
        self.filtered(lambda e: e.state == "open")._resolve("accepted")
        return True

    def action_manual_entry(self):
        """A draft journal entry to correct the difference by hand; the
        exception resolves when that entry is posted (Resolve by entry)."""
        self.ensure_one()
        if not self.move_id:
            journal = self.day_id.finance_store_id.journal_id or self.env[
                "account.journal"
            ].search(
                [("type", "=", "general"), ("company_id", "=", self.company_id.id)],
                limit=1,
            )
            self.move_id = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": self.business_date or fields.Date.context_today(self),
                    "ref": self.name,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    def action_resolve_by_entry(self):
        for exception in self:
            if exception.move_id.state != "posted":
                raise UserError(
                    self.env._("Post the manual entry of %s first.", exception.name)
                )
        self.filtered(lambda e: e.state == "open")._resolve("manual")
        return True

    def action_replay(self):
        """Replay the events behind these exceptions that were not applied
        (Retail Sync managers); the next run clears what they supply."""
        events = self.event_ids.filtered(
            lambda e: e.state in ("failed", "dead", "skipped", "blocked")
        )
        if not events:
            raise UserError(
                self.env._(
                    "Every event behind these exceptions is applied: replaying them "
                    "changes nothing. Add the missing event at the store, or "
                    "resolve by a manual entry."
                )
            )
        events._replay(self.env._("Replayed from a reconciliation exception"))
        return True

    def action_open_events(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Events"),
            "res_model": "retail.sync.event",
            "view_mode": "list,form",
            "domain": [("id", "in", self.event_ids.ids)],
        }

    def action_open_receipts(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Receipts"),
            "res_model": "retail.sync.finance.receipt",
            "view_mode": "list,form",
            "domain": [("id", "in", self.receipt_ids.ids)],
        }
