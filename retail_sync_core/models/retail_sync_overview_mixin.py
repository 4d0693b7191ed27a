# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..engine import overview

HEALTH_SELECTION = [
    (overview.OK, "OK"),
    (overview.WARNING, "Warning"),
    (overview.BREACH, "Breach"),
    (overview.DOWN, "Down"),
]
# Kanban colour index of each health (10 green, 2 orange, 1 red, 9 raspberry).
HEALTH_COLORS = {
    overview.OK: 10,
    overview.WARNING: 2,
    overview.BREACH: 1,
    overview.DOWN: 9,
}
LONG_WINDOW_HELP = f"over the last {overview.LONG_WINDOW} minutes"


class RetailSyncOverviewMixin(models.AbstractModel):
    """Overview figures of a channel, or of one domain of a channel: computed when
    read (kanban, list) from the statistics rollup and the inbox's index of waiting
    events, never from a scan of the inbox. Each model fills them in
    ``_compute_overview``."""

    _name = "retail.sync.overview.mixin"
    _description = "Retail Sync Overview Figures"

    queue_depth = fields.Integer(
        "Queue",
        compute="_compute_overview",
        help="Events received and not applied yet (queued, retrying, blocked)",
    )
    retrying_count = fields.Integer(
        "Retrying", compute="_compute_overview", help="Failed events to retry"
    )
    dead_count = fields.Integer("Dead letters", compute="_compute_overview")
    dependency_wait_count = fields.Integer(
        "Waiting for others",
        compute="_compute_overview",
        help="Events waiting for another entity to be applied first (a refund for "
        "its payment, a shipment for its reservation)",
    )
    oldest_pending_seconds = fields.Integer(compute="_compute_overview")
    oldest_pending_age = fields.Char(
        "Oldest waiting",
        compute="_compute_overview",
        help="Age of the oldest event not applied yet",
    )
    events_per_minute_short = fields.Float(
        f"Events/min ({overview.SHORT_WINDOW} min)",
        digits=(16, 1),
        compute="_compute_overview",
    )
    events_per_minute_long = fields.Float(
        f"Events/min ({overview.LONG_WINDOW} min)",
        digits=(16, 1),
        compute="_compute_overview",
    )
    latency_p50_ms = fields.Integer(
        "p50 (ms)",
        compute="_compute_overview",
        help="Median latency from reception to application, " + LONG_WINDOW_HELP,
    )
    latency_p95_ms = fields.Integer(
        "p95 (ms)",
        compute="_compute_overview",
        help="95th percentile latency from reception to application, "
        + LONG_WINDOW_HELP,
    )
    failure_rate = fields.Float(
        "Failures (%)",
        digits=(16, 1),
        compute="_compute_overview",
        help="Failed or dead among the events handled " + LONG_WINDOW_HELP,
    )
    duplicate_rate = fields.Float(
        "Duplicates (%)",
        digits=(16, 1),
        compute="_compute_overview",
        help="Events sent again, among all deliveries " + LONG_WINDOW_HELP,
    )
    last_event_at = fields.Datetime(
        "Last event",
        compute="_compute_overview",
        help="When the channel last sent anything",
    )
    silence_age = fields.Char(
        "Silent for",
        compute="_compute_overview",
        help="Time since the channel last sent anything",
    )
    health = fields.Selection(HEALTH_SELECTION, compute="_compute_overview")
    health_color = fields.Integer(compute="_compute_overview")

    def _compute_overview(self):
        raise NotImplementedError

    def _overview_data(self, channels):
        """(overview data by channel id, now) for ``channels``, in one go."""
        now = fields.Datetime.now()
        ids = [
            channel_id for channel_id in channels._ids if isinstance(channel_id, int)
        ]
        return self.env["retail.sync.stat"]._overview(ids, now), now

    def _overview_values(self, figures, health, last_received_at, now):
        """Field values showing ``figures`` (an overview.Figures) and ``health``."""
        waiting = figures.oldest_pending_seconds(now)
        short_rate, long_rate = figures.events_per_minute()
        silence = (now - last_received_at).total_seconds() if last_received_at else None
        return {
            "queue_depth": figures.queue_depth,
            "retrying_count": figures.retrying,
            "dead_count": figures.dead,
            "dependency_wait_count": figures.dependency_waits,
            "oldest_pending_seconds": int(waiting or 0),
            "oldest_pending_age": overview.format_age(waiting),
            "events_per_minute_short": short_rate,
            "events_per_minute_long": long_rate,
            "latency_p50_ms": figures.p50() or 0,
            "latency_p95_ms": figures.p95() or 0,
            "failure_rate": figures.failure_rate(),
            "duplicate_rate": figures.duplicate_rate(),
            "last_event_at": last_received_at,
            "silence_age": overview.format_age(silence) or self.env._("never"),
            "health": health,
            "health_color": HEALTH_COLORS[health],
        }
