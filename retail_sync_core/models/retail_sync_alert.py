# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models

from ..engine import overview

_logger = logging.getLogger(__name__)

ACTIVITY_TYPE = "retail_sync_core.mail_activity_type_alert"
# An alert closes once its condition has stayed clear this long: a condition flapping
# at its threshold keeps one alert instead of raising a new one each time.
CLEAR_AFTER = timedelta(minutes=3)


class RetailSyncAlert(models.Model):
    """A condition that needs a Retail Sync manager, raised on a channel.

    A cron evaluates every condition of every active channel: at most one alert is
    open per channel and condition (a unique index says so), with one activity for
    its responsible. When the condition has stayed clear for CLEAR_AFTER, the
    activity is marked done with a message in the channel's chatter and the alert is
    closed."""

    _name = "retail.sync.alert"
    _description = "Retail Sync Alert"
    _order = "opened_at desc, id desc"
    _rec_name = "condition"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    condition = fields.Selection(
        [
            ("latency", "Latency target breached"),
            ("silent", "Channel silent"),
            ("dead_letters", "Dead letters waiting"),
            ("circuit_open", "Push endpoint circuit open"),
        ],
        required=True,
    )
    state = fields.Selection(
        [("open", "Open"), ("cleared", "Cleared")],
        required=True,
        default="open",
        index=True,
    )
    detail = fields.Text(help="What was seen when the alert was raised")
    user_id = fields.Many2one("res.users", "Responsible")
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
    opened_at = fields.Datetime(required=True, default=fields.Datetime.now)
    cleared_at = fields.Datetime()
    clear_since = fields.Datetime(
        help="When the condition was last seen clear; the alert closes once it stays "
        "clear for a few minutes."
    )

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS retail_sync_alert_open_unique
                ON retail_sync_alert (channel_id, condition) WHERE state = 'open'
            """
        )

    # ------------------------------------------------------------------ conditions
    @api.model
    def _conditions(self):
        """{condition: method}; each method gets (channel, snapshot) and returns what
        it sees (a text for the alert) or False. Addons add theirs with super() and
        a selection_add on ``condition``."""
        return {
            "latency": self._check_latency,
            "silent": self._check_silent,
            "dead_letters": self._check_dead_letters,
            "circuit_open": self._check_circuit_open,
        }

    @api.model
    def _check_latency(self, channel, snapshot):
        """A domain whose p95 latency over the recent window is above its target."""
        breaches = []
        labels = self.env["retail.sync.domain"]._labels()
        for line in channel.domain_ids:
            figures = snapshot["domains"].get(line.domain)
            p95 = figures.p95() if figures else None
            if p95 is not None and p95 > line.latency_target_ms:
                breaches.append(
                    self.env._(
                        "%(domain)s: p95 %(p95)s over the last %(window)s minutes, "
                        "target %(target)s",
                        domain=labels.get(line.domain, line.domain),
                        p95=overview.format_ms(p95),
                        window=overview.LONG_WINDOW,
                        target=overview.format_ms(line.latency_target_ms),
                    )
                )
        return "\n".join(breaches) or False

    @api.model
    def _check_silent(self, channel, snapshot):
        """Nothing received for longer than the channel's quiet period."""
        seconds = channel._silence_seconds(
            snapshot["last_received_at"], snapshot["now"]
        )
        if not overview.is_silent(seconds, channel.quiet_period_minutes):
            return False
        return self.env._(
            "Nothing received for %(age)s (quiet period %(quiet)s min).",
            age=overview.format_age(seconds),
            quiet=channel.quiet_period_minutes,
        )

    @api.model
    def _check_dead_letters(self, channel, snapshot):
        """Dead events waiting for a manager to replay or skip them."""
        dead = {
            domain: figures.dead
            for domain, figures in snapshot["domains"].items()
            if figures.dead
        }
        if not dead:
            return False
        return self.env._(
            "%(count)s dead letters waiting (%(domains)s).",
            count=sum(dead.values()),
            domains=", ".join(f"{d}: {n}" for d, n in sorted(dead.items())),
        )

    @api.model
    def _check_circuit_open(self, channel, snapshot):
        """The channel's push endpoint failed repeatedly: pushes wait."""
        if channel.circuit_state != "open":
            return False
        return self.env._(
            "The push endpoint failed %(failures)s times in a row; pushes wait and "
            "probe it.",
            failures=channel.circuit_failures,
        )

    # ------------------------------------------------------------------ evaluation
    @api.model
    def _cron_evaluate(self):
        return self._evaluate()

    @api.model
    def _evaluate(self, channels=None, now=None):
        """Raise the alerts whose condition holds, clear those whose condition
        cleared. Returns (raised, cleared) alerts."""
        self = self.sudo()
        now = now or fields.Datetime.now()
        every_channel = channels is None
        if every_channel:
            channels = self.env["retail.sync.channel"].sudo().search([])
        data = self.env["retail.sync.stat"]._overview(channels.ids, now)
        open_domain = [("state", "=", "open")]
        if not every_channel:
            open_domain.append(("channel_id", "in", channels.ids))
        open_alerts = {
            (alert.channel_id.id, alert.condition): alert
            for alert in self.search(open_domain)
        }
        raised, cleared = self.browse(), self.browse()
        for channel in channels:
            snapshot = dict(data[channel.id], now=now)
            for condition, check in self._conditions().items():
                detail = check(channel, snapshot)
                alert = open_alerts.pop((channel.id, condition), None)
                if detail and not alert:
                    raised |= self._raise(channel, condition, detail, now)
                elif alert and detail and alert.clear_since:
                    alert.clear_since = False  # back before it closed: same alert
                elif alert and not detail:
                    if not alert.clear_since:
                        alert.clear_since = now
                    elif now - alert.clear_since >= CLEAR_AFTER:
                        alert._clear(self.env._("the condition cleared"), now)
                        cleared |= alert
        # Alerts of channels archived meanwhile.
        for alert in open_alerts.values():
            alert._clear(self.env._("the channel is archived"), now)
            cleared |= alert
        return raised, cleared

    @api.model
    def _responsible(self, channel):
        """The channel's alert recipient, else the first active Retail Sync manager
        of its company (lowest id: usually the administrator)."""
        if channel.alert_user_id:
            return channel.alert_user_id
        managers = self.env.ref("retail_sync_core.group_manager").users.filtered(
            lambda user: user.active
            and not user.share
            and user.id != SUPERUSER_ID
            and channel.company_id in user.company_ids
        )
        return managers.sorted("id")[:1] or self.env.ref("base.user_admin")

    @api.model
    def _raise(self, channel, condition, detail, now):
        user = self._responsible(channel)
        label = dict(self._fields["condition"]._description_selection(self.env))
        activity = channel.activity_schedule(
            ACTIVITY_TYPE,
            summary=label[condition],
            note=detail,
            user_id=user.id,
        )
        _logger.info("Retail Sync alert on %s: %s", channel.code, label[condition])
        return self.create(
            {
                "channel_id": channel.id,
                "condition": condition,
                "detail": detail,
                "user_id": user.id,
                "activity_id": activity.id,
                "opened_at": now,
            }
        )

    def _clear(self, reason, now):
        """Close these alerts: their activity is marked done with ``reason`` (a
        message in the channel's chatter), or a message is posted when the activity
        is already gone."""
        label = dict(self._fields["condition"]._description_selection(self.env))
        for alert in self:
            feedback = self.env._(
                "Alert cleared (%(alert)s): %(reason)s.",
                alert=label[alert.condition],
                reason=reason,
            )
            if alert.activity_id:
                alert.activity_id.action_feedback(feedback=feedback)
            else:
                alert.channel_id.message_post(body=feedback)
            alert.write({"state": "cleared", "cleared_at": now})
