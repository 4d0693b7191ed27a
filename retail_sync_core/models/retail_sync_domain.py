# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models, tools

SYNC_TIERS = [
    ("realtime", "Real time (seconds)"),
    ("minutes", "Minutes"),
    ("batch", "Hourly / daily batch"),
]
DRAIN_MODES = [
    ("key", "One job per ordering key"),
    ("domain", "Many keys per job"),
]


def domain_selection(model):
    """Selection of the installed domains, for every ``domain`` field: the codes of
    ``retail.sync.domain`` records, so that an addon adds a domain with data."""
    return model.env["retail.sync.domain"]._selection()


class RetailSyncDomain(models.Model):
    """A family of events (stock, orders, system...) and how it is applied: its
    priority, whether its events drain per ordering key or many keys per job, and
    the sync tier and latency target a new channel starts with.

    Shipped as data by the addon that owns the domain; every list of domains in the
    suite (contracts, statistics, channel tiers, queue channels) derives from these
    records."""

    _name = "retail.sync.domain"
    _inherit = ["retail.sync.cached.mixin"]
    _description = "Retail Sync Domain"
    _order = "sequence, code"

    code = fields.Char(
        required=True,
        help="Technical name, used by contracts, statistics and queue channels.",
    )
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    priority = fields.Integer(
        default=10,
        help="queue_job priority of the jobs applying this domain's events: lower "
        "runs first.",
    )
    drain_mode = fields.Selection(
        DRAIN_MODES,
        required=True,
        default="key",
        help="One job per ordering key, or one job for the waiting events of many "
        "keys at once (a spike of store sales costs one stock update for all "
        "registers). Many keys per job needs a batch handler.",
    )
    drain_partitions = fields.Integer(
        "Parallel drains",
        default=1,
        help="For a domain that drains many keys per job: how many of its jobs may "
        "run at once, each over its own share of the keys (a key always drains in "
        "the same one, in order). 0: half the server's HTTP workers, at least one. "
        "Its queue channel's capacity must allow as many.",
    )
    partition_segment = fields.Integer(
        "Share keys by segment",
        default=0,
        help="Which ':'-separated part of the ordering key decides a key's share: 0 "
        "the whole key; 2 the store of stock:<store>:<sku> and "
        "pos:<store>:<register>, so that two drains never move one store's stock "
        "at once.",
    )
    drain_keys_per_job = fields.Integer(
        "Keys per job",
        default=100,
        help="For a domain that drains many keys per job: how many ordering keys "
        "one job takes at most. More keys make fewer, longer transactions: right "
        "for master data with one event per key (a sign-up burst), wrong for a "
        "domain whose pushes must interleave with its drains.",
    )
    drain_events_per_job = fields.Integer(
        "Events per job",
        default=500,
        help="For a domain that drains many keys per job: how many events one job "
        "applies at most, whatever the number of keys.",
    )
    has_sync_tier = fields.Boolean(
        "Sync tier per channel",
        default=True,
        help="Each channel gets a sync tier and latency target for this domain "
        "(Retail Sync > Configuration > Sync tiers).",
    )
    default_tier = fields.Selection(SYNC_TIERS, required=True, default="realtime")
    default_latency_target_ms = fields.Integer(
        "Default latency target (ms)",
        required=True,
        default=2000,
        help="Latency target a new channel starts with for this domain.",
    )

    dependency_timeout_minutes = fields.Integer(
        "Wait for dependencies (minutes)",
        default=60,
        help="How long an event of this domain may wait for another entity (a "
        "refund for its payment, a shipment for its reservation) before it becomes "
        "a dead letter with the reason.",
    )

    _sql_constraints = [
        ("code_unique", "unique(code)", "A domain code is unique."),
    ]

    @api.model
    @tools.ormcache("self.env.lang")
    def _selection(self):
        """[(code, name)] of every domain, active or not (old events keep theirs)."""
        domains = self.sudo().with_context(active_test=False).search([])
        return [(domain.code, domain.name) for domain in domains]

    @api.model
    def _labels(self):
        return dict(self._selection())

    @api.model
    @tools.ormcache()
    def _settings(self):
        """{code: {setting: value}}, read by the drain on every enqueue."""
        domains = self.sudo().with_context(active_test=False).search([])
        return {domain.code: domain._setting_values() for domain in domains}

    def _setting_values(self):
        """What ``_settings`` caches for this domain; addons add theirs."""
        self.ensure_one()
        return {
            "priority": self.priority,
            "drain_mode": self.drain_mode,
            "drain_partitions": self.drain_partitions,
            "partition_segment": self.partition_segment,
            "drain_keys_per_job": self.drain_keys_per_job,
            "drain_events_per_job": self.drain_events_per_job,
            "dependency_timeout_minutes": self.dependency_timeout_minutes,
        }

    @api.model
    def _setting(self, code, name, default=None):
        return self._settings().get(code, {}).get(name, default)

    @api.model
    def _channel_lines(self):
        """Commands creating a new channel's sync tier lines, one per domain."""
        return [
            Command.create(domain._channel_line_values())
            for domain in self.sudo().search([("has_sync_tier", "=", True)])
        ]

    def _channel_line_values(self):
        self.ensure_one()
        return {
            "domain": self.code,
            "tier": self.default_tier,
            "latency_target_ms": self.default_latency_target_ms,
        }

    @api.model_create_multi
    def create(self, vals_list):
        domains = super().create(vals_list)
        domains.filtered("has_sync_tier")._add_to_channels()
        return domains

    def _add_to_channels(self):
        """Existing channels get a line for each new domain (an addon installed
        after they were created)."""
        channels = (
            self.env["retail.sync.channel"]
            .sudo()
            .with_context(active_test=False)
            .search([])
        )
        Line = self.env["retail.sync.channel.domain"].sudo()
        existing = {(line.channel_id.id, line.domain) for line in channels.domain_ids}
        Line.create(
            [
                dict(domain._channel_line_values(), channel_id=channel.id)
                for domain in self
                for channel in channels
                if (channel.id, domain.code) not in existing
            ]
        )
