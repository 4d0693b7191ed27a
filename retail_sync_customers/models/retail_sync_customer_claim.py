# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class RetailSyncCustomerClaim(models.Model):
    """An email or phone a customer was created with, unique per company: what
    makes two concurrent creations of one customer (a web order and its sign-up,
    drained by different jobs) end as one.

    Odoo transactions are repeatable read: an insert that meets a claim committed
    after this transaction's snapshot raises a serialization failure, which the
    drain retries in a fresh transaction; the retry sees the other customer and
    matches it instead of creating a duplicate."""

    _name = "retail.sync.customer.claim"
    _description = "Retail Sync Customer Claim"
    _log_access = False

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    key = fields.Char(required=True, help="email:<address> or phone:<E.164>")
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")

    _sql_constraints = [
        ("company_key_unique", "unique(company_id, key)", "Already claimed."),
    ]

    @api.model
    def _claim(self, rows):
        """Claim (company id, key, partner id) rows; a key claimed already stays
        with its first customer."""
        if not rows:
            return
        # In key order: two drains claiming the same keys take their index
        # entries in the same order, so they never wait on each other in a cycle.
        rows = sorted(rows, key=lambda row: (row[0], row[1]))
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_customer_claim (company_id, key, partner_id)
                SELECT * FROM unnest(%s::int[], %s::varchar[], %s::int[])
                ON CONFLICT (company_id, key) DO NOTHING
                """,
                [row[0] for row in rows],
                [row[1] for row in rows],
                [row[2] for row in rows],
            )
        )
