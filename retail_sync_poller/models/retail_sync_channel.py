# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import sources
from ..engine import watermark as wm


class RetailSyncChannel(models.Model):
    """A channel of kind "polled": a legacy system that cannot publish events,
    whose table (or folder of CSV exports) a poll job reads from a watermark and
    maps to canonical events through the channel's mapping."""

    _inherit = "retail.sync.channel"

    kind = fields.Selection(
        selection_add=[("polled", "Polled legacy source")],
        ondelete={"polled": "set default"},
    )
    poll_enabled = fields.Boolean(
        "Polling",
        default=True,
        help="Poll the source at its interval (a polled channel only)",
    )
    poll_source = fields.Selection(
        [("sql", "SQL database"), ("csv", "Folder of CSV exports")],
        "Source",
        default="sql",
    )
    poll_dsn = fields.Char(
        "DSN",
        copy=False,
        groups="base.group_system",
        help="SQLAlchemy URL of the legacy database, e.g. "
        "postgresql+psycopg2://reader:secret@host/pos, mysql+pymysql://..., "
        "mssql+pyodbc://..., sqlite:////var/pos/pos.db. Kept admin-only; its "
        "password is masked in every message.",
    )
    poll_query = fields.Text(
        "Query",
        help="Reads the rows past the watermark, in watermark order, binding "
        ":watermark, e.g. SELECT * FROM sales WHERE sale_id > :watermark "
        "ORDER BY sale_id",
    )
    poll_head_query = fields.Text(
        "Head query",
        help="Optional: the source's highest watermark (first column) and the rows "
        "past :watermark (second column), for the lag. Empty: computed by wrapping "
        "the query (needs a database that accepts ORDER BY in a subquery; SQL "
        "Server does not)",
    )
    poll_folder = fields.Char("Folder", help="Where the CSV exports are written")
    poll_file_pattern = fields.Char("File pattern", default="*.csv")
    poll_topic = fields.Char(
        "Message kind",
        default="sales",
        help="The native message kind of the rows (the polled table): the mapping "
        "rules recognise it as a webhook topic",
    )
    poll_interval = fields.Integer(
        "Interval (s)", default=5, help="Seconds between polls once caught up"
    )
    poll_watermark_column = fields.Char(
        "Watermark column",
        help="Column rising with every new or changed row: a transaction id or an "
        "updated-at",
    )
    poll_watermark_kind = fields.Selection(
        [(wm.NUMBER, "Number (transaction id)"), (wm.DATETIME, "Date and time")],
        "Watermark type",
        default=wm.NUMBER,
    )
    poll_overlap = fields.Float(
        "Overlap window",
        default=0,
        help="Read again this far behind the watermark (ids, or seconds for a date "
        "and time) so rows committed late are not missed; rows read twice are "
        "absorbed by their event id",
    )
    poll_overlap_seconds = fields.Float(
        "Overlap in time (s)",
        default=0,
        help="For a transaction id: also read again from the watermark the poller "
        "had this many seconds ago (and at its previous poll), so a sale committed "
        "up to that late is read even after a burst of rows (a till flushing what "
        "it kept during an outage) moved the id far past it",
    )
    poll_key_column = fields.Char(
        "Row key column",
        help="The row's own unique id (for dead letters and logs); empty: the "
        "watermark column",
    )
    poll_batch_size = fields.Integer(
        "Rows per poll",
        default=5000,
        help="A full poll is followed at once by the next one",
    )
    poll_alert_failures = fields.Integer(
        "Alert after failures",
        default=3,
        help="Raise the 'Polled source down' alert after this many failed polls in a "
        "row",
    )
    poll_state_id = fields.Many2one(
        "retail.sync.poll.state", compute="_compute_poll_state"
    )
    poll_last_at = fields.Datetime("Last poll", compute="_compute_poll_state")
    poll_last_rows = fields.Integer("Rows read", compute="_compute_poll_state")
    poll_watermark = fields.Char("Watermark", compute="_compute_poll_state")
    poll_lag_display = fields.Char("Lag", compute="_compute_poll_state")
    poll_last_error = fields.Text("Last error", compute="_compute_poll_state")

    def _compute_poll_state(self):
        State = self.env["retail.sync.poll.state"].sudo()
        states = {
            s.channel_id.id: s for s in State.search([("channel_id", "in", self.ids)])
        }
        for channel in self:
            state = states.get(channel.id, State.browse())
            channel.poll_state_id = state
            channel.poll_last_at = state.last_poll_at
            channel.poll_last_rows = state.last_rows
            channel.poll_watermark = state.watermark
            channel.poll_lag_display = state.lag_display
            channel.poll_last_error = state.last_error

    @api.constrains(
        "kind",
        "poll_source",
        "poll_watermark_column",
        "poll_key_column",
        "poll_interval",
        "poll_batch_size",
        "poll_overlap",
        "poll_overlap_seconds",
    )
    def _check_poll(self):
        for channel in self.filtered(lambda c: c.kind == "polled"):
            for name in ("poll_watermark_column", "poll_key_column"):
                value = channel[name]
                if value and not sources.IDENTIFIER.match(value):
                    raise ValidationError(
                        self.env._(
                            "%(field)s: %(value)r is not a column name.",
                            field=channel._fields[name].string,
                            value=value,
                        )
                    )
            if channel.poll_interval < 1 or channel.poll_batch_size < 1:
                raise ValidationError(
                    self.env._("The interval and the rows per poll are at least 1.")
                )
            if channel.poll_overlap < 0 or channel.poll_overlap_seconds < 0:
                raise ValidationError(self.env._("The overlap cannot be negative."))

    def _poll_ready(self):
        """Why this channel cannot be polled, or None."""
        self.ensure_one()
        channel = self.sudo()
        if not channel.active or channel.kind != "polled":
            return "not an active polled channel"
        if not channel.poll_enabled:
            return "polling is off"
        if not channel.mapping_id:
            return "no mapping"
        if not channel.poll_watermark_column:
            return "no watermark column"
        if channel.poll_source == "sql" and not (
            channel.poll_dsn and channel.poll_query
        ):
            return "no DSN or query"
        if channel.poll_source == "csv" and not channel.poll_folder:
            return "no folder"
        return None

    def _poll_source(self):
        """The engine source this channel reads."""
        self.ensure_one()
        channel = self.sudo()
        if channel.poll_source == "csv":
            return sources.CsvSource(
                channel.poll_folder,
                channel.poll_file_pattern,
                channel.poll_watermark_column,
                channel.poll_watermark_kind,
            )
        return sources.SqlSource(
            channel.poll_dsn,
            channel.poll_query,
            channel.poll_watermark_column,
            channel.poll_watermark_kind,
            head_query=channel.poll_head_query or None,
        )

    def _poll_mask(self, text):
        """``text`` without this channel's DSN password."""
        self.ensure_one()
        dsn = self.sudo().poll_dsn
        password = None
        if dsn:
            try:
                from sqlalchemy.engine import make_url

                password = make_url(dsn).password
            except Exception:  # an unparsable DSN: the URL masking still applies
                password = None
        return wm.mask_secret(text, password)

    @api.model_create_multi
    def create(self, vals_list):
        channels = super().create(vals_list)
        channels.filtered(lambda c: c.kind == "polled")._poll_arm()
        return channels

    def write(self, vals):
        result = super().write(vals)
        if {"kind", "active", "poll_enabled"} & set(vals):
            self.filtered(lambda c: c.kind == "polled")._poll_arm()
        return result

    def _poll_arm(self):
        """Make sure each ready channel has its poll state and a poll job."""
        State = self.env["retail.sync.poll.state"].sudo()
        for channel in self:
            if channel._poll_ready():
                continue
            State._for_channel(channel)._arm()

    def action_poll_now(self):
        """Poll at once (in a job: no source is read inside a request)."""
        self._check_manager()
        for channel in self:
            state = self.env["retail.sync.poll.state"].sudo()._for_channel(channel)
            state._arm(now=True)
        return True

    def action_open_poll_state(self):
        self.ensure_one()
        state = self.env["retail.sync.poll.state"].sudo()._for_channel(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": state._name,
            "res_id": state.id,
            "view_mode": "form",
            "target": "current",
        }
