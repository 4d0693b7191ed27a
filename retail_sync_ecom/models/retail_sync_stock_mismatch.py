# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from odoo.addons.retail_sync_core.engine import locks, stock_check

# Products whose figures one available-to-sell computation takes.
COMPARE_BATCH = 1000


class RetailSyncStockMismatch(models.Model):
    """A product whose figure a channel last acknowledged differs from Odoo's
    current available-to-sell figure, as found by the scheduled comparison.

    One unresolved row per channel and product; it resolves itself when a later
    comparison finds both figures equal."""

    _name = "retail.sync.stock.mismatch"
    _description = "Retail Sync Stock Mismatch"
    _inherit = ["mail.thread", "retail.sync.manager.mixin"]
    _order = "detected_at desc, id desc"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="channel_id.company_id", store=True, index=True
    )
    product_id = fields.Many2one(
        "product.product", required=True, index=True, ondelete="cascade"
    )
    sku = fields.Char("SKU")
    kind = fields.Selection(
        [
            (stock_check.DIFFERENT, "Different figure"),
            (stock_check.NEVER_ACKNOWLEDGED, "Never acknowledged"),
        ],
        required=True,
    )
    acknowledged_available = fields.Float(
        "Channel's figure", help="The last figure the channel acknowledged (2xx)"
    )
    acknowledged_version = fields.Integer("Version")
    acknowledged_at = fields.Datetime()
    delivery_id = fields.Many2one(
        "retail.sync.delivery",
        "Acknowledged push",
        ondelete="set null",
        help="The push that carried the channel's figure",
    )
    odoo_available = fields.Float(
        "Odoo's figure", help="Available to sell in Odoo at the last comparison"
    )
    difference = fields.Float(
        compute="_compute_difference",
        store=True,
        help="Odoo's figure minus the channel's",
    )
    state = fields.Selection(
        [
            (stock_check.OPEN, "Open"),
            (stock_check.IN_FLIGHT, "Push on its way"),
            (stock_check.CORRECTED, "Corrective push queued"),
            (stock_check.RESOLVED, "Resolved"),
        ],
        required=True,
        default=stock_check.OPEN,
        index=True,
        tracking=True,
    )
    detected_at = fields.Datetime(required=True, default=fields.Datetime.now)
    corrected_at = fields.Datetime(readonly=True)
    corrected_by_id = fields.Many2one("res.users", "Corrected by", readonly=True)
    resolved_at = fields.Datetime(readonly=True)

    @api.depends("odoo_available", "acknowledged_available")
    def _compute_difference(self):
        for mismatch in self:
            mismatch.difference = (
                mismatch.odoo_available - mismatch.acknowledged_available
            )

    @api.depends("channel_id.code", "sku")
    def _compute_display_name(self):
        for mismatch in self:
            mismatch.display_name = f"{mismatch.channel_id.code} / {mismatch.sku}"

    def init(self):
        # A rerun updates the unresolved row of a product, never adds a second one.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS retail_sync_stock_mismatch_unresolved_uniq
                ON retail_sync_stock_mismatch (channel_id, product_id)
             WHERE state != 'resolved'
            """
        )

    # ------------------------------------------------------------ comparison
    @api.model
    def _cron_check_stock(self):
        return self._check_stock()

    def action_check_now(self):
        """Compare now the channels of the user's companies (any Retail Sync user:
        it only reads stock and lists)."""
        Channel = self.env["retail.sync.channel"]
        channels = Channel.search(Channel._push_channel_domain())
        counts = self.sudo()._check_stock(channels.sudo())
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Stock compared"),
                "message": self.env._(
                    "%(open)s open, %(in_flight)s in flight, %(resolved)s resolved.",
                    open=counts[stock_check.OPEN],
                    in_flight=counts[stock_check.IN_FLIGHT],
                    resolved=counts[stock_check.RESOLVED],
                ),
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _check_stock(self, channels=None):
        """Compare every push-enabled channel (or ``channels``); return a Counter
        of the states rows were left in by this run."""
        if channels is None:
            Channel = self.env["retail.sync.channel"].sudo()
            channels = Channel.search(Channel._push_channel_domain())
        counts = Counter()
        for channel in channels.filtered(lambda c: c._ats_pushes_ready()):
            # One comparison of a channel at a time (the cron and a button).
            if self.env["retail.sync.lock"]._try(locks.STOCK_CHECK, channel.id):
                counts.update(self._compare_channel(channel))
        return counts

    @api.model
    def _compare_channel(self, channel):
        """Compare one channel's acknowledged figures with Odoo's, product by
        product, through the push-out's own available-to-sell computation."""
        cr = self.env.cr
        acks = channel._ats_acknowledged()
        cr.execute(channel._stocked_products_query())
        stocked = {row[0] for row in cr.fetchall()}
        in_flight = channel._ats_in_flight()
        unresolved = {
            row.product_id.id: row
            for row in self.search(
                [
                    ("channel_id", "=", channel.id),
                    ("state", "!=", stock_check.RESOLVED),
                ]
            )
        }
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        counts, new_rows = Counter(), []
        product_ids = sorted(stocked | set(acks) | set(unresolved))
        for chunk in split_every(COMPARE_BATCH, product_ids):
            products = self.env["product.product"].browse(chunk).exists()
            figures = channel._available_to_sell(products)
            for product in products:
                ack = acks.get(product.id)
                figure = figures[product.id]
                finding = stock_check.compare(
                    ack and ack[0], figure["available"], product.id in stocked, digits
                )
                if (
                    finding == stock_check.AGREE
                    and ack
                    and ack[4] is not None
                    and not stock_check.same_detail(
                        ack[4], figure.get("locations") or {}, digits
                    )
                ):
                    # Equal totals, different figures per location.
                    finding = stock_check.DIFFERENT
                row = unresolved.get(product.id)
                state = stock_check.next_state(
                    row.state if row else None, finding, product.id in in_flight
                )
                if state is None:
                    continue
                counts[state] += 1
                values = self._comparison_values(state, finding, ack, figure)
                if row:
                    row._apply_comparison(values)
                else:
                    new_rows.append(
                        dict(values, channel_id=channel.id, product_id=product.id)
                    )
        created = self.with_context(
            mail_create_nosubscribe=True, mail_create_nolog=True
        ).create(new_rows)
        if channel._ats_repairs_drift():
            # The platform's own figure was read: correct what differs at once.
            opened = (
                created | self.browse([row.id for row in unresolved.values()]).exists()
            )
            opened.filtered(lambda m: m.state == stock_check.OPEN)._push_correction()
        return counts

    @api.model
    def _comparison_values(self, state, finding, ack, figure):
        values = {
            "state": state,
            "sku": figure["sku"],
            "odoo_available": figure["available"],
            "acknowledged_available": ack[0] if ack else 0.0,
            "acknowledged_version": ack[1] if ack else 0,
            "acknowledged_at": ack[2] if ack else False,
            "delivery_id": ack[3] if ack else False,
        }
        if finding != stock_check.AGREE:
            values["kind"] = finding
        if state == stock_check.RESOLVED:
            values["resolved_at"] = fields.Datetime.now()
        return values

    def _apply_comparison(self, values):
        """Write a comparison's values when they change something (a rerun that
        finds the same difference writes nothing)."""
        self.ensure_one()
        if (
            self.state != values["state"]
            or self.acknowledged_version != values["acknowledged_version"]
            or self.odoo_available != values["odoo_available"]
        ):
            self.write(values)

    # ------------------------------------------------------------ correction
    def action_push_correction(self):
        self._check_manager()
        self._push_correction()
        return True

    def _push_correction(self):
        """Queue a fresh push of Odoo's current figure through the normal push-out
        (the channel's push job computes it), and mark the rows corrected."""
        rows = self.sudo().filtered(lambda m: m.state != stock_check.RESOLVED)
        not_ready = rows.channel_id.filtered(lambda c: not c._ats_pushes_ready())
        if not_ready:
            raise UserError(
                self.env._(
                    "Pushes to %s are not set up or are disabled: enable them on "
                    "the channel first.",
                    ", ".join(not_ready.mapped("code")),
                )
            )
        self.env["retail.sync.push.pending"].sudo()._queue(
            {(row.channel_id.id, row.product_id.id) for row in rows}
        )
        rows.write(
            {
                "state": stock_check.CORRECTED,
                "corrected_at": fields.Datetime.now(),
                "corrected_by_id": self.env.uid,
            }
        )
        for row in rows:
            row.message_post(
                body=self.env._(
                    "Corrective push queued: %(channel)s gets Odoo's current figure "
                    "for %(sku)s (Odoo had %(odoo)s, the channel had acknowledged "
                    "%(acknowledged)s).",
                    channel=row.channel_id.code,
                    sku=row.sku,
                    odoo=row.odoo_available,
                    acknowledged=row.acknowledged_available
                    if row.kind == stock_check.DIFFERENT
                    else self.env._("nothing"),
                )
            )
        return rows
