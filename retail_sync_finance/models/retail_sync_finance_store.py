# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get


def _split(text):
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class RetailSyncFinanceStore(models.Model):
    """How one store's receipts reach the books: its business day (time zone and
    cut-off), the journal of its day entries and the accounts of what is not
    revenue or tax (discounts, rounding, gift cards, differences)."""

    _name = "retail.sync.finance.store"
    _description = "Retail Sync Store Finance Settings"
    _order = "channel_id, store_code"
    _rec_name = "store_code"
    _check_company_auto = True

    binding_id = fields.Many2one(
        "retail.sync.binding",
        "Store binding",
        required=True,
        ondelete="cascade",
        domain="[('kind', '=', 'store')]",
        help="The store (channel and store code) whose receipts this books",
    )
    channel_id = fields.Many2one(
        related="binding_id.channel_id", store=True, index=True, readonly=True
    )
    store_code = fields.Char(
        related="binding_id.external_ref", store=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="binding_id.channel_id.company_id", store=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)
    tz = fields.Selection(
        _tz_get,
        "Time zone",
        required=True,
        default=lambda self: self.env.user.tz or "UTC",
        help="The store's time zone: a receipt's business day is its local date",
    )
    cutoff_hour = fields.Float(
        "Day ends at",
        default=0.0,
        help="Local time the business day ends (04:00 for a store open past "
        "midnight: a receipt at 01:30 belongs to the day before). 0: midnight.",
    )
    close_grace_hours = fields.Float(
        "Close after (h)",
        default=2.0,
        help="Hours after the cut-off before the hourly run builds the day's final "
        "entry (late receipts of the tills still count)",
    )
    auto_post = fields.Boolean(
        "Post final entries",
        help="The hourly run posts a day's final entry itself. Off: an accountant "
        "closes each day with Close day.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        "Day journal",
        required=True,
        check_company=True,
        domain="[('type', 'in', ('sale', 'general'))]",
        help="Journal of the store's day entries",
    )
    revenue_account_id = fields.Many2one(
        "account.account",
        "Revenue account",
        required=True,
        check_company=True,
        help="Revenue of the store's sales (a tax mapping may name another)",
    )
    discount_account_id = fields.Many2one(
        "account.account",
        "Discount account",
        check_company=True,
        help="Discounts given, untaxed, debited apart from revenue. Empty: revenue "
        "is booked net of discounts.",
    )
    rounding_account_id = fields.Many2one(
        "account.account",
        "Rounding account",
        required=True,
        check_company=True,
        help="Cash rounding: what a receipt's payments differ from its lines and "
        "taxes within the tolerance, and accepted differences",
    )
    difference_account_id = fields.Many2one(
        "account.account",
        "Differences account",
        required=True,
        check_company=True,
        help="Where a receipt's difference beyond the tolerance is parked (a "
        "suspense account) while its reconciliation exception is open",
    )
    gift_card_account_id = fields.Many2one(
        "account.account",
        "Gift card liability",
        check_company=True,
        help="Liability credited when a gift card is sold and debited when one " "pays",
    )
    gift_card_refs = fields.Char(
        "Gift card SKUs",
        help="Comma-separated SKUs or barcodes of the lines that sell gift cards",
    )
    gift_card_methods = fields.Char(
        "Gift card methods",
        default="giftcard",
        help="Comma-separated payment method codes of gift card redemptions",
    )
    total_tolerance = fields.Monetary(
        "Rounding tolerance",
        default=0.05,
        help="Largest gap between a receipt's payments and its lines and taxes "
        "that is rounding; beyond it the receipt is a reconciliation exception",
    )
    accountant_id = fields.Many2one(
        "res.users",
        "Owner of exceptions",
        help="Who the store's reconciliation exceptions are assigned to",
    )
    day_ids = fields.One2many("retail.sync.store.day", "finance_store_id", "Days")

    _sql_constraints = [
        (
            "binding_unique",
            "unique(binding_id)",
            "A store has one set of finance settings.",
        ),
        (
            "cutoff_range",
            "CHECK(cutoff_hour >= 0 AND cutoff_hour < 24)",
            "The day ends between 00:00 and 23:59.",
        ),
    ]

    @api.constrains("gift_card_refs", "gift_card_account_id")
    def _check_gift_card_account(self):
        for store in self:
            if store.gift_card_refs and not store.gift_card_account_id:
                raise ValidationError(
                    self.env._(
                        "Store %s sells gift cards: set its gift card liability "
                        "account.",
                        store.store_code,
                    )
                )

    def _compute_display_name(self):
        for store in self:
            store.display_name = f"{store.channel_id.code} / {store.store_code}"

    # ---------------------------------------------------------------- settings
    def _gift_card_refs(self):
        return _split(self.gift_card_refs)

    def _gift_card_methods(self):
        return _split(self.gift_card_methods)

    def _digits(self):
        return self.currency_id.decimal_places

    def _tolerance_minor(self):
        return round(self.total_tolerance * 10 ** self._digits())

    def _book_settings(self):
        """(gift card methods, tolerance in minor units, discounts apart) that
        ledger.book takes for this store's receipts."""
        self.ensure_one()
        return (
            self._gift_card_methods(),
            self._tolerance_minor(),
            bool(self.discount_account_id),
        )

    # ------------------------------------------------------------ business day
    def _business_date(self, moment):
        """The business day of a UTC ``moment`` (naive, as Odoo stores it)."""
        local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(self.tz))
        return (local - timedelta(hours=self.cutoff_hour)).date()

    def _day_end(self, business_date):
        """The UTC moment (naive) the business day ``business_date`` ends."""
        local = datetime.combine(
            business_date + timedelta(days=1), time(), tzinfo=ZoneInfo(self.tz)
        ) + timedelta(hours=self.cutoff_hour)
        return local.astimezone(UTC).replace(tzinfo=None)

    @api.model
    def _of_stores(self, channel, store_codes):
        """{store code: finance settings} of a channel's stores that have some."""
        stores = self._of_channel_stores({channel.id: store_codes})
        return {code: store for (_channel_id, code), store in stores.items()}

    @api.model
    def _of_channel_stores(self, codes_by_channel):
        """{(channel id, store code): finance settings} of the stores of many
        channels ({channel id: store codes}) that have some, in one query."""
        stores = self.search(
            [
                ("channel_id", "in", list(codes_by_channel)),
                ("store_code", "in", list(set().union(*codes_by_channel.values()))),
            ]
        )
        return {
            (store.channel_id.id, store.store_code): store
            for store in stores
            if store.store_code in codes_by_channel[store.channel_id.id]
        }
