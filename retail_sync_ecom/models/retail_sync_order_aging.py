# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Order aging: storefront orders (and, from retail_sync_payments, payments and
refunds) stuck in a step for longer than their channel's target.

Every condition is registered in ``retail.sync.channel._aging_conditions()``: a code,
a label, the model of its records, the alert it feeds, its channel target, and a SQL
query of its late records as of a given time. The same queries count late records
for the cockpit and the alerts, and (for orders) make up the Order aging report, a
SQL view. Each query starts from an indexed, small set (the open deliveries, the
waiting events), never from every order."""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.retail_sync_core.engine import overview

from .retail_sync_channel import LATE_ORDERS_ALERT


class RetailSyncAlert(models.Model):
    _inherit = "retail.sync.alert"

    condition = fields.Selection(
        selection_add=[(LATE_ORDERS_ALERT, "Orders late beyond their targets")],
        ondelete={LATE_ORDERS_ALERT: "cascade"},
    )

    @api.model
    def _conditions(self):
        conditions = super()._conditions()
        conditions[LATE_ORDERS_ALERT] = self._check_late_orders
        return conditions

    @api.model
    def _check_late_orders(self, channel, snapshot):
        """Storefront orders beyond one of the channel's aging targets."""
        return self.env["retail.sync.channel"]._aging_alert_detail(
            channel, snapshot["now"], LATE_ORDERS_ALERT
        )


class RetailSyncOrderAging(models.Model):
    """The web orders late on an aging condition, now: one row per order and
    condition, with when the order entered the step and the channel's target."""

    _name = "retail.sync.order.aging"
    _description = "Retail Sync Order Aging"
    _auto = False
    _order = "since"
    _rec_name = "order_id"

    channel_id = fields.Many2one("retail.sync.channel", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    order_ref = fields.Char("Storefront reference", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    amount_total = fields.Monetary("Total", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    condition = fields.Selection("_condition_selection", readonly=True)
    since = fields.Datetime(
        readonly=True, help="When the order entered the step it is late in"
    )
    age_hours = fields.Float("Age (h)", digits=(16, 1), readonly=True)
    target_hours = fields.Float(
        "Target (h)", digits=(16, 2), readonly=True, help="The channel's target"
    )
    age = fields.Char(compute="_compute_age")

    @api.model
    def _condition_selection(self):
        return [
            (condition["code"], condition["label"])
            for condition in self.env["retail.sync.channel"]._aging_conditions()
            if condition["model"] == "sale.order"
        ]

    def _compute_age(self):
        for row in self:
            row.age = overview.format_age(row.age_hours * 3600)

    def init(self):
        conditions = [
            condition
            for condition in self.env["retail.sync.channel"]._aging_conditions()
            if condition["model"] == "sale.order"
        ]
        now = SQL("(now() AT TIME ZONE 'UTC')")
        # A stable id per order and condition: the order id, then the condition's
        # rank in the registry.
        late = SQL(" UNION ALL ").join(
            SQL(
                "SELECT %s AS rank, %s AS condition, q.* FROM (%s) q",
                rank,
                condition["code"],
                condition["query"](now),
            )
            for rank, condition in enumerate(conditions)
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS (
                    SELECT late.res_id * %(width)s + late.rank AS id,
                           late.channel_id, o.company_id, late.res_id AS order_id,
                           o.retail_sync_order_ref AS order_ref, o.partner_id,
                           o.amount_total, o.currency_id, late.condition,
                           late.since,
                           EXTRACT(EPOCH FROM %(now)s - late.since) / 3600.0
                               AS age_hours,
                           late.target_minutes / 60.0 AS target_hours
                      FROM (%(late)s) late
                      JOIN sale_order o ON o.id = late.res_id
                )
                """,
                table=SQL.identifier(self._table),
                width=max(len(conditions), 1),
                now=now,
                late=late,
            )
        )
