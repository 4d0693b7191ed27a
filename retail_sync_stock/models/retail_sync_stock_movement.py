# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL, float_is_zero, float_round

_logger = logging.getLogger(__name__)

# Movements one settlement run takes (one transaction; the cron goes on at once
# while some are left).
SETTLE_BATCH = 2000


class RetailSyncStockMovement(models.Model):
    """A store stock change applied to on-hand at once, waiting for its stock move.

    Store sales come by the hundred per second in a promotion; Odoo validates a
    stock move in milliseconds, not microseconds. So the real-time tier applies the
    quantities to the quants in one statement per batch and records them here; the
    settlement tier (a cron, every few minutes) builds one validated stock move per
    product, route and description out of everything recorded since, which
    documents and values the stock without moving it a second time."""

    _name = "retail.sync.stock.movement"
    _inherit = ["retail.sync.manager.mixin"]
    _description = "Retail Sync: store stock change waiting for its stock move"
    _order = "id desc"

    event_id = fields.Many2one(
        "retail.sync.event", index=True, ondelete="restrict", readonly=True
    )
    name = fields.Char("Description", required=True, readonly=True)
    reference = fields.Char(readonly=True, help="The receipt or document number")
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    product_id = fields.Many2one(
        "product.product", required=True, ondelete="restrict", readonly=True
    )
    location_id = fields.Many2one(
        "stock.location", "From", required=True, ondelete="restrict", readonly=True
    )
    location_dest_id = fields.Many2one(
        "stock.location", "To", required=True, ondelete="restrict", readonly=True
    )
    quantity = fields.Float(
        digits="Product Unit of Measure", required=True, readonly=True
    )
    state = fields.Selection(
        [
            ("pending", "Waiting for its stock move"),
            ("settled", "Stock move done"),
            ("failed", "Stock move failed"),
        ],
        required=True,
        default="pending",
        readonly=True,
    )
    move_id = fields.Many2one(
        "stock.move", "Stock move", index="btree_not_null", readonly=True
    )
    error_message = fields.Text(
        readonly=True, help="Why Odoo refused the stock move (state failed)"
    )

    def init(self):
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS retail_sync_stock_movement_pending_idx
                ON retail_sync_stock_movement (id) WHERE state = 'pending'
            """
        )

    # ------------------------------------------------------------ real-time tier
    @api.model
    def _apply(self, specs):
        """Move stock on hand now and remember each change for its stock move.

        ``specs``: dicts with event, product, source, destination, quantity, name
        and reference. One quant update per product and location for all of them."""
        rounded = []
        for spec in specs:
            rounding = spec["product"].uom_id.rounding
            quantity = float_round(spec["quantity"], precision_rounding=rounding)
            if not float_is_zero(quantity, precision_rounding=rounding):
                rounded.append(dict(spec, quantity=quantity))
        specs = rounded
        deltas = defaultdict(float)
        for spec in specs:
            deltas[(spec["product"], spec["source"])] -= spec["quantity"]
            deltas[(spec["product"], spec["destination"])] += spec["quantity"]
        self.env["stock.quant"]._apply_quantity_deltas(deltas)
        return self.sudo().create(
            [
                {
                    "event_id": spec["event"].id,
                    "name": spec["name"],
                    "reference": spec.get("reference"),
                    "company_id": (
                        spec["source"].company_id or spec["destination"].company_id
                    ).id,
                    "product_id": spec["product"].id,
                    "location_id": spec["source"].id,
                    "location_dest_id": spec["destination"].id,
                    "quantity": spec["quantity"],
                }
                for spec in specs
            ]
        )

    # ------------------------------------------------------------ settlement tier
    @api.model
    def _settle(self, limit=SETTLE_BATCH):
        """Build and validate the stock moves of up to ``limit`` pending movements;
        return (settled, still pending). Rows another settlement holds are left to
        it (SKIP LOCKED). Taken by store and product, so that one product's
        changes at one store make one move even across runs of the loop."""
        self = self.sudo()
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM retail_sync_stock_movement
                 WHERE state = 'pending'
                 ORDER BY location_id, product_id, id LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                limit,
            )
        )
        rows = self.browse([row[0] for row in self.env.cr.fetchall()])
        if rows:
            self._settle_rows(rows)
            self.flush_model()
        self.env.cr.execute(
            "SELECT count(*) FROM retail_sync_stock_movement WHERE state = 'pending'"
        )
        return len(rows), self.env.cr.fetchone()[0]

    def _settle_rows(self, rows):
        """Validate the moves of ``rows`` at once; if Odoo refuses, group by group,
        so that one refused move (a missing account, say) fails only its rows,
        which then wait in state failed, with the reason, for **Retry**."""
        groups = defaultdict(lambda: self.browse())
        for row in rows:
            key = (row.company_id, row.product_id, row.location_id)
            groups[(*key, row.location_dest_id, row.name)] |= row
        specs = list(groups.items())
        try:
            with self.env.cr.savepoint():
                return self._validate_moves(specs)
        except psycopg2.OperationalError:
            raise  # a lock or serialization conflict: the whole run goes again
        except Exception:  # isolated below, where the error is recorded
            _logger.info("Retail Sync: settling %s moves at once failed", len(specs))
        moves = self.env["stock.move"]
        for spec in specs:
            try:
                with self.env.cr.savepoint():
                    moves |= self._validate_moves([spec])
            except psycopg2.OperationalError:
                raise
            except Exception as exc:  # recorded on the rows, shown in the list
                spec[1].write({"state": "failed", "error_message": str(exc)})
        return moves

    def _validate_moves(self, specs):
        moves = self.env["stock.move"]._retail_sync_done_moves(
            [self._move_spec(key, group) for key, group in specs]
        )
        links = []
        for (_key, group), move in zip(specs, moves, strict=True):
            group.write(
                {"move_id": move.id, "state": "settled", "error_message": False}
            )
            links.extend((event, move) for event in group.event_id if event)
        self.env["retail.sync.event"]._link_many(links)
        return moves

    def action_retry(self):
        """Put failed changes back in the settlement queue."""
        self._check_manager()
        self.filtered(lambda row: row.state == "failed").sudo().write(
            {"state": "pending"}
        )

    @api.model
    def _move_spec(self, key, group):
        """The stock move documenting a group of changes (on hand moved already)."""
        company, product, source, destination, name = key
        references = sorted(set(filter(None, group.mapped("reference"))))
        shown = ", ".join(references[:5]) + (" ..." if len(references) > 5 else "")
        return {
            "product": product,
            "quantity": sum(group.mapped("quantity")),
            "source": source,
            "destination": destination,
            "company": company,
            "name": f"{name}: {shown}" if shown else name,
            "extra": {"retail_sync_quants_applied": True},
        }

    @api.model
    def _cron_settle(self):
        settled, remaining = self._settle()
        self.env["ir.cron"]._notify_progress(done=settled, remaining=remaining)

    @api.model
    def action_settle_now(self):
        """Settle every pending movement now, without waiting for the cron."""
        self._check_manager()
        total = 0
        while True:
            settled, remaining = self._settle()
            total += settled
            if not settled or not remaining:
                break
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%s store stock changes settled.", total),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
